use std::process::ExitCode;
use std::sync::Arc;

use domain::clock::SystemClock;
use server::config::Config;
use server::startup::Application;

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
