use time::OffsetDateTime;

use super::repository::{self, SetRow, Slot};
use super::{JwsCert, JwsCertInput, Purpose, ServerCert, ServerCertInput};
use crate::access::{DfspScope, EnvScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write, Conn, Outcome};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::error::FieldErrors;
use crate::pki::ca_chain::CaChain;
use crate::pki::parse::{self, ParsedCertificate, PkiError};
use crate::pki::validations::{self, Validation};
use crate::{DomainError, DomainResult, Principal, Services};

/// The Hub's JWS certificates and the DFSPs' sets of a listing, read together.
struct Listed(Vec<(bool, SetRow)>, Vec<(DfspId, SetRow)>);

impl crate::access::Found for Listed {
    fn is_nothing(&self) -> bool {
        self.0.is_empty() && self.1.is_empty()
    }
}

/// Whose set an operation is about.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Hub,
    Dfsp(&'a DfspId),
}

/// How a store treats the set already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Stores the set, replacing the one before if there is one (`POST`).
    CreateOrReplace,
    /// Replaces the set there is; 404 when there is none (`PUT`).
    Replace,
}

/// The Hub's and the DFSPs' server certificates and the DFSPs' JWS certificates. Obtained
/// from [`Services::certificate_sets`].
pub struct CertificateSetService<'a> {
    pub(crate) services: &'a Services,
}

impl CertificateSetService<'_> {
    /// Stores the owner's TLS server certificate with its chain. Certificates that cannot be
    /// read change nothing (400); ones that read but do not validate are stored with their
    /// validations, so that they can be seen and fixed, as MCM did.
    pub async fn store_server(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        owner: Owner<'_>,
        input: &ServerCertInput,
        write: Write,
    ) -> DomainResult<ServerCert> {
        let set = Set::read(
            Purpose::Server,
            input.server_certificate.as_deref(),
            input.intermediate_chain.as_deref(),
            input.root_certificate.as_deref(),
        );
        let stored = self
            .store(who, env_id, owner, Purpose::Server, set, write)
            .await?;
        Ok(stored.server_view(owner, self.services.clock.now()))
    }

    /// Stores the DFSP's JWS signing certificate with its chain, as [`Self::store_server`].
    pub async fn store_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &JwsCertInput,
        write: Write,
    ) -> DomainResult<JwsCert> {
        let set = Set::read(
            Purpose::Jws,
            input.jws_certificate.as_deref(),
            input.intermediate_chain.as_deref(),
            input.root_certificate.as_deref(),
        );
        let owner = Owner::Dfsp(dfsp_id);
        let stored = self
            .store(who, env_id, owner, Purpose::Jws, set, write)
            .await?;
        Ok(stored.jws_view(owner, self.services.clock.now()))
    }

    /// The owner's server certificate, validated now; `None` when none is stored.
    pub async fn find_server(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        owner: Owner<'_>,
    ) -> DomainResult<Option<ServerCert>> {
        let row = self.find(who, env_id, owner, Purpose::Server).await?;
        let now = self.services.clock.now();
        row.map(|row| Ok(Stored::reread(row, Purpose::Server)?.server_view(owner, now)))
            .transpose()
    }

    /// As [`Self::find_server`], with 404 when none is stored.
    pub async fn server(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        owner: Owner<'_>,
    ) -> DomainResult<ServerCert> {
        self.find_server(who, env_id, owner)
            .await?
            .ok_or_else(|| missing(env_id, owner, Purpose::Server))
    }

    /// The DFSP's JWS certificate, validated now; `None` when none is stored.
    pub async fn find_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<Option<JwsCert>> {
        let owner = Owner::Dfsp(dfsp_id);
        let row = self.find(who, env_id, owner, Purpose::Jws).await?;
        let now = self.services.clock.now();
        row.map(|row| Ok(Stored::reread(row, Purpose::Jws)?.jws_view(owner, now)))
            .transpose()
    }

    /// As [`Self::find_jws`], with 404 when none is stored.
    pub async fn jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<JwsCert> {
        self.find_jws(who, env_id, dfsp_id)
            .await?
            .ok_or_else(|| missing(env_id, Owner::Dfsp(dfsp_id), Purpose::Jws))
    }

    /// Removes the owner's set of `purpose`; 404 when there is none.
    pub async fn delete(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        owner: Owner<'_>,
        purpose: Purpose,
    ) -> DomainResult<()> {
        if let Owner::Dfsp(dfsp_id) = owner {
            DfspScope::precheck(who, dfsp_id)?;
        } else {
            who.ensure_hub_operator(HUB_WRITE)?;
        }
        let at = to_db(self.services.clock.now());
        let removed = db_write!(self.services.db, |conn| {
            async {
                let slot = writable_slot(conn, who, env_id, owner, purpose).await?;
                let removed = repository::delete(conn, &slot).await?;
                if removed {
                    set_audit(false, env_id, owner, purpose, None)
                        .record(conn, &who.subject, &at)
                        .await?;
                }
                Ok(removed)
            }
            .await
        })?;
        if !removed {
            return Err(missing(env_id, owner, purpose));
        }
        tracing::info!(environment = %env_id, owner = %owner_label(owner), purpose = ?purpose, by = %who.subject, "certificate set removed");
        Ok(())
    }

    /// Every DFSP's server certificate (DFSPs without one are left out). Hub operators only:
    /// a DFSP's server certificate concerns the Hub and that DFSP.
    pub async fn all_dfsp_servers(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<ServerCert>> {
        let action = "see every DFSP's server certificate";
        who.ensure_hub_operator(action)?;
        let rows = db_read!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, action).await?;
                repository::list_dfsps(conn, &scope.env(), Purpose::Server, None).await
            }
            .await
        })?;
        let now = self.services.clock.now();
        rows.into_iter()
            .map(|(dfsp_id, row)| {
                Ok(Stored::reread(row, Purpose::Server)?.server_view(Owner::Dfsp(&dfsp_id), now))
            })
            .collect()
    }

    /// Every DFSP's JWS certificate (DFSPs without one are left out), for every participant:
    /// JWS certificates are public, each DFSP verifies the others' signatures with them. With
    /// `zone`, only the DFSPs of that monetary zone.
    pub async fn all_dfsp_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        zone: Option<&str>,
    ) -> DomainResult<Vec<JwsCert>> {
        if let Some(zone) = zone {
            if !crate::monetary_zones::is_currency_code(zone) {
                return Err(DomainError::invalid_field(
                    "filter",
                    "monetaryZoneId",
                    format!(
                        "'{zone}' is not a monetary zone id: three capital letters, such as EUR"
                    ),
                ));
            }
        }
        let (hub, rows) = db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            async |conn, scope| {
                let hub = repository::hub_jws(conn, scope).await?;
                let dfsps = repository::list_dfsps(conn, scope, Purpose::Jws, zone).await?;
                Ok(Listed(hub, dfsps))
            }
        )
        .await
        .map(|Listed(hub, dfsps)| (hub, dfsps)))?;
        let now = self.services.clock.now();
        // The Hub's first (current, then superseded): every DFSP verifies the Hub's messages.
        let hub = hub.into_iter().map(|(superseded, row)| {
            let mut view = Stored::reread(row, Purpose::Jws)?.jws_view(Owner::Hub, now);
            view.superseded = superseded;
            Ok(view)
        });
        let dfsps = rows.into_iter().map(|(dfsp_id, row)| {
            Ok(Stored::reread(row, Purpose::Jws)?.jws_view(Owner::Dfsp(&dfsp_id), now))
        });
        hub.chain(dfsps).collect()
    }
}

impl CertificateSetService<'_> {
    /// The JWS certificates a DFSP verifies its peers' messages with: those of the other DFSPs
    /// in its monetary zone (of every other DFSP when it has no zone).
    pub async fn peer_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<Vec<JwsCert>> {
        let rows = db_read!(self.services.db, |conn| {
            async {
                let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
                repository::list_jws_peers(conn, &scope).await
            }
            .await
        })?;
        let now = self.services.clock.now();
        rows.into_iter()
            .map(|(peer, row)| {
                Ok(Stored::reread(row, Purpose::Jws)?.jws_view(Owner::Dfsp(&peer), now))
            })
            .collect()
    }
}

const HUB_WRITE: &str = "change the Hub's server certificate";
const HUB_JWS_WRITE: &str = "change the Hub's JWS certificate";

/// The Hub's JWS certificates: the one it signs with, and the one that one replaced while it
/// is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct HubJwsCerts {
    pub current: Option<JwsCert>,
    pub superseded: Option<JwsCert>,
}

impl CertificateSetService<'_> {
    /// Stores the Hub's JWS signing certificate with its chain. The current one is kept as
    /// superseded (replacing any kept before), so that DFSPs still verify what it signed.
    /// Validated as DFSPs' JWS certificates are; ones that read but do not validate are
    /// stored with their validations.
    pub async fn store_hub_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        input: &JwsCertInput,
        write: Write,
    ) -> DomainResult<JwsCert> {
        who.ensure_hub_operator(HUB_JWS_WRITE)?;
        let set = Set::read(
            Purpose::Jws,
            input.jws_certificate.as_deref(),
            input.intermediate_chain.as_deref(),
            input.root_certificate.as_deref(),
        )?;
        let mut row = set.row_to_store(who, self.services.clock.now());
        let id = db_write!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, HUB_JWS_WRITE).await?;
                let id =
                    repository::rotate_hub_jws(conn, &scope, &row, write == Write::Replace).await?;
                if let Some(id) = id {
                    Audit::new(
                        AuditAction::JwsCertificateStore,
                        "JWS certificate of the Hub stored (the one before is kept as superseded)",
                    )
                    .env(env_id)
                    .target(id)
                    .record(conn, &who.subject, &row.updated_at)
                    .await?;
                }
                Ok(id)
            }
            .await
        })?;
        row.id = id.ok_or_else(|| missing(env_id, Owner::Hub, Purpose::Jws))?;
        tracing::info!(environment = %env_id, id = row.id, by = %who.subject, "Hub JWS certificate stored");
        Ok(Stored { row, set }.jws_view(Owner::Hub, self.services.clock.now()))
    }

    /// The Hub's JWS certificates, validated now. Every participant may read them: DFSPs
    /// verify the Hub's signatures with them.
    pub async fn hub_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<HubJwsCerts> {
        let rows = db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            repository::hub_jws
        )
        .await)?;
        let now = self.services.clock.now();
        let mut certs = HubJwsCerts {
            current: None,
            superseded: None,
        };
        for (superseded, row) in rows {
            let mut view = Stored::reread(row, Purpose::Jws)?.jws_view(Owner::Hub, now);
            view.superseded = superseded;
            if superseded {
                certs.superseded = Some(view);
            } else {
                certs.current = Some(view);
            }
        }
        Ok(certs)
    }

    /// The Hub's current JWS certificate, validated now; 404 when there is none.
    pub async fn current_hub_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<JwsCert> {
        self.hub_jws(who, env_id)
            .await?
            .current
            .ok_or_else(|| missing(env_id, Owner::Hub, Purpose::Jws))
    }

    /// Removes the Hub's superseded JWS certificate (`superseded_only`: ending a rotation), or
    /// both; 404 when there is nothing to remove.
    pub async fn delete_hub_jws(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        superseded_only: bool,
    ) -> DomainResult<()> {
        who.ensure_hub_operator(HUB_JWS_WRITE)?;
        let at = to_db(self.services.clock.now());
        let removed = db_write!(self.services.db, |conn| {
            async {
                let scope = HubScope::check(conn, who, env_id, HUB_JWS_WRITE).await?;
                let removed = repository::delete_hub_jws(conn, &scope, superseded_only).await?;
                if removed {
                    let summary = if superseded_only {
                        "Superseded JWS certificate of the Hub removed"
                    } else {
                        "JWS certificates of the Hub removed"
                    };
                    Audit::new(AuditAction::JwsCertificateDelete, summary)
                        .env(env_id)
                        .record(conn, &who.subject, &at)
                        .await?;
                }
                Ok(removed)
            }
            .await
        })?;
        match (removed, superseded_only) {
            (true, _) => Ok(()),
            (false, true) => Err(DomainError::NotFound(format!(
                "The Hub has no superseded JWS certificate in environment {env_id}: one is kept \
                 only after the current one is replaced"
            ))),
            (false, false) => Err(missing(env_id, Owner::Hub, Purpose::Jws)),
        }
    }
}

/// The audit event of a change to `owner`'s set of `purpose`.
fn set_audit(
    stored: bool,
    env_id: EnvironmentId,
    owner: Owner<'_>,
    purpose: Purpose,
    id: Option<i64>,
) -> Audit {
    let (action, what, done) = match (purpose, stored) {
        (Purpose::Server, true) => (AuditAction::ServerCertificateStore, "Server", "stored"),
        (Purpose::Server, false) => (AuditAction::ServerCertificateDelete, "Server", "removed"),
        (Purpose::Jws, true) => (AuditAction::JwsCertificateStore, "JWS", "stored"),
        (Purpose::Jws, false) => (AuditAction::JwsCertificateDelete, "JWS", "removed"),
    };
    let whose = match owner {
        Owner::Hub => "the Hub".to_owned(),
        Owner::Dfsp(dfsp_id) => format!("DFSP '{dfsp_id}'"),
    };
    let audit = Audit::new(action, format!("{what} certificate of {whose} {done}")).env(env_id);
    let audit = match owner {
        Owner::Hub => audit,
        Owner::Dfsp(dfsp_id) => audit.dfsp(dfsp_id),
    };
    match id {
        Some(id) => audit.target(id),
        None => audit,
    }
}

impl CertificateSetService<'_> {
    async fn store(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        owner: Owner<'_>,
        purpose: Purpose,
        set: DomainResult<Set>,
        write: Write,
    ) -> DomainResult<Stored> {
        // Who may act is settled before the input is looked at, so that its errors tell a
        // principal who may not act nothing.
        match owner {
            Owner::Hub => who.ensure_hub_operator(HUB_WRITE)?,
            Owner::Dfsp(dfsp_id) => {
                DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?
            }
        }
        let set = set?;
        let mut row = set.row_to_store(who, self.services.clock.now());
        let id = db_write!(self.services.db, |conn| {
            async {
                let slot = writable_slot(conn, who, env_id, owner, purpose).await?;
                let id = repository::replace(conn, &slot, &row, write == Write::Replace).await?;
                if id.is_some() {
                    set_audit(true, env_id, owner, purpose, id)
                        .record(conn, &who.subject, &row.updated_at)
                        .await?;
                }
                Ok(id)
            }
            .await
        })?;
        row.id = id.ok_or_else(|| missing(env_id, owner, purpose))?;
        tracing::info!(environment = %env_id, owner = %owner_label(owner), purpose = ?purpose, id = row.id, by = %who.subject, "certificate set stored");
        Ok(Stored { row, set })
    }

    async fn find(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        owner: Owner<'_>,
        purpose: Purpose,
    ) -> DomainResult<Option<SetRow>> {
        Ok(db_read!(self.services.db, |conn| {
            async {
                let slot = match owner {
                    Owner::Hub => Slot::hub(&EnvScope::check(conn, who, env_id).await?),
                    Owner::Dfsp(dfsp_id) => Slot::dfsp(
                        &DfspScope::check(conn, who, env_id, dfsp_id).await?,
                        purpose,
                    ),
                };
                repository::find(conn, &slot).await
            }
            .await
        })?)
    }
}

/// The slot the principal may write: the Hub's for a hub operator, a DFSP's for whoever may
/// act for it.
async fn writable_slot(
    conn: &mut Conn<'_>,
    who: &Principal,
    env_id: EnvironmentId,
    owner: Owner<'_>,
    purpose: Purpose,
) -> Outcome<Slot> {
    Ok(match owner {
        Owner::Hub => Slot::hub(&HubScope::check(conn, who, env_id, HUB_WRITE).await?.env()),
        Owner::Dfsp(dfsp_id) => Slot::dfsp(
            &DfspScope::check(conn, who, env_id, dfsp_id).await?,
            purpose,
        ),
    })
}

fn owner_label(owner: Owner<'_>) -> String {
    match owner {
        Owner::Hub => "hub".into(),
        Owner::Dfsp(dfsp_id) => dfsp_id.to_string(),
    }
}

/// The 404 for an owner without a set.
fn missing(env_id: EnvironmentId, owner: Owner<'_>, purpose: Purpose) -> DomainError {
    let (what, path) = match purpose {
        Purpose::Server => ("server certificate", "servercerts"),
        Purpose::Jws => ("JWS certificate", "jwscerts"),
    };
    DomainError::NotFound(match owner {
        Owner::Hub => format!(
            "The Hub has no {what} in environment {env_id} yet: upload one with POST \
             /api/environments/{env_id}/hub/{path}"
        ),
        Owner::Dfsp(dfsp_id) => format!(
            "DFSP '{dfsp_id}' has no {what} in environment {env_id} yet: upload one with POST \
             /api/environments/{env_id}/dfsps/{dfsp_id}/{path}"
        ),
    })
}

/// The names of a set's fields, as the client sends them.
fn certificate_field(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Server => "serverCertificate",
        Purpose::Jws => "jwsCertificate",
    }
}

fn what(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Server => "server certificate",
        Purpose::Jws => "JWS certificate",
    }
}

/// A set as read from its PEM texts.
struct Set {
    certificate: ParsedCertificate,
    chain: CaChain,
}

impl Set {
    /// Reads the certificate (exactly one) and the chain it chains to; every unreadable field
    /// is reported at once.
    fn read(
        purpose: Purpose,
        certificate: Option<&str>,
        chain: Option<&str>,
        root: Option<&str>,
    ) -> DomainResult<Set> {
        let field = certificate_field(purpose);
        let mut errors = FieldErrors::default();
        let certificate = match certificate.filter(|text| !text.trim().is_empty()) {
            None => {
                errors.push(
                    field,
                    format!(
                        "is required: paste the {} (PEM, it starts with -----BEGIN CERTIFICATE)",
                        what(purpose)
                    ),
                );
                None
            }
            Some(text) => match parse::certificate(text.as_bytes()) {
                Ok(certificate) => Some(certificate),
                Err(PkiError::NotOne(n)) => {
                    errors.push(
                        field,
                        format!(
                            "holds {n} certificates where one is expected: put the {} here, \
                             the CA certificates under the root in intermediateChain and the \
                             root in rootCertificate",
                            what(purpose)
                        ),
                    );
                    None
                }
                Err(error) => {
                    errors.push(field, error.to_string());
                    None
                }
            },
        };
        let chain = CaChain::read(what(purpose), root, chain, false);
        if let Err(error) = &chain {
            for field in error.field_errors() {
                errors.push(&field.field, field.message.clone());
            }
        }
        errors.finish(what(purpose))?;
        match (certificate, chain) {
            (Some(certificate), Ok(chain)) => Ok(Set { certificate, chain }),
            _ => Err(DomainError::Internal(
                "a checked certificate set went missing".into(),
            )),
        }
    }

    /// The row that stores this set, by `who` at `at` (its id is given by the insert).
    fn row_to_store(&self, who: &Principal, at: OffsetDateTime) -> SetRow {
        SetRow {
            id: 0,
            certificate: self.certificate.pem.clone(),
            intermediate_chain: self.chain.chain_pem(),
            root_certificate: self.chain.root_pem(),
            updated_at: to_db(at),
            updated_by: Some(who.subject.clone()),
        }
    }

    fn validations(&self, purpose: Purpose, at: OffsetDateTime) -> Vec<Validation> {
        match purpose {
            Purpose::Server => validations::server_certificate_validations(
                Some(&self.certificate),
                &self.chain.intermediates,
                self.chain.root.as_ref(),
                at,
            ),
            // MCM checks the JWS certificate alone; its root and chain are kept for the
            // DFSPs that verify with them.
            Purpose::Jws => validations::jws_certificate_validations(Some(&self.certificate), at),
        }
    }
}

/// A stored set and its certificates, read.
struct Stored {
    row: SetRow,
    set: Set,
}

impl Stored {
    /// A stored set, read again. It was read when it was stored, so a failure is our fault.
    fn reread(row: SetRow, purpose: Purpose) -> DomainResult<Stored> {
        let set = Set::read(
            purpose,
            Some(&row.certificate),
            row.intermediate_chain.as_deref(),
            row.root_certificate.as_deref(),
        )
        .map_err(|error| {
            tracing::error!(id = row.id, %error, "a stored certificate set cannot be read");
            DomainError::Internal(format!("The stored {} cannot be read", what(purpose)))
        })?;
        Ok(Stored { row, set })
    }

    fn server_view(self, owner: Owner<'_>, at: OffsetDateTime) -> ServerCert {
        let validations = self.set.validations(Purpose::Server, at);
        ServerCert {
            id: self.row.id,
            dfsp_id: dfsp_of(owner),
            server_certificate: self.row.certificate,
            intermediate_chain: self.row.intermediate_chain,
            root_certificate: self.row.root_certificate,
            server_certificate_info: self.set.certificate.info,
            intermediate_chain_info: self.set.chain.chain_info(),
            root_certificate_info: self.set.chain.root_info(),
            validation_state: validations::state(&validations),
            validations,
            updated_date: self.row.updated_at,
            updated_by: self.row.updated_by,
        }
    }

    fn jws_view(self, owner: Owner<'_>, at: OffsetDateTime) -> JwsCert {
        let validations = self.set.validations(Purpose::Jws, at);
        JwsCert {
            id: self.row.id,
            dfsp_id: dfsp_of(owner),
            jws_certificate: self.row.certificate,
            intermediate_chain: self.row.intermediate_chain,
            root_certificate: self.row.root_certificate,
            jws_certificate_info: self.set.certificate.info,
            intermediate_chain_info: self.set.chain.chain_info(),
            root_certificate_info: self.set.chain.root_info(),
            validation_state: validations::state(&validations),
            validations,
            updated_date: self.row.updated_at,
            updated_by: self.row.updated_by,
            superseded: false,
        }
    }
}

fn dfsp_of(owner: Owner<'_>) -> Option<DfspId> {
    match owner {
        Owner::Hub => None,
        Owner::Dfsp(dfsp_id) => Some(dfsp_id.clone()),
    }
}
