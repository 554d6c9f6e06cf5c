use super::{default_security_group, repository, Dfsp, DfspChanges, NewDfsp};
use crate::clock::to_db;
use crate::db::{is_unique_violation, Conn};
use crate::environments::{ensure_exists as ensure_environment, EnvironmentId};
use crate::monetary_zones::repository::find_active as find_zone;
use crate::{DomainError, DomainResult, Principal, Services};

/// DFSP operations. Obtained from [`Services::dfsps`].
pub struct DfspService<'a> {
    pub(crate) services: &'a Services,
}

fn not_found(env_id: EnvironmentId, dfsp_id: &str) -> DomainError {
    DomainError::NotFound(format!(
        "DFSP '{dfsp_id}' not found in environment {env_id}"
    ))
}

/// An unknown zone in a request body is bad input (400), not a missing resource.
async fn ensure_zone(conn: &mut Conn, zone: Option<&str>) -> DomainResult<()> {
    let Some(zone) = zone else { return Ok(()) };
    if find_zone(conn, zone).await?.is_some() {
        Ok(())
    } else {
        Err(DomainError::invalid_field(
            "DFSP",
            "monetaryZoneId",
            format!("'{zone}' is not a known monetary zone (GET /api/monetaryzones lists them)"),
        ))
    }
}

impl DfspService<'_> {
    pub async fn list(&self, who: &Principal, env_id: EnvironmentId) -> DomainResult<Vec<Dfsp>> {
        who.ensure_can_read()?;
        let mut conn = self.services.db.conn().await?;
        ensure_environment(&mut conn, env_id).await?;
        Ok(repository::list(&mut conn, env_id).await?)
    }

    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &str,
    ) -> DomainResult<Dfsp> {
        who.ensure_can_read()?;
        let mut conn = self.services.db.conn().await?;
        ensure_environment(&mut conn, env_id).await?;
        repository::find(&mut conn, env_id, dfsp_id)
            .await?
            .ok_or_else(|| not_found(env_id, dfsp_id))
    }

    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        input: &NewDfsp,
    ) -> DomainResult<Dfsp> {
        who.ensure_hub_operator("create DFSPs")?;
        let valid = input.validate()?;
        let mut tx = self.services.db.begin().await?;
        ensure_environment(&mut tx, env_id).await?;
        ensure_zone(&mut tx, valid.monetary_zone_id.as_deref()).await?;
        let created_at = to_db(self.services.clock.now());
        match repository::insert(&mut tx, env_id, &valid, &created_at).await {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(DomainError::Conflict(format!(
                    "A DFSP with id '{}' already exists in environment {env_id}; choose another id",
                    valid.dfsp_id
                )))
            }
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
        tracing::info!(environment = env_id, dfsp = %valid.dfsp_id, by = %who.subject, "DFSP created");
        Ok(Dfsp {
            env_id,
            id: valid.dfsp_id,
            name: valid.name,
            monetary_zone_id: valid.monetary_zone_id,
            security_group: valid.security_group,
        })
    }

    pub async fn update(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &str,
        changes: &DfspChanges,
    ) -> DomainResult<Dfsp> {
        who.ensure_hub_operator("change DFSPs")?;
        let valid = changes.validate()?;
        let mut tx = self.services.db.begin().await?;
        ensure_environment(&mut tx, env_id).await?;
        let mut dfsp = repository::find(&mut tx, env_id, dfsp_id)
            .await?
            .ok_or_else(|| not_found(env_id, dfsp_id))?;
        if let Some(zone) = &valid.monetary_zone_id {
            ensure_zone(&mut tx, zone.as_deref()).await?;
            dfsp.monetary_zone_id = zone.clone();
        }
        if let Some(name) = valid.name {
            dfsp.name = name;
        }
        if let Some(group) = valid.security_group {
            dfsp.security_group = group.unwrap_or_else(|| default_security_group(&dfsp.id));
        }
        repository::update(&mut tx, &dfsp).await?;
        tx.commit().await?;
        tracing::info!(environment = env_id, dfsp = %dfsp.id, by = %who.subject, "DFSP updated");
        Ok(dfsp)
    }

    /// Deletes the DFSP and everything it owns.
    pub async fn delete(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &str,
    ) -> DomainResult<()> {
        who.ensure_hub_operator("delete DFSPs")?;
        let mut conn = self.services.db.conn().await?;
        ensure_environment(&mut conn, env_id).await?;
        if repository::delete(&mut conn, env_id, dfsp_id).await? {
            tracing::info!(environment = env_id, dfsp = %dfsp_id, by = %who.subject, "DFSP deleted");
            Ok(())
        } else {
            Err(not_found(env_id, dfsp_id))
        }
    }

    /// The DFSPs of an environment in one monetary zone. An unknown zone is "not found".
    pub async fn list_in_zone(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        zone: &str,
    ) -> DomainResult<Vec<Dfsp>> {
        who.ensure_can_read()?;
        let mut conn = self.services.db.conn().await?;
        ensure_environment(&mut conn, env_id).await?;
        if find_zone(&mut conn, zone).await?.is_none() {
            return Err(DomainError::NotFound(format!(
                "Monetary zone '{zone}' not found"
            )));
        }
        Ok(repository::list_in_zone(&mut conn, env_id, zone).await?)
    }
}
