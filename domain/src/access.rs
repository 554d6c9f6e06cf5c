//! Scopes: proof that the acting principal may work in an environment, as the Hub, or for one
//! DFSP. Only the checks in this module make them (their fields are private), and the
//! repository functions that read or write an environment's or a DFSP's rows take one, so an
//! operation that forgets the permission check does not compile.
//!
//! - [`EnvScope`]: the environment exists and the principal may read what every participant
//!   may see there.
//! - [`HubScope`]: the environment exists and the principal is a hub operator: the Hub's own
//!   configuration, DFSP records, and what only the Hub decides for a DFSP (confirming its
//!   endpoints, signing its CSRs).
//! - [`DfspScope`]: the DFSP exists in the environment and the principal may act for it: a hub
//!   operator, or a DFSP operator holding the DFSP's security group. A DFSP operator asking
//!   for another DFSP is told it does not exist, so ids cannot be probed.

use crate::db::{db_read, Conn, Db, Outcome};
use crate::dfsps::{self, DfspId, DfspKey};
use crate::environments::{self, EnvironmentId};
use crate::principal::Principal;

/// The principal may read in this environment, which exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvScope {
    env_id: EnvironmentId,
}

/// What a read of an environment's rows answers: see [`EnvScope::read`].
pub(crate) trait Found {
    fn is_nothing(&self) -> bool;
}

impl<T> Found for Vec<T> {
    fn is_nothing(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Found for Option<T> {
    fn is_nothing(&self) -> bool {
        self.is_none()
    }
}

/// The principal is a hub operator, and this environment exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubScope {
    env_id: EnvironmentId,
}

/// The principal may act for this DFSP, which exists in this environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DfspScope {
    env_id: EnvironmentId,
    key: DfspKey,
    dfsp_id: DfspId,
}

impl EnvScope {
    pub(crate) async fn check(
        conn: &mut Conn<'_>,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> Outcome<EnvScope> {
        who.ensure_can_read()?;
        environments::repository::ensure_exists(conn, env_id).await?;
        Ok(EnvScope { env_id })
    }

    /// The server's own background work (expiry alerts), which acts for nobody and reads
    /// every environment.
    pub(crate) fn for_background_work(env_id: EnvironmentId) -> EnvScope {
        EnvScope { env_id }
    }

    /// For what is public by nature, and read without signing in: a CA's certificate
    /// revocation list, which relying parties fetch from the address in the certificates.
    pub(crate) async fn public(conn: &mut Conn<'_>, env_id: EnvironmentId) -> Outcome<EnvScope> {
        environments::repository::ensure_exists(conn, env_id).await?;
        Ok(EnvScope { env_id })
    }

    /// Reads the environment's rows (a list, or one row) with `read`, in one round trip when it
    /// finds something: rows of an environment prove that it exists, so only an answer with
    /// nothing in it asks whether the environment does (and is then "not found" if it does
    /// not, rather than an empty list or "no such DFSP"). `read` must only return rows of
    /// `scope`'s environment, as every repository read taking an [`EnvScope`] does.
    pub(crate) async fn read<R: Found>(
        conn: &mut Conn<'_>,
        who: &Principal,
        env_id: EnvironmentId,
        read: impl AsyncFnOnce(&mut Conn<'_>, &EnvScope) -> Outcome<R>,
    ) -> Outcome<R> {
        who.ensure_can_read()?;
        Self::read_for_every_reader(conn, env_id, read).await
    }

    /// [`EnvScope::read`] for a read whose answer is the same for everyone who may read
    /// (shared between them, see `db::SharedReads`): the caller has checked
    /// `Principal::ensure_can_read` of each of them.
    pub(crate) async fn read_for_every_reader<R: Found>(
        conn: &mut Conn<'_>,
        env_id: EnvironmentId,
        read: impl AsyncFnOnce(&mut Conn<'_>, &EnvScope) -> Outcome<R>,
    ) -> Outcome<R> {
        let scope = EnvScope { env_id };
        let found = read(conn, &scope).await?;
        if found.is_nothing() {
            environments::repository::ensure_exists(conn, env_id).await?;
        }
        Ok(found)
    }

    pub fn env_id(&self) -> EnvironmentId {
        self.env_id
    }
}

impl HubScope {
    /// `action` completes "Only a hub operator may ...". The role is checked before the
    /// environment, so that the answer tells nothing about what exists.
    pub(crate) async fn check(
        conn: &mut Conn<'_>,
        who: &Principal,
        env_id: EnvironmentId,
        action: &str,
    ) -> Outcome<HubScope> {
        who.ensure_hub_operator(action)?;
        environments::repository::ensure_exists(conn, env_id).await?;
        Ok(HubScope { env_id })
    }

    pub fn env_id(&self) -> EnvironmentId {
        self.env_id
    }

    /// A hub operator may read everything a participant may.
    pub fn env(&self) -> EnvScope {
        EnvScope {
            env_id: self.env_id,
        }
    }

    /// A hub operator acts for every DFSP of the environment.
    pub(crate) async fn dfsp(&self, conn: &mut Conn<'_>, dfsp_id: &DfspId) -> Outcome<DfspScope> {
        let (key, _group) = dfsps::repository::find_key(conn, self.env_id, dfsp_id)
            .await?
            .ok_or_else(|| dfsps::not_found(self.env_id, dfsp_id))?;
        Ok(DfspScope {
            env_id: self.env_id,
            key,
            dfsp_id: dfsp_id.clone(),
        })
    }
}

impl DfspScope {
    /// A hub operator, or a DFSP operator holding the DFSP's security group. Another DFSP's
    /// id is answered as "not found", so ids cannot be probed.
    pub(crate) async fn check(
        conn: &mut Conn<'_>,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> Outcome<DfspScope> {
        Self::precheck(who, dfsp_id)?;
        // A DFSP proves its environment exists: only a missing one asks about the environment,
        // so that the answer says which of the two is missing.
        match dfsps::repository::find_key(conn, env_id, dfsp_id).await? {
            Some((key, group)) if who.may_act_for_dfsp(&group) => Ok(DfspScope {
                env_id,
                key,
                dfsp_id: dfsp_id.clone(),
            }),
            Some(_) => Err(dfsps::not_found(env_id, dfsp_id).into()),
            None => {
                environments::repository::ensure_exists(conn, env_id).await?;
                Err(dfsps::not_found(env_id, dfsp_id).into())
            }
        }
    }

    /// The whole check, made before an input is read, so that a principal who may not act for
    /// the DFSP learns nothing from the input's errors (another DFSP's operator hears only that
    /// the DFSP does not exist). Writes check again in their transaction, where they use the
    /// scope (the DFSP may be gone by then).
    pub(crate) async fn authorize(
        db: &Db,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> crate::DomainResult<()> {
        Self::precheck(who, dfsp_id)?;
        db_read!(db, |conn| Self::check(conn, who, env_id, dfsp_id)
            .await
            .map(|_| ()))
    }

    /// The part of [`DfspScope::check`] that needs no database: whether the principal may act
    /// for any DFSP at all. Run before an input is checked, so that a principal who may not
    /// act learns nothing from the input's errors.
    pub(crate) fn precheck(who: &Principal, dfsp_id: &DfspId) -> Result<(), crate::DomainError> {
        if who.may_act_for_some_dfsp() {
            Ok(())
        } else {
            Err(crate::DomainError::Forbidden(format!(
                "Only a hub operator or the operator of DFSP '{dfsp_id}' may do this"
            )))
        }
    }

    pub fn env_id(&self) -> EnvironmentId {
        self.env_id
    }

    pub fn dfsp_id(&self) -> &DfspId {
        &self.dfsp_id
    }

    pub(crate) fn key(&self) -> DfspKey {
        self.key
    }
}
