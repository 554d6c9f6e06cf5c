//! Portal URLs, built in one place so links and routes agree. DFSP ids may hold spaces and
//! other characters that must be percent-encoded in a path segment.

use domain::environments::EnvironmentId;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Everything but unreserved characters (RFC 3986) is encoded in a segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A query parameter's value also keeps `&`, `=` and `+` encoded.
const QUERY_VALUE: &AsciiSet = &SEGMENT.add(b'&').add(b'=').add(b'+');

pub fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// A value of a query parameter, percent-encoded.
pub fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Where a sign-in may lead afterwards: `next` if it is a path of this site, `/` otherwise
/// (never another host: `//host` and `/\host` are other hosts to a browser).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The start of a sign-in that returns to `next` (a local path).
pub fn sign_in(next: &str) -> String {
    let next = local_path(Some(next));
    format!(
        "/auth/login?next={}",
        utf8_percent_encode(&next, QUERY_VALUE)
    )
}

/// The second factor's page, for a user signed in at the provider, returning to `next` (a
/// local path) afterwards; `problem` is one of the page's problem codes.
pub fn second_factor(next: &str, problem: Option<&str>) -> String {
    let next = utf8_percent_encode(&local_path(Some(next)), QUERY_VALUE).to_string();
    match problem {
        Some(problem) => format!("/sign-in/second-factor?problem={problem}&next={next}"),
        None => format!("/sign-in/second-factor?next={next}"),
    }
}

/// The hub operators' page of users' second factors.
pub fn second_factors() -> String {
    "/second-factors".into()
}

pub fn environments() -> String {
    "/environments".into()
}

pub fn environment(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}")
}

pub fn dfsps(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/dfsps")
}

pub fn dfsp(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("/environments/{env_id}/dfsps/{}", segment(dfsp_id.as_ref()))
}

pub fn network(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/network")
}

pub fn unprocessed(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/network/unprocessed")
}

pub fn dfsp_endpoints(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("{}/endpoints", dfsp(env_id, dfsp_id))
}

pub fn certificate_authorities(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/ca")
}

pub fn dfsp_ca(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("{}/ca", dfsp(env_id, dfsp_id))
}

pub fn dfsp_certificates(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("{}/certificates", dfsp(env_id, dfsp_id))
}

pub fn hub_certificates(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("{}/hub-certificates", dfsp(env_id, dfsp_id))
}

pub fn dfsp_server_certificate(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("{}/server-certificate", dfsp(env_id, dfsp_id))
}

pub fn dfsp_jws(env_id: EnvironmentId, dfsp_id: impl AsRef<str>) -> String {
    format!("{}/jws", dfsp(env_id, dfsp_id))
}

pub fn server_certificates(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/server-certificates")
}

pub fn onboarding(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/onboarding")
}

/// The Hub's JWS certificate.
pub fn hub_jws(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/hub-jws")
}

pub fn audit(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/audit")
}

pub fn csr_queue(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/csrs")
}

/// The CRL of the environment's CA `ca_id`, DER (an API path: public, for relying parties).
pub fn ca_crl(env_id: EnvironmentId, ca_id: i64) -> String {
    format!("/api/environments/{env_id}/cas/{ca_id}/crl")
}

pub fn certificate_inventory(env_id: EnvironmentId) -> String {
    format!("/environments/{env_id}/certificates")
}

/// The portal page where an inventoried certificate is kept, and can be replaced.
pub fn inventoried_certificate(
    env_id: EnvironmentId,
    certificate: &domain::inventory::InventoryCertificate,
) -> String {
    use domain::inventory::CertificateKind as Kind;
    let dfsp = certificate.dfsp_id.as_ref().map(|d| d.as_str());
    match (certificate.kind, dfsp) {
        (Kind::InternalCa | Kind::HubCa, _) => certificate_authorities(env_id),
        (Kind::HubServer, _) => server_certificates(env_id),
        (Kind::HubJws, _) => hub_jws(env_id),
        (Kind::DfspCa, Some(dfsp)) => dfsp_ca(env_id, dfsp),
        (Kind::InboundEnrollment, Some(dfsp)) => {
            // The enrollment's own card on the page (`inboundEnrollment.12`).
            match certificate.id.rsplit_once('.') {
                Some((_, row)) => format!("{}#enrollment-{row}", dfsp_certificates(env_id, dfsp)),
                None => dfsp_certificates(env_id, dfsp),
            }
        }
        (Kind::OutboundEnrollment, Some(dfsp)) => hub_certificates(env_id, dfsp),
        (Kind::DfspServer, Some(dfsp)) => dfsp_server_certificate(env_id, dfsp),
        (Kind::DfspJws, Some(dfsp)) => dfsp_jws(env_id, dfsp),
        // A DFSP's certificate always names its DFSP.
        (_, None) => certificate_inventory(env_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_returns_only_to_a_path_of_this_site() {
        assert_eq!(
            local_path(Some("/environments/1?x=2")),
            "/environments/1?x=2"
        );
        for foreign in [
            "//evil.example.com",
            "/\\evil.example.com",
            "https://evil.example.com",
            "environments",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(foreign)), "/", "{foreign}");
        }
        assert_eq!(local_path(None), "/");
        assert_eq!(
            sign_in("/environments/1/dfsps?a=1&b=2"),
            "/auth/login?next=%2Fenvironments%2F1%2Fdfsps%3Fa%3D1%26b%3D2"
        );
        assert_eq!(sign_in("//evil.example.com"), "/auth/login?next=%2F");
    }

    #[test]
    fn dfsp_ids_are_encoded_as_one_segment() {
        let env = EnvironmentId::new(3).unwrap();
        assert_eq!(dfsp(env, "DFSP Bob"), "/environments/3/dfsps/DFSP%20Bob");
        assert_eq!(
            dfsp(env, "a/b?c#d%"),
            "/environments/3/dfsps/a%2Fb%3Fc%23d%25"
        );
        assert_eq!(dfsp(env, "Zé-1"), "/environments/3/dfsps/Z%C3%A9-1");
    }
}
