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
    /// The identity provider and the role groups; checked complete when `auth_enabled`.
    pub auth: AuthConfig,
    /// Encrypts CA private keys at rest.
    pub p12_pass_phrase: Option<Secret>,
    /// `None`: the currency list shipped with the server.
    pub currency_codes: Option<PathBuf>,
    /// `None`: the sample configuration shipped with the server (EUR, XOF, MAD).
    pub data_configuration_file: Option<PathBuf>,
    /// Where the built portal assets (`pkg/`, favicon) are served from.
    pub site_root: PathBuf,
    /// `PUBLIC_URL`: the address browsers use to reach the portal (behind a proxy, the proxy's),
    /// for the sign-in's redirect URL and secure cookies. Default: `http://` and the address
    /// the server listens on.
    pub public_url: Option<String>,
    /// `METRICS_TOKEN`: when set, `/metrics` answers only requests bearing it.
    pub metrics_token: Option<Secret>,
    /// `EXPIRY_WARNING_DAYS` (default `30,7,1`): how many days before expiry a certificate
    /// is flagged; the widest makes it "expiring".
    pub expiry_warnings: domain::inventory::ExpiryWarnings,
    /// `CRL_VALIDITY` (default `168h`, a week): how long each CRL the CAs sign is valid.
    pub crl_validity: time::Duration,
    /// `ALERT_WEBHOOK_URL`: where expiry alerts are posted (they are logged either way).
    pub alert_webhook_url: Option<String>,
    /// `EXPIRY_CHECK_INTERVAL` (default `1h`): how often certificates are checked for alerts.
    pub expiry_check_interval: std::time::Duration,
    /// `V3_ENVIRONMENT`: the environment (id or name) that the MCM v3 paths act in; `None`:
    /// the only one, when there is exactly one.
    pub v3_environment: Option<String>,
    /// `SWITCH_ID` (default `switch`): what the Hub's JWS key is listed under for MCM v3's
    /// clients.
    pub switch_id: Option<String>,
    /// `CLIENT_CSR_PARAMETERS`: a JSON file of `CSRParameters` (subject, extensions) for the
    /// Hub's client CSR that creating a DFSP on the v3 path makes, as in MCM v3.
    pub client_csr_parameters: Option<PathBuf>,
}

/// How users are known when authentication is on: the OpenID Connect provider, this
/// application's client there, and the groups that give roles. MCM's variable names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// `OAUTH2_ISSUER`: the provider's issuer URL (discovery starts at its
    /// `/.well-known/openid-configuration`), and an accepted token `iss`.
    pub issuer: Option<String>,
    /// `OAUTH2_TOKEN_ISS`: another accepted token `iss`, for providers whose tokens name
    /// another issuer than their discovery document (as WSO2 does).
    pub token_issuer: Option<String>,
    /// `APP_OAUTH_CLIENT_KEY`: this application's client id, and the audience its tokens carry.
    pub client_id: Option<String>,
    /// `APP_OAUTH_CLIENT_SECRET`.
    pub client_secret: Option<Secret>,
    /// `OAUTH2_GROUPS_CLAIM`: the token claim that lists the user's groups (default `groups`).
    pub groups_claim: String,
    /// `PTA_ROLE`, `MTA_ROLE`, `EVERYONE_ROLE`.
    pub role_groups: domain::principal::RoleGroups,
    /// `AUTH_2FA_ENABLED`: a second factor (TOTP) after sign-in.
    pub two_factor: bool,
    /// `TOTP_ISSUER` (default `MCM`) and `TOTP_LABEL`: how authenticator apps name the account.
    pub totp_issuer: String,
    pub totp_label: Option<String>,
    /// `OAUTH2_SCOPES`: what the portal's sign-in asks for (default `openid profile`); add the
    /// scope under which the provider releases the groups claim, if it has one.
    pub scopes: Vec<String>,
    /// `SESSION_IDLE_MINUTES` (default 30): a portal session ends after this long unused.
    pub session_idle: time::Duration,
    /// `SESSION_LIFETIME_HOURS` (default 12): and at the latest this long after sign-in.
    pub session_lifetime: time::Duration,
    /// `EXTRA_ROOT_CERT_FILE_NAME`, `EXTRA_CERTIFICATE_CHAIN_FILE_NAME`: PEM files of CAs
    /// trusted, beside the system's, when talking to the identity provider (one behind a
    /// private CA, say), as MCM added them to its outbound TLS.
    pub extra_trusted_files: Vec<String>,
}

impl AuthConfig {
    fn from_lookup(
        var: &impl Fn(&str) -> Option<String>,
        auth_enabled: bool,
    ) -> Result<AuthConfig, ConfigError> {
        let defaults = domain::principal::RoleGroups::default();
        let config = AuthConfig {
            issuer: var("OAUTH2_ISSUER").map(|url| url.trim_end_matches('/').to_owned()),
            token_issuer: var("OAUTH2_TOKEN_ISS"),
            client_id: var("APP_OAUTH_CLIENT_KEY"),
            client_secret: var("APP_OAUTH_CLIENT_SECRET").map(Secret::new),
            groups_claim: var("OAUTH2_GROUPS_CLAIM").unwrap_or_else(|| "groups".into()),
            role_groups: domain::principal::RoleGroups {
                hub_operator: var("PTA_ROLE").unwrap_or(defaults.hub_operator),
                dfsp_operator: var("MTA_ROLE").unwrap_or(defaults.dfsp_operator),
                everyone: var("EVERYONE_ROLE").unwrap_or(defaults.everyone),
            },
            two_factor: parse_bool(var, "AUTH_2FA_ENABLED", false)?,
            totp_issuer: var("TOTP_ISSUER").unwrap_or_else(|| "MCM".into()),
            totp_label: var("TOTP_LABEL"),
            scopes: {
                let mut scopes: Vec<String> = var("OAUTH2_SCOPES")
                    .unwrap_or_else(|| "openid profile".into())
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                if !scopes.iter().any(|s| s == "openid") {
                    scopes.insert(0, "openid".into());
                }
                scopes
            },
            session_idle: time::Duration::minutes(
                parse_number::<u32>(var, "SESSION_IDLE_MINUTES", 30)?
                    .max(1)
                    .into(),
            ),
            session_lifetime: time::Duration::hours(
                parse_number::<u32>(var, "SESSION_LIFETIME_HOURS", 12)?
                    .max(1)
                    .into(),
            ),
            extra_trusted_files: [
                "EXTRA_ROOT_CERT_FILE_NAME",
                "EXTRA_CERTIFICATE_CHAIN_FILE_NAME",
            ]
            .into_iter()
            .filter_map(var)
            .flat_map(|files| {
                files
                    .split(',')
                    .map(str::trim)
                    .filter(|file| !file.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect(),
        };
        if let Some(issuer) = &config.issuer {
            if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
                return Err(ConfigError {
                    variable: "OAUTH2_ISSUER",
                    message: format!(
                        "'{issuer}' is not an issuer URL: give the provider's issuer, such as \
                         https://keycloak.example.com/realms/hub"
                    ),
                });
            }
        }
        if auth_enabled {
            if config.issuer.is_none() {
                return Err(ConfigError {
                    variable: "OAUTH2_ISSUER",
                    message: "is required with AUTH_ENABLED=true: the OpenID Connect provider's \
                              issuer URL"
                        .into(),
                });
            }
            if config.client_id.is_none() {
                return Err(ConfigError {
                    variable: "APP_OAUTH_CLIENT_KEY",
                    message: "is required with AUTH_ENABLED=true: this application's client id \
                              at the provider"
                        .into(),
                });
            }
        }
        Ok(config)
    }
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
        let auth = AuthConfig::from_lookup(&var, auth_enabled)?;

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
            auth,
            p12_pass_phrase: lookup("P12_PASS_PHRASE")
                .filter(|v| !v.is_empty())
                .map(Secret::new),
            currency_codes: var("CURRENCY_CODES").map(PathBuf::from),
            data_configuration_file: var("DATA_CONFIGURATION_FILE").map(PathBuf::from),
            site_root: PathBuf::from(
                var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            ),
            public_url: match var("PUBLIC_URL") {
                Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                    Some(url.trim_end_matches('/').to_owned())
                }
                Some(url) => {
                    return Err(ConfigError {
                        variable: "PUBLIC_URL",
                        message: format!(
                            "'{url}' is not a URL: give the address browsers use, such as \
                             https://mcm.example.com"
                        ),
                    })
                }
                None => None,
            },
            metrics_token: var("METRICS_TOKEN").map(|token| Secret::new(token.trim())),
            alert_webhook_url: match var("ALERT_WEBHOOK_URL") {
                Some(url) if url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) => {
                    Some(url.trim().to_owned())
                }
                Some(url) => {
                    return Err(ConfigError {
                        variable: "ALERT_WEBHOOK_URL",
                        message: format!("'{url}' is not an http(s) URL, such as https://alerts.example.com/hooks/mcm"),
                    })
                }
                None => None,
            },
            client_csr_parameters: var("CLIENT_CSR_PARAMETERS").map(PathBuf::from),
            switch_id: var("SWITCH_ID")
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty()),
            v3_environment: var("V3_ENVIRONMENT")
                .map(|setting| setting.trim().to_owned())
                .filter(|setting| !setting.is_empty()),
            expiry_check_interval: match var("EXPIRY_CHECK_INTERVAL") {
                None => std::time::Duration::from_secs(3600),
                Some(text) => match domain::pki::ca::parse_duration(&text) {
                    Ok(every) if every >= time::Duration::seconds(1) => {
                        std::time::Duration::from_secs(every.whole_seconds().unsigned_abs())
                    }
                    Ok(_) => {
                        return Err(ConfigError {
                            variable: "EXPIRY_CHECK_INTERVAL",
                            message: format!("'{text}' is shorter than a second, such as 1h"),
                        })
                    }
                    Err(message) => {
                        return Err(ConfigError {
                            variable: "EXPIRY_CHECK_INTERVAL",
                            message,
                        })
                    }
                },
            },
            crl_validity: match var("CRL_VALIDITY") {
                None => domain::DEFAULT_CRL_VALIDITY,
                Some(text) => match domain::pki::ca::parse_duration(&text) {
                    Ok(validity) if validity >= time::Duration::hours(1) => validity,
                    Ok(_) => {
                        return Err(ConfigError {
                            variable: "CRL_VALIDITY",
                            message: format!("'{text}' is shorter than an hour: give at least 1h, such as 168h (a week)"),
                        })
                    }
                    Err(message) => {
                        return Err(ConfigError {
                            variable: "CRL_VALIDITY",
                            message,
                        })
                    }
                },
            },
            expiry_warnings: match var("EXPIRY_WARNING_DAYS") {
                None => Default::default(),
                Some(days) => {
                    domain::inventory::ExpiryWarnings::parse(&days).map_err(|message| {
                        ConfigError {
                            variable: "EXPIRY_WARNING_DAYS",
                            message,
                        }
                    })?
                }
            },
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
                "OIDC issuer",
                self.auth.issuer.clone().unwrap_or_else(|| "not set".into()),
            ),
            (
                "OIDC client",
                match (&self.auth.client_id, &self.auth.client_secret) {
                    (Some(id), Some(_)) => format!("{id} (secret set, redacted)"),
                    (Some(id), None) => format!("{id} (no secret)"),
                    (None, _) => "not set".into(),
                },
            ),
            (
                "role groups",
                format!(
                    "hub {}, DFSP {}, everyone {} (claim '{}')",
                    self.auth.role_groups.hub_operator,
                    self.auth.role_groups.dfsp_operator,
                    self.auth.role_groups.everyone,
                    self.auth.groups_claim
                ),
            ),
            ("two-factor", self.auth.two_factor.to_string()),
            ("OIDC scopes", self.auth.scopes.join(" ")),
            (
                "sessions",
                format!(
                    "end after {} min idle, {} h at most",
                    self.auth.session_idle.whole_minutes(),
                    self.auth.session_lifetime.whole_hours()
                ),
            ),
            (
                "metrics",
                if self.metrics_token.is_some() {
                    "/metrics, bearer token required (METRICS_TOKEN, redacted)".into()
                } else {
                    "/metrics, open to anyone who reaches the server".into()
                },
            ),
            (
                "expiry alerts",
                format!(
                    "checked every {} s, {}",
                    self.expiry_check_interval.as_secs(),
                    match &self.alert_webhook_url {
                        // Only where: a webhook's path often holds its secret.
                        Some(url) => format!(
                            "posted to {} (path redacted) and logged",
                            url::Url::parse(url)
                                .map(|u| u.origin().ascii_serialization())
                                .unwrap_or_default()
                        ),
                        None => "logged (no ALERT_WEBHOOK_URL)".to_owned(),
                    }
                ),
            ),
            (
                "v3 paths",
                match &self.v3_environment {
                    Some(setting) => format!("act in environment '{setting}' (V3_ENVIRONMENT)"),
                    None => "act in the only environment (V3_ENVIRONMENT not set)".to_owned(),
                },
            ),
            (
                "CRL validity",
                format!("{} hours", self.crl_validity.whole_hours()),
            ),
            (
                "expiry warnings",
                format!(
                    "{} days before a certificate expires",
                    self.expiry_warnings
                        .days()
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            (
                "public URL",
                self.public_url
                    .clone()
                    .unwrap_or_else(|| "(the listen address)".into()),
            ),
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
    fn authentication_settings_use_mcms_names_and_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.auth.groups_claim, "groups");
        assert_eq!(c.auth.role_groups, domain::principal::RoleGroups::default());
        assert_eq!(c.auth.totp_issuer, "MCM");
        assert!(!c.auth.two_factor);

        let c = config(&[
            ("AUTH_ENABLED", "TRUE"),
            ("OAUTH2_ISSUER", "https://idp.example.com/realms/hub/"),
            (
                "OAUTH2_TOKEN_ISS",
                "https://idp.example.com:9443/oauth2/token",
            ),
            ("APP_OAUTH_CLIENT_KEY", "connection-manager"),
            ("APP_OAUTH_CLIENT_SECRET", "s3cret"),
            ("PTA_ROLE", "cm-hub"),
            ("OAUTH2_GROUPS_CLAIM", "roles"),
            ("AUTH_2FA_ENABLED", "true"),
        ])
        .unwrap();
        assert!(c.auth_enabled);
        assert_eq!(
            c.auth.issuer.as_deref(),
            Some("https://idp.example.com/realms/hub")
        );
        assert_eq!(c.auth.role_groups.hub_operator, "cm-hub");
        assert_eq!(c.auth.role_groups.dfsp_operator, "Application/MTA");
        assert_eq!(c.auth.groups_claim, "roles");
        assert!(c.auth.two_factor);
        let summary = format!("{:?} {:?}", c.summary(), c.auth);
        assert!(!summary.contains("s3cret"), "{summary}");

        for (vars, variable) in [
            (vec![("AUTH_ENABLED", "true")], "OAUTH2_ISSUER"),
            (
                vec![
                    ("AUTH_ENABLED", "true"),
                    ("OAUTH2_ISSUER", "https://idp.example.com"),
                ],
                "APP_OAUTH_CLIENT_KEY",
            ),
            (vec![("OAUTH2_ISSUER", "idp.example.com")], "OAUTH2_ISSUER"),
            (vec![("AUTH_2FA_ENABLED", "maybe")], "AUTH_2FA_ENABLED"),
        ] {
            assert_eq!(config(&vars).unwrap_err().variable, variable, "{vars:?}");
        }
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
    fn expiry_warnings_default_to_30_7_1_and_name_their_variable() {
        assert_eq!(config(&[]).unwrap().expiry_warnings.days(), &[30, 7, 1]);
        let c = config(&[("EXPIRY_WARNING_DAYS", "14, 60")]).unwrap();
        assert_eq!(c.expiry_warnings.days(), &[60, 14]);
        let err = config(&[("EXPIRY_WARNING_DAYS", "30,soon")]).unwrap_err();
        assert_eq!(err.variable, "EXPIRY_WARNING_DAYS");
        assert!(err.message.contains("'soon'"), "{}", err.message);
    }

    #[test]
    fn crl_validity_defaults_to_a_week_and_is_at_least_an_hour() {
        assert_eq!(config(&[]).unwrap().crl_validity, time::Duration::days(7));
        let c = config(&[("CRL_VALIDITY", "24h")]).unwrap();
        assert_eq!(c.crl_validity, time::Duration::days(1));
        assert_eq!(
            config(&[("CRL_VALIDITY", "30m")]).unwrap_err().variable,
            "CRL_VALIDITY"
        );
        assert_eq!(
            config(&[("CRL_VALIDITY", "a week")]).unwrap_err().variable,
            "CRL_VALIDITY"
        );
    }

    #[test]
    fn alerts_are_checked_hourly_and_posted_to_an_http_url() {
        let c = config(&[]).unwrap();
        assert_eq!(
            c.expiry_check_interval,
            std::time::Duration::from_secs(3600)
        );
        assert_eq!(c.alert_webhook_url, None);
        let c = config(&[
            ("EXPIRY_CHECK_INTERVAL", "15m"),
            ("ALERT_WEBHOOK_URL", "https://alerts.example.com/hook"),
        ])
        .unwrap();
        assert_eq!(c.expiry_check_interval, std::time::Duration::from_secs(900));
        assert_eq!(
            c.alert_webhook_url.as_deref(),
            Some("https://alerts.example.com/hook")
        );
        let err = config(&[("ALERT_WEBHOOK_URL", "alerts.example.com")]).unwrap_err();
        assert_eq!(err.variable, "ALERT_WEBHOOK_URL");
        let err = config(&[("EXPIRY_CHECK_INTERVAL", "hourly")]).unwrap_err();
        assert_eq!(err.variable, "EXPIRY_CHECK_INTERVAL");
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
