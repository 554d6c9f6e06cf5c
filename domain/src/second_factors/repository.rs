//! SQL for the second factors: one row per user, keyed by the provider's subject.

use sqlx::Row;

use crate::db::{is_unique_violation, Conn, Outcome};

pub(super) struct StoredFactor {
    pub subject: String,
    pub name: String,
    pub sealed_seed: Vec<u8>,
    pub confirmed: bool,
    pub confirmed_at: Option<String>,
    pub last_step: Option<i64>,
    pub last_used_at: Option<String>,
    pub locked_until: Option<String>,
}

const COLUMNS: &str =
    "subject, name, sealed_seed, confirmed_at, last_step, last_used_at, locked_until";

fn stored(row: &sqlx::any::AnyRow) -> Outcome<StoredFactor> {
    let confirmed_at: Option<String> = row.try_get("confirmed_at")?;
    Ok(StoredFactor {
        subject: row.try_get("subject")?,
        name: row.try_get("name")?,
        sealed_seed: row.try_get("sealed_seed")?,
        confirmed: confirmed_at.is_some(),
        confirmed_at,
        last_step: row.try_get("last_step")?,
        last_used_at: row.try_get("last_used_at")?,
        locked_until: row.try_get("locked_until")?,
    })
}

pub(super) async fn find(conn: &mut Conn<'_>, subject: &str) -> Outcome<Option<StoredFactor>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM second_factors WHERE subject = ?"
    ))
    .bind(subject)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(stored).transpose()
}

pub(super) async fn list(conn: &mut Conn<'_>) -> Outcome<Vec<StoredFactor>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM second_factors ORDER BY name, subject"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(stored).collect()
}

/// Stores a new, unconfirmed seed unless the user has one (another replica may have made it a
/// moment ago: its seed wins).
pub(super) async fn insert_if_absent(
    conn: &mut Conn<'_>,
    subject: &str,
    name: &str,
    sealed_seed: &[u8],
    created_at: &str,
) -> Outcome<()> {
    match sqlx::query(
        "INSERT INTO second_factors (subject, name, sealed_seed, wrong_codes, created_at) \
         VALUES (?, ?, ?, 0, ?)",
    )
    .bind(subject)
    .bind(name)
    .bind(sealed_seed)
    .bind(created_at)
    .execute(&mut *conn)
    .await
    {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Records the code of `step` as used, unless a code of this step or a later one was (by a
/// concurrent request); confirms the seed if it was not. `false` when the code was used.
pub(super) async fn accept(
    conn: &mut Conn<'_>,
    subject: &str,
    step: i64,
    now: &str,
    name: &str,
) -> Outcome<bool> {
    let result = sqlx::query(
        "UPDATE second_factors SET last_step = ?, last_used_at = ?, name = ?, wrong_codes = 0, \
         locked_until = NULL, confirmed_at = COALESCE(confirmed_at, ?) \
         WHERE subject = ? AND (last_step IS NULL OR last_step < ?)",
    )
    .bind(step)
    .bind(now)
    .bind(name)
    .bind(now)
    .bind(subject)
    .bind(step)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Counts a wrong code; at `max` wrong codes in a row the factor is locked until `until` (and
/// the count starts again). `true` when this wrong code locked it.
pub(super) async fn count_wrong(
    conn: &mut Conn<'_>,
    subject: &str,
    max: i64,
    until: &str,
) -> Outcome<bool> {
    // Two statements, each with one meaning on both backends (MySQL evaluates SET assignments
    // left to right with the new values, SQLite with the old ones).
    sqlx::query("UPDATE second_factors SET wrong_codes = wrong_codes + 1 WHERE subject = ?")
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    let locked = sqlx::query(
        "UPDATE second_factors SET wrong_codes = 0, locked_until = ? \
         WHERE subject = ? AND wrong_codes >= ?",
    )
    .bind(until)
    .bind(subject)
    .bind(max)
    .execute(&mut *conn)
    .await?;
    Ok(locked.rows_affected() == 1)
}

/// `false` when the user had no second factor.
pub(super) async fn delete(conn: &mut Conn<'_>, subject: &str) -> Outcome<bool> {
    let result = sqlx::query("DELETE FROM second_factors WHERE subject = ?")
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() == 1)
}
