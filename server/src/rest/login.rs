//! MCM's login operations, for the automation written against it:
//!
//! - `POST /api/login` (form `username`, `password`): where the identity provider allows the
//!   password grant, signs the user in (a server-side session, as the portal's sign-in makes)
//!   and answers MCM's `{ok, token: {payload}}`; otherwise a 400 that points to the provider's
//!   sign-in page and to bearer tokens. With the second factor enabled it answers MCM's
//!   enrollment state instead, and the session starts at the second step. With authentication
//!   disabled, MCM's "disabled" answer.
//! - `POST /api/login2step` (plus `generatedToken`): with the second factor enabled, signs the
//!   user in after checking the code (the first one confirms the enrollment that `/api/login`
//!   handed out, as MCM did); otherwise 400 "2FA is not enabled", as in MCM.
//! - `POST /api/resetPassword`: passwords belong to the identity provider; a 400 that says so.
//! - `POST /api/logout`: ends the session; 200 with an empty body, as in MCM.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::Services;
use serde::Deserialize;
use serde_json::{json, Value};
use tower_sessions::Session;
use utoipa::ToSchema;

use super::error::{ApiError, LoginErrors};
use super::extract::ApiForm;
use super::routing::{routes, ApiRouter};
use crate::auth::login::{PasswordSignIn, PasswordSignInError};
use crate::auth::{Authentication, Enabled};
use domain::second_factors::{AwaitingSecondFactor, Challenge, Verification};

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(login_second_step))
        .routes(routes!(reset_password))
        .routes(routes!(logout))
}

/// MCM's login form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginForm {
    #[schema(example = "hub-admin")]
    username: Option<String>,
    #[schema(example = "s3cret", format = Password)]
    password: Option<String>,
}

/// MCM's second-step form: the credentials again, and the code from the authenticator app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecondStepForm {
    username: Option<String>,
    #[schema(format = Password)]
    password: Option<String>,
    #[schema(example = "123456")]
    generated_token: Option<String>,
}

/// MCM's password-change form.
// Parsed and documented as MCM had it; the answer does not depend on the fields yet.
#[allow(dead_code)]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordForm {
    username: Option<String>,
    #[schema(format = Password)]
    new_password: Option<String>,
    userguid: Option<String>,
}

/// MCM's answer with authentication disabled: not signed in, and an empty token.
fn disabled_answer() -> Value {
    json!({"ok": false, "token": {"payload": {
        "at_hash": null, "aud": null, "sub": null, "nbf": 0, "azp": null, "amr": [],
        "iss": null, "groups": [], "exp": 0, "iat": 0, "dfspId": null,
    }}})
}

/// MCM's `dfspId`: the claim of that name, or the first group `Application/DFSP:<id>`.
fn dfsp_id(claims: &serde_json::Map<String, Value>, groups: &[String]) -> Value {
    if let Some(id) = claims.get("dfspId").filter(|v| !v.is_null()) {
        return id.clone();
    }
    groups
        .iter()
        .find_map(|g| g.strip_prefix(domain::dfsps::SECURITY_GROUP_PREFIX))
        .map(|id| Value::String(id.to_owned()))
        .unwrap_or(Value::Null)
}

/// The username and password of a login form, both required.
fn credentials(
    username: Option<String>,
    password: Option<String>,
) -> Result<(String, String), ApiError> {
    match (
        username.filter(|u| !u.is_empty()),
        password.filter(|p| !p.is_empty()),
    ) {
        (Some(username), Some(password)) => Ok((username, password)),
        _ => Err(ApiError::bad_request("Give both username and password")),
    }
}

/// The provider's password grant, its refusals in MCM's terms.
async fn password_sign_in(
    enabled: &Enabled,
    username: &str,
    password: &str,
) -> Result<PasswordSignIn, ApiError> {
    enabled
        .sign_in
        .with_password(&enabled.tokens, username, password)
        .await
        .map_err(|error| match error {
            PasswordSignInError::NotAllowed(message) => ApiError::bad_request_error(message),
            PasswordSignInError::Refused => {
                ApiError::unauthenticated(format!("Authentication failed for user {username}"))
            }
            PasswordSignInError::Provider(message) => {
                ApiError::from(domain::DomainError::Unavailable(message))
            }
        })
}

/// Starts the signed-in session and answers MCM's `{ok: true, token: {payload}}`.
async fn signed_in_answer(
    services: &Services,
    session: Option<Extension<Session>>,
    signed_in: PasswordSignIn,
) -> Result<Json<Value>, ApiError> {
    let Some(Extension(session)) = session else {
        return Err(ApiError::from(domain::DomainError::Internal(
            "The server keeps no sessions".into(),
        )));
    };
    crate::auth::sessions::begin(services, &session, &signed_in.user)
        .await
        .map_err(|()| {
            ApiError::from(domain::DomainError::Internal(
                "The session could not be stored; try again".into(),
            ))
        })?;
    let mut payload = signed_in.claims;
    let dfsp = dfsp_id(&payload, &signed_in.user.groups);
    payload.insert("dfspId".into(), dfsp);
    Ok(Json(json!({"ok": true, "token": {"payload": payload}})))
}

fn awaiting(signed_in: &PasswordSignIn) -> AwaitingSecondFactor {
    AwaitingSecondFactor {
        subject: signed_in.user.subject.clone(),
        name: signed_in.user.name.clone(),
    }
}

/// Signs a user in with username and password (the provider's password grant)
#[utoipa::path(
    post, path = "/api/login", tag = "login", operation_id = "loginUser",
    security(()),
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Signed in: `{ok: true, token: {payload}}` with the ID \
            token's claims and `dfspId`, and the session cookie. With the second factor \
            enabled, no session yet: `{enrolled: true, 2faEnabled: true}` for a user who has \
            one (send the code to `/api/login2step`), or `{sharedSecret, issuer, label, \
            enrolled: false, 2faEnabled: true}` for one who must first add this seed to an \
            authenticator app. With authentication disabled: `{ok: false, token: {payload}}` \
            with empty claims", body = Object),
        LoginErrors,
    )
)]
async fn login(
    State(services): State<Services>,
    Extension(authentication): Extension<Authentication>,
    session: Option<Extension<Session>>,
    ApiForm(form): ApiForm<LoginForm>,
) -> Result<Json<Value>, ApiError> {
    let Authentication::Enabled(enabled) = authentication else {
        return Ok(Json(disabled_answer()));
    };
    let (username, password) = credentials(form.username, form.password)?;
    let signed_in = password_sign_in(&enabled, &username, &password).await?;
    if services.second_factor_enabled() {
        // MCM's answers, which tell the client what the second step needs.
        return Ok(Json(
            match services
                .second_factors()
                .challenge(&awaiting(&signed_in))
                .await?
            {
                Challenge::Code => json!({"enrolled": true, "2faEnabled": true}),
                Challenge::Enroll(enrollment) => json!({
                    "sharedSecret": enrollment.secret,
                    "issuer": enrollment.issuer,
                    "label": enrollment.account,
                    "enrolled": false,
                    "2faEnabled": true,
                }),
            },
        ));
    }
    signed_in_answer(&services, session, signed_in).await
}

/// The second step of a login with a one-time code
#[utoipa::path(
    post, path = "/api/login2step", tag = "login", operation_id = "login2step",
    security(()),
    request_body(content = SecondStepForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Signed in: `{ok: true, token: {payload}}` and the \
            session cookie; the first accepted code also confirms the user's enrollment. A \
            wrong or used code is a 401, too many wrong codes a 429", body = Object),
        LoginErrors,
    )
)]
async fn login_second_step(
    State(services): State<Services>,
    Extension(authentication): Extension<Authentication>,
    session: Option<Extension<Session>>,
    ApiForm(form): ApiForm<SecondStepForm>,
) -> Result<Json<Value>, ApiError> {
    let (Authentication::Enabled(enabled), true) =
        (authentication, services.second_factor_enabled())
    else {
        return Err(ApiError::bad_request_error("2FA is not enabled"));
    };
    let (username, password) = credentials(form.username, form.password)?;
    let Some(code) = form.generated_token.filter(|code| !code.trim().is_empty()) else {
        return Err(ApiError::bad_request(
            "Give generatedToken: the 6-digit code from the authenticator app",
        ));
    };
    let mut signed_in = password_sign_in(&enabled, &username, &password).await?;
    match services
        .second_factors()
        .verify(&awaiting(&signed_in), &code)
        .await?
    {
        Verification::Accepted => {
            signed_in.user.second_factor_given = true;
            signed_in_answer(&services, session, signed_in).await
        }
        Verification::Wrong => Err(ApiError::unauthenticated("Verification code not validated")),
        Verification::Reused => Err(ApiError::unauthenticated(
            "Verification code not validated: it was used already; send the next one",
        )),
        Verification::Locked { until } => Err(ApiError::too_many_requests(format!(
            "Too many wrong codes for {username}: try again after {until}"
        ))),
        Verification::NotEnrolled => Err(ApiError::unauthenticated(format!(
            "{username} has no second factor yet: POST /api/login first, add its sharedSecret \
             to an authenticator app, then send a code here"
        ))),
    }
}

/// Changes a user's password (MCM's first-login change)
#[utoipa::path(
    post, path = "/api/resetPassword", tag = "login", operation_id = "resetPassword",
    security(()),
    request_body(content = ResetPasswordForm, content_type = "application/x-www-form-urlencoded"),
    responses(LoginErrors)
)]
async fn reset_password(
    Extension(authentication): Extension<Authentication>,
    ApiForm(_form): ApiForm<ResetPasswordForm>,
) -> ApiError {
    match authentication {
        Authentication::Enabled(enabled) => ApiError::bad_request_error(format!(
            "Passwords are kept by the identity provider at {}: change yours there",
            enabled.sign_in.provider.issuer()
        )),
        Authentication::Disabled => ApiError::bad_request_error(
            "Authentication is disabled on this server: there are no passwords to change",
        ),
    }
}

/// Ends the session
#[utoipa::path(
    post, path = "/api/logout", tag = "login", operation_id = "logoutUser",
    security(()),
    responses((status = 200, description = "Signed out (an empty body, as in MCM)"))
)]
async fn logout(session: Option<Extension<Session>>) -> Response {
    if let Some(Extension(session)) = session {
        if let Err(error) = session.flush().await {
            tracing::error!("the session cannot be ended: {error}");
        }
    }
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dfsp_id_is_the_claim_or_the_first_dfsp_group() {
        let groups = |list: &[&str]| list.iter().map(|g| g.to_string()).collect::<Vec<_>>();
        let claims = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            dfsp_id(
                &claims(json!({})),
                &groups(&[
                    "Application/MTA",
                    "Application/DFSP:DFSP1",
                    "Application/DFSP:X"
                ])
            ),
            json!("DFSP1")
        );
        assert_eq!(
            dfsp_id(
                &claims(json!({"dfspId": "B"})),
                &groups(&["Application/DFSP:A"])
            ),
            json!("B")
        );
        assert_eq!(
            dfsp_id(&claims(json!({})), &groups(&["Application/PTA"])),
            Value::Null
        );
    }
}
