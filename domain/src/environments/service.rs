use super::{not_found, repository, Environment, EnvironmentId, NewEnvironment};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::{DomainResult, Principal, Services};

/// Environment operations. Obtained from [`Services::environments`].
pub struct EnvironmentService<'a> {
    pub(crate) services: &'a Services,
}

impl EnvironmentService<'_> {
    /// Every reader sees all environments, so reads at the same moment share one statement.
    pub async fn list(&self, who: &Principal) -> DomainResult<Vec<Environment>> {
        who.ensure_can_read()?;
        let services = self.services.clone();
        let list = move || {
            let services = services.clone();
            async move { db_read!(services.db, |conn| repository::list(conn).await) }
        };
        self.services.polled.environments.read((), list).await
    }

    pub async fn get(&self, who: &Principal, id: EnvironmentId) -> DomainResult<Environment> {
        who.ensure_can_read()?;
        db_read!(self.services.db, |conn| repository::find(conn, id).await)?
            .ok_or_else(|| not_found(id))
    }

    pub async fn create(
        &self,
        who: &Principal,
        input: &NewEnvironment,
    ) -> DomainResult<Environment> {
        who.ensure_hub_operator("create environments")?;
        let valid = input.validate()?;
        let created_at = to_db(self.services.clock.now());
        let id = db_write!(self.services.db, |conn| async {
            let id = repository::insert(conn, &valid, &created_at).await?;
            Audit::new(
                AuditAction::EnvironmentCreate,
                format!("Environment '{}' created", valid.name),
            )
            .env(id)
            .record(conn, &who.subject, &created_at)
            .await?;
            Ok(id)
        }
        .await)?;
        tracing::info!(environment = %id, name = %valid.name, by = %who.subject, "environment created");
        Ok(Environment {
            id,
            name: valid.name,
            default_dn: valid.default_dn,
        })
    }

    /// Deletes the environment with its DFSPs and everything else it owns.
    pub async fn delete(&self, who: &Principal, id: EnvironmentId) -> DomainResult<()> {
        who.ensure_hub_operator("delete environments")?;
        let at = to_db(self.services.clock.now());
        let deleted = db_write!(self.services.db, |conn| async {
            let deleted = repository::delete(conn, id).await?;
            if deleted {
                Audit::new(
                    AuditAction::EnvironmentDelete,
                    format!("Environment {id} deleted, with its DFSPs and certificates"),
                )
                .env(id)
                .record(conn, &who.subject, &at)
                .await?;
            }
            Ok(deleted)
        }
        .await)?;
        if deleted {
            tracing::info!(environment = %id, by = %who.subject, "environment deleted");
            Ok(())
        } else {
            Err(not_found(id))
        }
    }
}
