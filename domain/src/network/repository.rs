//! SQL for endpoint items. The Hub's items have no DFSP (`dfsp_key IS NULL`); a DFSP's items
//! belong to its row. Reads take a [`Reader`] and writes a [`Writer`], which only scopes make,
//! and every statement is confined to the owner they name, so an item id of another owner or
//! environment is simply not found.

use sqlx::FromRow;

use super::{Direction, EndpointItem, Kind, State, Value, ValueType};
use crate::access::{DfspScope, EnvScope, HubScope};
use crate::db::{inserted_id, Conn, Failure, Outcome};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;

/// Whose items a read concerns.
pub(super) enum Reader<'a> {
    Hub(&'a EnvScope),
    Dfsp(&'a DfspScope),
}

/// Whose items a write concerns.
pub(super) enum Writer<'a> {
    Hub(&'a HubScope),
    Dfsp(&'a DfspScope),
}

/// The owner condition of a statement and its two values (`env_id`, `dfsp_key`), the latter
/// bound twice (`IS NULL` for the Hub).
struct OwnerFilter {
    env_id: i64,
    dfsp_key: Option<i64>,
}

/// The owner condition of a statement on `endpoint_items` (aliased `alias`): it binds
/// `env_id`, then `dfsp_key` twice (`NULL` for the Hub's items).
fn owner_condition(alias: &str) -> String {
    format!(
        "{alias}env_id = ? AND ((? IS NULL AND {alias}dfsp_key IS NULL) OR {alias}dfsp_key = ?)"
    )
}

impl OwnerFilter {
    fn hub(env_id: EnvironmentId) -> Self {
        OwnerFilter {
            env_id: env_id.get(),
            dfsp_key: None,
        }
    }

    fn dfsp(scope: &DfspScope) -> Self {
        OwnerFilter {
            env_id: scope.env_id().get(),
            dfsp_key: Some(scope.key().0),
        }
    }
}

impl Reader<'_> {
    fn filter(&self) -> OwnerFilter {
        match self {
            Reader::Hub(scope) => OwnerFilter::hub(scope.env_id()),
            Reader::Dfsp(scope) => OwnerFilter::dfsp(scope),
        }
    }
}

impl Writer<'_> {
    fn filter(&self) -> OwnerFilter {
        match self {
            Writer::Hub(scope) => OwnerFilter::hub(scope.env_id()),
            Writer::Dfsp(scope) => OwnerFilter::dfsp(scope),
        }
    }
}

#[derive(FromRow)]
struct ItemRow {
    id: i64,
    env_id: i64,
    dfsp_id: Option<String>,
    state: String,
    direction: String,
    value_type: String,
    value: String,
    created_at: String,
    created_by: Option<String>,
    version: i64,
}

impl ItemRow {
    fn into_item(self) -> Outcome<EndpointItem> {
        let corrupt = |what: &str| {
            Failure::Store(sqlx::Error::Decode(
                format!("endpoint item {}: unreadable {what}", self.id).into(),
            ))
        };
        let state = State::parse(&self.state).ok_or_else(|| corrupt("state"))?;
        let direction = Direction::parse(&self.direction).ok_or_else(|| corrupt("direction"))?;
        let value_type = ValueType::parse(&self.value_type).ok_or_else(|| corrupt("type"))?;
        let value: Value = serde_json::from_str(&self.value).map_err(|_| corrupt("value"))?;
        Ok(EndpointItem {
            id: self.id,
            env_id: EnvironmentId(self.env_id),
            dfsp_id: self.dfsp_id.map(DfspId),
            state,
            direction,
            value_type,
            value,
            created_date: self.created_at,
            created_by: self.created_by,
            version: self.version,
        })
    }
}

const SELECT: &str = "SELECT e.id, e.env_id, d.dfsp_id, e.state, e.direction, \
    e.value_type, e.value, e.created_at, e.created_by, e.version \
    FROM endpoint_items e LEFT JOIN dfsps d ON d.id = e.dfsp_key";

fn rows_to_items(rows: Vec<ItemRow>) -> Outcome<Vec<EndpointItem>> {
    rows.into_iter().map(ItemRow::into_item).collect()
}

/// The owner's items, oldest first, optionally of one kind and in one state.
pub(super) async fn list(
    conn: &mut Conn<'_>,
    owner: &Reader<'_>,
    kind: Option<Kind>,
    state: Option<State>,
) -> Outcome<Vec<EndpointItem>> {
    let filter = owner.filter();
    let condition = owner_condition("e.");
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE {condition} \
         AND (? IS NULL OR (e.direction = ? AND e.value_type = ?)) \
         AND (? IS NULL OR e.state = ?) ORDER BY e.id"
    ))
    .bind(filter.env_id)
    .bind(filter.dfsp_key)
    .bind(filter.dfsp_key)
    .bind(kind.map(|_| 1i32))
    .bind(kind.map(|k| k.direction().as_str()))
    .bind(kind.map(|k| k.value_type().as_str()))
    .bind(state.map(State::as_str))
    .bind(state.map(State::as_str))
    .fetch_all(conn)
    .await?;
    rows_to_items(rows)
}

/// Every DFSP's items of the environment in one state, by DFSP then age.
pub(super) async fn list_all_dfsps(
    conn: &mut Conn<'_>,
    scope: &HubScope,
    state: State,
) -> Outcome<Vec<EndpointItem>> {
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE e.env_id = ? AND e.dfsp_key IS NOT NULL AND e.state = ? \
         ORDER BY d.dfsp_id, e.id"
    ))
    .bind(scope.env_id().get())
    .bind(state.as_str())
    .fetch_all(conn)
    .await?;
    rows_to_items(rows)
}

/// One of the owner's items. `lock` reads it for update (MySQL), so that a change decided on
/// what was read applies to exactly that.
pub(super) async fn find(
    conn: &mut Conn<'_>,
    owner: &Reader<'_>,
    id: i64,
    lock: bool,
) -> Outcome<Option<EndpointItem>> {
    let filter = owner.filter();
    let condition = owner_condition("e.");
    let suffix = if lock { " FOR UPDATE" } else { "" };
    let row: Option<ItemRow> =
        sqlx::query_as(&format!("{SELECT} WHERE e.id = ? AND {condition}{suffix}"))
            .bind(id)
            .bind(filter.env_id)
            .bind(filter.dfsp_key)
            .bind(filter.dfsp_key)
            .fetch_optional(conn)
            .await?;
    row.map(ItemRow::into_item).transpose()
}

pub(super) struct NewRow<'a> {
    pub direction: Direction,
    pub value_type: ValueType,
    pub value: &'a Value,
    pub at: &'a str,
    pub by: &'a str,
}

pub(super) async fn insert(
    conn: &mut Conn<'_>,
    owner: &Writer<'_>,
    row: NewRow<'_>,
) -> Outcome<i64> {
    let filter = owner.filter();
    let value = serde_json::to_string(row.value)
        .map_err(|e| Failure::Store(sqlx::Error::Encode(e.into())))?;
    let result = sqlx::query(
        "INSERT INTO endpoint_items (env_id, dfsp_key, state, direction, value_type, value, \
         version, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
    )
    .bind(filter.env_id)
    .bind(filter.dfsp_key)
    .bind(State::New.as_str())
    .bind(row.direction.as_str())
    .bind(row.value_type.as_str())
    .bind(value)
    .bind(row.at)
    .bind(row.by)
    .bind(row.at)
    .execute(&mut *conn)
    .await?;
    Ok(inserted_id(conn, &result).await?)
}

pub(super) struct Change<'a> {
    pub id: i64,
    /// The version the change was decided on; the row must still have it.
    pub version: i64,
    pub direction: Direction,
    pub value_type: ValueType,
    pub value: &'a Value,
    pub state: State,
    pub at: &'a str,
}

/// Applies `change` if the item still has the version it was decided on; `false` otherwise.
pub(super) async fn update(
    conn: &mut Conn<'_>,
    owner: &Writer<'_>,
    change: Change<'_>,
) -> Outcome<bool> {
    let filter = owner.filter();
    let condition = owner_condition("");
    let value = serde_json::to_string(change.value)
        .map_err(|e| Failure::Store(sqlx::Error::Encode(e.into())))?;
    let result = sqlx::query(&format!(
        "UPDATE endpoint_items SET direction = ?, value_type = ?, value = ?, state = ?, \
         version = version + 1, updated_at = ? \
         WHERE id = ? AND version = ? AND {condition}"
    ))
    .bind(change.direction.as_str())
    .bind(change.value_type.as_str())
    .bind(value)
    .bind(change.state.as_str())
    .bind(change.at)
    .bind(change.id)
    .bind(change.version)
    .bind(filter.env_id)
    .bind(filter.dfsp_key)
    .bind(filter.dfsp_key)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// `NEW` to `CONFIRMED`, for a DFSP's item only; `false` when the item is not `NEW` (or not
/// the DFSP's).
pub(super) async fn confirm(
    conn: &mut Conn<'_>,
    scope: &DfspScope,
    id: i64,
    at: &str,
) -> Outcome<bool> {
    let result = sqlx::query(
        "UPDATE endpoint_items SET state = ?, version = version + 1, updated_at = ? \
         WHERE id = ? AND env_id = ? AND dfsp_key = ? AND state = ?",
    )
    .bind(State::Confirmed.as_str())
    .bind(at)
    .bind(id)
    .bind(scope.env_id().get())
    .bind(scope.key().0)
    .bind(State::New.as_str())
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes the owner's item, if it is of `kind` (any kind when `None`); `false` when there is
/// no such item.
pub(super) async fn delete(
    conn: &mut Conn<'_>,
    owner: &Writer<'_>,
    id: i64,
    kind: Option<Kind>,
) -> Outcome<bool> {
    let filter = owner.filter();
    let condition = owner_condition("");
    let result = sqlx::query(&format!(
        "DELETE FROM endpoint_items WHERE id = ? AND {condition} \
         AND (? IS NULL OR (direction = ? AND value_type = ?))"
    ))
    .bind(id)
    .bind(filter.env_id)
    .bind(filter.dfsp_key)
    .bind(filter.dfsp_key)
    .bind(kind.map(|_| 1i32))
    .bind(kind.map(|k| k.direction().as_str()))
    .bind(kind.map(|k| k.value_type().as_str()))
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}
