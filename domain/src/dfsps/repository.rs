//! SQL for DFSPs. Rows are keyed internally by an integer ([`DfspKey`]); the API only ever sees
//! the DFSP id. Functions on one DFSP's row take its [`DfspScope`], those on an environment's
//! DFSPs an [`EnvScope`] or [`HubScope`].

use sqlx::FromRow;

use super::{Dfsp, DfspId, DfspKey, ValidChanges, ValidDfsp};
use crate::access::{DfspScope, EnvScope, HubScope};
use crate::db::{Conn, Outcome};
use crate::environments::EnvironmentId;

#[derive(FromRow)]
struct DfspRow {
    env_id: i64,
    dfsp_id: String,
    name: String,
    monetary_zone_id: Option<String>,
    security_group: String,
    is_proxy: i32,
    fxp_currencies: String,
}

impl From<DfspRow> for Dfsp {
    fn from(row: DfspRow) -> Self {
        Dfsp {
            env_id: EnvironmentId(row.env_id),
            id: DfspId(row.dfsp_id),
            name: row.name,
            monetary_zone_id: row.monetary_zone_id,
            security_group: row.security_group,
            is_proxy: row.is_proxy != 0,
            fxp_currencies: row
                .fxp_currencies
                .split(' ')
                .filter(|code| !code.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

const COLUMNS: &str =
    "env_id, dfsp_id, name, monetary_zone_id, security_group, is_proxy, fxp_currencies";

/// Replaces the DFSP's FX currencies with `codes` (inside the caller's transaction).
pub(super) async fn set_currencies(
    conn: &mut Conn<'_>,
    key: DfspKey,
    codes: &[String],
) -> Outcome<()> {
    sqlx::query("UPDATE dfsps SET fxp_currencies = ? WHERE id = ?")
        .bind(codes.join(" "))
        .bind(key.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM dfsp_fx_currencies WHERE dfsp_key = ?")
        .bind(key.0)
        .execute(&mut *conn)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO dfsp_fx_currencies (dfsp_key, currency_id) VALUES (?, ?)")
            .bind(key.0)
            .bind(code)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn list(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<Dfsp>> {
    let rows: Vec<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? ORDER BY id"
    ))
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Dfsp::from).collect())
}

/// The DFSPs, in every environment, whose security group is one of `groups`.
pub(super) async fn list_owned_by(conn: &mut Conn<'_>, groups: &[String]) -> Outcome<Vec<Dfsp>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; groups.len()].join(", ");
    let sql = format!(
        "SELECT {COLUMNS} FROM dfsps WHERE security_group IN ({placeholders}) ORDER BY env_id, id"
    );
    let mut query = sqlx::query_as::<_, DfspRow>(&sql);
    for group in groups {
        query = query.bind(group);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(Dfsp::from).collect())
}

/// The ids of the environment's DFSPs whose security group is among `groups`.
pub(crate) async fn list_ids_owned_in(
    conn: &mut Conn<'_>,
    env_id: EnvironmentId,
    groups: &[String],
) -> Outcome<Vec<String>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; groups.len()].join(", ");
    let sql = format!(
        "SELECT dfsp_id FROM dfsps WHERE env_id = ? AND security_group IN ({placeholders}) ORDER BY id"
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql).bind(env_id.get());
    for group in groups {
        query = query.bind(group);
    }
    Ok(query.fetch_all(conn).await?)
}

pub(super) async fn list_in_zone(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    zone: &str,
) -> Outcome<Vec<Dfsp>> {
    // A foreign-exchange provider is in the zone of each currency it converts, too.
    let rows: Vec<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? AND (monetary_zone_id = ? \
         OR id IN (SELECT dfsp_key FROM dfsp_fx_currencies WHERE currency_id = ?)) ORDER BY id"
    ))
    .bind(scope.env_id().get())
    .bind(zone)
    .bind(zone)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Dfsp::from).collect())
}

pub(super) async fn find(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    dfsp_id: &DfspId,
) -> Outcome<Option<Dfsp>> {
    let row: Option<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? AND dfsp_id = ?"
    ))
    .bind(scope.env_id().get())
    .bind(dfsp_id.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Dfsp::from))
}

/// The row key and security group of a DFSP, for the access checks that make scopes.
pub(crate) async fn find_key(
    conn: &mut Conn<'_>,
    env_id: EnvironmentId,
    dfsp_id: &DfspId,
) -> Outcome<Option<(DfspKey, String)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, security_group FROM dfsps WHERE env_id = ? AND dfsp_id = ?")
            .bind(env_id.get())
            .bind(dfsp_id.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(key, group)| (DfspKey(key), group)))
}

/// Inserts the DFSP with its FX currencies; `Ok(false)` when its id is taken in the
/// environment.
pub(super) async fn insert(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    dfsp: &ValidDfsp,
    created_at: &str,
) -> Outcome<bool> {
    let result = sqlx::query(
        "INSERT INTO dfsps (env_id, dfsp_id, name, monetary_zone_id, security_group, is_proxy, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(dfsp.dfsp_id.as_str())
    .bind(&dfsp.name)
    .bind(&dfsp.monetary_zone_id)
    .bind(&dfsp.security_group)
    .bind(i32::from(dfsp.is_proxy))
    .bind(created_at)
    .execute(&mut *conn)
    .await;
    match result {
        Ok(_) => {}
        Err(e) if crate::db::is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    if !dfsp.fxp_currencies.is_empty() {
        let (key, _) = find_key(conn, scope.env_id(), &dfsp.dfsp_id)
            .await?
            .ok_or_else(|| crate::DomainError::Internal("a DFSP vanished as it was made".into()))?;
        set_currencies(conn, key, &dfsp.fxp_currencies).await?;
    }
    Ok(true)
}

/// Writes only the fields that `changes` sets, in one statement, so that two concurrent
/// updates of different fields both stay. `default_group` replaces a group reset to null.
pub(super) async fn update(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    changes: &ValidChanges,
    default_group: &str,
) -> Outcome<()> {
    let zone = changes.monetary_zone_id.as_ref();
    let group = changes
        .security_group
        .as_ref()
        .map(|group| group.as_deref().unwrap_or(default_group));
    sqlx::query(
        "UPDATE dfsps SET \
           name = CASE WHEN ? = 1 THEN ? ELSE name END, \
           monetary_zone_id = CASE WHEN ? = 1 THEN ? ELSE monetary_zone_id END, \
           security_group = CASE WHEN ? = 1 THEN ? ELSE security_group END, \
           is_proxy = CASE WHEN ? = 1 THEN ? ELSE is_proxy END \
         WHERE id = ?",
    )
    .bind(i32::from(changes.name.is_some()))
    .bind(changes.name.as_deref())
    .bind(i32::from(zone.is_some()))
    .bind(zone.and_then(|zone| zone.as_deref()))
    .bind(i32::from(group.is_some()))
    .bind(group)
    .bind(i32::from(changes.is_proxy.is_some()))
    .bind(i32::from(changes.is_proxy.unwrap_or(false)))
    .bind(scope.key().0)
    .execute(&mut *conn)
    .await?;
    if let Some(codes) = &changes.fxp_currencies {
        set_currencies(conn, scope.key(), codes).await?;
    }
    Ok(())
}

/// Deletes the DFSP and, through the foreign keys, everything it owns.
pub(super) async fn delete(conn: &mut Conn<'_>, scope: &DfspScope) -> Outcome<()> {
    sqlx::query("DELETE FROM dfsps WHERE id = ?")
        .bind(scope.key().0)
        .execute(conn)
        .await?;
    Ok(())
}
