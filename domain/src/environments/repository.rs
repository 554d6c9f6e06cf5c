//! SQL for environments.

use sqlx::FromRow;

use super::{not_found, DistinguishedName, Environment, EnvironmentId, ValidEnvironment};
use crate::db::{inserted_id, Conn, Outcome};

#[derive(FromRow)]
struct EnvironmentRow {
    id: i64,
    name: String,
    cn: Option<String>,
    o: Option<String>,
    ou: Option<String>,
    c: Option<String>,
    st: Option<String>,
    l: Option<String>,
}

impl From<EnvironmentRow> for Environment {
    fn from(row: EnvironmentRow) -> Self {
        Environment {
            id: EnvironmentId(row.id),
            name: row.name,
            default_dn: DistinguishedName {
                cn: row.cn,
                o: row.o,
                ou: row.ou,
                c: row.c,
                st: row.st,
                l: row.l,
            },
        }
    }
}

const COLUMNS: &str = "id, name, cn, o, ou, c, st, l";

pub(crate) async fn list(conn: &mut Conn<'_>) -> Outcome<Vec<Environment>> {
    let rows: Vec<EnvironmentRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM environments ORDER BY id"))
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(Environment::from).collect())
}

pub(crate) async fn find(conn: &mut Conn<'_>, id: EnvironmentId) -> Outcome<Option<Environment>> {
    let row: Option<EnvironmentRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM environments WHERE id = ?"))
            .bind(id.get())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(Environment::from))
}

/// Fails with "not found" unless the environment exists; for operations inside one.
pub(crate) async fn ensure_exists(conn: &mut Conn<'_>, id: EnvironmentId) -> Outcome<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM environments WHERE id = ?")
        .bind(id.get())
        .fetch_optional(conn)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(not_found(id).into()),
    }
}

pub(super) async fn insert(
    conn: &mut Conn<'_>,
    env: &ValidEnvironment,
    created_at: &str,
) -> Outcome<EnvironmentId> {
    let dn = &env.default_dn;
    let result = sqlx::query(
        "INSERT INTO environments (name, cn, o, ou, c, st, l, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&env.name)
    .bind(&dn.cn)
    .bind(&dn.o)
    .bind(&dn.ou)
    .bind(&dn.c)
    .bind(&dn.st)
    .bind(&dn.l)
    .bind(created_at)
    .execute(&mut *conn)
    .await?;
    Ok(EnvironmentId(inserted_id(conn, &result).await?))
}

/// Deletes the environment and, through the foreign keys, everything it owns.
pub(super) async fn delete(conn: &mut Conn<'_>, id: EnvironmentId) -> Outcome<bool> {
    let result = sqlx::query("DELETE FROM environments WHERE id = ?")
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(result.rows_affected() > 0)
}
