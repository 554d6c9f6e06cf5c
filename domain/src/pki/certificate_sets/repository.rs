//! SQL for the certificate sets: one table per owner and purpose, one row per owner. A [`Slot`]
//! names the row, and only a scope makes one, so no function here can touch a row the caller
//! was not allowed to.

use sqlx::{FromRow, Row};

use super::Purpose;
use crate::access::{DfspScope, EnvScope, HubScope};
use crate::db::{inserted_id, long_text, Conn, Outcome};
use crate::dfsps::{DfspId, DfspKey};
use crate::environments::EnvironmentId;

/// Where one owner's set of one purpose lives.
pub(crate) enum Slot {
    HubServer(EnvironmentId),
    DfspServer(DfspKey),
    DfspJws(DfspKey),
}

impl Slot {
    /// The Hub's set: reading it needs only an [`EnvScope`]; the service asks for a hub
    /// operator's scope before it writes.
    pub(crate) fn hub(scope: &EnvScope) -> Slot {
        Slot::HubServer(scope.env_id())
    }

    pub(crate) fn dfsp(scope: &DfspScope, purpose: Purpose) -> Slot {
        match purpose {
            Purpose::Server => Slot::DfspServer(scope.key()),
            Purpose::Jws => Slot::DfspJws(scope.key()),
        }
    }

    fn table(&self) -> &'static str {
        match self {
            Slot::HubServer(_) => "hub_server_certs",
            Slot::DfspServer(_) => "dfsp_server_certs",
            Slot::DfspJws(_) => "dfsp_jws_certs",
        }
    }

    fn owner_column(&self) -> &'static str {
        match self {
            Slot::HubServer(_) => "env_id",
            Slot::DfspServer(_) | Slot::DfspJws(_) => "dfsp_key",
        }
    }

    fn owner(&self) -> i64 {
        match self {
            Slot::HubServer(env_id) => env_id.get(),
            Slot::DfspServer(key) | Slot::DfspJws(key) => key.0,
        }
    }
}

pub(crate) struct SetRow {
    pub id: i64,
    pub certificate: String,
    pub intermediate_chain: Option<String>,
    pub root_certificate: Option<String>,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for SetRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        let optional = |column: &str| -> Result<Option<String>, sqlx::Error> {
            row.try_get::<Option<Vec<u8>>, _>(column)?
                .map(long_text)
                .transpose()
        };
        Ok(SetRow {
            id: row.try_get("id")?,
            certificate: long_text(row.try_get("certificate")?)?,
            intermediate_chain: optional("intermediate_chain")?,
            root_certificate: optional("root_certificate")?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
        })
    }
}

const COLUMNS: &str =
    "id, certificate, intermediate_chain, root_certificate, updated_at, updated_by";

/// [`COLUMNS`] of a set table named `s`, with the owning DFSP's id, for the lists.
const LISTED_COLUMNS: &str = "d.dfsp_id, s.id, s.certificate, s.intermediate_chain, \
     s.root_certificate, s.updated_at, s.updated_by";

/// Stores `row` as the slot's set, replacing the one before (inside the caller's transaction),
/// and answers its new id. With `only_if_present`, nothing is stored when the slot is empty,
/// and the answer is `None`.
pub(crate) async fn replace(
    conn: &mut Conn<'_>,
    slot: &Slot,
    row: &SetRow,
    only_if_present: bool,
) -> Outcome<Option<i64>> {
    let removed = delete(conn, slot).await?;
    if only_if_present && !removed {
        return Ok(None);
    }
    let sql = format!(
        "INSERT INTO {} ({}, certificate, intermediate_chain, root_certificate, updated_at, \
         updated_by) VALUES (?, ?, ?, ?, ?, ?)",
        slot.table(),
        slot.owner_column()
    );
    let result = sqlx::query(&sql)
        .bind(slot.owner())
        .bind(row.certificate.as_bytes())
        .bind(row.intermediate_chain.as_deref().map(str::as_bytes))
        .bind(row.root_certificate.as_deref().map(str::as_bytes))
        .bind(&row.updated_at)
        .bind(&row.updated_by)
        .execute(&mut *conn)
        .await?;
    Ok(Some(inserted_id(conn, &result).await?))
}

pub(crate) async fn find(conn: &mut Conn<'_>, slot: &Slot) -> Outcome<Option<SetRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {} WHERE {} = ?",
        slot.table(),
        slot.owner_column()
    );
    Ok(sqlx::query_as(&sql)
        .bind(slot.owner())
        .fetch_optional(&mut *conn)
        .await?)
}

/// Removes the slot's set; `false` when there was none.
pub(crate) async fn delete(conn: &mut Conn<'_>, slot: &Slot) -> Outcome<bool> {
    let sql = format!(
        "DELETE FROM {} WHERE {} = ?",
        slot.table(),
        slot.owner_column()
    );
    let result = sqlx::query(&sql)
        .bind(slot.owner())
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Every DFSP's set of `purpose` in the environment, in the order the DFSPs were created;
/// DFSPs without one are left out. With `zone`, only the DFSPs of that monetary zone.
pub(crate) async fn list_dfsps(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
    purpose: Purpose,
    zone: Option<&str>,
) -> Outcome<Vec<(DfspId, SetRow)>> {
    let table = match purpose {
        Purpose::Server => "dfsp_server_certs",
        Purpose::Jws => "dfsp_jws_certs",
    };
    let sql = format!(
        "SELECT {LISTED_COLUMNS} FROM {table} s JOIN dfsps d ON d.id = s.dfsp_key \
         WHERE d.env_id = ? AND (? IS NULL OR d.monetary_zone_id = ?) ORDER BY d.id"
    );
    let rows = sqlx::query(&sql)
        .bind(scope.env_id().get())
        .bind(zone)
        .bind(zone)
        .fetch_all(&mut *conn)
        .await?;
    with_dfsp_ids(&rows)
}

/// The JWS certificates of the DFSP's peers: the other DFSPs of its environment in its
/// monetary zone (every other DFSP when it has no zone), in the order they were created.
pub(crate) async fn list_jws_peers(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
) -> Outcome<Vec<(DfspId, SetRow)>> {
    let sql = format!(
        "SELECT {LISTED_COLUMNS} FROM dfsp_jws_certs s JOIN dfsps d ON d.id = s.dfsp_key \
         JOIN dfsps me ON me.id = ? WHERE d.env_id = me.env_id AND d.id <> me.id \
         AND (me.monetary_zone_id IS NULL OR d.monetary_zone_id = me.monetary_zone_id) \
         ORDER BY d.id"
    );
    let rows = sqlx::query(&sql)
        .bind(scope.key().0)
        .fetch_all(&mut *conn)
        .await?;
    with_dfsp_ids(&rows)
}

fn with_dfsp_ids(rows: &[sqlx::any::AnyRow]) -> Outcome<Vec<(DfspId, SetRow)>> {
    rows.iter()
        .map(|row| Ok((DfspId(row.try_get("dfsp_id")?), SetRow::from_row(row)?)))
        .collect()
}

/// The Hub's JWS certificates: the current one first, then the one it superseded, each if
/// stored (`true`: superseded).
pub(crate) async fn hub_jws(conn: &mut Conn<'_>, scope: &EnvScope) -> Outcome<Vec<(bool, SetRow)>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, CASE WHEN superseded = 0 THEN 'current' ELSE 'superseded' END AS role \
         FROM hub_jws_certs WHERE env_id = ? ORDER BY superseded"
    ))
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get("role")?;
            Ok((role == "superseded", SetRow::from_row(row)?))
        })
        .collect()
}

/// Stores `row` as the Hub's current JWS certificate (inside the caller's transaction): the
/// current one becomes superseded, and the one superseded before is removed. With
/// `only_if_present`, nothing is stored without a current one (`None`).
pub(crate) async fn rotate_hub_jws(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    row: &SetRow,
    only_if_present: bool,
) -> Outcome<Option<i64>> {
    let env = scope.env_id().get();
    sqlx::query("DELETE FROM hub_jws_certs WHERE env_id = ? AND superseded = 1")
        .bind(env)
        .execute(&mut *conn)
        .await?;
    let demoted =
        sqlx::query("UPDATE hub_jws_certs SET superseded = 1 WHERE env_id = ? AND superseded = 0")
            .bind(env)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if only_if_present && demoted == 0 {
        return Ok(None);
    }
    let result = sqlx::query(
        "INSERT INTO hub_jws_certs (env_id, superseded, certificate, intermediate_chain, \
         root_certificate, updated_at, updated_by) VALUES (?, 0, ?, ?, ?, ?, ?)",
    )
    .bind(env)
    .bind(row.certificate.as_bytes())
    .bind(row.intermediate_chain.as_deref().map(str::as_bytes))
    .bind(row.root_certificate.as_deref().map(str::as_bytes))
    .bind(&row.updated_at)
    .bind(&row.updated_by)
    .execute(&mut *conn)
    .await?;
    Ok(Some(inserted_id(conn, &result).await?))
}

/// Removes the Hub's superseded JWS certificate (`superseded_only`), or every one it has;
/// whether there was one to remove.
pub(crate) async fn delete_hub_jws(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    superseded_only: bool,
) -> Outcome<bool> {
    let sql = if superseded_only {
        "DELETE FROM hub_jws_certs WHERE env_id = ? AND superseded = 1"
    } else {
        "DELETE FROM hub_jws_certs WHERE env_id = ?"
    };
    let result = sqlx::query(sql)
        .bind(scope.env_id().get())
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}
