//! Browser-facing protections that hold whatever the authentication mode:
//!
//! - [`refuse_cross_site_writes`]: a state-changing request that a browser sent on behalf of
//!   another site (a forged form post, cross-site request forgery) is refused before it reaches
//!   a handler. Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`);
//!   clients that are not browsers (curl, automation) send neither and are not affected.
//! - [`security_headers`]: every response forbids MIME sniffing, framing (so that no other site
//!   can overlay our confirm-to-delete buttons) and sends referrers only to ourselves. The
//!   portal's pages add their Content-Security-Policy themselves, with the nonce of their inline
//!   scripts (`app::shell`).
//! - [`seal_form_errors`] and [`drop_unsealed_form_errors`]: a form posted without JavaScript
//!   brings its error back to its page in the URL (`?__path=...&__err=...`, which the portal then
//!   shows). The server seals what it sends there; a page asked for with an error that is not
//!   sealed (a link someone crafted to show a text of their choosing) is sent, without it, to
//!   the same page.

use axum::extract::{Request, State};
use axum::http::header::{
    HeaderValue, HOST, LOCATION, ORIGIN, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::shared_keys::SharedKey;

use crate::rest::ApiError;

/// The name of the shared key that seals form errors.
pub const FORM_ERROR_KEY: &str = "portal-form-errors";

/// The query parameters a form's error travels in, and the seal this server adds.
const ERROR_PATH: &str = "__path";
const ERROR_TEXT: &str = "__err";
const ERROR_SEAL: &str = "__sig";

/// Seals and checks form errors, with a key all replicas share.
#[derive(Clone, Debug)]
pub struct FormErrorSeal(SharedKey);

impl FormErrorSeal {
    pub fn new(key: SharedKey) -> Self {
        FormErrorSeal(key)
    }
}

/// The raw (still percent-encoded) value of each parameter of a query.
fn parameter<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// Adds the seal to the error a server function sends back to its page.
pub async fn seal_form_errors(
    State(seal): State<FormErrorSeal>,
    request: Request,
    next: Next,
) -> Response {
    let from_server_function = request.uri().path().starts_with("/rpc/");
    let mut response = next.run(request).await;
    if !from_server_function {
        return response;
    }
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
    else {
        return response;
    };
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    if let (Some(path), Some(text)) = (parameter(query, ERROR_PATH), parameter(query, ERROR_TEXT)) {
        let sealed = format!("{location}&{ERROR_SEAL}={}", seal.0.tag(&[path, text]));
        if let Ok(value) = HeaderValue::from_str(&sealed) {
            response.headers_mut().insert(LOCATION, value);
        }
    }
    response
}

/// Sends a page request that carries an unsealed form error to the same page without it.
pub async fn drop_unsealed_form_errors(
    State(seal): State<FormErrorSeal>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::GET {
        if let Some(query) = request.uri().query() {
            let path = parameter(query, ERROR_PATH);
            let text = parameter(query, ERROR_TEXT);
            if path.is_some() || text.is_some() {
                let sealed = match (path, text, parameter(query, ERROR_SEAL)) {
                    (Some(path), Some(text), Some(tag)) => seal.0.verifies(&[path, text], tag),
                    _ => false,
                };
                if !sealed {
                    tracing::warn!(path = %request.uri().path(), "a page was asked for with an unsealed form error; dropped");
                    let kept: Vec<&str> = query
                        .split('&')
                        .filter(|pair| {
                            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
                            ![ERROR_PATH, ERROR_TEXT, ERROR_SEAL].contains(&key)
                        })
                        .collect();
                    let page = local_path(request.uri().path());
                    let target = if kept.is_empty() {
                        page
                    } else {
                        format!("{page}?{}", kept.join("&"))
                    };
                    return Redirect::to(&target).into_response();
                }
            }
        }
    }
    next.run(request).await
}

/// `path` as a path on this server: with one leading slash, since a browser reads `//host` or
/// `/\host` in a redirect as another host.
fn local_path(path: &str) -> String {
    format!("/{}", path.trim_start_matches(['/', '\\']))
}

/// Refuses `POST`, `PUT`, `PATCH` and `DELETE` that a browser sent from another origin.
pub async fn refuse_cross_site_writes(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe {
        if let Some(origin) = foreign_origin(&request) {
            tracing::warn!(method = %request.method(), path = %request.uri().path(), %origin, "cross-site write refused");
            return ApiError::forbidden(format!(
                "This request came from another site ({origin}) and was refused: changes can \
                 only be made from the Connection Manager's own pages or by API clients"
            ))
            .into_response();
        }
    }
    next.run(request).await
}

/// Where a browser says the request comes from, when that is not this server.
fn foreign_origin(request: &Request) -> Option<String> {
    let headers = request.headers();
    // Sent by every current browser: `same-origin` from our pages, `none` when the user typed
    // or bookmarked the address; `same-site` (a sibling host) and `cross-site` are foreign.
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.to_str().unwrap_or_default() {
            "same-origin" | "none" => None,
            other => Some(
                headers
                    .get(ORIGIN)
                    .and_then(|o| o.to_str().ok())
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("Sec-Fetch-Site: {other}")),
            ),
        };
    }
    // Older browsers: the Origin's host must be the one the request was sent to.
    let origin = headers.get(ORIGIN)?.to_str().unwrap_or_default();
    if origin == "null" {
        return Some(origin.to_owned());
    }
    let origin_host = origin.split_once("://").map(|(_, host)| host)?;
    let host = headers.get(HOST).and_then(|h| h.to_str().ok())?;
    (!origin_host.eq_ignore_ascii_case(host)).then(|| origin.to_owned())
}

/// Adds the headers every response carries.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder()
            .method("POST")
            .uri("/rpc/dfsps/create")
            .header(HOST, "cm.example.com:3001");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn redirects_stay_on_this_server() {
        assert_eq!(local_path("/environments"), "/environments");
        assert_eq!(local_path("//evil.example/x"), "/evil.example/x");
        assert_eq!(local_path("/\\evil.example"), "/evil.example");
        assert_eq!(local_path(""), "/");
    }

    #[test]
    fn browsers_are_told_apart_by_where_they_say_a_request_comes_from() {
        assert_eq!(foreign_origin(&request(&[])), None, "not a browser");
        for own in [
            vec![
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://cm.example.com:3001"),
            ],
            vec![("sec-fetch-site", "none")],
            vec![("origin", "http://CM.example.com:3001")],
        ] {
            assert_eq!(foreign_origin(&request(&own)), None, "{own:?}");
        }
        for (foreign, reported) in [
            (
                vec![
                    ("sec-fetch-site", "cross-site"),
                    ("origin", "https://evil.example"),
                ],
                "https://evil.example",
            ),
            (
                vec![("sec-fetch-site", "same-site")],
                "Sec-Fetch-Site: same-site",
            ),
            (
                vec![("origin", "https://evil.example")],
                "https://evil.example",
            ),
            (
                vec![("origin", "http://cm.example.com:3002")],
                "http://cm.example.com:3002",
            ),
            (vec![("origin", "null")], "null"),
        ] {
            assert_eq!(
                foreign_origin(&request(&foreign)).as_deref(),
                Some(reported),
                "{foreign:?}"
            );
        }
    }
}
