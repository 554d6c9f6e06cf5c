//! Server-side sessions for the portal (tower-sessions), stored in the application's database
//! through `domain::sessions`, so that every replica sees every session.
//!
//! The cookie holds only a random id; it is HttpOnly, SameSite=Lax, and Secure (with the
//! `__Host-` prefix) when the portal is served over https. A session ends after `idle` without
//! a request and at the latest `lifetime` after sign-in, whatever the activity.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use domain::clock::Clock;
use domain::principal::RoleGroups;
use domain::second_factors::AwaitingSecondFactor;
use domain::{Principal, Services};
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore};

/// The session key of the signed-in user.
pub const USER_KEY: &str = "user";

/// How often a busy session's expiry is pushed back (one write per period, not per request).
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Who signed in, as the provider's ID token said.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub subject: String,
    /// For people to read: the token's `name`, `preferred_username`, `email` or `sub`.
    pub name: String,
    pub groups: Vec<String>,
    /// Unix seconds, by the services' clock.
    pub signed_in_at: i64,
    pub last_seen: i64,
    /// Sent back to the provider when signing out (`id_token_hint`).
    pub id_token: String,
    /// Whether the user gave their second factor in this session. Read only where the second
    /// factor is enabled: a session from before it was enabled must give it too.
    #[serde(default)]
    pub second_factor_given: bool,
}

/// Who a session belongs to.
#[derive(Debug)]
pub enum SessionUser {
    Nobody,
    /// Signed in at the provider, with the second factor still to give: this session may do
    /// nothing else.
    AwaitingSecondFactor(AwaitingSecondFactor),
    SignedIn(Principal),
}

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: time::Duration,
    pub lifetime: time::Duration,
}

/// The layer that gives each request its `Session`.
pub fn layer(
    services: Services,
    limits: SessionLimits,
    secure: bool,
) -> SessionManagerLayer<DatabaseStore> {
    SessionManagerLayer::new(DatabaseStore { services })
        // The `__Host-` prefix keeps the cookie to this host, over https, for every path.
        .with_name(if secure {
            "__Host-cm_session"
        } else {
            "cm_session"
        })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(limits.idle))
}

/// Records a sign-in or a sign-out in the audit log. A failure is logged, not shown: the user
/// did sign in (or out).
pub async fn audit(services: &Services, user: &SignedIn, action: domain::audit::AuditAction) {
    let summary = match action {
        domain::audit::AuditAction::SignIn => format!("{} signed in to the portal", user.name),
        _ => format!("{} signed out", user.name),
    };
    if let Err(error) = services
        .audit()
        .record_alone(&user.subject, action, summary)
        .await
    {
        tracing::error!(subject = %user.subject, %error, "the audit log did not take the sign-in or sign-out");
    }
}

/// Makes `session` the signed-in session of `user`, under a new id (whoever knew the id
/// before sign-in learns nothing), and records the sign-in. The error is logged here.
pub async fn begin(
    services: &Services,
    session: &Session,
    user: &SignedIn,
) -> std::result::Result<(), ()> {
    let stored = async {
        session.cycle_id().await?;
        session.insert(USER_KEY, user).await
    };
    match stored.await {
        Ok(()) => {
            tracing::info!(subject = %user.subject, "signed in");
            audit(services, user, domain::audit::AuditAction::SignIn).await;
            Ok(())
        }
        Err(error) => {
            tracing::error!("the session cannot be written: {error}");
            Err(())
        }
    }
}

/// Marks the session's user as having given their second factor, under a new session id (the
/// session is worth more now). The error is logged here.
pub async fn second_factor_given(session: &Session) -> std::result::Result<(), ()> {
    let stored = async {
        let Some(user) = session.get::<SignedIn>(USER_KEY).await? else {
            return Ok(false);
        };
        session.cycle_id().await?;
        session
            .insert(
                USER_KEY,
                SignedIn {
                    second_factor_given: true,
                    ..user
                },
            )
            .await?;
        Ok::<bool, tower_sessions::session::Error>(true)
    };
    match stored.await {
        Ok(true) => Ok(()),
        Ok(false) => Err(()),
        Err(error) => {
            tracing::error!("the session cannot be written: {error}");
            Err(())
        }
    }
}

/// The session's user, if any and if the session is still current (not idle for longer than
/// `limits.idle`, not older than `limits.lifetime`); an outdated session is ended. With
/// `second_factor` required, a user who has not given it yet is only awaiting it.
pub async fn user(
    session: &Session,
    limits: SessionLimits,
    clock: &Arc<dyn Clock>,
    role_groups: &RoleGroups,
    second_factor: bool,
) -> SessionUser {
    let user = match session.get::<SignedIn>(USER_KEY).await {
        Ok(Some(user)) => user,
        Ok(None) => return SessionUser::Nobody,
        Err(error) => {
            tracing::warn!("an unreadable session is ended: {error}");
            let _ = session.flush().await;
            return SessionUser::Nobody;
        }
    };
    let now = clock.now().unix_timestamp();
    let idle = now - user.last_seen;
    let age = now - user.signed_in_at;
    if idle > limits.idle.whole_seconds() || age > limits.lifetime.whole_seconds() {
        tracing::info!(subject = %user.subject, "the session ended: too old or idle too long");
        let _ = session.flush().await;
        return SessionUser::Nobody;
    }
    if idle >= TOUCH_EVERY_SECONDS {
        let touched = SignedIn {
            last_seen: now,
            ..user.clone()
        };
        if let Err(error) = session.insert(USER_KEY, touched).await {
            tracing::warn!("the session could not be kept alive: {error}");
        }
    }
    if second_factor && !user.second_factor_given {
        return SessionUser::AwaitingSecondFactor(AwaitingSecondFactor {
            subject: user.subject,
            name: user.name,
        });
    }
    SessionUser::SignedIn(
        Principal::from_groups(user.subject, user.groups, role_groups).with_name(user.name),
    )
}

/// tower-sessions' records in the application's database.
#[derive(Clone)]
pub struct DatabaseStore {
    services: Services,
}

impl fmt::Debug for DatabaseStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseStore")
    }
}

fn encode(record: &Record) -> Result<Vec<u8>> {
    serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))
}

fn backend(error: domain::DomainError) -> Error {
    Error::Backend(error.to_string())
}

#[async_trait]
impl SessionStore for DatabaseStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let data = encode(record)?;
            let created = self
                .services
                .sessions()
                .create(&record.id.to_string(), &data, record.expiry_date)
                .await
                .map_err(backend)?;
            if created {
                return Ok(());
            }
            // 128 random bits collided: draw again.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.services
            .sessions()
            .save(&record.id.to_string(), &encode(record)?, record.expiry_date)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self
            .services
            .sessions()
            .load(&id.to_string())
            .await
            .map_err(backend)?
        {
            Some(data) => serde_json::from_slice(&data)
                .map(Some)
                .map_err(|e| Error::Decode(e.to_string())),
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.services
            .sessions()
            .delete(&id.to_string())
            .await
            .map_err(backend)
    }
}
