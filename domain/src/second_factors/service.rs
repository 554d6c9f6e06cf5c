//! The second factor's rules over its records (see the module documentation).

use time::{Duration, OffsetDateTime};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::repository::{self, StoredFactor};
use super::{
    AwaitingSecondFactor, Challenge, Enrollment, SecondFactorRecord, Verification, LOCKOUT_MINUTES,
    MAX_WRONG_CODES,
};
use crate::audit::{Audit, AuditAction};
use crate::clock::{from_db, to_db};
use crate::db::{db_read, db_write};
use crate::pki::keys;
use crate::{DomainError, DomainResult, Principal, Services};

/// Seed length: 160 bits, the size of an HMAC-SHA1 block's worth that RFC 4226 recommends.
const SEED_BYTES: usize = 20;
/// Codes of the step before and after the current one are accepted too: phones' clocks drift,
/// and people type slowly.
const SKEW_STEPS: u16 = 1;
const STEP_SECONDS: u64 = 30;

/// How authenticator apps name the account (`TOTP_ISSUER`, `TOTP_LABEL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpNaming {
    pub issuer: String,
    /// The account's name in the app; the user's own name when unset.
    pub label: Option<String>,
}

impl TotpNaming {
    /// The account's name for `user`. Apps split `issuer:account` at the colon, so colons
    /// become spaces.
    fn account(&self, user: &AwaitingSecondFactor) -> String {
        let name = self
            .label
            .as_deref()
            .filter(|label| !label.trim().is_empty())
            .unwrap_or(&user.name);
        let name = name.replace(':', " ").trim().to_owned();
        if name.is_empty() {
            user.subject.replace(':', " ")
        } else {
            name
        }
    }

    fn issuer(&self) -> String {
        self.issuer.replace(':', " ").trim().to_owned()
    }
}

pub struct SecondFactorService<'a> {
    pub(crate) services: &'a Services,
}

fn totp(seed: Vec<u8>, issuer: Option<String>, account: Option<String>) -> DomainResult<Totp> {
    let mut builder = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(Secret::from(seed));
    if let Some(account) = account {
        builder = builder.with_account_name(account);
    }
    builder
        .with_issuer(issuer)
        .build()
        .map_err(|error| DomainError::Internal(format!("one-time codes cannot be set up: {error}")))
}

/// The stored name of a user: as the provider gave it, within the column's 255 characters.
fn stored_name(name: &str) -> String {
    name.chars().take(255).collect()
}

impl SecondFactorService<'_> {
    fn naming(&self) -> DomainResult<&TotpNaming> {
        self.services.totp.as_ref().ok_or_else(|| {
            DomainError::Unavailable(
                "The second factor is not enabled on this server (AUTH_2FA_ENABLED)".into(),
            )
        })
    }

    fn passphrase(&self) -> DomainResult<&keys::Passphrase> {
        self.services.passphrase.as_ref().ok_or_else(|| {
            DomainError::Unavailable(
                "Set P12_PASS_PHRASE: the second factor's seeds are sealed with it".into(),
            )
        })
    }

    fn open_seed(&self, stored: &StoredFactor) -> DomainResult<Vec<u8>> {
        keys::open_bytes(&stored.sealed_seed, self.passphrase()?).map_err(|error| {
            tracing::error!(%error, "a second factor's seed cannot be opened");
            DomainError::Internal(
                "The stored second factor cannot be opened with P12_PASS_PHRASE; a hub operator \
                 can reset it"
                    .into(),
            )
        })
    }

    /// What `user` must give now: a code, or (the first time) a new seed to enroll, which is
    /// made and stored here, and shown again until it is confirmed (so that a page reload, or
    /// another replica, shows the same QR code).
    pub async fn challenge(&self, user: &AwaitingSecondFactor) -> DomainResult<Challenge> {
        let naming = self.naming()?;
        let subject = user.subject.clone();
        let stored = db_read!(self.services.db, |conn| repository::find(conn, &subject)
            .await)?;
        let stored = match stored {
            Some(stored) if stored.confirmed => return Ok(Challenge::Code),
            Some(stored) => stored,
            None => {
                let seed = crate::random::bytes::<SEED_BYTES>()
                    .map_err(|error| DomainError::Internal(format!("no random bytes: {error}")))?;
                let sealed = keys::seal_bytes(&seed, self.passphrase()?).map_err(|error| {
                    DomainError::Internal(format!("the seed cannot be sealed: {error}"))
                })?;
                let (name, now) = (stored_name(&user.name), to_db(self.services.clock.now()));
                db_write!(self.services.db, |conn| {
                    async {
                        repository::insert_if_absent(conn, &subject, &name, &sealed, &now).await?;
                        repository::find(conn, &subject).await
                    }
                    .await
                })?
                .ok_or_else(|| DomainError::Internal("the new seed was not stored".into()))?
            }
        };
        if stored.confirmed {
            return Ok(Challenge::Code);
        }
        let (issuer, account) = (naming.issuer(), naming.account(user));
        let totp = totp(
            self.open_seed(&stored)?,
            Some(issuer.clone()).filter(|i| !i.is_empty()),
            Some(account.clone()),
        )?;
        let otpauth_url = totp.to_url().map_err(|error| {
            DomainError::Internal(format!("the enrollment link cannot be made: {error}"))
        })?;
        Ok(Challenge::Enroll(Enrollment {
            secret: totp.secret().to_base32(),
            otpauth_url,
            issuer,
            account,
        }))
    }

    /// Checks `code` for `user`: accepted once, refused while locked, and counted when wrong.
    /// The first accepted code confirms an enrollment.
    pub async fn verify(
        &self,
        user: &AwaitingSecondFactor,
        code: &str,
    ) -> DomainResult<Verification> {
        self.naming()?;
        let subject = user.subject.clone();
        let Some(stored) = db_read!(self.services.db, |conn| repository::find(conn, &subject)
            .await)?
        else {
            return Ok(Verification::NotEnrolled);
        };
        let now = self.services.clock.now();
        if let Some(until) = locked_until(&stored, now) {
            return Ok(Verification::Locked { until });
        }
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let seconds = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let matched = totp(self.open_seed(&stored)?, None, None)?.check(&code, seconds);
        let (name, at) = (stored_name(&user.name), to_db(now));
        match matched {
            Some(step) => {
                let step = i64::try_from(step).unwrap_or(i64::MAX);
                if stored.last_step.is_some_and(|last| last >= step) {
                    return Ok(Verification::Reused);
                }
                // Conditional on the step, so that two replicas given one code accept it once.
                let first = !stored.confirmed;
                let accepted = db_write!(self.services.db, |conn| async {
                    let accepted = repository::accept(conn, &subject, step, &at, &name).await?;
                    if accepted && first {
                        Audit::new(
                            AuditAction::SecondFactorConfirm,
                            "Second factor set up (authenticator app confirmed)",
                        )
                        .record(conn, &subject, &at)
                        .await?;
                    }
                    Ok(accepted)
                }
                .await)?;
                Ok(if accepted {
                    tracing::info!(subject = %user.subject, confirmed = !stored.confirmed, "second factor accepted");
                    Verification::Accepted
                } else {
                    Verification::Reused
                })
            }
            None => {
                let until = to_db(now + Duration::minutes(LOCKOUT_MINUTES));
                let locked = db_write!(self.services.db, |conn| {
                    async {
                    let locked =
                        repository::count_wrong(conn, &subject, MAX_WRONG_CODES, &until).await?;
                    if locked {
                        Audit::new(
                            AuditAction::SecondFactorLock,
                            format!("Second factor locked until {until} after {MAX_WRONG_CODES} wrong codes"),
                        )
                        .record(conn, &subject, &at)
                        .await?;
                    }
                    Ok(locked)
                }
                .await
                })?;
                if locked {
                    tracing::warn!(subject = %user.subject, "second factor locked after too many wrong codes");
                    Ok(Verification::Locked { until })
                } else {
                    Ok(Verification::Wrong)
                }
            }
        }
    }

    /// Every user's second factor, for hub operators.
    pub async fn list(&self, acting: &Principal) -> DomainResult<Vec<SecondFactorRecord>> {
        acting.ensure_hub_operator("see users' second factors")?;
        let now = self.services.clock.now();
        let stored = db_read!(self.services.db, |conn| repository::list(conn).await)?;
        Ok(stored
            .into_iter()
            .map(|factor| SecondFactorRecord {
                locked_until: locked_until(&factor, now),
                subject: factor.subject,
                name: factor.name,
                confirmed_at: factor.confirmed_at,
                last_used_at: factor.last_used_at,
            })
            .collect())
    }

    /// Forgets `subject`'s second factor (a lost phone, say): at their next sign-in they enroll
    /// a new one. Sessions that gave the old one stay signed in until they end.
    pub async fn reset(&self, acting: &Principal, subject: &str) -> DomainResult<()> {
        acting.ensure_hub_operator("reset a user's second factor")?;
        let owned = subject.to_owned();
        let at = to_db(self.services.clock.now());
        let removed = db_write!(self.services.db, |conn| async {
            let removed = repository::delete(conn, &owned).await?;
            if removed {
                Audit::new(
                    AuditAction::SecondFactorReset,
                    format!("Second factor of '{owned}' reset: set up again at the next sign-in"),
                )
                .target(&owned)
                .record(conn, &acting.subject, &at)
                .await?;
            }
            Ok(removed)
        }
        .await)?;
        if removed {
            tracing::info!(subject, by = %acting.subject, "second factor reset");
            Ok(())
        } else {
            Err(DomainError::NotFound(format!(
                "No second factor is recorded for the user '{subject}'"
            )))
        }
    }
}

/// The end of the factor's lockout, if it is still on at `now`.
fn locked_until(stored: &StoredFactor, now: OffsetDateTime) -> Option<String> {
    let until = stored.locked_until.as_deref()?;
    match from_db(until) {
        Ok(at) if at > now => Some(until.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> AwaitingSecondFactor {
        AwaitingSecondFactor {
            subject: "sub-1".into(),
            name: name.into(),
        }
    }

    #[test]
    fn accounts_are_named_by_the_label_or_the_user_without_colons() {
        let naming = TotpNaming {
            issuer: "MCM: test".into(),
            label: None,
        };
        assert_eq!(naming.account(&user("Dora: DFSP1")), "Dora  DFSP1");
        assert_eq!(naming.account(&user(" ")), "sub-1");
        assert_eq!(naming.issuer(), "MCM  test");
        let labelled = TotpNaming {
            label: Some("Hub".into()),
            ..naming
        };
        assert_eq!(labelled.account(&user("Dora")), "Hub");
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1, truncated to 6 digits: 94287082 at 59 s.
        let totp = totp(b"12345678901234567890".to_vec(), None, None).unwrap();
        assert_eq!(totp.generate(59).to_string(), "287082");
        assert_eq!(totp.check("287082", 59), Some(1));
        assert_eq!(
            totp.check("287082", 59 + 30),
            Some(1),
            "one step late is accepted"
        );
        assert_eq!(totp.check("287082", 59 + 60), None, "two steps late is not");
    }
}
