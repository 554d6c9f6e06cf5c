use std::process::ExitCode;
use std::sync::Arc;

use domain::clock::SystemClock;
use server::config::Config;
use server::startup::Application;

/// jemalloc rather than glibc's malloc: rendering a portal page makes some 3,000 small
/// allocations, freed on whichever runtime thread finishes the response, and glibc's malloc
/// and free (its arena locks, fastbin consolidation) took about a third of the CPU a page
/// costs; with jemalloc a page costs a quarter less CPU, for about 1.5 MB more memory at rest
/// (docs/performance.md). Only Rust's allocations: SQLite and OpenSSL keep the C library's.
/// Operators can tune it with `_RJEM_MALLOC_CONF` (jemalloc's options, prefixed).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // The container image's health check: `server healthcheck`.
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return server::probe::run();
    }
    server::telemetry::init();
    let result = async {
        let config = Config::from_env()?;
        Application::build(&config, Arc::new(SystemClock))
            .await?
            .run_until_stopped()
            .await
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("connection-manager: {error}");
            ExitCode::FAILURE
        }
    }
}
