//! Signed-in users' sessions, kept in the database so that every replica behind a load
//! balancer knows them. The server's session layer stores its records here as opaque bytes.
//!
//! A session's id (the secret in the browser's cookie) is stored only as its SHA-256, so that
//! a copy of the database, a backup say, opens no session. Expiry is judged by the services'
//! clock: a session past its expiry is never read, and `delete_expired` clears them away.

mod repository;

use time::OffsetDateTime;

use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::{DomainResult, Services};

pub struct SessionService<'a> {
    pub(crate) services: &'a Services,
}

/// The stored form of a session id.
fn id_hash(id: &str) -> String {
    openssl::sha::sha256(id.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl SessionService<'_> {
    /// Stores a new session; `false` when its id is taken (the caller draws another).
    pub async fn create(
        &self,
        id: &str,
        data: &[u8],
        expires_at: OffsetDateTime,
    ) -> DomainResult<bool> {
        let (id_hash, expires_at) = (id_hash(id), to_db(expires_at));
        db_write!(self.services.db, |conn| repository::insert(
            conn,
            &id_hash,
            data,
            &expires_at
        )
        .await)
    }

    /// Stores the session's current data and expiry, whether or not it was stored before.
    pub async fn save(
        &self,
        id: &str,
        data: &[u8],
        expires_at: OffsetDateTime,
    ) -> DomainResult<()> {
        let (id_hash, expires_at) = (id_hash(id), to_db(expires_at));
        db_write!(self.services.db, |conn| repository::replace(
            conn,
            &id_hash,
            data,
            &expires_at
        )
        .await)
    }

    /// The session's data, if it exists and has not expired.
    pub async fn load(&self, id: &str) -> DomainResult<Option<Vec<u8>>> {
        let (id_hash, now) = (id_hash(id), to_db(self.services.clock.now()));
        db_read!(self.services.db, |conn| repository::find_live(
            conn, &id_hash, &now
        )
        .await)
    }

    pub async fn delete(&self, id: &str) -> DomainResult<()> {
        let id_hash = id_hash(id);
        db_write!(self.services.db, |conn| repository::delete(conn, &id_hash)
            .await)
    }

    /// Removes every expired session; returns how many.
    pub async fn delete_expired(&self) -> DomainResult<u64> {
        let now = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| repository::delete_expired(
            conn, &now
        )
        .await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stored_as_their_sha256() {
        assert_eq!(
            id_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
