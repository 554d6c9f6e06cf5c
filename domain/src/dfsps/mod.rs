//! DFSPs: the participants (banks, wallets) of an environment. Each is known by its external
//! id (`dfspId`, unique per environment), may belong to a monetary zone, and is owned by a
//! security group that DFSP operators must hold to act for it.

use serde::{Deserialize, Serialize};

use crate::environments::EnvironmentId;
use crate::error::{DomainError, DomainResult, FieldErrors};
use crate::monetary_zones::is_currency_code;
use crate::text::TextRule;

#[cfg(feature = "server")]
pub(crate) mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::DfspService;

/// A DFSP id is part of every DFSP path, so it holds no URL delimiter (spaces are fine, as in
/// MCM: `DFSP Bob` is `DFSP%20Bob` in a path).
pub const DFSP_ID: TextRule = TextRule::new(256).without_url_delimiters();
pub const NAME: TextRule = TextRule::new(512);
pub const SECURITY_GROUP: TextRule = TextRule::new(512);
pub const SECURITY_GROUP_PREFIX: &str = "Application/DFSP:";
/// A monetary zone id as a DFSP names it: three capital letters.
pub const ZONE_PATTERN: &str = "^[A-Z]{3}$";

#[cfg(feature = "server")]
mod schema {
    use crate::text::schema::{pattern, text};
    use utoipa::openapi::schema::Object;

    pub fn dfsp_id() -> Object {
        text(super::DFSP_ID, false)
    }
    pub fn name() -> Object {
        text(super::NAME, false)
    }
    pub fn security_group() -> Object {
        text(super::SECURITY_GROUP, true)
    }
    pub fn zone() -> Object {
        pattern(super::ZONE_PATTERN, 3, true, "EUR")
    }
    /// FX currencies: codes of three capital letters, each once (the server's document lists
    /// the codes it knows, see `rest::dfsps::document_zones`).
    pub fn fxp_currencies() -> utoipa::openapi::schema::Array {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(pattern(super::ZONE_PATTERN, 3, false, "USD"))
            .unique_items(true)
            .max_items(Some(super::MAX_FXP_CURRENCIES))
            .build()
    }
}

/// The id of a DFSP (`dfspId`): chosen by the Hub operator, unique in its environment, used in
/// every DFSP path. Only validated text becomes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(value_type = String, example = "DFSP1"))]
#[serde(transparent)]
pub struct DfspId(pub(crate) String);

impl DfspId {
    /// Reads a DFSP id from a URL path. Text that could not be a DFSP id names no DFSP.
    pub fn parse(env_id: EnvironmentId, raw: &str) -> DomainResult<Self> {
        match DFSP_ID.required(Some(raw)) {
            Ok(id) if id == raw => Ok(DfspId(id)),
            _ => Err(not_found(env_id, raw)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DfspId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl AsRef<str> for DfspId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The internal row key of a DFSP, which the rows it owns refer to. Never leaves the domain.
#[cfg(feature = "server")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DfspKey(pub(crate) i64);

pub(crate) fn not_found(env_id: EnvironmentId, dfsp_id: impl std::fmt::Display) -> DomainError {
    DomainError::NotFound(format!(
        "DFSP '{dfsp_id}' not found in environment {env_id}"
    ))
}

/// A DFSP as the API lists it (MCM's `DFSP`). `id` is the external DFSP id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Dfsp {
    /// The environment the DFSP belongs to.
    #[cfg_attr(feature = "server", schema(example = 1))]
    pub env_id: EnvironmentId,
    /// The DFSP id (`dfspId`): unique in its environment, used in every DFSP path.
    pub id: DfspId,
    #[cfg_attr(feature = "server", schema(example = "DFSP 1"))]
    pub name: String,
    /// Omitted when the DFSP has no zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(example = "EUR"))]
    pub monetary_zone_id: Option<String>,
    /// The group a DFSP operator must hold to act for this DFSP.
    #[cfg_attr(feature = "server", schema(example = "Application/DFSP:DFSP1"))]
    pub security_group: String,
    /// An interscheme proxy: a participant of this scheme and of another, relaying between
    /// them (MCM v3). It may give the Hub the JWS keys of the other scheme's DFSPs.
    #[serde(default)]
    pub is_proxy: bool,
    /// The currencies a foreign-exchange provider (FXP) converts, ISO 4217 codes (MCM v3);
    /// empty for a DFSP that is no FXP.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = json!(["USD", "EUR"])))]
    pub fxp_currencies: Vec<String>,
}

/// The largest number of FX currencies one DFSP may list.
pub const MAX_FXP_CURRENCIES: usize = 64;

/// The request to create a DFSP (MCM's `DFSPCreate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPCreate))]
#[serde(rename_all = "camelCase")]
pub struct NewDfsp {
    /// DFSP identifier on the Hub; unique in the environment. Spaces are allowed.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::dfsp_id, required = true))]
    pub dfsp_id: Option<String>,
    /// Display name.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::name, required = true))]
    pub name: Option<String>,
    /// A monetary zone id from `GET /monetaryzones`.
    #[serde(default)]
    #[cfg_attr(
        feature = "server",
        schema(schema_with = schema::zone)
    )]
    pub monetary_zone_id: Option<String>,
    /// OAuth group that owns the DFSP. Default: `Application/DFSP:<dfspId>` with spaces as dashes.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::security_group))]
    pub security_group: Option<String>,
    /// An interscheme proxy (MCM v3). Default `false`.
    #[serde(default)]
    pub is_proxy: Option<bool>,
    /// For a foreign-exchange provider: the currencies it converts, ISO 4217 codes, each once
    /// (MCM v3).
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(schema_with = schema::fxp_currencies))]
    pub fxp_currencies: Option<Vec<String>>,
}

/// A partial update of a DFSP (MCM's `DFSPUpdate`): absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPUpdate))]
#[serde(rename_all = "camelCase")]
pub struct DfspChanges {
    /// New display name.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(schema_with = schema::name))]
    pub name: Option<Option<String>>,
    /// New monetary zone; `null` removes the DFSP from its zone.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(schema_with = schema::zone))]
    pub monetary_zone_id: Option<Option<String>>,
    /// New security group; `null` restores the default derived from the DFSP id.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(schema_with = schema::security_group))]
    pub security_group: Option<Option<String>>,
    /// Whether the DFSP is an interscheme proxy.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = bool))]
    pub is_proxy: Option<Option<bool>>,
    /// The FX currencies, replacing the ones before; `[]` for none. MCM v3 could set them
    /// only when the DFSP was created.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(schema_with = schema::fxp_currencies))]
    pub fxp_currencies: Option<Option<Vec<String>>>,
}

/// A `NewDfsp` that passed validation. The zone's existence is checked by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDfsp {
    pub dfsp_id: DfspId,
    pub name: String,
    pub monetary_zone_id: Option<String>,
    pub security_group: String,
    pub is_proxy: bool,
    /// Codes of three capital letters, each once; whether they are known is the service's check.
    pub fxp_currencies: Vec<String>,
}

/// The validated changes; `None` means "leave as is".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidChanges {
    pub name: Option<String>,
    pub monetary_zone_id: Option<Option<String>>,
    /// `Some(None)`: back to the default group.
    pub security_group: Option<Option<String>>,
    pub is_proxy: Option<bool>,
    pub fxp_currencies: Option<Vec<String>>,
}

/// MCM's default owner group: `Application/DFSP:` and the id with spaces as dashes.
pub fn default_security_group(dfsp_id: &str) -> String {
    format!("{SECURITY_GROUP_PREFIX}{}", dfsp_id.replace(' ', "-"))
}

fn check_zone(errors: &mut FieldErrors, zone: Option<&str>) -> Option<String> {
    let zone = zone?;
    if is_currency_code(zone) {
        Some(zone.to_owned())
    } else {
        errors.push(
            "monetaryZoneId",
            format!(
                "must be a monetary zone id of three capital letters, such as EUR (got '{zone}')"
            ),
        );
        None
    }
}

/// Checks a list of FX currencies: ISO 4217 codes of three capital letters, each once, at most
/// [`MAX_FXP_CURRENCIES`].
fn check_fxp_currencies(errors: &mut FieldErrors, codes: &[String]) -> Vec<String> {
    if codes.len() > MAX_FXP_CURRENCIES {
        errors.push(
            "fxpCurrencies",
            format!(
                "lists {} currencies; at most {MAX_FXP_CURRENCIES} fit",
                codes.len()
            ),
        );
        return Vec::new();
    }
    let mut valid: Vec<String> = Vec::with_capacity(codes.len());
    for (index, code) in codes.iter().enumerate() {
        let field = format!("fxpCurrencies[{index}]");
        if !is_currency_code(code) {
            errors.push(
                &field,
                format!("must be an ISO 4217 currency code of three capital letters, such as USD (got '{code}')"),
            );
        } else if valid.contains(code) {
            errors.push(&field, format!("'{code}' is in the list twice"));
        } else {
            valid.push(code.clone());
        }
    }
    valid
}

impl NewDfsp {
    pub fn validate(&self) -> DomainResult<ValidDfsp> {
        let mut errors = FieldErrors::default();
        let dfsp_id = errors.check("dfspId", DFSP_ID.required(self.dfsp_id.as_deref()));
        let name = errors.check("name", NAME.required(self.name.as_deref()));
        let monetary_zone_id = check_zone(&mut errors, self.monetary_zone_id.as_deref());
        let security_group = errors
            .check(
                "securityGroup",
                SECURITY_GROUP.optional(self.security_group.as_deref()),
            )
            .flatten();
        let fxp_currencies = check_fxp_currencies(
            &mut errors,
            self.fxp_currencies.as_deref().unwrap_or_default(),
        );
        errors.finish("DFSP")?;
        let dfsp_id = DfspId(dfsp_id.unwrap_or_default());
        Ok(ValidDfsp {
            security_group: security_group
                .unwrap_or_else(|| default_security_group(dfsp_id.as_str())),
            dfsp_id,
            name: name.unwrap_or_default(),
            monetary_zone_id,
            is_proxy: self.is_proxy.unwrap_or(false),
            fxp_currencies,
        })
    }
}

impl DfspChanges {
    pub fn validate(&self) -> DomainResult<ValidChanges> {
        let mut errors = FieldErrors::default();
        let name = match &self.name {
            None => None,
            Some(None) => {
                errors.push("name", "must not be null (a DFSP always has a name)");
                None
            }
            Some(Some(name)) => errors.check("name", NAME.required(Some(name))),
        };
        let monetary_zone_id = self
            .monetary_zone_id
            .as_ref()
            .map(|zone| check_zone(&mut errors, zone.as_deref()));
        let security_group = self.security_group.as_ref().map(|group| {
            errors
                .check("securityGroup", SECURITY_GROUP.optional(group.as_deref()))
                .flatten()
        });
        let is_proxy = match self.is_proxy {
            None => None,
            Some(None) => {
                errors.push("isProxy", "must be true or false, not null");
                None
            }
            Some(Some(flag)) => Some(flag),
        };
        let fxp_currencies = match &self.fxp_currencies {
            None => None,
            Some(None) => {
                errors.push("fxpCurrencies", "must be a list, not null: [] for none");
                None
            }
            Some(Some(codes)) => Some(check_fxp_currencies(&mut errors, codes)),
        };
        errors.finish("DFSP update")?;
        Ok(ValidChanges {
            name,
            monetary_zone_id,
            security_group,
            is_proxy,
            fxp_currencies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_group_defaults_to_the_id_with_dashes() {
        let valid = NewDfsp {
            dfsp_id: Some(" MTN CI ".into()),
            name: Some("MTN Côte d'Ivoire".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(valid.dfsp_id.as_str(), "MTN CI");
        assert_eq!(valid.security_group, "Application/DFSP:MTN-CI");
        assert_eq!(valid.monetary_zone_id, None);
    }

    #[test]
    fn a_given_security_group_is_kept() {
        let valid = NewDfsp {
            dfsp_id: Some("DFSP1".into()),
            name: Some("DFSP 1".into()),
            monetary_zone_id: Some("EUR".into()),
            security_group: Some("Application/Bank-One".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(valid.security_group, "Application/Bank-One");
        assert_eq!(valid.monetary_zone_id.as_deref(), Some("EUR"));
    }

    #[test]
    fn invalid_dfsp_reports_every_field() {
        let err = NewDfsp {
            dfsp_id: None,
            name: Some(" ".into()),
            monetary_zone_id: Some("eur".into()),
            security_group: Some("".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(
            fields,
            ["dfspId", "name", "monetaryZoneId", "securityGroup"]
        );
    }

    #[test]
    fn fx_currencies_are_codes_each_once() {
        let dfsp = |codes: &[&str]| NewDfsp {
            dfsp_id: Some("FXP1".into()),
            name: Some("FX One".into()),
            fxp_currencies: Some(codes.iter().map(|c| c.to_string()).collect()),
            ..Default::default()
        };
        let valid = dfsp(&["USD", "EUR"]).validate().unwrap();
        assert_eq!(valid.fxp_currencies, ["USD", "EUR"]);
        assert!(!valid.is_proxy);
        let err = dfsp(&["USD", "usd", "USD"]).validate().unwrap_err();
        assert!(err
            .field_message("fxpCurrencies[1]")
            .unwrap()
            .contains("'usd'"));
        assert!(err
            .field_message("fxpCurrencies[2]")
            .unwrap()
            .contains("twice"));
        let changes: DfspChanges =
            serde_json::from_str(r#"{"isProxy": true, "fxpCurrencies": []}"#).unwrap();
        let valid = changes.validate().unwrap();
        assert_eq!(valid.is_proxy, Some(true));
        assert_eq!(valid.fxp_currencies, Some(vec![]));
        let nulls: DfspChanges =
            serde_json::from_str(r#"{"isProxy": null, "fxpCurrencies": null}"#).unwrap();
        let err = nulls.validate().unwrap_err();
        assert!(err.field_message("isProxy").is_some());
        assert!(err.field_message("fxpCurrencies").is_some());
    }

    #[test]
    fn ids_with_control_characters_are_refused() {
        let err = NewDfsp {
            dfsp_id: Some("a\u{0}b".into()),
            name: Some("A".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.field_message("dfspId"),
            Some("must not contain control characters (found U+0000)")
        );
    }

    #[test]
    fn path_ids_are_exact_valid_ids() {
        let env = EnvironmentId::new(1).unwrap();
        assert_eq!(DfspId::parse(env, "DFSP 1").unwrap().as_str(), "DFSP 1");
        for raw in ["", " DFSP1", "a\u{0}b", &"x".repeat(257)] {
            assert!(
                matches!(DfspId::parse(env, raw), Err(DomainError::NotFound(_))),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn changes_tell_absent_from_null() {
        let changes: DfspChanges =
            serde_json::from_str(r#"{"monetaryZoneId": null, "securityGroup": null}"#).unwrap();
        let valid = changes.validate().unwrap();
        assert_eq!(valid.name, None);
        assert_eq!(valid.monetary_zone_id, Some(None));
        assert_eq!(valid.security_group, Some(None));

        let empty: DfspChanges = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.validate().unwrap(), ValidChanges::default());

        let null_name: DfspChanges = serde_json::from_str(r#"{"name": null}"#).unwrap();
        assert!(null_name
            .validate()
            .unwrap_err()
            .field_message("name")
            .is_some());
    }
}
