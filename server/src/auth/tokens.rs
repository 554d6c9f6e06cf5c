//! Bearer tokens: a JWT from the identity provider becomes a `Principal`, or the reason it
//! does not.
//!
//! Checked: the signature, with the provider's published key that the header names (RS256 or
//! ES256 only: `none` and HMAC, whose "key" an attacker could pick, are refused); `iss` is the
//! provider (`OAUTH2_ISSUER`, or `OAUTH2_TOKEN_ISS` for providers behind a gateway); `aud`
//! includes this application's client id; `exp` and `nbf` against the services' clock, with
//! `LEEWAY` for clocks that drift; `sub` names the user. Roles come from the groups claim.

use std::sync::Arc;

use domain::clock::Clock;
use domain::principal::RoleGroups;
use domain::Principal;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::provider::{IdentityProvider, KeyError, ProviderError};

/// How far the provider's clock and ours may disagree.
const LEEWAY_SECONDS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token does not prove who sent it; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// The provider's keys could not be had, so no token can be checked now.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

fn invalid(message: impl Into<String>) -> TokenError {
    TokenError::Invalid(message.into())
}

pub struct TokenVerifier {
    provider: Arc<IdentityProvider>,
    /// The accepted `iss` values.
    issuers: Vec<String>,
    /// This application's client id, which `aud` must include.
    audience: String,
    /// Where the groups are: a claim name, or a dotted path such as `realm_access.roles`.
    groups_claim: String,
    role_groups: RoleGroups,
    clock: Arc<dyn Clock>,
}

impl TokenVerifier {
    pub fn new(
        provider: Arc<IdentityProvider>,
        token_issuer: Option<&str>,
        audience: impl Into<String>,
        groups_claim: impl Into<String>,
        role_groups: RoleGroups,
        clock: Arc<dyn Clock>,
    ) -> TokenVerifier {
        let issuer = provider.issuer().to_owned();
        // Some providers write their issuer with a trailing slash (Auth0, Okta's default server).
        let mut issuers = vec![issuer.clone(), format!("{issuer}/")];
        issuers.extend(token_issuer.map(str::to_owned));
        TokenVerifier {
            provider,
            issuers,
            audience: audience.into(),
            groups_claim: groups_claim.into(),
            role_groups,
            clock,
        }
    }

    pub fn provider(&self) -> &IdentityProvider {
        &self.provider
    }

    pub async fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| {
            invalid(format!(
                "The token is not a JWT signed with RS256 or ES256 ({e})"
            ))
        })?;
        let algorithm = match header.alg {
            Algorithm::RS256 => Algorithm::RS256,
            Algorithm::ES256 => Algorithm::ES256,
            other => {
                return Err(invalid(format!(
                    "The token is signed with {other:?}; only RS256 and ES256 tokens from the \
                     identity provider are accepted"
                )))
            }
        };
        let key = self
            .provider
            .verifying_key(header.kid.as_deref(), algorithm)
            .await
            .map_err(|error| match error {
                KeyError::Provider(error) => TokenError::Provider(error),
                KeyError::NoSuchKey(message) => {
                    invalid(format!("The token's signing key is unknown: {message}"))
                }
            })?;

        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&self.issuers);
        validation.set_audience(&[&self.audience]);
        // Time is checked below against the services' clock, which tests can fix.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|error| invalid(self.explain(error.kind())))?
            .claims;

        self.check_time(&claims)?;
        let subject = match claims.get("sub") {
            Some(Value::String(sub)) if !sub.is_empty() => sub.clone(),
            _ => return Err(invalid("The token's 'sub' claim does not name a user")),
        };
        let groups = groups_at(&claims, &self.groups_claim)?;
        let name = display_name(&claims, &subject);
        Ok(Principal::from_groups(subject, groups, &self.role_groups).with_name(name))
    }

    fn explain(&self, error: &ErrorKind) -> String {
        match error {
            ErrorKind::InvalidSignature => {
                "The token's signature does not verify with the identity provider's key".into()
            }
            ErrorKind::InvalidIssuer => format!(
                "The token was not issued by the identity provider (its 'iss' must be {})",
                self.issuers
                    .iter()
                    .map(|i| format!("'{i}'"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            ErrorKind::InvalidAudience => format!(
                "The token is not meant for this application: its 'aud' does not include '{}'",
                self.audience
            ),
            ErrorKind::MissingRequiredClaim(claim) => format!("The token has no '{claim}' claim"),
            ErrorKind::InvalidClaimFormat(claim) => {
                format!("The token's '{claim}' claim has the wrong type")
            }
            other => format!("The token is invalid ({other:?})"),
        }
    }

    fn check_time(&self, claims: &Map<String, Value>) -> Result<(), TokenError> {
        let now = self.clock.now().unix_timestamp();
        let instant = |name: &str| -> Result<Option<i64>, TokenError> {
            match claims.get(name) {
                None => Ok(None),
                // NumericDate: seconds, possibly with a fraction (RFC 7519, 2).
                Some(Value::Number(n)) => match n.as_f64() {
                    Some(seconds) if seconds.is_finite() => Ok(Some(seconds.floor() as i64)),
                    _ => Err(invalid(format!("The token's '{name}' is not a time"))),
                },
                Some(_) => Err(invalid(format!("The token's '{name}' is not a time"))),
            }
        };
        let expires = instant("exp")?.ok_or_else(|| invalid("The token has no 'exp' claim"))?;
        if expires + LEEWAY_SECONDS <= now {
            return Err(invalid(format!(
                "The token expired at {}; get a new one from the identity provider",
                show(expires)
            )));
        }
        if let Some(not_before) = instant("nbf")? {
            if not_before - LEEWAY_SECONDS > now {
                return Err(invalid(format!(
                    "The token is not valid before {}",
                    show(not_before)
                )));
            }
        }
        Ok(())
    }
}

fn show(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix_seconds.to_string())
}

/// The user's name for people to read: `name`, `preferred_username` or `email`, else `subject`.
pub(super) fn display_name(claims: &Map<String, Value>, subject: &str) -> String {
    ["name", "preferred_username", "email"]
        .iter()
        .find_map(|claim| claims.get(*claim).and_then(Value::as_str))
        .unwrap_or(subject)
        .to_owned()
}

/// The groups at `path` (a claim, or a dotted path into nested objects): a list of strings, or
/// one string; none when the claim is absent (such a user has no role).
pub(super) fn groups_at(
    claims: &Map<String, Value>,
    path: &str,
) -> Result<Vec<String>, TokenError> {
    let mut value = claims.get(path);
    if value.is_none() && path.contains('.') {
        let mut parts = path.split('.');
        value = parts.next().and_then(|first| claims.get(first));
        for part in parts {
            value = value.and_then(|v| v.get(part));
        }
    }
    let wrong_type = || {
        invalid(format!(
            "The token's '{path}' claim is not a list of group names"
        ))
    };
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(group)) => Ok(vec![group.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(wrong_type))
            .collect(),
        Some(_) => Err(wrong_type()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn groups_come_from_a_claim_or_a_dotted_path() {
        let c = claims(json!({
            "groups": ["Application/PTA", "Internal/everyone"],
            "realm_access": {"roles": ["Application/MTA"]},
            "role": "Application/PTA",
            "cognito:groups": ["a"],
        }));
        assert_eq!(
            groups_at(&c, "groups").unwrap(),
            ["Application/PTA", "Internal/everyone"]
        );
        assert_eq!(
            groups_at(&c, "realm_access.roles").unwrap(),
            ["Application/MTA"]
        );
        assert_eq!(groups_at(&c, "role").unwrap(), ["Application/PTA"]);
        assert_eq!(groups_at(&c, "cognito:groups").unwrap(), ["a"]);
        assert!(groups_at(&c, "missing").unwrap().is_empty());
        assert!(groups_at(&c, "realm_access.missing").unwrap().is_empty());
    }

    #[test]
    fn a_dotted_claim_name_wins_over_the_path() {
        let c = claims(json!({"a.b": ["flat"], "a": {"b": ["nested"]}}));
        assert_eq!(groups_at(&c, "a.b").unwrap(), ["flat"]);
    }

    #[test]
    fn groups_of_the_wrong_type_are_refused() {
        for value in [json!({"groups": 7}), json!({"groups": ["ok", 3]})] {
            let error = groups_at(&claims(value), "groups").unwrap_err();
            assert_eq!(
                error,
                invalid("The token's 'groups' claim is not a list of group names")
            );
        }
    }
}
