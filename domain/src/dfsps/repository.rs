//! SQL for DFSPs. Rows are keyed internally by an integer; the API only ever sees `dfsp_id`.

use sqlx::FromRow;

use super::{Dfsp, ValidDfsp};
use crate::db::Conn;
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
            env_id: row.env_id,
            id: row.dfsp_id,
            name: row.name,
            monetary_zone_id: row.monetary_zone_id,
            security_group: row.security_group,
        }
    }
}

const COLUMNS: &str = "env_id, dfsp_id, name, monetary_zone_id, security_group";

pub(super) async fn list(conn: &mut Conn, env_id: EnvironmentId) -> Result<Vec<Dfsp>, sqlx::Error> {
    let rows: Vec<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? ORDER BY id"
    ))
    .bind(env_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Dfsp::from).collect())
}

pub(super) async fn list_in_zone(
    conn: &mut Conn,
    env_id: EnvironmentId,
    zone: &str,
) -> Result<Vec<Dfsp>, sqlx::Error> {
    let rows: Vec<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? AND monetary_zone_id = ? ORDER BY id"
    ))
    .bind(env_id)
    .bind(zone)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Dfsp::from).collect())
}

pub(super) async fn find(
    conn: &mut Conn,
    env_id: EnvironmentId,
    dfsp_id: &str,
) -> Result<Option<Dfsp>, sqlx::Error> {
    let row: Option<DfspRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dfsps WHERE env_id = ? AND dfsp_id = ?"
    ))
    .bind(env_id)
    .bind(dfsp_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Dfsp::from))
}

pub(super) async fn insert(
    conn: &mut Conn,
    env_id: EnvironmentId,
    dfsp: &ValidDfsp,
    created_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO dfsps (env_id, dfsp_id, name, monetary_zone_id, security_group, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(env_id)
    .bind(&dfsp.dfsp_id)
    .bind(&dfsp.name)
    .bind(&dfsp.monetary_zone_id)
    .bind(&dfsp.security_group)
    .bind(created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes every mutable field of `dfsp` (the service merges the changes first).
pub(super) async fn update(conn: &mut Conn, dfsp: &Dfsp) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE dfsps SET name = ?, monetary_zone_id = ?, security_group = ? \
         WHERE env_id = ? AND dfsp_id = ?",
    )
    .bind(&dfsp.name)
    .bind(&dfsp.monetary_zone_id)
    .bind(&dfsp.security_group)
    .bind(dfsp.env_id)
    .bind(&dfsp.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the DFSP and, through the foreign keys, everything it owns.
pub(super) async fn delete(
    conn: &mut Conn,
    env_id: EnvironmentId,
    dfsp_id: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("DELETE FROM dfsps WHERE env_id = ? AND dfsp_id = ?")
        .bind(env_id)
        .bind(dfsp_id)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() > 0)
}
