//! Currencies and monetary zones. Both are reference data loaded at start-up from the currency
//! codes file and the initial data configuration; a DFSP may belong to one zone.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
pub(crate) mod repository;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "server")]
pub use service::{InitialDataReport, MonetaryZoneService};

pub const ZONE_ID_PATTERN: &str = "^[A-Z]{3}$";

/// A monetary zone as `GET /monetaryzones` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MonetaryZone {
    #[cfg_attr(feature = "server", schema(pattern = "^[A-Z]{3}$", example = "EUR"))]
    pub monetary_zone_id: String,
    #[cfg_attr(feature = "server", schema(example = "Euro"))]
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
    /// When the zone was loaded (RFC 3339, UTC).
    #[cfg_attr(feature = "server", schema(example = "2026-11-28T01:51:08Z"))]
    pub created_date: String,
    #[cfg_attr(feature = "server", schema(example = "admin"))]
    pub created_by: String,
}

impl MonetaryZone {
    /// How the portal names a zone: `EUR - Euro`.
    pub fn label(&self) -> String {
        format!("{} - {}", self.monetary_zone_id, self.name)
    }
}

/// One entry of the currency codes file (`CURRENCY_CODES`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyCode {
    pub currency_id: String,
    pub name: Option<String>,
    pub scale: Option<i64>,
}

/// The initial data configuration file (`DATA_CONFIGURATION_FILE`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataConfiguration {
    /// Currencies to enable; each must be in the currency codes file.
    #[serde(default)]
    pub currencies: Vec<EnabledCurrency>,
    #[serde(default)]
    pub monetary_zones: Vec<ZoneDefinition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnabledCurrency {
    pub currency_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoneDefinition {
    pub monetary_zone_id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Three upper-case letters, as ISO 4217 codes and MCM zone ids are.
pub fn is_currency_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_three_capitals() {
        assert!(is_currency_code("EUR"));
        for bad in ["eur", "EURO", "EU", "E1R", "ÉUR", ""] {
            assert!(!is_currency_code(bad), "{bad}");
        }
    }

    #[test]
    fn the_sample_configuration_parses() {
        let config: DataConfiguration = serde_json::from_str(
            r#"{"currencies":[{"currencyId":"EUR"}],
                "monetaryZones":[{"monetaryZoneId":"EUR","name":"Euro"}]}"#,
        )
        .unwrap();
        assert_eq!(config.currencies[0].currency_id, "EUR");
        assert_eq!(config.monetary_zones[0].description, None);
    }
}
