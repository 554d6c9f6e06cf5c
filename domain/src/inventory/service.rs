use std::collections::HashSet;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::repository::{self, StoredCertificates};
use super::{
    whole_days, CertificateKind, CertificateRole, CertificateStatus, ExpirySummary, ExpiryWarnings,
    Inventory, InventoryCertificate, InventoryFilter, InventoryQuery, HUB_OWNER,
};
use crate::access::EnvScope;
use crate::db::db_read;
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::pki::parse::{self, ParsedCertificate};
use crate::{DomainResult, Principal, Services};

/// The certificate inventory. Obtained from [`Services::inventory`].
pub struct InventoryService<'a> {
    pub(crate) services: &'a Services,
}

impl InventoryService<'_> {
    /// The environment's certificates that `filter` selects, soonest to expire first. Hub
    /// operators see every certificate; others see the Hub's own public ones (its CAs and
    /// server certificate) and those of the DFSPs they act for.
    pub async fn list(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        filter: &InventoryFilter,
    ) -> DomainResult<Vec<InventoryCertificate>> {
        let query = InventoryQuery::from_filter(filter)?;
        let all = self.all_visible(who, env_id).await?;
        Ok(all.into_iter().filter(|c| query.selects(c)).collect())
    }

    /// [`Self::list`] with the warning window that made certificates expiring, for the portal.
    pub async fn inventory(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        filter: &InventoryFilter,
    ) -> DomainResult<Inventory> {
        Ok(Inventory {
            certificates: self.list(who, env_id, filter).await?,
            window_days: self.services.expiry_warnings.window(),
        })
    }

    /// How many of the environment's certificates (those `who` may see) are expiring or
    /// expired.
    pub async fn summary(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<ExpirySummary> {
        let all = self.all_visible(who, env_id).await?;
        Ok(ExpirySummary::of(
            &all,
            self.services.expiry_warnings.window(),
        ))
    }

    async fn all_visible(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<InventoryCertificate>> {
        let stored = db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            repository::all
        )
        .await)?;
        let visible = stored.into_iter().filter(|row| match &row.dfsp {
            // Every participant may see the Hub's CAs and server certificate.
            None => true,
            Some((_, group)) => who.may_act_for_dfsp(group),
        });
        Ok(listed(
            visible,
            self.services.clock.now(),
            &self.services.expiry_warnings,
        ))
    }
}

/// Every certificate of `rows`, each listed once (the first place that keeps it names it),
/// sorted by `notAfter`.
pub(super) fn listed(
    rows: impl IntoIterator<Item = StoredCertificates>,
    now: OffsetDateTime,
    warnings: &ExpiryWarnings,
) -> Vec<InventoryCertificate> {
    let mut seen = HashSet::new();
    let mut listed = Vec::new();
    for row in rows {
        for (id, role, numbered, pem) in row.certificates() {
            let parsed = match parse::certificates(pem.as_bytes()) {
                Ok(parsed) => parsed,
                Err(error) => {
                    // Stored certificates were read when they were stored: this is a damaged
                    // row, which the inventory must not hide the others for.
                    tracing::warn!(certificate = %id, %error, "a stored certificate cannot be read");
                    continue;
                }
            };
            let numbered = numbered || parsed.len() > 1;
            for (index, certificate) in parsed.into_iter().enumerate() {
                let id = if numbered {
                    format!("{id}.{}", index + 1)
                } else {
                    id.clone()
                };
                let entry = entry(&row, id, role, &certificate, now, warnings);
                if seen.insert((
                    entry.owner.clone(),
                    entry.dfsp_id.clone(),
                    entry.fingerprint_sha256.clone(),
                )) {
                    listed.push(entry);
                }
            }
        }
    }
    listed.sort_by(|a, b| (&a.not_after, a.kind, &a.id).cmp(&(&b.not_after, b.kind, &b.id)));
    listed
}

impl StoredCertificates {
    /// The row's certificates with their ids and roles: the main one, the intermediates of
    /// its chain (one PEM text, whose certificates [`listed`] numbers from 1), and the root
    /// stored beside it.
    fn certificates(&self) -> Vec<(String, CertificateRole, bool, &str)> {
        let base = format!("{}.{}", self.kind.as_str(), self.row_id);
        let main_role = match self.kind {
            CertificateKind::InternalCa | CertificateKind::HubCa | CertificateKind::DfspCa => {
                CertificateRole::Root
            }
            _ => CertificateRole::EndEntity,
        };
        let mut certificates = vec![(base.clone(), main_role, false, self.certificate.as_str())];
        if let Some(chain) = self
            .intermediate_chain
            .as_deref()
            .filter(|c| !c.trim().is_empty())
        {
            certificates.push((base.clone(), CertificateRole::Intermediate, true, chain));
        }
        if let Some(root) = self
            .root_certificate
            .as_deref()
            .filter(|c| !c.trim().is_empty())
        {
            certificates.push((format!("{base}.root"), CertificateRole::Root, false, root));
        }
        certificates
    }
}

fn entry(
    row: &StoredCertificates,
    id: String,
    role: CertificateRole,
    certificate: &ParsedCertificate,
    now: OffsetDateTime,
    warnings: &ExpiryWarnings,
) -> InventoryCertificate {
    let info = &certificate.info;
    let dfsp_id = row.dfsp.as_ref().map(|(id, _)| DfspId(id.clone()));
    let owner = match (row.kind, &dfsp_id) {
        // The Hub's client certificate: the Hub's key, certified by the DFSP's CA.
        (CertificateKind::OutboundEnrollment, _) | (_, None) => HUB_OWNER.to_owned(),
        (_, Some(dfsp)) => dfsp.as_str().to_owned(),
    };
    let seconds_left = OffsetDateTime::parse(&info.not_after, &Rfc3339)
        .map(|not_after| (not_after - now).whole_seconds())
        .unwrap_or(0);
    // Only the main certificate of a row is the one revoked or issued here (a chain's CA
    // certificates are not).
    let main = role == CertificateRole::EndEntity;
    let revocation = row.revocation.clone().filter(|_| main);
    let status = match revocation {
        Some(_) => CertificateStatus::Revoked,
        None => warnings.status(seconds_left),
    };
    let revocable = main
        && row.kind == CertificateKind::InboundEnrollment
        && row.issuer_ca_id.is_some()
        && matches!(
            status,
            CertificateStatus::Valid | CertificateStatus::Expiring
        );
    InventoryCertificate {
        id,
        kind: row.kind,
        role,
        owner,
        dfsp_id,
        subject: info.subject.to_string(),
        issuer: info.issuer.to_string(),
        serial: info.serial_hex.clone(),
        not_before: info.not_before.clone(),
        not_after: info.not_after.clone(),
        days_left: whole_days(seconds_left),
        status,
        fingerprint_sha256: info.fingerprint_sha256.clone(),
        revocable,
        revocation,
    }
}
