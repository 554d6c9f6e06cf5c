//! The portal's second factor (`AUTH_2FA_ENABLED`): `POST /auth/second-factor` takes the code
//! that the page `/sign-in/second-factor` asks for (a plain form, so it works before the
//! page's script loads). The rules (enrollment, one use per code, the lockout) are the
//! domain's (`domain::second_factors`); here the session learns the outcome.

use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use domain::second_factors::{AwaitingSecondFactor, Verification};
use domain::{Principal, Services};
use serde::Deserialize;
use tower_sessions::Session;

use super::sessions;

pub fn routes(services: Services) -> Router {
    Router::new()
        .route("/auth/second-factor", post(give))
        .with_state(services)
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// The problem codes of the second factor's page (never free text: see `login::Problem`).
fn back_to_page(problem: &str, next: &str) -> Response {
    Redirect::to(&app::urls::second_factor(next, Some(problem))).into_response()
}

async fn give(
    State(services): State<Services>,
    session: Session,
    awaiting: Option<Extension<AwaitingSecondFactor>>,
    principal: Option<Extension<Principal>>,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = app::urls::local_path(form.next.as_deref());
    let Some(Extension(user)) = awaiting else {
        // Given already (a second tab, say), or the session ended meanwhile.
        return match principal {
            Some(_) => Redirect::to(&next).into_response(),
            None => Redirect::to(&app::urls::sign_in(&next)).into_response(),
        };
    };
    match services.second_factors().verify(&user, &form.code).await {
        Ok(Verification::Accepted) => match sessions::second_factor_given(&session).await {
            Ok(()) => Redirect::to(&next).into_response(),
            Err(()) => back_to_page("unavailable", &next),
        },
        Ok(Verification::Wrong) => back_to_page("wrong", &next),
        Ok(Verification::Reused) => back_to_page("reused", &next),
        Ok(Verification::Locked { .. }) => back_to_page("locked", &next),
        Ok(Verification::NotEnrolled) => back_to_page("reset", &next),
        Err(error) => {
            tracing::error!(subject = %user.subject, "the second factor cannot be checked: {error}");
            back_to_page("unavailable", &next)
        }
    }
}
