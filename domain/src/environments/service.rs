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

    /// The environment that the MCM v3 paths act in: the one `V3_ENVIRONMENT` names (by id or
    /// by name), else the only one there is. A clear 409 when that is not one environment.
    /// Every v3 request asks, so it shares the environments' read with the lists clients poll.
    pub async fn v3_environment(&self) -> DomainResult<EnvironmentId> {
        let services = self.services.clone();
        let list = move || {
            let services = services.clone();
            async move { db_read!(services.db, |conn| repository::list(conn).await) }
        };
        let all = self.services.polled.environments.read((), list).await?;
        v3_environment(self.services.v3_environment.as_deref(), &all)
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

/// Which of `all` the setting `V3_ENVIRONMENT` names (see [`EnvironmentService::v3_environment`]).
fn v3_environment(setting: Option<&str>, all: &[Environment]) -> DomainResult<EnvironmentId> {
    use crate::DomainError::Conflict;
    match setting.map(str::trim).filter(|s| !s.is_empty()) {
        Some(setting) => {
            if let Some(env) = all.iter().find(|e| e.id.0.to_string() == setting) {
                return Ok(env.id);
            }
            let named: Vec<&Environment> = all.iter().filter(|e| e.name == setting).collect();
            match named.as_slice() {
                [env] => Ok(env.id),
                [] => Err(Conflict(format!(
                    "V3_ENVIRONMENT is '{setting}', but no environment has that id or name: \
                     create it (POST /api/environments) or set V3_ENVIRONMENT to one of {}",
                    names(all)
                ))),
                _ => Err(Conflict(format!(
                    "V3_ENVIRONMENT is '{setting}', which {} environments are named: set it to \
                     the id of one of them ({})",
                    named.len(),
                    named
                        .iter()
                        .map(|e| e.id.0.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        }
        None => match all {
            [env] => Ok(env.id),
            [] => Err(Conflict(
                "The v3 paths (without /environments/{envId}) act in one environment, and \
                 there is none yet: create it (POST /api/environments)"
                    .into(),
            )),
            _ => Err(Conflict(format!(
                "The v3 paths (without /environments/{{envId}}) act in one environment, and \
                 there are {}: set V3_ENVIRONMENT to the id or name of one of {}",
                all.len(),
                names(all)
            ))),
        },
    }
}

fn names(all: &[Environment]) -> String {
    if all.is_empty() {
        return "the environments (there are none yet)".into();
    }
    all.iter()
        .map(|e| format!("{} ('{}')", e.id.0, e.name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environments::DistinguishedName;
    use crate::DomainError;

    fn env(id: i64, name: &str) -> Environment {
        Environment {
            id: EnvironmentId(id),
            name: name.into(),
            default_dn: DistinguishedName::default(),
        }
    }

    #[test]
    fn v3_paths_act_in_the_named_or_the_only_environment() {
        let one = [env(4, "PROD")];
        assert_eq!(v3_environment(None, &one).unwrap(), EnvironmentId(4));
        let two = [env(1, "DEV"), env(2, "PROD")];
        assert_eq!(
            v3_environment(Some("PROD"), &two).unwrap(),
            EnvironmentId(2)
        );
        assert_eq!(v3_environment(Some("1"), &two).unwrap(), EnvironmentId(1));
        let Err(DomainError::Conflict(message)) = v3_environment(None, &two) else {
            panic!("two environments without the setting are a conflict");
        };
        assert!(
            message.contains("V3_ENVIRONMENT") && message.contains("'PROD'"),
            "{message}"
        );
        let Err(DomainError::Conflict(message)) = v3_environment(Some("QA"), &two) else {
            panic!("a setting that names nothing is a conflict");
        };
        assert!(message.contains("'QA'"), "{message}");
        assert!(v3_environment(None, &[]).is_err());
        let twins = [env(1, "HUB"), env(2, "HUB")];
        let Err(DomainError::Conflict(message)) = v3_environment(Some("HUB"), &twins) else {
            panic!("a name two environments share is a conflict");
        };
        assert!(message.contains("1, 2"), "{message}");
    }
}
