use std::collections::BTreeSet;

use super::{is_currency_code, repository, CurrencyCode, DataConfiguration, MonetaryZone};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::db::{is_unique_violation, Failure};
use crate::error::FieldErrors;
use crate::{DomainResult, Principal, Services};

/// Currencies per insert statement: 4 values each, within SQLite's oldest limit of 999.
const CURRENCY_BATCH: usize = 200;

/// Monetary zone operations. Obtained from [`Services::monetary_zones`].
pub struct MonetaryZoneService<'a> {
    pub(crate) services: &'a Services,
}

/// What the initial data load changed, and the zones it left active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialDataReport {
    pub currencies_added: usize,
    pub zones_added: usize,
    /// The ids of the active zones after the load, ordered: the zones a DFSP may name.
    pub active_zones: Vec<String>,
}

impl MonetaryZoneService<'_> {
    /// The active zones, ordered by id.
    pub async fn list(&self, who: &Principal) -> DomainResult<Vec<MonetaryZone>> {
        who.ensure_can_read()?;
        db_read!(self.services.db, |conn| Ok(
            repository::list_active(conn).await?
        ))
    }

    /// Loads the currency list and the initial data configuration, in one transaction, adding
    /// only what is missing: safe to run at every start, and by several replicas at once.
    /// Zones already stored are left as they are.
    pub async fn load_initial_data(
        &self,
        currencies: &[CurrencyCode],
        configuration: &DataConfiguration,
    ) -> DomainResult<InitialDataReport> {
        check_initial_data(currencies, configuration)?;
        let created_at = to_db(self.services.clock.now());
        let added = db_write!(self.services.db, |tx| async {
            let mut known: BTreeSet<String> =
                repository::currency_ids(tx).await?.into_iter().collect();
            let missing: Vec<&CurrencyCode> = currencies
                .iter()
                .filter(|currency| !known.contains(&currency.currency_id))
                .collect();
            let mut currencies_added = 0;
            // Hundreds of rows on an empty database: a statement per batch, not per row.
            for batch in missing.chunks(CURRENCY_BATCH) {
                match repository::insert_currencies(tx, batch, &created_at).await {
                    Ok(added) => currencies_added += added as usize,
                    // Another replica inserted some of them in the meantime: the statement
                    // inserted none, so they go in one by one, skipping the other's.
                    Err(e) if is_unique_violation(&e) => {
                        tracing::debug!("another replica is adding currencies: one by one");
                        for currency in batch {
                            match repository::insert_currency(tx, currency, &created_at).await {
                                Ok(()) => currencies_added += 1,
                                Err(e) if is_unique_violation(&e) => {}
                                Err(e) => return Err(Failure::Store(e)),
                            }
                        }
                    }
                    Err(e) => return Err(Failure::Store(e)),
                }
                known.extend(batch.iter().map(|currency| currency.currency_id.clone()));
            }

            let mut unknown = FieldErrors::default();
            for (i, enabled) in configuration.currencies.iter().enumerate() {
                if known.contains(&enabled.currency_id) {
                    repository::enable_currency(tx, &enabled.currency_id).await?;
                } else {
                    unknown.push(
                        &format!("currencies[{i}].currencyId"),
                        format!(
                            "'{}' is not in the currency codes file",
                            enabled.currency_id
                        ),
                    );
                }
            }
            for (i, zone) in configuration.monetary_zones.iter().enumerate() {
                if !known.contains(&zone.monetary_zone_id) {
                    unknown.push(
                        &format!("monetaryZones[{i}].monetaryZoneId"),
                        format!(
                            "'{}' must be a currency of the currency codes file",
                            zone.monetary_zone_id
                        ),
                    );
                }
            }
            unknown.finish("initial data configuration")?;

            let existing_zones: BTreeSet<String> =
                repository::zone_ids(tx).await?.into_iter().collect();
            let mut zones_added = 0;
            for zone in &configuration.monetary_zones {
                if existing_zones.contains(&zone.monetary_zone_id) {
                    continue;
                }
                match repository::insert_zone(tx, zone, &created_at).await {
                    Ok(()) => zones_added += 1,
                    Err(e) if is_unique_violation(&e) => {}
                    Err(e) => return Err(Failure::Store(e)),
                }
            }
            Ok((currencies_added, zones_added))
        }
        .await);
        let (currencies_added, zones_added) = added?;
        // Read after the write's transaction, not inside it: MariaDB's repeatable read would
        // show that transaction no zone another replica added meanwhile.
        let active_zones = db_read!(self.services.db, |conn| Ok(
            repository::list_active(conn).await?
        ))?
        .into_iter()
        .map(|zone| zone.monetary_zone_id)
        .collect();
        Ok(InitialDataReport {
            currencies_added,
            zones_added,
            active_zones,
        })
    }
}

/// Checks the shape of both files before anything is written.
fn check_initial_data(
    currencies: &[CurrencyCode],
    configuration: &DataConfiguration,
) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    let mut seen = BTreeSet::new();
    for (i, currency) in currencies.iter().enumerate() {
        let field = format!("currencyCodes[{i}]");
        if !is_currency_code(&currency.currency_id) {
            errors.push(
                &format!("{field}.currencyId"),
                format!("'{}' must be three capital letters", currency.currency_id),
            );
        } else if !seen.insert(currency.currency_id.as_str()) {
            errors.push(
                &format!("{field}.currencyId"),
                format!("'{}' is listed twice", currency.currency_id),
            );
        }
        if currency
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > 128)
        {
            errors.push(&format!("{field}.name"), "must be at most 128 characters");
        }
        if currency.scale.is_some_and(|s| !(0..=18).contains(&s)) {
            errors.push(&format!("{field}.scale"), "must be between 0 and 18");
        }
    }
    for (i, zone) in configuration.monetary_zones.iter().enumerate() {
        let field = format!("monetaryZones[{i}]");
        if !is_currency_code(&zone.monetary_zone_id) {
            errors.push(
                &format!("{field}.monetaryZoneId"),
                format!("'{}' must be three capital letters", zone.monetary_zone_id),
            );
        }
        if zone.name.trim().is_empty() || zone.name.chars().count() > 256 {
            errors.push(&format!("{field}.name"), "must be 1 to 256 characters");
        }
        if zone
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 512)
        {
            errors.push(
                &format!("{field}.description"),
                "must be at most 512 characters",
            );
        }
    }
    errors.finish("initial data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monetary_zones::ZoneDefinition;

    fn currency(id: &str) -> CurrencyCode {
        CurrencyCode {
            currency_id: id.into(),
            name: Some(id.into()),
            scale: None,
        }
    }

    #[test]
    fn malformed_files_are_reported_entry_by_entry() {
        let configuration = DataConfiguration {
            currencies: vec![],
            monetary_zones: vec![ZoneDefinition {
                monetary_zone_id: "euro".into(),
                name: "".into(),
                description: None,
            }],
        };
        let err = check_initial_data(
            &[currency("EUR"), currency("EUR"), currency("x")],
            &configuration,
        )
        .unwrap_err();
        let fields: Vec<_> = err.field_errors().iter().map(|f| f.field.clone()).collect();
        assert_eq!(
            fields,
            [
                "currencyCodes[1].currencyId",
                "currencyCodes[2].currencyId",
                "monetaryZones[0].monetaryZoneId",
                "monetaryZones[0].name"
            ]
        );
    }
}
