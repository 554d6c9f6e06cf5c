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
}

impl From<DfspRow> for Dfsp {
    fn from(row: DfspRow) -> Self {
        Dfsp {
            env_id: EnvironmentId(row.env_id),
            id: DfspId(row.dfsp_id),
            name: row.name,
            monetary_zone_id: row.monetary_zone_id,
            security_group: row.security_group,
        }
    }
}

const COLUMNS: &str = "env_id, dfsp_id, name, monetary_zone_id, security_group";

pub(super) async fn list(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<Dfsp>> {
    let rows: Vec<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? ORDER BY id"
    ))
    .bind(scope.env_id().get())
    .fetch_all(conn)
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
    let rows = query.fetch_all(conn).await?;
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
    let rows: Vec<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? AND monetary_zone_id = ? ORDER BY id"
    ))
    .bind(scope.env_id().get())
    .bind(zone)
    .fetch_all(conn)
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
    .fetch_optional(conn)
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

/// Inserts the DFSP; `Ok(false)` when its id is taken in the environment.
pub(super) async fn insert(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    dfsp: &ValidDfsp,
    created_at: &str,
) -> Outcome<bool> {
    let result = sqlx::query(
        "INSERT INTO dfsps (env_id, dfsp_id, name, monetary_zone_id, security_group, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(dfsp.dfsp_id.as_str())
    .bind(&dfsp.name)
    .bind(&dfsp.monetary_zone_id)
    .bind(&dfsp.security_group)
    .bind(created_at)
    .execute(conn)
    .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
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
           security_group = CASE WHEN ? = 1 THEN ? ELSE security_group END \
         WHERE id = ?",
    )
    .bind(i32::from(changes.name.is_some()))
    .bind(changes.name.as_deref())
    .bind(i32::from(zone.is_some()))
    .bind(zone.and_then(|zone| zone.as_deref()))
    .bind(i32::from(group.is_some()))
    .bind(group)
    .bind(scope.key().0)
    .execute(conn)
    .await?;
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
