//! SQL for currencies and monetary zones.

use sqlx::FromRow;

use super::{CurrencyCode, MonetaryZone, ZoneDefinition};
use crate::db::Conn;

#[derive(FromRow)]
struct ZoneRow {
    monetary_zone_id: String,
    name: String,
    description: Option<String>,
    is_active: i64,
    created_at: String,
    created_by: String,
}

impl From<ZoneRow> for MonetaryZone {
    fn from(row: ZoneRow) -> Self {
        MonetaryZone {
            monetary_zone_id: row.monetary_zone_id,
            name: row.name,
            description: row.description,
            is_active: row.is_active != 0,
            created_date: row.created_at,
            created_by: row.created_by,
        }
    }
}

const ZONE_COLUMNS: &str = "monetary_zone_id, name, description, is_active, created_at, created_by";

pub(super) async fn list_active(conn: &mut Conn<'_>) -> Result<Vec<MonetaryZone>, sqlx::Error> {
    let rows: Vec<ZoneRow> = sqlx::query_as(&format!(
        "SELECT {ZONE_COLUMNS} FROM monetary_zones WHERE is_active = 1 ORDER BY monetary_zone_id"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(MonetaryZone::from).collect())
}

pub(crate) async fn find_active(
    conn: &mut Conn<'_>,
    id: &str,
) -> Result<Option<MonetaryZone>, sqlx::Error> {
    let row: Option<ZoneRow> = sqlx::query_as(&format!(
        "SELECT {ZONE_COLUMNS} FROM monetary_zones WHERE monetary_zone_id = ? AND is_active = 1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(MonetaryZone::from))
}

pub(super) async fn currency_ids(conn: &mut Conn<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT currency_id FROM currencies")
        .fetch_all(conn)
        .await
}

pub(super) async fn zone_ids(conn: &mut Conn<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT monetary_zone_id FROM monetary_zones")
        .fetch_all(conn)
        .await
}

pub(super) async fn insert_currency(
    conn: &mut Conn<'_>,
    currency: &CurrencyCode,
    created_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO currencies (currency_id, name, scale, is_active, enabled, created_at) \
         VALUES (?, ?, ?, 1, 0, ?)",
    )
    .bind(&currency.currency_id)
    .bind(&currency.name)
    .bind(currency.scale.unwrap_or(4))
    .bind(created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts `currencies` in one statement; how many it inserted. Fails as a whole on a currency
/// already stored (the database keeps none of them).
pub(super) async fn insert_currencies(
    conn: &mut Conn<'_>,
    currencies: &[&CurrencyCode],
    created_at: &str,
) -> Result<u64, sqlx::Error> {
    if currencies.is_empty() {
        return Ok(0);
    }
    let rows = vec!["(?, ?, ?, 1, 0, ?)"; currencies.len()].join(", ");
    let sql = format!(
        "INSERT INTO currencies (currency_id, name, scale, is_active, enabled, created_at) \
         VALUES {rows}"
    );
    let mut query = sqlx::query(&sql);
    for currency in currencies {
        query = query
            .bind(&currency.currency_id)
            .bind(&currency.name)
            .bind(currency.scale.unwrap_or(4))
            .bind(created_at);
    }
    Ok(query.execute(conn).await?.rows_affected())
}

pub(super) async fn enable_currency(conn: &mut Conn<'_>, id: &str) -> Result<(), sqlx::Error> {
    // Only a currency not yet enabled is written: at every start-up the configuration enables
    // the same ones, and a transaction that changes nothing commits without a disk write.
    sqlx::query("UPDATE currencies SET enabled = 1 WHERE currency_id = ? AND enabled = 0")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn insert_zone(
    conn: &mut Conn<'_>,
    zone: &ZoneDefinition,
    created_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO monetary_zones (monetary_zone_id, name, description, is_active, created_at, created_by) \
         VALUES (?, ?, ?, 1, ?, 'admin')",
    )
    .bind(&zone.monetary_zone_id)
    .bind(&zone.name)
    .bind(&zone.description)
    .bind(created_at)
    .execute(conn)
    .await?;
    Ok(())
}
