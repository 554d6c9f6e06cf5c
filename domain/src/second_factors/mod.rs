//! The second factor after sign-in (`AUTH_2FA_ENABLED`): time-based one-time codes (RFC 6238:
//! HMAC-SHA1, 6 digits, 30-second steps), the kind every authenticator app reads from a QR code.
//!
//! One record per user, keyed by the identity provider's subject: the seed, sealed under
//! `P12_PASS_PHRASE` like the CAs' keys; whether the user confirmed it (enrollment ends with a
//! first good code, so nobody is locked out by a seed their app never stored); the time step of
//! the last code accepted (each code is accepted once, RFC 6238 section 5.2); and the wrong codes
//! in a row: after [`MAX_WRONG_CODES`] the user waits [`LOCKOUT_MINUTES`]. All of it lives in
//! the database, so every replica agrees on it. A hub operator can reset a user's record (a lost
//! phone): the user enrolls again at the next sign-in.

#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
pub use service::{SecondFactorService, TotpNaming};

/// Wrong codes in a row after which a user must wait.
pub const MAX_WRONG_CODES: i64 = 5;
/// How long a user waits after too many wrong codes.
pub const LOCKOUT_MINUTES: i64 = 5;

/// A user who signed in at the identity provider but has not given their second factor yet:
/// the server knows who they are, and lets them do nothing but give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingSecondFactor {
    pub subject: String,
    pub name: String,
}

/// What the user is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Challenge {
    /// Enrolled: a code from their authenticator app.
    Code,
    /// Not enrolled yet: add this seed to an authenticator app, then confirm with a code.
    Enroll(Enrollment),
}

/// A seed to add to an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The seed in base32, as people type it into an app.
    pub secret: String,
    /// `otpauth://totp/...`: what the QR code holds.
    pub otpauth_url: String,
    /// How the app names the account: `issuer` and `account`.
    pub issuer: String,
    pub account: String,
}

/// The answer to a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    /// The code is right (and, during enrollment, the seed is now confirmed).
    Accepted,
    /// Not the code of this moment.
    Wrong,
    /// The right code, but it was used already: wait for the next one.
    Reused,
    /// Too many wrong codes: no code is checked before this instant (stored form, UTC).
    Locked { until: String },
    /// The user has no seed (a hub operator reset it meanwhile): start again.
    NotEnrolled,
}

/// A user's second factor, as hub operators see it. Instants are UTC, RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecondFactorRecord {
    /// The identity provider's subject of the user.
    pub subject: String,
    /// The user's name when they last enrolled or signed in.
    pub name: String,
    /// When the user confirmed their seed; none while enrollment is unfinished.
    pub confirmed_at: Option<String>,
    /// When a code was last accepted.
    pub last_used_at: Option<String>,
    /// Until when codes are refused after too many wrong ones, if that is now.
    pub locked_until: Option<String>,
}
