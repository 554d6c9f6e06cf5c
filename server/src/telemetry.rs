//! Logging: `RUST_LOG` filters (default: info, with sqlx quieter). `LOG_FORMAT=json` writes one
//! JSON object per line (with the fields of the request's span, its `request_id` among them);
//! otherwise text, coloured only on a terminal.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// `LOG_FORMAT`: `json` or `text` (the default); anything else is text, and `Err` says so.
    pub fn from_setting(value: Option<&str>) -> Result<LogFormat, String> {
        match value.map(str::trim) {
            None | Some("") => Ok(LogFormat::Text),
            Some(v) if v.eq_ignore_ascii_case("text") => Ok(LogFormat::Text),
            Some(v) if v.eq_ignore_ascii_case("json") => Ok(LogFormat::Json),
            Some(other) => Err(format!(
                "LOG_FORMAT='{other}' is neither 'text' nor 'json'; writing text"
            )),
        }
    }
}

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let setting = std::env::var("LOG_FORMAT").ok();
    let (format, problem) = match LogFormat::from_setting(setting.as_deref()) {
        Ok(format) => (format, None),
        Err(problem) => (LogFormat::Text, Some(problem)),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stdout().is_terminal())
            .try_init(),
    };
    if let Some(problem) = problem {
        tracing::warn!("{problem}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_format_is_text_unless_json_is_asked_for() {
        assert_eq!(LogFormat::from_setting(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::from_setting(Some("JSON")), Ok(LogFormat::Json));
        assert_eq!(LogFormat::from_setting(Some(" text ")), Ok(LogFormat::Text));
        assert!(LogFormat::from_setting(Some("yaml"))
            .unwrap_err()
            .contains("yaml"));
    }
}
