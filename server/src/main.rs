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

/// jemalloc's options, read at its first allocation (`_RJEM_MALLOC_CONF` still overrides
/// them), each measured in docs/performance.md:
/// - `percpu_arena`: one arena per CPU, used by whichever thread runs there, instead of four
///   per CPU handed to threads in turn. The server's threads (the runtime's, SQLite's,
///   start-up's) each held pages of an arena of their own: an idle server's heap is 0.3 MB
///   smaller (3.5 → 3.15 MB), pages per second and the memory after the load the same.
/// - `tcache_gc_incr_bytes`: a thread's cache of freed blocks is swept after each MB allocated
///   and freed rather than each 64 KB. A portal page swept some fifty size classes, handing
///   back to the arena blocks that the next page took again: 4 % of a page's instructions
///   (callgrind); now under one sweep per page. A thread that stops allocating is not swept
///   either way.
#[export_name = "_rjem_malloc_conf"]
static JEMALLOC_OPTIONS: Option<&std::ffi::c_char> =
    // SAFETY: a pointer to the first byte of a static, NUL-terminated string.
    Some(unsafe { &*c"percpu_arena:percpu,tcache_gc_incr_bytes:1048576".as_ptr() });

fn main() -> ExitCode {
    // While its queue stays busy, a runtime thread looks for I/O events (an `epoll_wait`)
    // every `event_interval` tasks it has run: 200 rather than tokio's 61. Under load that is
    // fewer system calls for the same events (a page's tasks wait on little I/O): 4-7 % more
    // portal pages per second at 16 connections, the JSON lists the same (docs/performance.md).
    // An idle thread waits on I/O as before, so a quiet server answers as fast.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .event_interval(200)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("connection-manager: the async runtime could not start: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
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
