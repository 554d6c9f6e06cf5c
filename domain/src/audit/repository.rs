//! The `audit_events` table: appended to, read, never changed (its triggers refuse updates and
//! deletes).

use sqlx::{Any, QueryBuilder};

use super::service::{Query, Visible};
use crate::access::EnvScope;
use crate::db::{Conn, Outcome};

/// Column sizes of the MySQL schema, which the service clips to.
pub(crate) const SUBJECT_MAX: usize = 255;
pub(crate) const TARGET_MAX: usize = 255;
pub(crate) const SUMMARY_MAX: usize = 1024;

pub(crate) struct NewEvent<'a> {
    pub at: &'a str,
    pub subject: &'a str,
    pub action: &'a str,
    pub env_id: Option<i64>,
    pub dfsp_id: Option<&'a str>,
    pub target: Option<&'a str>,
    pub summary: &'a str,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: i64,
    pub at: String,
    pub subject: String,
    pub action: String,
    pub env_id: Option<i64>,
    pub dfsp_id: Option<String>,
    pub target: Option<String>,
    pub summary: String,
}

pub(crate) async fn insert(conn: &mut Conn<'_>, event: &NewEvent<'_>) -> Outcome<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, subject, action, env_id, dfsp_id, target, summary) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event.at)
    .bind(event.subject)
    .bind(event.action)
    .bind(event.env_id)
    .bind(event.dfsp_id)
    .bind(event.target)
    .bind(event.summary)
    .execute(conn)
    .await?;
    Ok(())
}

/// Newest first, one more than the page's size (the service tells from it whether a next page
/// exists). With `env`, that environment's events only; without, every event (the caller
/// checked that the principal is a hub operator).
pub(crate) async fn list(
    conn: &mut Conn<'_>,
    env: Option<&EnvScope>,
    visible: &Visible,
    query: &Query,
) -> Outcome<Vec<EventRow>> {
    let mut sql = QueryBuilder::<Any>::new(
        "SELECT id, at, subject, action, env_id, dfsp_id, target, summary FROM audit_events WHERE 1 = 1",
    );
    if let Some(env) = env {
        sql.push(" AND env_id = ").push_bind(env.env_id().get());
    }
    if let Visible::Dfsps(dfsps) = visible {
        if dfsps.is_empty() {
            return Ok(Vec::new());
        }
        sql.push(" AND dfsp_id IN (");
        let mut list = sql.separated(", ");
        for dfsp in dfsps {
            list.push_bind(dfsp.clone());
        }
        sql.push(")");
    }
    if let Some(dfsp) = &query.dfsp_id {
        sql.push(" AND dfsp_id = ").push_bind(dfsp.clone());
    }
    if let Some(action) = &query.action {
        sql.push(" AND action = ").push_bind(action.clone());
    }
    if let Some(subject) = &query.subject {
        sql.push(" AND subject = ").push_bind(subject.clone());
    }
    if let Some(from) = &query.from {
        sql.push(" AND at >= ").push_bind(from.clone());
    }
    if let Some(to) = &query.to {
        sql.push(" AND at < ").push_bind(to.clone());
    }
    if let Some(before) = query.before {
        sql.push(" AND id < ").push_bind(before);
    }
    sql.push(" ORDER BY id DESC LIMIT ")
        .push_bind(i64::from(query.limit) + 1);
    Ok(sql.build_query_as::<EventRow>().fetch_all(conn).await?)
}
