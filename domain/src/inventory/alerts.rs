//! Expiry alerts: when a certificate has fewer days left than a warning threshold
//! (`EXPIRY_WARNING_DAYS`), one alert for that certificate and threshold, sent once across
//! restarts and replicas. The database decides who sends: the replica whose insert of the
//! alert wins claims it for a lease; a failed send is tried again after a backoff, by whichever
//! replica finds it due first. The server sends (a webhook) and reports back here.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::Duration;

use super::repository::{self, AlertRow, NewAlert};
use super::service::listed;
use super::{CertificateStatus, InventoryCertificate};
use crate::access::EnvScope;
use crate::clock::to_db;
use crate::db::{db_read, db_write};
use crate::environments::{self, EnvironmentId};
use crate::{DomainError, DomainResult, Services};

/// How long a replica that claimed an alert has to send it before another may.
const LEASE: Duration = Duration::minutes(5);

/// One alert to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryAlert {
    pub id: i64,
    pub env_id: EnvironmentId,
    pub environment_name: String,
    /// The warning threshold crossed: the certificate has fewer days left.
    pub threshold_days: u32,
    pub certificate: InventoryCertificate,
    /// Failed sends before this one.
    pub attempts: u32,
}

/// What an alert's row keeps of it, as it was when the threshold was crossed.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    environment_name: String,
    certificate: InventoryCertificate,
}

/// Obtained from [`Services::expiry_alerts`]. Not scoped to a principal: the server's own
/// background work.
pub struct ExpiryAlertService<'a> {
    pub(crate) services: &'a Services,
}

impl ExpiryAlertService<'_> {
    /// The alerts `sender` (a replica's name) is to send now: those of certificates that
    /// crossed a threshold since the last check (only the narrowest threshold crossed is sent;
    /// wider ones crossed at once are recorded as skipped), and failed ones due again.
    pub async fn claim_due(&self, sender: &str) -> DomainResult<Vec<ExpiryAlert>> {
        let now = self.services.clock.now();
        let warnings = &self.services.expiry_warnings;
        let at = to_db(now);
        let lease = to_db(now + LEASE);
        let environments = db_read!(self.services.db, |conn| environments::repository::list(
            conn
        )
        .await)?;
        let mut claimed = Vec::new();
        for environment in environments {
            let env = environment.id.get();
            let scope = EnvScope::for_background_work(environment.id);
            let (stored, done) = db_read!(self.services.db, |conn| {
                async {
                    let stored = repository::all(conn, &scope).await?;
                    let done = repository::alerted(conn, env).await?;
                    Ok((stored, done))
                }
                .await
            })?;
            let done: HashSet<(String, i64)> = done.into_iter().collect();
            for certificate in listed(stored, now, warnings) {
                if !matches!(
                    certificate.status,
                    CertificateStatus::Valid | CertificateStatus::Expiring
                ) {
                    continue;
                }
                let crossed: Vec<u32> = warnings
                    .days()
                    .iter()
                    .copied()
                    .filter(|days| certificate.days_left < i64::from(*days))
                    .collect();
                let Some(narrowest) = crossed.iter().copied().min() else {
                    continue;
                };
                let payload = serde_json::to_vec(&Payload {
                    environment_name: environment.name.clone(),
                    certificate: certificate.clone(),
                })
                .map_err(|e| DomainError::Internal(format!("An alert cannot be written: {e}")))?;
                for threshold in crossed {
                    let key = (certificate.fingerprint_sha256.clone(), i64::from(threshold));
                    if done.contains(&key) {
                        continue;
                    }
                    let new = NewAlert {
                        env_id: env,
                        fingerprint: &certificate.fingerprint_sha256,
                        threshold_days: threshold,
                        state: if threshold == narrowest {
                            "pending"
                        } else {
                            "skipped"
                        },
                        payload: &payload,
                        claimed_by: sender,
                        at: &at,
                        next_attempt_at: &lease,
                    };
                    let inserted = db_write!(self.services.db, |conn| repository::insert_alert(
                        conn, &new
                    )
                    .await)?;
                    if let (Some(id), true) = (inserted, threshold == narrowest) {
                        claimed.push(ExpiryAlert {
                            id,
                            env_id: environment.id,
                            environment_name: environment.name.clone(),
                            threshold_days: threshold,
                            certificate: certificate.clone(),
                            attempts: 0,
                        });
                    }
                }
            }
        }
        let due = db_read!(self.services.db, |conn| repository::due_alerts(conn, &at)
            .await)?;
        for row in due {
            let mine = db_write!(self.services.db, |conn| repository::claim_alert(
                conn, &row, sender, &lease
            )
            .await)?;
            if mine {
                claimed.push(alert_of(row)?);
            }
        }
        Ok(claimed)
    }

    /// The alert reached its receiver: it is never sent again.
    pub async fn record_sent(&self, alert: &ExpiryAlert) -> DomainResult<()> {
        let at = to_db(self.services.clock.now());
        db_write!(self.services.db, |conn| repository::alert_sent(
            conn, alert.id, &at
        )
        .await)
    }

    /// The alert could not be sent: it is tried again after a backoff that doubles with each
    /// failure, from a minute to an hour.
    pub async fn record_failure(&self, alert: &ExpiryAlert, error: &str) -> DomainResult<()> {
        let attempts = alert.attempts + 1;
        let next = to_db(self.services.clock.now() + backoff(attempts));
        let error: String = error.chars().take(1000).collect();
        db_write!(self.services.db, |conn| repository::alert_failed(
            conn,
            alert.id,
            i64::from(attempts),
            &next,
            &error
        )
        .await)
    }
}

/// The wait after the `attempts`-th failure.
fn backoff(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(6);
    Duration::minutes(minutes).min(Duration::hours(1))
}

fn alert_of(row: AlertRow) -> DomainResult<ExpiryAlert> {
    let payload: Payload = serde_json::from_slice(&row.payload)
        .map_err(|e| DomainError::Internal(format!("Alert {} cannot be read: {e}", row.id)))?;
    Ok(ExpiryAlert {
        id: row.id,
        env_id: EnvironmentId::parse(&row.env_id.to_string())?,
        environment_name: payload.environment_name,
        threshold_days: u32::try_from(row.threshold_days).unwrap_or(0),
        certificate: payload.certificate,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_a_minute_to_an_hour() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(7), Duration::hours(1));
        assert_eq!(backoff(40), Duration::hours(1));
    }
}
