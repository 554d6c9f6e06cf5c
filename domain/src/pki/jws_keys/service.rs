use openssl::x509::X509;

use super::repository::{self, ExternalRow, KeyRow};
use super::{ExternalJwsKeyInput, JwsKey, JwsKeyInput, MAX_EXTERNAL_KEYS};
use crate::access::{DfspScope, EnvScope};
use crate::audit::{Audit, AuditAction};
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::error::FieldErrors;
use crate::pki::certificate_sets::JwsCert;
use crate::pki::validations;
use crate::{DomainError, DomainResult, Principal, Services};

const WHAT: &str = "JWS key";
const EXTERNAL_WHAT: &str = "external DFSPs' JWS keys";

/// How a proxy's (or a hub operator's) external keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalWrite {
    /// Each key given is stored; the others stay (MCM v3's `POST`, which the client sends
    /// only the changes with).
    Upsert,
    /// The keys given become the giver's whole set: its others are removed.
    ReplaceSet,
}

/// Who gives external keys: a hub operator (`None`), or the interscheme proxy whose operator
/// signed in (its row key and id).
type Giver = Option<(i64, DfspId)>;

/// The DFSPs' JWS public keys (MCM v3). Obtained from [`Services::jws_keys`].
pub struct JwsKeyService<'a> {
    pub(crate) services: &'a Services,
}

impl JwsKeyService<'_> {
    /// Stores the DFSP's JWS public key, replacing the one before. A key that cannot be read is
    /// stored with its failed validation, as MCM v3 does, so that the DFSP sees why; a missing
    /// key changes nothing (400). Storing the same key with the same time again is no change.
    pub async fn store(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
        input: &JwsKeyInput,
    ) -> DomainResult<JwsKey> {
        DfspScope::authorize(&self.services.db, who, env_id, dfsp_id).await?;
        let now = self.services.clock.now();
        let mut errors = FieldErrors::default();
        let row = read_key(
            &mut errors,
            "",
            input.public_key.as_deref(),
            input.created_at.as_ref(),
            now.unix_timestamp(),
        );
        errors.finish(WHAT)?;
        let row = row.ok_or_else(|| DomainError::Internal("a checked key went missing".into()))?;
        let at = to_db(now);
        let changed = db_write!(self.services.db, |conn| async {
            let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
            let changed = repository::replace(conn, &scope, &row, &at, &who.subject).await?;
            if changed {
                Audit::new(
                    AuditAction::JwsKeyStore,
                    format!(
                        "JWS public key of DFSP '{dfsp_id}' stored (made at {})",
                        row.created_at
                    ),
                )
                .env(env_id)
                .dfsp(dfsp_id)
                .record(conn, &who.subject, &at)
                .await?;
            }
            Ok(changed)
        }
        .await)?;
        if changed {
            tracing::info!(environment = %env_id, dfsp = %dfsp_id, by = %who.subject, "JWS public key stored");
        }
        Ok(view(dfsp_id.clone(), row, "publicKey"))
    }

    /// The DFSP's JWS public key: the one it uploaded as a key, else the one of its JWS
    /// certificate; 404 when it has neither.
    pub async fn get(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<JwsKey> {
        self.find(who, env_id, dfsp_id).await?.ok_or_else(|| {
            DomainError::NotFound(format!(
                "DFSP '{dfsp_id}' has no JWS key or certificate yet"
            ))
        })
    }

    /// As [`Self::get`], with `None` when the DFSP has neither.
    pub async fn find(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &DfspId,
    ) -> DomainResult<Option<JwsKey>> {
        let key = db_read!(self.services.db, |conn| async {
            let scope = DfspScope::check(conn, who, env_id, dfsp_id).await?;
            repository::find(conn, &scope).await
        }
        .await)?;
        if let Some(key) = key {
            return Ok(Some(view(dfsp_id.clone(), key, "publicKey")));
        }
        let certificate = self
            .services
            .certificate_sets()
            .find_jws(who, env_id, dfsp_id)
            .await?;
        Ok(certificate.and_then(|c| from_certificate(dfsp_id.clone(), &c, "certificate")))
    }

    /// Every participant's JWS public key, for every participant (each verifies the others'
    /// signatures with them): the Hub's first, as `hub_id`, then each DFSP's, uploaded as a
    /// key or taken from its JWS certificate. An empty list when there are none.
    pub async fn all(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        hub_id: &str,
    ) -> DomainResult<Vec<JwsKey>> {
        let (keys, external) = db_read!(self.services.db, |conn| async {
            let scope = EnvScope::check(conn, who, env_id).await?;
            let keys = repository::list(conn, &scope).await?;
            let external = repository::list_external(conn, &scope).await?;
            Ok((keys, external))
        }
        .await)?;
        let certificates = self
            .services
            .certificate_sets()
            .all_dfsp_jws(who, env_id, None)
            .await?;
        let mut list = Vec::with_capacity(keys.len() + certificates.len());
        if let Some(hub) = certificates
            .iter()
            .find(|c| c.dfsp_id.is_none() && !c.superseded)
        {
            list.extend(from_certificate(DfspId(hub_id.to_owned()), hub, "hub"));
        }
        let with_keys: Vec<DfspId> = keys.iter().map(|(id, _)| id.clone()).collect();
        list.extend(
            keys.into_iter()
                .map(|(dfsp_id, key)| view(dfsp_id, key, "publicKey")),
        );
        for certificate in &certificates {
            if let Some(dfsp_id) = &certificate.dfsp_id {
                if !with_keys.contains(dfsp_id) {
                    list.extend(from_certificate(
                        dfsp_id.clone(),
                        certificate,
                        "certificate",
                    ));
                }
            }
        }
        list.extend(external.into_iter().map(external_view));
        Ok(list)
    }

    /// Another scheme's DFSPs' JWS keys, given by an interscheme proxy (its operator, as its
    /// client signs in) or a hub operator; the giver is who signed in. Ids of this
    /// environment's own DFSPs are refused (400), and so is a key another proxy gave (409). A
    /// key that cannot be read is stored `INVALID`, as MCM v3 does. Answers the keys given.
    pub async fn store_external(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        items: &[ExternalJwsKeyInput],
        write: ExternalWrite,
    ) -> DomainResult<Vec<JwsKey>> {
        // Who may give keys is settled before the input is looked at.
        self.may_give_external(who, env_id).await?;
        let mut errors = FieldErrors::default();
        if items.is_empty() && write == ExternalWrite::Upsert {
            errors.push(
                "keys",
                "send at least one key: a JSON array of {dfspId, publicKey, createdAt}",
            );
        }
        if items.len() > MAX_EXTERNAL_KEYS {
            errors.push(
                "keys",
                format!(
                    "holds {} keys; at most {MAX_EXTERNAL_KEYS} fit in one request",
                    items.len()
                ),
            );
        }
        let mut rows: Vec<(String, KeyRow)> = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let field = format!("[{index}].");
            let id = errors.check(
                &format!("{field}dfspId"),
                crate::dfsps::DFSP_ID.required(item.dfsp_id.as_deref()),
            );
            let key = read_key(
                &mut errors,
                &field,
                item.public_key.as_deref(),
                item.created_at.as_ref(),
                0,
            );
            if let (Some(id), Some(key)) = (id, key) {
                if rows.iter().any(|(other, _)| *other == id) {
                    errors.push(
                        &format!("{field}dfspId"),
                        format!("'{id}' is in the list twice"),
                    );
                } else {
                    rows.push((id, key));
                }
            }
        }
        errors.finish(EXTERNAL_WHAT)?;
        let at = to_db(self.services.clock.now());
        let (changes, giver_id) = db_write!(self.services.db, |conn| async {
            let scope = EnvScope::check(conn, who, env_id).await?;
            let giver = giver(conn, &scope, who).await?;
            let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
            let native = repository::native_ids(conn, &scope, &ids).await?;
            let mut errors = FieldErrors::default();
            for (index, (id, _)) in rows.iter().enumerate() {
                if native.contains(id) {
                    errors.push(
                        &format!("[{index}].dfspId"),
                        format!(
                            "'{id}' is a DFSP of this scheme: its key is its own to give \
                             (POST /dfsps/{id}/jwscerts)"
                        ),
                    );
                }
            }
            errors.finish(EXTERNAL_WHAT)?;
            let existing = repository::list_external(conn, &scope).await?;
            let source_key = giver.as_ref().map(|(key, _)| *key);
            if giver.is_some() {
                for (id, _) in &rows {
                    if let Some(other) = existing
                        .iter()
                        .find(|e| &e.dfsp_id == id && e.source_key != source_key)
                    {
                        return Err(DomainError::Conflict(format!(
                            "The key of '{id}' was given by {}; only that giver or a hub \
                             operator may change it",
                            other
                                .source
                                .as_ref()
                                .map_or("a hub operator".to_owned(), |s| format!("proxy '{s}'"))
                        ))
                        .into());
                    }
                }
            }
            let mut changed = Vec::new();
            for (id, key) in &rows {
                if repository::upsert_external(conn, &scope, id, key, source_key, &at, &who.subject)
                    .await?
                {
                    changed.push(id.clone());
                }
            }
            let mut removed = Vec::new();
            if write == ExternalWrite::ReplaceSet {
                for old in existing.iter().filter(|e| e.source_key == source_key) {
                    if !rows.iter().any(|(id, _)| *id == old.dfsp_id)
                        && repository::delete_external(conn, &scope, &old.dfsp_id).await?
                    {
                        removed.push(old.dfsp_id.clone());
                    }
                }
            }
            let giver_id = giver.map(|(_, id)| id);
            if !changed.is_empty() || !removed.is_empty() {
                let by = giver_id
                    .as_ref()
                    .map_or("a hub operator".to_owned(), |id| format!("proxy '{id}'"));
                let mut summary = format!("External DFSPs' JWS keys given by {by}");
                if !changed.is_empty() {
                    summary.push_str(&format!(": {}", changed.join(", ")));
                }
                if !removed.is_empty() {
                    summary.push_str(&format!("; removed {}", removed.join(", ")));
                }
                let audit = Audit::new(AuditAction::ExternalJwsKeyStore, summary).env(env_id);
                let audit = match &giver_id {
                    Some(id) => audit.dfsp(id),
                    None => audit,
                };
                audit.record(conn, &who.subject, &at).await?;
            }
            Ok((changed.len() + removed.len(), giver_id))
        }
        .await)?;
        if changes > 0 {
            tracing::info!(environment = %env_id, source = ?giver_id, changes, by = %who.subject, "external JWS keys stored");
        }
        Ok(rows
            .into_iter()
            .map(|(id, key)| {
                let mut key = view(DfspId(id), key, "external");
                key.external = true;
                key.source_dfsp_id = giver_id.clone();
                key
            })
            .collect())
    }

    /// Whether `who` may give external DFSPs' keys: a hub operator, or the operator of one of
    /// the environment's interscheme proxies (403 otherwise).
    pub async fn may_give_external(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<()> {
        db_read!(self.services.db, |conn| async {
            let scope = EnvScope::check(conn, who, env_id).await?;
            giver(conn, &scope, who).await.map(|_| ())
        }
        .await)
    }

    /// The external DFSPs' keys: every one for a hub operator, a proxy's own for its operator.
    pub async fn external(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
    ) -> DomainResult<Vec<JwsKey>> {
        let rows = db_read!(self.services.db, |conn| async {
            let scope = EnvScope::check(conn, who, env_id).await?;
            let giver = giver(conn, &scope, who).await?;
            let rows = repository::list_external(conn, &scope).await?;
            Ok(match giver {
                None => rows,
                Some((key, _)) => rows
                    .into_iter()
                    .filter(|r| r.source_key == Some(key))
                    .collect(),
            })
        }
        .await)?;
        Ok(rows.into_iter().map(external_view).collect())
    }

    /// Removes an external DFSP's key (a hub operator's decision: a DFSP that left the other
    /// scheme).
    pub async fn delete_external(
        &self,
        who: &Principal,
        env_id: EnvironmentId,
        dfsp_id: &str,
    ) -> DomainResult<()> {
        let action = "remove external DFSPs' JWS keys";
        let at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| async {
            let hub = crate::access::HubScope::check(conn, who, env_id, action).await?;
            if !repository::delete_external(conn, &hub.env(), dfsp_id).await? {
                return Err(DomainError::NotFound(format!(
                    "There is no external DFSP '{dfsp_id}' with a JWS key in environment {env_id}"
                ))
                .into());
            }
            Audit::new(
                AuditAction::ExternalJwsKeyDelete,
                format!("JWS key of external DFSP '{dfsp_id}' removed"),
            )
            .env(env_id)
            .record(conn, &who.subject, &at)
            .await?;
            Ok(())
        }
        .await)?;
        tracing::info!(environment = %env_id, external = dfsp_id, by = %who.subject, "external JWS key removed");
        Ok(())
    }
}

/// A whole number of seconds from a JSON number (JavaScript clients may send `1733650000.5`).
fn unix_seconds(number: &serde_json::Number) -> Option<i64> {
    if let Some(whole) = number.as_i64() {
        return (whole >= 0).then_some(whole);
    }
    let float = number.as_f64()?;
    (float.is_finite() && float >= 0.0 && float < i64::MAX as f64).then_some(float as i64)
}

fn view(dfsp_id: DfspId, key: KeyRow, source: &str) -> JwsKey {
    let validations = vec![validations::jws_public_key(&key.public_key)];
    JwsKey {
        dfsp_id,
        validation_state: validations::state(&validations),
        validations,
        public_key: key.public_key,
        created_at: key.created_at,
        source: source.to_owned(),
        external: false,
        source_dfsp_id: None,
    }
}

fn external_view(row: ExternalRow) -> JwsKey {
    let mut key = view(DfspId(row.dfsp_id), row.key, "external");
    key.external = true;
    key.source_dfsp_id = row.source;
    key
}

/// The key and its time of one item, or its field errors.
fn read_key(
    errors: &mut FieldErrors,
    field: &str,
    public_key: Option<&str>,
    created_at: Option<&serde_json::Number>,
    default_time: i64,
) -> Option<KeyRow> {
    let public_key = match public_key.map(str::trim) {
        Some(pem) if !pem.is_empty() => Some(format!("{pem}\n")),
        _ => {
            errors.push(
                &format!("{field}publicKey"),
                "is required: the JWS public key, PEM (-----BEGIN PUBLIC KEY-----)",
            );
            None
        }
    };
    let created_at = match created_at {
        None => Some(default_time),
        Some(number) => {
            let seconds = unix_seconds(number);
            if seconds.is_none() {
                errors.push(
                    &format!("{field}createdAt"),
                    format!("'{number}' is not a time in unix seconds (a number from 0 on)"),
                );
            }
            seconds
        }
    };
    Some(KeyRow {
        public_key: public_key?,
        created_at: created_at?,
    })
}

/// The public key of a JWS certificate, made at the certificate's start of validity; `None`
/// when the certificate's key cannot be written out (it was read when stored, so never).
fn from_certificate(dfsp_id: DfspId, certificate: &JwsCert, source: &str) -> Option<JwsKey> {
    let x509 = X509::from_pem(certificate.jws_certificate.as_bytes()).ok()?;
    let public_key = String::from_utf8(x509.public_key().ok()?.public_key_to_pem().ok()?).ok()?;
    let created_at = time::OffsetDateTime::parse(
        &certificate.jws_certificate_info.not_before,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp())
    .unwrap_or(0);
    let mut key = view(
        dfsp_id,
        KeyRow {
            public_key,
            created_at,
        },
        source,
    );
    // The certificate's own checks decide, as they do where it is shown as a certificate.
    key.validations
        .extend(certificate.validations.iter().cloned());
    key.validation_state = validations::state(&key.validations);
    Some(key)
}

/// Who gives external keys: a hub operator, or the operator of one of the environment's
/// interscheme proxies (403 for anyone else; 409 when they run several, which would leave the
/// source unknown).
async fn giver(
    conn: &mut crate::db::Conn<'_>,
    scope: &EnvScope,
    who: &Principal,
) -> crate::db::Outcome<Giver> {
    if who.is_hub_operator() {
        return Ok(None);
    }
    let proxies: Vec<(i64, DfspId)> = repository::proxies(conn, scope)
        .await?
        .into_iter()
        .filter(|(_, _, group)| who.may_act_for_dfsp(group))
        .map(|(key, id, _)| (key, id))
        .collect();
    match proxies.as_slice() {
        [one] => Ok(Some(one.clone())),
        [] => Err(DomainError::Forbidden(
            "Only a hub operator or the operator of an interscheme proxy (a DFSP with isProxy) \
             may give other schemes' DFSPs' JWS keys"
                .into(),
        )
        .into()),
        several => Err(DomainError::Conflict(format!(
            "You act for {} proxies ({}); the keys' source would be unknown: use an account of one",
            several.len(),
            several
                .iter()
                .map(|(_, id)| id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
    }
}
