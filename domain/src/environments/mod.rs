//! Environments: the top-level partition (DEV, TEST, PROD, ...) that owns DFSPs, endpoints
//! and PKI. Each has a name and a default distinguished name for the certificates made in it.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult, FieldErrors};
use crate::text;

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub(crate) use service::ensure_exists;
#[cfg(feature = "server")]
pub use service::EnvironmentService;

pub type EnvironmentId = i64;

pub const NAME_MAX: usize = 512;
/// X.509 upper bounds (RFC 5280, Appendix A): the default DN becomes certificate subjects.
pub const CN_MAX: usize = 64;
pub const O_MAX: usize = 64;
pub const OU_MAX: usize = 64;
pub const L_MAX: usize = 128;
pub const ST_MAX: usize = 128;
pub const COUNTRY_PATTERN: &str = "^[A-Za-z]{2}$";

/// The default distinguished name of an environment. Absent parts are `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DefaultDN))]
pub struct DistinguishedName {
    /// Common name
    #[serde(rename = "CN", default)]
    #[cfg_attr(feature = "server", schema(schema_with = text::schema::optional_text_64))]
    pub cn: Option<String>,
    /// Organization
    #[serde(rename = "O", default)]
    #[cfg_attr(feature = "server", schema(schema_with = text::schema::optional_text_64))]
    pub o: Option<String>,
    /// Organizational unit
    #[serde(rename = "OU", default)]
    #[cfg_attr(feature = "server", schema(schema_with = text::schema::optional_text_64))]
    pub ou: Option<String>,
    /// Country: two letters (ISO 3166-1 alpha-2), stored in upper case
    #[serde(rename = "C", default)]
    #[cfg_attr(
        feature = "server",
        schema(pattern = "^[A-Za-z]{2}$", nullable = true, example = "US")
    )]
    pub c: Option<String>,
    /// State or province
    #[serde(rename = "ST", default)]
    #[cfg_attr(feature = "server", schema(schema_with = text::schema::optional_text_128))]
    pub st: Option<String>,
    /// Locality
    #[serde(rename = "L", default)]
    #[cfg_attr(feature = "server", schema(schema_with = text::schema::optional_text_128))]
    pub l: Option<String>,
}

/// An environment as every reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Environment {
    #[cfg_attr(feature = "server", schema(example = 1))]
    pub id: EnvironmentId,
    #[cfg_attr(feature = "server", schema(example = "DEV"))]
    pub name: String,
    #[serde(rename = "defaultDN")]
    pub default_dn: DistinguishedName,
}

/// The request to create an environment (MCM's `InboundEnvironment`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = InboundEnvironment))]
pub struct NewEnvironment {
    /// Dev, test, pre-prod, etc. Leading and trailing spaces are removed.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(schema_with = text::schema::text_512, required = true))]
    pub name: Option<String>,
    #[serde(
        rename = "defaultDN",
        default,
        deserialize_with = "crate::input::object"
    )]
    #[cfg_attr(feature = "server", schema(nullable = true))]
    pub default_dn: Option<DistinguishedName>,
}

/// A `NewEnvironment` that passed validation: trimmed, within bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEnvironment {
    pub name: String,
    pub default_dn: DistinguishedName,
}

impl NewEnvironment {
    pub fn validate(&self) -> DomainResult<ValidEnvironment> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", text::required(self.name.as_deref(), NAME_MAX));
        let default_dn = self
            .default_dn
            .as_ref()
            .map(|dn| dn.validate(&mut errors, "defaultDN"))
            .unwrap_or_default();
        errors.finish("environment")?;
        Ok(ValidEnvironment {
            name: name.unwrap_or_default(),
            default_dn,
        })
    }
}

impl DistinguishedName {
    /// Checks every part, recording problems under `prefix.<part>`, and returns the
    /// normalized name (trimmed parts, country in upper case).
    pub fn validate(&self, errors: &mut FieldErrors, prefix: &str) -> DistinguishedName {
        let mut part = |key: &str, value: &Option<String>, max: usize| {
            errors
                .check(
                    &format!("{prefix}.{key}"),
                    text::optional(value.as_deref(), max),
                )
                .flatten()
        };
        let cn = part("CN", &self.cn, CN_MAX);
        let o = part("O", &self.o, O_MAX);
        let ou = part("OU", &self.ou, OU_MAX);
        let st = part("ST", &self.st, ST_MAX);
        let l = part("L", &self.l, L_MAX);
        let c = self.c.as_deref().and_then(|c| {
            if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                Some(c.to_ascii_uppercase())
            } else {
                errors.push(
                    &format!("{prefix}.C"),
                    format!("must be a two-letter country code such as US or DE (got '{c}')"),
                );
                None
            }
        });
        DistinguishedName {
            cn,
            o,
            ou,
            c,
            st,
            l,
        }
    }

    /// The parts that are set, in the order a DN is usually written, e.g. `CN=hub, O=Acme`.
    pub fn display(&self) -> String {
        [
            ("CN", &self.cn),
            ("OU", &self.ou),
            ("O", &self.o),
            ("L", &self.l),
            ("ST", &self.st),
            ("C", &self.c),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Reads an environment id from a URL path. Anything that is not one of our ids is simply
/// an environment that does not exist.
pub fn parse_id(raw: &str) -> DomainResult<EnvironmentId> {
    raw.parse::<EnvironmentId>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| not_found(raw))
}

pub(crate) fn not_found(id: impl std::fmt::Display) -> DomainError {
    DomainError::NotFound(format!("Environment '{id}' not found"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(cn: &str) -> DistinguishedName {
        DistinguishedName {
            cn: Some(cn.into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_environment_is_trimmed_and_normalized() {
        let input = NewEnvironment {
            name: Some("  DEV ".into()),
            default_dn: Some(DistinguishedName {
                c: Some("us".into()),
                o: Some(" Modusbox ".into()),
                ..dn("tes1.centralhub.modusbox.live")
            }),
        };
        let valid = input.validate().unwrap();
        assert_eq!(valid.name, "DEV");
        assert_eq!(valid.default_dn.c.as_deref(), Some("US"));
        assert_eq!(valid.default_dn.o.as_deref(), Some("Modusbox"));
        assert_eq!(
            valid.default_dn.display(),
            "CN=tes1.centralhub.modusbox.live, O=Modusbox, C=US"
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let input = NewEnvironment {
            name: Some("   ".into()),
            default_dn: Some(DistinguishedName {
                c: Some("USA".into()),
                ..dn(&"x".repeat(65))
            }),
        };
        let err = input.validate().unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, ["name", "defaultDN.CN", "defaultDN.C"]);
        assert_eq!(err.field_message("name"), Some("must not be blank"));
    }

    #[test]
    fn missing_name_is_required() {
        let err = NewEnvironment::default().validate().unwrap_err();
        assert_eq!(err.to_string(), "Invalid environment: name: is required");
    }

    #[test]
    fn ids_that_are_not_ours_are_not_found() {
        assert_eq!(parse_id("12"), Ok(12));
        for raw in ["0", "-1", "abc", "", "1.5", "99999999999999999999"] {
            assert!(
                matches!(parse_id(raw), Err(DomainError::NotFound(_))),
                "{raw}"
            );
        }
    }
}
