//! Who is making each request. Every request gets a `Principal` in its extensions, read by the
//! REST extractor and by the portal's server functions alike.
//!
//! Only the "auth disabled" mode exists so far: every request acts as the all-powerful local
//! operator, as MCM does with `AUTH_ENABLED` unset. Start-up refuses `AUTH_ENABLED=true` rather
//! than run open while the operator believes it is protected.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use domain::Principal;

pub async fn attach_principal(mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(Principal::local_operator());
    next.run(request).await
}
