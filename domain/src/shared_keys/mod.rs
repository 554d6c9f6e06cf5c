//! Keys the server's replicas share: made once, by whichever replica asks first, and kept in
//! the database, so that what one replica seals another can open. Today they seal the error a
//! form brings back to its page without JavaScript, so that a crafted link cannot make the
//! portal show a text of its author's choosing.

mod repository;

use std::sync::Arc;

use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;

use crate::db::{db_read, db_write};
use crate::{DomainError, DomainResult, Services};

/// A shared key's bytes. Never printed.
#[derive(Clone)]
pub struct SharedKey(Arc<[u8]>);

impl std::fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedKey(..)")
    }
}

impl SharedKey {
    /// An HMAC-SHA256 tag of `parts` (each length-prefixed, so that parts cannot be shifted
    /// from one to the next), in lower-case hex.
    pub fn tag(&self, parts: &[&str]) -> String {
        let hmac = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
            let key = PKey::hmac(&self.0)?;
            let mut signer = Signer::new(MessageDigest::sha256(), &key)?;
            for part in parts {
                signer.update(&(part.len() as u64).to_be_bytes())?;
                signer.update(part.as_bytes())?;
            }
            signer.sign_to_vec()
        };
        // HMAC-SHA256 over bytes does not fail; an empty tag would simply never verify.
        hmac()
            .unwrap_or_default()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Whether `tag` is the tag of `parts`, compared in constant time.
    pub fn verifies(&self, parts: &[&str], tag: &str) -> bool {
        let expected = self.tag(parts);
        !expected.is_empty() && same_secret(&expected, tag)
    }
}

/// Whether `given` is `expected`, compared in constant time (for texts of one length; a
/// different length is told at once, which gives away only the length).
pub fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && openssl::memcmp::eq(given.as_bytes(), expected.as_bytes())
}

impl Services {
    /// The shared key named `name`, made now (32 random bytes) if no replica made it before.
    pub async fn shared_key(&self, name: &str) -> DomainResult<SharedKey> {
        let fresh = crate::random::bytes::<32>()
            .map_err(|error| DomainError::Internal(format!("no random bytes: {error}")))?;
        let created_at = crate::clock::to_db(self.clock.now());
        db_write!(self.db, |conn| {
            repository::insert_if_absent(conn, name, &fresh, &created_at).await
        })?;
        // Read after the write's transaction, not inside it: when another replica's key won,
        // MariaDB's repeatable read would still show that transaction the table as it was
        // before (no key at all).
        let secret = db_read!(self.db, |conn| repository::find(conn, name).await)?;
        Ok(SharedKey(secret.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_verify_only_their_own_parts_under_their_own_key() {
        let key = SharedKey(vec![7u8; 32].into());
        let tag = key.tag(&["/rpc/dfsps/create", "error text"]);
        assert_eq!(tag.len(), 64);
        assert!(key.verifies(&["/rpc/dfsps/create", "error text"], &tag));
        assert!(!key.verifies(&["/rpc/dfsps/create", "other text"], &tag));
        assert!(
            !key.verifies(&["/rpc/dfsps/creat", "eerror text"], &tag),
            "shifted parts"
        );
        assert!(!key.verifies(&["/rpc/dfsps/create", "error text"], &tag[..63]));
        let other = SharedKey(vec![8u8; 32].into());
        assert!(!other.verifies(&["/rpc/dfsps/create", "error text"], &tag));
        assert_eq!(format!("{key:?}"), "SharedKey(..)");
    }
}
