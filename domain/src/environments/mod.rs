//! Environments: the top-level partition (DEV, TEST, PROD, ...) that owns DFSPs, endpoints
//! and PKI. Each has a name and a default distinguished name for the certificates made in it.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult, FieldErrors};
use crate::text::TextRule;

#[cfg(feature = "server")]
pub(crate) mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::EnvironmentService;

/// The id of an environment (`envId` in every path): a positive integer, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = 1))]
#[serde(transparent)]
pub struct EnvironmentId(pub(crate) i64);

impl EnvironmentId {
    /// Reads an environment id from a URL path. Anything that is not one of our ids is simply
    /// an environment that does not exist.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        raw.parse::<i64>()
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| not_found(raw))
    }

    /// `None` unless `id` could be one of ours (positive).
    pub fn new(id: i64) -> Option<Self> {
        (id > 0).then_some(EnvironmentId(id))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for EnvironmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

pub const NAME: TextRule = TextRule::new(512);
/// X.509 upper bounds (RFC 5280, Appendix A): the default DN becomes certificate subjects.
pub const CN: TextRule = TextRule::new(64);
pub const O: TextRule = TextRule::new(64);
pub const OU: TextRule = TextRule::new(64);
pub const L: TextRule = TextRule::new(128);
pub const ST: TextRule = TextRule::new(128);
/// A country: two letters (ISO 3166-1 alpha-2), in either case.
pub const COUNTRY_PATTERN: &str = "^[A-Za-z]{2}$";

#[cfg(feature = "server")]
mod schema {
    use crate::text::schema::{pattern, text};
    use utoipa::openapi::schema::Object;

    pub fn name() -> Object {
        text(super::NAME, false)
    }
    pub fn cn() -> Object {
        text(super::CN, true)
    }
    pub fn o() -> Object {
        text(super::O, true)
    }
    pub fn ou() -> Object {
        text(super::OU, true)
    }
    pub fn l() -> Object {
        text(super::L, true)
    }
    pub fn st() -> Object {
        text(super::ST, true)
    }
    pub fn country() -> Object {
        pattern(super::COUNTRY_PATTERN, 2, true, "US")
    }
}

/// The default distinguished name of an environment. Absent parts are `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DefaultDN))]
pub struct DistinguishedName {
    /// Common name
    #[serde(rename = "CN", default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::cn))]
    pub cn: Option<String>,
    /// Organization
    #[serde(rename = "O", default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::o))]
    pub o: Option<String>,
    /// Organizational unit
    #[serde(rename = "OU", default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::ou))]
    pub ou: Option<String>,
    /// Country: two letters (ISO 3166-1 alpha-2), stored in upper case
    #[serde(rename = "C", default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::country))]
    pub c: Option<String>,
    /// State or province
    #[serde(rename = "ST", default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::st))]
    pub st: Option<String>,
    /// Locality
    #[serde(rename = "L", default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::l))]
    pub l: Option<String>,
}

/// An environment as every reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Environment {
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
    #[cfg_attr(feature = "server", schema(schema_with = schema::name, required = true))]
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
        let name = errors.check("name", NAME.required(self.name.as_deref()));
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
        let mut part = |key: &str, value: &Option<String>, rule: TextRule| {
            errors
                .check(&format!("{prefix}.{key}"), rule.optional(value.as_deref()))
                .flatten()
        };
        let cn = part("CN", &self.cn, CN);
        let o = part("O", &self.o, O);
        let ou = part("OU", &self.ou, OU);
        let st = part("ST", &self.st, ST);
        let l = part("L", &self.l, L);
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

pub fn not_found(id: impl std::fmt::Display) -> DomainError {
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
        assert_eq!(EnvironmentId::parse("12").map(EnvironmentId::get), Ok(12));
        for raw in ["0", "-1", "abc", "", "1.5", "99999999999999999999"] {
            assert!(
                matches!(EnvironmentId::parse(raw), Err(DomainError::NotFound(_))),
                "{raw}"
            );
        }
    }
}
