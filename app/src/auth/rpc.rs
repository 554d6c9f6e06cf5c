//! What the portal shows about signing in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub name: String,
    /// "Hub operator", "DFSP operator", "Reader", or "No role".
    pub role: String,
    /// Whether they manage users' second factors (a hub operator, with the second factor on).
    pub manages_second_factors: bool,
}

/// Why the identity provider cannot be used now, if it cannot: the server puts a probe into
/// the portal's context that reads what its last attempt to reach the provider found.
#[derive(Clone)]
pub struct ProviderProblem(pub std::sync::Arc<dyn Fn() -> Option<String> + Send + Sync>);

/// The state of signing in, for the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInState {
    pub auth_enabled: bool,
    /// The user, when signed in already.
    pub user: Option<SignedInUser>,
    /// What is wrong with the identity provider, if its last use failed.
    pub provider_problem: Option<String>,
    /// Signed in at the provider, with the second factor still to give.
    pub awaiting_second_factor: bool,
}

/// The principal of this request, as the server's authentication layer left it, given to `f`
/// (read once: the request's parts are cloned out of the context on each read).
#[cfg(feature = "ssr")]
fn with_principal<T>(f: impl FnOnce(Option<&domain::Principal>) -> T) -> T {
    let parts = use_context::<axum::http::request::Parts>();
    f(parts
        .as_ref()
        .and_then(|parts| parts.extensions.get::<domain::Principal>()))
}

/// `principal` as the header shows them; `second_factor`: whether second factors are on.
#[cfg(feature = "ssr")]
fn signed_in_user(principal: &domain::Principal, second_factor: bool) -> SignedInUser {
    use domain::principal::Role;
    let role = if principal.has_role(&Role::HubOperator) {
        "Hub operator"
    } else if principal.has_role(&Role::DfspOperator) {
        "DFSP operator"
    } else if principal.has_role(&Role::Everyone) {
        "Reader"
    } else {
        "No role"
    };
    SignedInUser {
        name: principal.name.clone(),
        role: role.into(),
        manages_second_factors: second_factor && principal.is_hub_operator(),
    }
}

/// Whether authentication is on, and whether second factors are.
#[cfg(feature = "ssr")]
fn auth_settings() -> (bool, bool) {
    use_context::<crate::PortalInfo>().map_or((false, false), |info| {
        (info.auth_enabled, info.second_factor)
    })
}

/// What the portal's header shows of the request: who is signed in (`None` when nobody is, and
/// when authentication is disabled), whether authentication is on, and whether the user is a
/// hub operator (also the local operator, with authentication disabled: pages hide what only
/// the Hub does from everyone else; the server refuses it anyway). Learnt while the server
/// renders the page and handed to the browser with it (`SharedValue`), so that the header and
/// the pages decide synchronously what to show: no resource, nor a round trip, for what cannot
/// change before the next full page load (signing in and out are full page loads, and the
/// sign-in pages link into the frame with them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFacts {
    pub auth_enabled: bool,
    pub hub_operator: bool,
    pub user: Option<SignedInUser>,
}

/// This request's facts; known on the server only (the browser reads them from the page).
pub fn request_facts() -> RequestFacts {
    #[cfg(feature = "ssr")]
    {
        let (auth_enabled, second_factor) = auth_settings();
        with_principal(|principal| RequestFacts {
            auth_enabled,
            hub_operator: principal.is_some_and(domain::Principal::is_hub_operator),
            user: principal
                .filter(|_| auth_enabled)
                .map(|principal| signed_in_user(principal, second_factor)),
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        RequestFacts::default()
    }
}

#[server(prefix = "/rpc", endpoint = "sign_in_state", output = crate::codec::JsonAnswer)]
pub async fn read_sign_in_state() -> Result<SignInState, PortalError> {
    let (auth_enabled, second_factor) = auth_settings();
    let provider_problem = use_context::<ProviderProblem>().and_then(|probe| (probe.0)());
    Ok(SignInState {
        auth_enabled,
        user: with_principal(|principal| {
            principal
                .filter(|_| auth_enabled)
                .map(|principal| signed_in_user(principal, second_factor))
        }),
        provider_problem,
        awaiting_second_factor: auth_enabled && awaiting_second_factor().is_some(),
    })
}

/// The user of this request who signed in at the provider but has not given their second
/// factor yet (the server's session layer says so).
#[cfg(feature = "ssr")]
fn awaiting_second_factor() -> Option<domain::second_factors::AwaitingSecondFactor> {
    let parts = use_context::<axum::http::request::Parts>()?;
    parts
        .extensions
        .get::<domain::second_factors::AwaitingSecondFactor>()
        .cloned()
}

/// What the second factor's page asks of the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorPrompt {
    /// The user's name, as the identity provider gave it.
    pub name: String,
    /// Set when the user enrolls now (the first time): the seed to add to an app.
    pub enrollment: Option<EnrollmentPrompt>,
}

/// A seed to add to an authenticator app, as a QR code and as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentPrompt {
    /// An SVG image of the `otpauth://` link (made by the server, no user input in it).
    pub qr_svg: String,
    /// The seed in base32, in groups of four for typing.
    pub secret: String,
    pub issuer: String,
    pub account: String,
}

/// The seed's base32 text in groups of four characters, as people copy it.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `text` as an inline SVG element.
#[cfg(feature = "ssr")]
fn qr_svg(text: &str) -> Result<String, PortalError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|error| {
        PortalError::Domain(domain::DomainError::Internal(format!(
            "the QR code cannot be drawn: {error}"
        )))
    })?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(224, 224)
        .dark_color(svg::Color("#0f172a"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The XML declaration has no place inside an HTML page.
    Ok(match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    })
}

/// What the second factor's page shows: `None` when the request has no second factor to give
/// (given already, or not signed in at all).
#[server(prefix = "/rpc", endpoint = "second_factor_prompt", output = crate::codec::JsonAnswer)]
pub async fn read_second_factor_prompt() -> Result<Option<SecondFactorPrompt>, PortalError> {
    use domain::second_factors::Challenge;
    let Some(user) = awaiting_second_factor() else {
        return Ok(None);
    };
    let reply = crate::server::Reply::capture();
    let services = use_context::<domain::Services>().ok_or_else(|| {
        PortalError::Domain(domain::DomainError::Internal(
            "The services are missing from the request context".into(),
        ))
    })?;
    let challenge = reply.answer(services.second_factors().challenge(&user).await)?;
    let enrollment = match challenge {
        Challenge::Code => None,
        Challenge::Enroll(enrollment) => Some(EnrollmentPrompt {
            qr_svg: qr_svg(&enrollment.otpauth_url)?,
            secret: grouped(&enrollment.secret),
            issuer: enrollment.issuer,
            account: enrollment.account,
        }),
    };
    Ok(Some(SecondFactorPrompt {
        name: user.name,
        enrollment,
    }))
}

/// Every user's second factor, for hub operators.
#[server(prefix = "/rpc", endpoint = "second_factors/list", output = crate::codec::JsonAnswer)]
pub async fn list_second_factors(
) -> Result<Vec<domain::second_factors::SecondFactorRecord>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.second_factors().list(&who).await)
}

/// Forgets a user's second factor: they enroll a new one at their next sign-in.
#[server(prefix = "/rpc", endpoint = "second_factors/reset", output = crate::codec::JsonAnswer)]
pub async fn reset_second_factor(subject: String) -> Result<(), PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.second_factors().reset(&who, &subject).await)
}
