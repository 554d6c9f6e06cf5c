use super::{not_found, repository, Environment, EnvironmentId, NewEnvironment};
use crate::clock::to_db;
use crate::{DomainResult, Principal, Services};

/// Environment operations. Obtained from [`Services::environments`].
pub struct EnvironmentService<'a> {
    pub(crate) services: &'a Services,
}

impl EnvironmentService<'_> {
    pub async fn list(&self, who: &Principal) -> DomainResult<Vec<Environment>> {
        who.ensure_can_read()?;
        let mut conn = self.services.db.conn().await?;
        Ok(repository::list(&mut conn).await?)
    }

    pub async fn get(&self, who: &Principal, id: EnvironmentId) -> DomainResult<Environment> {
        who.ensure_can_read()?;
        let mut conn = self.services.db.conn().await?;
        repository::find(&mut conn, id)
            .await?
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
        let mut tx = self.services.db.begin().await?;
        let id = repository::insert(&mut tx, &valid, &created_at).await?;
        tx.commit().await?;
        tracing::info!(environment = id, name = %valid.name, by = %who.subject, "environment created");
        Ok(Environment {
            id,
            name: valid.name,
            default_dn: valid.default_dn,
        })
    }

    /// Deletes the environment with its DFSPs and everything else it owns.
    pub async fn delete(&self, who: &Principal, id: EnvironmentId) -> DomainResult<()> {
        who.ensure_hub_operator("delete environments")?;
        let mut conn = self.services.db.conn().await?;
        if repository::delete(&mut conn, id).await? {
            tracing::info!(environment = id, by = %who.subject, "environment deleted");
            Ok(())
        } else {
            Err(not_found(id))
        }
    }
}

/// Fails with "not found" unless the environment exists; for operations inside one.
pub(crate) async fn ensure_exists(
    conn: &mut crate::db::Conn,
    id: EnvironmentId,
) -> DomainResult<()> {
    if repository::exists(conn, id).await? {
        Ok(())
    } else {
        Err(not_found(id))
    }
}
