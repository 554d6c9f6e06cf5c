use super::repository::{self, DfspCaRow};
use super::{DfspCa, DfspCaInput, DfspCaOfDfsp};
use crate::access::{DfspScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::pki::ca_chain::CaChain;
use crate::pki::validations;
use crate::{DomainError, DomainResult, Principal, Services};

const WHAT: &str = "DFSP CA";

/// The DFSPs' CAs. Obtained from [`Services::dfsp_cas`].
pub struct DfspCaService<'a> {
    pub(crate) services: &'a Services,
}

impl DfspCaService<'_> {
    /// Stores the DFSP's CA, replacing the one before as a whole (a field left out is left
    /// out, not kept from before). Certificates that cannot be read change nothing; ones that
    /// read but do not validate are stored with their validations, so that they can be seen
    /// and fixed.
    pub async fn set(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &DfspCaInput,
    ) -> DomainResult<DfspCa> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let chain = CaChain::read(
            WHAT,
            input.root_certificate.as_deref(),
            input.intermediate_chain.as_deref(),
            true,
        )?;
        let now = self.services.clock.now();
        let row = DfspCaRow {
            root_certificate: chain.root_pem().unwrap_or_default(),
            intermediate_chain: chain.chain_pem(),
            updated_at: to_db(now),
            updated_by: Some(who.subject.clone()),
        };
        db_write!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                repository::replace(conn, &scope, &row).await?;
                Audit::new(
                    AuditAction::DfspCaUpload,
                    format!(
                        "CA of DFSP '{dfsp_id}' stored: root {}, {} intermediate(s)",
                        if row.root_certificate.is_empty() {
                            "absent"
                        } else {
                            "present"
                        },
                        chain.chain_info().len()
                    ),
                )
                .env(env_id)
                .dfsp(dfsp_id)
                .record(conn, &who.subject, &row.updated_at)
                .await
            }
            .await
        })?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, by = %who.subject, "DFSP CA stored");
        Ok(view(row, &chain, now))
    }

    /// The DFSP's CA, validated now; [`DfspCa::none`] when none is stored.
    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<DfspCa> {
        let row = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                repository::find(conn, &scope).await
            }
            .await
        })?;
        let Some(row) = row else {
            return Ok(DfspCa::none());
        };
        let chain = stored_chain(&row, dfsp_id)?;
        Ok(view(row, &chain, self.services.clock.now()))
    }
}

impl DfspCaService<'_> {
    /// Every DFSP's CA, for the Hub's overview, in the order the DFSPs were created.
    pub async fn list(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<DfspCaOfDfsp>> {
        let action = "see every DFSP's CA";
        who.ensure_hub_operator(action)?;
        let rows = db_read!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, action).await?;
                repository::list(conn, &scope).await
            }
            .await
        })?;
        let now = self.services.clock.now();
        rows.into_iter()
            .map(|(dfsp_id, name, row)| {
                let ca = match row {
                    Some(row) => {
                        let chain = stored_chain(&row, &dfsp_id)?;
                        view(row, &chain, now)
                    }
                    None => DfspCa::none(),
                };
                Ok(DfspCaOfDfsp { dfsp_id, name, ca })
            })
            .collect()
    }
}

/// A stored chain, read again. It was read when it was stored, so a failure is our fault.
pub(crate) fn stored_chain(row: &DfspCaRow, dfsp_id: &DfspId) -> DomainResult<CaChain> {
    CaChain::read(
        WHAT,
        Some(&row.root_certificate),
        row.intermediate_chain.as_deref(),
        true,
    )
    .map_err(|error| {
        tracing::error!(dfsp = %dfsp_id, %error, "a stored DFSP CA cannot be read");
        DomainError::Internal(format!("The CA of DFSP '{dfsp_id}' cannot be read"))
    })
}

fn view(row: DfspCaRow, chain: &CaChain, now: time::OffsetDateTime) -> DfspCa {
    let validations = chain.validations(now);
    DfspCa {
        root_certificate: Some(row.root_certificate),
        intermediate_chain: row.intermediate_chain,
        root_certificate_info: chain.root_info(),
        intermediate_chain_info: chain.chain_info(),
        validation_state: validations::state(&validations),
        validations,
        updated_date: Some(row.updated_at),
        updated_by: row.updated_by,
    }
}
