//! Configuration from environment variables: MCM's names and defaults (reference doc, section 9)
//! where they still make sense, plus `DATABASE_URL`, `HOST` and `LEPTOS_SITE_ROOT`.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A value that must never reach a log. `Debug` and `Display` print a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseChoice {
    /// `DATABASE_URL` was given.
    Url,
    /// Built from `DATABASE_HOST`, `DATABASE_PORT`, `DATABASE_USER`, ... (MCM's variables).
    MySqlVariables,
    /// Nothing was set: the embedded SQLite file.
    DefaultSqlite,
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// Holds the password, hence secret; log [`DatabaseConfig::redacted_url`] instead.
    pub url: Secret,
    pub choice: DatabaseChoice,
    pub pool_size: u32,
    pub attempts: u32,
    pub retry_wait: Duration,
    pub run_migrations: bool,
}

impl DatabaseConfig {
    /// The URL with its password replaced, for logs and the start-up summary.
    pub fn redacted_url(&self) -> String {
        redact_url(self.url.expose())
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub database: DatabaseConfig,
    pub auth_enabled: bool,
    /// Encrypts CA private keys at rest.
    pub p12_pass_phrase: Option<Secret>,
    /// `None`: the currency list shipped with the server.
    pub currency_codes: Option<PathBuf>,
    /// `None`: the sample configuration shipped with the server (EUR, XOF, MAD).
    pub data_configuration_file: Option<PathBuf>,
    /// Where the built portal assets (`pkg/`, favicon) are served from.
    pub site_root: PathBuf,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

pub const DEFAULT_SQLITE_URL: &str = "sqlite://data/connection-manager.db";

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the process env.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let host = match var("HOST") {
            None => IpAddr::from([127, 0, 0, 1]),
            Some(h) => h.trim().parse().map_err(|_| ConfigError {
                variable: "HOST",
                message: format!(
                    "'{h}' is not an IP address (use 0.0.0.0 to listen on every interface)"
                ),
            })?,
        };
        let port = parse_number::<u16>(&var, "PORT", 3001)?;
        let pool_size = parse_number::<u32>(&var, "DATABASE_POOL_SIZE", 10)?.max(1);
        let attempts = parse_number::<u32>(&var, "DB_RETRIES", 10)?;
        let retry_wait = Duration::from_millis(parse_number::<u64>(
            &var,
            "DB_CONNECTION_RETRY_WAIT_MILLISECONDS",
            5000,
        )?);
        let run_migrations = parse_bool(&var, "RUN_MIGRATIONS", true)?;
        let auth_enabled = parse_bool(&var, "AUTH_ENABLED", false)?;

        const MYSQL_VARIABLES: [&str; 5] = [
            "DATABASE_HOST",
            "DATABASE_PORT",
            "DATABASE_USER",
            "DATABASE_PASSWORD",
            "DATABASE_SCHEMA",
        ];
        let (url, choice) = if let Some(url) = var("DATABASE_URL") {
            domain::db::Backend::from_url(&url).map_err(|e| ConfigError {
                variable: "DATABASE_URL",
                message: e.to_string(),
            })?;
            (url, DatabaseChoice::Url)
        } else if MYSQL_VARIABLES.iter().any(|v| lookup(v).is_some()) {
            // DATABASE_PASSWORD may be deliberately empty, so it is read unfiltered.
            let password = lookup("DATABASE_PASSWORD").unwrap_or_else(|| "mcm".into());
            let url = mysql_url(
                &var("DATABASE_HOST").unwrap_or_else(|| "localhost".into()),
                parse_number::<u16>(&var, "DATABASE_PORT", 3306)?,
                &var("DATABASE_USER").unwrap_or_else(|| "mcm".into()),
                &password,
                &var("DATABASE_SCHEMA").unwrap_or_else(|| "mcm".into()),
            );
            (url, DatabaseChoice::MySqlVariables)
        } else {
            (DEFAULT_SQLITE_URL.to_owned(), DatabaseChoice::DefaultSqlite)
        };

        Ok(Config {
            host,
            port,
            database: DatabaseConfig {
                url: Secret::new(url),
                choice,
                pool_size,
                attempts,
                retry_wait,
                run_migrations,
            },
            auth_enabled,
            p12_pass_phrase: lookup("P12_PASS_PHRASE")
                .filter(|v| !v.is_empty())
                .map(Secret::new),
            currency_codes: var("CURRENCY_CODES").map(PathBuf::from),
            data_configuration_file: var("DATA_CONFIGURATION_FILE").map(PathBuf::from),
            site_root: PathBuf::from(
                var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            ),
        })
    }

    /// Every setting as `(name, value)` with secrets redacted, for the start-up log.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let path_or_builtin = |p: &Option<PathBuf>| {
            p.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(built in)".into())
        };
        vec![
            ("listen", format!("{}:{}", self.host, self.port)),
            ("database", self.database.redacted_url()),
            ("database source", format!("{:?}", self.database.choice)),
            ("database pool size", self.database.pool_size.to_string()),
            (
                "database connection",
                format!(
                    "{} attempt(s), {} ms apart",
                    self.database.attempts.max(1),
                    self.database.retry_wait.as_millis()
                ),
            ),
            ("run migrations", self.database.run_migrations.to_string()),
            ("auth enabled", self.auth_enabled.to_string()),
            (
                "P12 pass phrase",
                if self.p12_pass_phrase.is_some() {
                    "set (redacted)"
                } else {
                    "not set"
                }
                .into(),
            ),
            ("currency codes", path_or_builtin(&self.currency_codes)),
            (
                "data configuration",
                path_or_builtin(&self.data_configuration_file),
            ),
            ("site root", self.site_root.display().to_string()),
        ]
    }
}

fn parse_number<T: std::str::FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match var(variable) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|_| ConfigError {
            variable,
            message: format!("'{raw}' is not a valid number here"),
        }),
    }
}

fn parse_bool(
    var: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match var(variable) {
        None => Ok(default),
        Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            // MCM documents DISABLED for AUTH_ENABLED.
            "false" | "0" | "no" | "off" | "disabled" => Ok(false),
            _ => Err(ConfigError {
                variable,
                message: format!("'{raw}' is neither true nor false"),
            }),
        },
    }
}

fn mysql_url(host: &str, port: u16, user: &str, password: &str, schema: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    // Everything but RFC 3986's unreserved characters.
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let enc = |s: &str| utf8_percent_encode(s, COMPONENT).to_string();
    let credentials = if password.is_empty() {
        enc(user)
    } else {
        format!("{}:{}", enc(user), enc(password))
    };
    format!("mysql://{credentials}@{host}:{port}/{}", enc(schema))
}

/// Replaces the password of a `scheme://user:password@host/...` URL.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            let hidden = if credentials.contains(':') {
                ":[redacted]"
            } else {
                ""
            };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn nothing_set_means_sqlite_on_3001() {
        let c = config(&[]).unwrap();
        assert_eq!(c.port, 3001);
        assert_eq!(c.database.url.expose(), DEFAULT_SQLITE_URL);
        assert_eq!(c.database.choice, DatabaseChoice::DefaultSqlite);
        assert!(c.database.run_migrations);
        assert!(!c.auth_enabled);
        assert_eq!(c.database.attempts, 10);
    }

    #[test]
    fn mcm_database_variables_build_a_mysql_url_with_mcm_defaults() {
        let c = config(&[
            ("DATABASE_HOST", "127.0.0.1"),
            ("DATABASE_PASSWORD", "p@ss:w/rd"),
        ])
        .unwrap();
        assert_eq!(
            c.database.url.expose(),
            "mysql://mcm:p%40ss%3Aw%2Frd@127.0.0.1:3306/mcm"
        );
        assert_eq!(
            c.database.redacted_url(),
            "mysql://mcm:[redacted]@127.0.0.1:3306/mcm"
        );
        let root = config(&[("DATABASE_USER", "root"), ("DATABASE_PASSWORD", "")]).unwrap();
        assert_eq!(
            root.database.url.expose(),
            "mysql://root@localhost:3306/mcm"
        );
    }

    #[test]
    fn database_url_wins() {
        let c = config(&[("DATABASE_URL", "sqlite://x.db"), ("DATABASE_HOST", "db")]).unwrap();
        assert_eq!(c.database.url.expose(), "sqlite://x.db");
        assert!(config(&[("DATABASE_URL", "postgres://x")]).is_err());
    }

    #[test]
    fn run_migrations_false_is_honoured() {
        assert!(
            !config(&[("RUN_MIGRATIONS", "false")])
                .unwrap()
                .database
                .run_migrations
        );
        assert!(config(&[("RUN_MIGRATIONS", "maybe")]).is_err());
    }

    #[test]
    fn bad_numbers_name_their_variable() {
        let err = config(&[("PORT", "http")]).unwrap_err();
        assert_eq!(err.variable, "PORT");
        assert_eq!(err.to_string(), "PORT: 'http' is not a valid number here");
    }

    #[test]
    fn secrets_never_print() {
        let c = config(&[
            ("P12_PASS_PHRASE", "so_secret"),
            ("DATABASE_URL", "mysql://u:pw@h/db"),
        ])
        .unwrap();
        let printed = format!("{c:?} {:?}", c.summary());
        assert!(!printed.contains("so_secret"), "{printed}");
        assert!(!printed.contains(":pw@"), "{printed}");
    }
}
