use super::{default_security_group, not_found, repository, Dfsp, DfspChanges, DfspId, NewDfsp};
use crate::access::{EnvScope, HubScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::db::{Conn, Outcome};
use crate::environments::EnvironmentId;
use crate::monetary_zones::repository::find_active as find_zone;
use crate::{DomainError, DomainResult, Principal, Services};

/// DFSP operations. Obtained from [`Services::dfsps`].
pub struct DfspService<'a> {
    pub(crate) services: &'a Services,
}

/// An unknown zone in a request body is bad input (400), not a missing resource.
async fn ensure_zone(conn: &mut Conn<'_>, zone: Option<&str>) -> Outcome<()> {
    let Some(zone) = zone else { return Ok(()) };
    if find_zone(conn, zone).await?.is_some() {
        Ok(())
    } else {
        Err(DomainError::invalid_field(
            "DFSP",
            "monetaryZoneId",
            format!("'{zone}' is not a known monetary zone (GET /api/monetaryzones lists them)"),
        )
        .into())
    }
}

/// FX currencies that are not known currency codes are bad input (400), named one by one.
async fn ensure_currencies(conn: &mut Conn<'_>, codes: &[String]) -> Outcome<()> {
    if codes.is_empty() {
        return Ok(());
    }
    let placeholders = vec!["?"; codes.len()].join(", ");
    let sql = format!("SELECT currency_id FROM currencies WHERE currency_id IN ({placeholders})");
    let mut query = sqlx::query_scalar::<_, String>(&sql);
    for code in codes {
        query = query.bind(code);
    }
    let known = query.fetch_all(&mut *conn).await?;
    let mut errors = crate::error::FieldErrors::default();
    for (index, code) in codes.iter().enumerate() {
        if !known.contains(code) {
            errors.push(
                &format!("fxpCurrencies[{index}]"),
                format!("'{code}' is not a known ISO 4217 currency code"),
            );
        }
    }
    Ok(errors.finish("DFSP")?)
}

impl DfspService<'_> {
    /// Every reader sees all of an environment's DFSPs, so reads of the same environment at
    /// the same moment share one statement.
    pub async fn list(&self, who: &Principal, env_id: EnvironmentId) -> DomainResult<Vec<Dfsp>> {
        who.ensure_can_read()?;
        let services = self.services.clone();
        let list = move || {
            let services = services.clone();
            async move {
                db_read!(services.db, |conn| EnvScope::read_for_every_reader(
                    conn,
                    env_id,
                    repository::list
                )
                .await)
            }
        };
        self.services.polled.dfsps.read(env_id, list).await
    }

    /// The DFSPs a DFSP operator acts for, in every environment (none for anyone else: a hub
    /// operator acts for all of them, and lists them per environment).
    pub async fn own(&self, who: &Principal) -> DomainResult<Vec<Dfsp>> {
        if who.is_hub_operator() || !who.may_act_for_some_dfsp() {
            return Ok(Vec::new());
        }
        let groups = who.groups.clone();
        db_read!(self.services.db, |conn| repository::list_owned_by(
            conn, &groups
        )
        .await)
    }

    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<Dfsp> {
        db_read!(self.services.db, |conn| EnvScope::read(
            conn,
            who,
            env_id,
            async |conn, scope| repository::find(conn, scope, dfsp_id).await
        )
        .await?
        .ok_or_else(|| not_found(env_id, dfsp_id).into()))
    }

    pub async fn create(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        input: &NewDfsp,
    ) -> DomainResult<Dfsp> {
        who.ensure_hub_operator("create DFSPs")?;
        let valid = input.validate()?;
        let created_at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| async {
            let scope = HubScope::check(conn, who, env_id, "create DFSPs").await?;
            ensure_zone(conn, valid.monetary_zone_id.as_deref()).await?;
            ensure_currencies(conn, &valid.fxp_currencies).await?;
            if repository::insert(conn, &scope, &valid, &created_at).await? {
                Audit::new(
                    AuditAction::DfspCreate,
                    format!(
                        "DFSP '{}' ({}) added{}{}",
                        valid.dfsp_id,
                        valid.name,
                        if valid.is_proxy { ", a proxy" } else { "" },
                        if valid.fxp_currencies.is_empty() {
                            String::new()
                        } else {
                            format!(", FX currencies {}", valid.fxp_currencies.join(" "))
                        }
                    ),
                )
                .env(env_id)
                .dfsp(&valid.dfsp_id)
                .record(conn, &who.subject, &created_at)
                .await?;
                Ok(())
            } else {
                Err(DomainError::Conflict(format!(
                    "A DFSP with id '{}' already exists in environment {env_id}; choose another id",
                    valid.dfsp_id
                ))
                .into())
            }
        }
        .await)?;
        tracing::info!(environment = %env_id, dfsp = %valid.dfsp_id, by = %who.subject, "DFSP created");
        Ok(Dfsp {
            env_id,
            id: valid.dfsp_id,
            name: valid.name,
            monetary_zone_id: valid.monetary_zone_id,
            security_group: valid.security_group,
            is_proxy: valid.is_proxy,
            fxp_currencies: valid.fxp_currencies,
        })
    }

    /// Creates a DFSP and the Hub's client CSR for it, as MCM v3's `POST /dfsps` does: an
    /// outbound enrollment in `CSR_LOADED` with an RSA key made and sealed here, which the
    /// DFSP-side client signs with the DFSP's CA. The CSR says what `CLIENT_CSR_PARAMETERS`
    /// says, else the environment's default DN. Without a pass phrase to seal the key nothing
    /// is made (503); should the CSR fail otherwise, the DFSP is removed again.
    pub async fn create_with_hub_csr(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        input: &NewDfsp,
    ) -> DomainResult<Dfsp> {
        if self.services.passphrase.is_none() {
            return Err(DomainError::Unavailable(
                "This server cannot make the Hub's CSR for a new DFSP: set P12_PASS_PHRASE (a \
                 long random secret that seals the keys it makes)"
                    .into(),
            ));
        }
        let environment = self.services.environments().get(who, env_id).await?;
        let dfsp = self.create(who, env_id, input).await?;
        let csr = match &self.services.client_csr_parameters {
            Some(configured) => configured.clone(),
            None => csr_from_default_dn(environment.default_dn),
        };
        let made = self
            .services
            .outbound_enrollments()
            .create_csr(who, env_id, &dfsp.id, &csr)
            .await;
        if let Err(error) = made {
            if let Err(cleanup) = self.delete(who, env_id, &dfsp.id).await {
                tracing::error!(dfsp = %dfsp.id, error = %cleanup, "a DFSP whose CSR failed could not be removed");
            }
            return Err(error);
        }
        Ok(dfsp)
    }

    /// Changes only the fields given; returns the DFSP as stored afterwards.
    pub async fn update(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        changes: &DfspChanges,
    ) -> DomainResult<Dfsp> {
        who.ensure_hub_operator("change DFSPs")?;
        let valid = changes.validate()?;
        let at = to_db(self.services.clock.now());
        let dfsp = db_write!(self.services.db, |conn| async {
            let hub = HubScope::check(conn, who, env_id, "change DFSPs").await?;
            let scope = hub.dfsp(conn, dfsp_id).await?;
            if let Some(zone) = &valid.monetary_zone_id {
                ensure_zone(conn, zone.as_deref()).await?;
            }
            if let Some(codes) = &valid.fxp_currencies {
                ensure_currencies(conn, codes).await?;
            }
            repository::update(
                conn,
                &scope,
                &valid,
                &default_security_group(dfsp_id.as_str()),
            )
            .await?;
            let dfsp = repository::find(conn, &hub.env(), dfsp_id)
                .await?
                .ok_or_else(|| not_found(env_id, dfsp_id))?;
            Audit::new(
                AuditAction::DfspUpdate,
                format!(
                    "DFSP '{dfsp_id}' changed: name '{}', monetary zone {}{}{}",
                    dfsp.name,
                    dfsp.monetary_zone_id.as_deref().unwrap_or("none"),
                    if dfsp.is_proxy { ", proxy" } else { "" },
                    if dfsp.fxp_currencies.is_empty() {
                        String::new()
                    } else {
                        format!(", FX currencies {}", dfsp.fxp_currencies.join(" "))
                    }
                ),
            )
            .env(env_id)
            .dfsp(dfsp_id)
            .record(conn, &who.subject, &at)
            .await?;
            Ok(dfsp)
        }
        .await)?;
        tracing::info!(environment = %env_id, dfsp = %dfsp.id, by = %who.subject, "DFSP updated");
        Ok(dfsp)
    }

    /// Deletes the DFSP and everything it owns.
    pub async fn delete(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<()> {
        who.ensure_hub_operator("delete DFSPs")?;
        let at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| async {
            let hub = HubScope::check(conn, who, env_id, "delete DFSPs").await?;
            let scope = hub.dfsp(conn, dfsp_id).await?;
            repository::delete(conn, &scope).await?;
            Audit::new(
                AuditAction::DfspDelete,
                format!("DFSP '{dfsp_id}' deleted, with its endpoints and certificates"),
            )
            .env(env_id)
            .dfsp(dfsp_id)
            .record(conn, &who.subject, &at)
            .await
        }
        .await)?;
        tracing::info!(environment = %env_id, dfsp = %dfsp_id, by = %who.subject, "DFSP deleted");
        Ok(())
    }

    /// The DFSPs of an environment in one monetary zone. An unknown zone is "not found".
    pub async fn list_in_zone(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        zone: &str,
    ) -> DomainResult<Vec<Dfsp>> {
        db_read!(self.services.db, |conn| async {
            let scope = EnvScope::check(conn, who, env_id).await?;
            if find_zone(conn, zone).await?.is_none() {
                return Err(
                    DomainError::NotFound(format!("Monetary zone '{zone}' not found")).into(),
                );
            }
            repository::list_in_zone(conn, &scope, zone).await
        }
        .await)
    }
}

/// The Hub's client CSR when `CLIENT_CSR_PARAMETERS` is not set: the environment's default DN,
/// its CN (else `hub`) also its DNS name.
fn csr_from_default_dn(
    name: crate::environments::DistinguishedName,
) -> crate::enrollments::outbound::CsrParameters {
    use crate::enrollments::outbound::{
        CsrExtensionsInput, CsrParameters, CsrSubjectInput, SubjectAltNameInput,
    };
    let cn = name
        .cn
        .clone()
        .filter(|cn| !cn.trim().is_empty())
        .unwrap_or_else(|| "hub".to_owned());
    CsrParameters {
        subject: Some(CsrSubjectInput {
            cn: Some(cn.clone()),
            o: name.o,
            ou: name.ou,
            c: name.c,
            st: name.st,
            l: name.l,
            email_address: None,
        }),
        extensions: Some(CsrExtensionsInput {
            subject_alt_name: Some(SubjectAltNameInput {
                dns: Some(vec![cn]),
                ips: None,
            }),
        }),
    }
}
