//! SQL for an environment's CAs. Reads take an [`EnvScope`], writes a [`HubScope`]; the
//! sealed key is written here and read only by the signing code that needs it.

use sqlx::{FromRow, Row};

use super::{CertificateAuthority, SigningProfile};
use crate::access::{EnvScope, HubScope};
use crate::db::{inserted_id, long_text, Conn, Failure, Outcome};

/// What a new CA row holds.
pub(crate) struct NewCa<'a> {
    pub certificate: &'a str,
    pub cert_info: &'a super::CertInfo,
    pub sealed_key: &'a [u8],
    pub signing_profile: &'a SigningProfile,
    pub at: &'a str,
    pub by: &'a str,
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::Store(sqlx::Error::Encode(e.into())))
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(e.into()))
}

pub(crate) async fn insert(conn: &mut Conn<'_>, scope: &HubScope, row: NewCa<'_>) -> Outcome<i64> {
    let cert_info = encode(row.cert_info)?;
    let profile = encode(row.signing_profile)?;
    let result = sqlx::query(
        "INSERT INTO certificate_authorities (env_id, certificate, cert_info, sealed_key, \
         signing_profile, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(scope.env_id().get())
    .bind(row.certificate.as_bytes())
    .bind(cert_info.as_bytes())
    .bind(row.sealed_key)
    .bind(profile)
    .bind(row.at)
    .bind(row.by)
    .execute(&mut *conn)
    .await?;
    Ok(inserted_id(conn, &result).await?)
}

struct CaRow {
    id: i64,
    env_id: i64,
    certificate: Vec<u8>,
    cert_info: Vec<u8>,
    signing_profile: String,
    created_at: String,
    created_by: Option<String>,
}

impl<'r> FromRow<'r, sqlx::any::AnyRow> for CaRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(CaRow {
            id: row.try_get("id")?,
            env_id: row.try_get("env_id")?,
            certificate: row.try_get("certificate")?,
            cert_info: row.try_get("cert_info")?,
            signing_profile: row.try_get("signing_profile")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
        })
    }
}

impl CaRow {
    fn into_ca(self, current_id: i64) -> Result<CertificateAuthority, sqlx::Error> {
        Ok(CertificateAuthority {
            id: self.id,
            env_id: crate::environments::EnvironmentId(self.env_id),
            certificate: long_text(self.certificate)?,
            cert_info: decode(&long_text(self.cert_info)?)?,
            signing_profile: decode(&self.signing_profile)?,
            current: self.id == current_id,
            created_date: self.created_at,
            created_by: self.created_by,
        })
    }
}

const COLUMNS: &str = "id, env_id, certificate, cert_info, signing_profile, created_at, created_by";

/// The environment's CAs, newest (the current one) first.
pub(crate) async fn list(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
) -> Outcome<Vec<CertificateAuthority>> {
    let rows: Vec<CaRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM certificate_authorities WHERE env_id = ? ORDER BY id DESC"
    ))
    .bind(scope.env_id().get())
    .fetch_all(&mut *conn)
    .await?;
    let current = rows.first().map(|r| r.id).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| row.into_ca(current))
        .collect::<Result<_, _>>()?)
}

/// The environment's current CA: its newest.
pub(crate) async fn current(
    conn: &mut Conn<'_>,
    scope: &EnvScope,
) -> Outcome<Option<CertificateAuthority>> {
    let row: Option<CaRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM certificate_authorities WHERE env_id = ? ORDER BY id DESC LIMIT 1"
    ))
    .bind(scope.env_id().get())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => {
            let id = row.id;
            Ok(Some(row.into_ca(id)?))
        }
        None => Ok(None),
    }
}

/// The environment's current CA with its sealed key: for signing, and nothing else.
pub(crate) async fn current_signer(
    conn: &mut Conn<'_>,
    scope: &HubScope,
) -> Outcome<Option<(CertificateAuthority, Vec<u8>)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, sealed_key FROM certificate_authorities WHERE env_id = ? \
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(scope.env_id().get())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let sealed_key: Vec<u8> = row.try_get("sealed_key")?;
    let ca = CaRow::from_row(&row)?;
    let id = ca.id;
    Ok(Some((ca.into_ca(id)?, sealed_key)))
}
