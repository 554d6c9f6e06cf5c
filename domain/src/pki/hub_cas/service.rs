use super::repository::{self, HubCaRow};
use super::{HubCa, HubCaInput, EXTERNAL, NAME_MAX_CHARS};
use crate::access::{EnvScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::environments::EnvironmentId;
use crate::error::FieldErrors;
use crate::pki::ca_chain::CaChain;
use crate::pki::validations;
use crate::text::TextRule;
use crate::{DomainError, DomainResult, Principal, Services};

const NAME: TextRule = TextRule::new(NAME_MAX_CHARS);
const WHAT: &str = "Hub CA";

/// The Hub's external CAs. Obtained from [`Services::hub_cas`].
pub struct HubCaService<'a> {
    pub(crate) services: &'a Services,
}

impl HubCaService<'_> {
    /// Adds an external CA, whatever its validations say: they are reported with it, so that
    /// an operator can see what to fix, as MCM did.
    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        input: &HubCaInput,
    ) -> DomainResult<HubCa> {
        let action = "add the Hub's CAs";
        who.ensure_hub_operator(action)?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", NAME.required(input.name.as_deref()));
        if let Some(kind) = input.kind.as_deref() {
            if kind != EXTERNAL {
                errors.push(
                    "type",
                    format!(
                        "must be {EXTERNAL}, not '{kind}': the Hub's internal CA is made with \
                         POST /api/environments/{env_id}/cas"
                    ),
                );
            }
        }
        let chain = CaChain::read(
            WHAT,
            input.root_certificate.as_deref(),
            input.intermediate_chain.as_deref(),
            true,
        );
        if let Err(error) = &chain {
            for field in error.field_errors() {
                errors.push(&field.field, field.message.clone());
            }
        }
        errors.finish(WHAT)?;
        let (Some(name), Ok(chain)) = (name, chain) else {
            return Err(DomainError::Internal(
                "a checked Hub CA went missing".into(),
            ));
        };
        let now = self.services.clock.now();
        let row = HubCaRow {
            id: 0,
            name,
            root_certificate: chain.root_pem().unwrap_or_default(),
            intermediate_chain: chain.chain_pem(),
            created_at: to_db(now),
            created_by: Some(who.subject.clone()),
        };
        let id = db_write!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, action).await?;
                let id = repository::insert(
                    conn,
                    &scope,
                    &row.name,
                    &row.root_certificate,
                    row.intermediate_chain.as_deref(),
                    &row.created_at,
                    &who.subject,
                )
                .await?
                .ok_or_else(|| {
                    DomainError::Conflict(format!(
                        "Environment {env_id} already has a Hub CA named '{}'; choose another name",
                        row.name
                    ))
                })?;
                Audit::new(
                    AuditAction::HubCaCreate,
                    format!("Hub CA '{}' added", row.name),
                )
                .env(env_id)
                .target(id)
                .record(conn, &who.subject, &row.created_at)
                .await?;
                Ok(id)
            }
            .await
        })?;
        tracing::info!(environment = %env_id, hub_ca = id, name = %row.name, by = %who.subject, "Hub CA added");
        view(env_id, HubCaRow { id, ..row }, &chain, now)
    }

    /// The environment's Hub CAs, oldest first.
    pub async fn list(&self, who: &Principal, env_id: EnvironmentId) -> DomainResult<Vec<HubCa>> {
        let rows = db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            repository::list
        )
        .await)?;
        let now = self.services.clock.now();
        rows.into_iter()
            .map(|row| {
                let chain = stored_chain(&row)?;
                view(env_id, row, &chain, now)
            })
            .collect()
    }

    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        id: i64,
    ) -> DomainResult<HubCa> {
        let row = db_read!(self.services.db, |conn| {
            async {
                let scope = EnvScope::check(conn, who, env_id).await?;
                repository::find(conn, &scope, id).await
            }
            .await
        })?
        .ok_or_else(|| not_found(env_id, id))?;
        let chain = stored_chain(&row)?;
        view(env_id, row, &chain, self.services.clock.now())
    }

    pub async fn delete(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        id: i64,
    ) -> DomainResult<()> {
        let action = "remove the Hub's CAs";
        who.ensure_hub_operator(action)?;
        let at = to_db(self.services.clock.now());
        let deleted = db_write!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, action).await?;
                let signed =
                    crate::enrollments::inbound::repository::count_signed_by_hub_ca(conn, id)
                        .await?;
                if signed > 0 && repository::find(conn, &scope.env(), id).await?.is_some() {
                    return Err(DomainError::Conflict(format!(
                        "Hub CA {id} signed {signed} DFSP certificate{} recorded here; it stays \
                         while they do",
                        if signed == 1 { "" } else { "s" }
                    ))
                    .into());
                }
                let deleted = repository::delete(conn, &scope, id).await?;
                if deleted {
                    Audit::new(AuditAction::HubCaDelete, format!("Hub CA {id} removed"))
                        .env(env_id)
                        .target(id)
                        .record(conn, &who.subject, &at)
                        .await?;
                }
                Ok(deleted)
            }
            .await
        })?;
        if !deleted {
            return Err(not_found(env_id, id));
        }
        tracing::info!(environment = %env_id, hub_ca = id, by = %who.subject, "Hub CA removed");
        Ok(())
    }
}

pub(crate) fn not_found(env_id: EnvironmentId, id: i64) -> DomainError {
    DomainError::NotFound(format!("Environment {env_id} has no Hub CA with id {id}"))
}

/// A stored chain, read again. It was read when it was stored, so a failure is our fault.
fn stored_chain(row: &HubCaRow) -> DomainResult<CaChain> {
    CaChain::read(
        WHAT,
        Some(&row.root_certificate),
        row.intermediate_chain.as_deref(),
        true,
    )
    .map_err(|error| {
        tracing::error!(hub_ca = row.id, %error, "a stored Hub CA cannot be read");
        DomainError::Internal(format!("Hub CA {} cannot be read", row.id))
    })
}

fn view(
    env_id: EnvironmentId,
    row: HubCaRow,
    chain: &CaChain,
    now: time::OffsetDateTime,
) -> DomainResult<HubCa> {
    let root_info = chain
        .root_info()
        .ok_or_else(|| DomainError::Internal(format!("Hub CA {} has no root", row.id)))?;
    let validations = chain.validations(now);
    Ok(HubCa {
        id: row.id,
        env_id,
        kind: EXTERNAL.into(),
        name: row.name,
        root_certificate: row.root_certificate,
        intermediate_chain: row.intermediate_chain,
        root_certificate_info: root_info,
        intermediate_chain_info: chain.chain_info(),
        validation_state: validations::state(&validations),
        validations,
        created_date: row.created_at,
        created_by: row.created_by,
    })
}
