//! Chain validation against an explicit trust store: the roots given, never the system's.
//! Intermediates may come in any order. The verdict is in our words, naming the certificate
//! at fault; OpenSSL's message texts are never passed on.

use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509Ref, X509StoreContext, X509};
use time::OffsetDateTime;

/// A valid path, from the certificate to a trusted root: each certificate's subject.
pub type Path = Vec<String>;

/// Checks that `target` chains to one of `roots` through `intermediates` (any order), every
/// certificate valid at `at`, every issuer a CA allowed to sign certificates.
pub fn verify(
    target: &X509,
    intermediates: &[X509],
    roots: &[X509],
    at: OffsetDateTime,
) -> Result<Path, String> {
    if roots.is_empty() {
        return Err("there is no root certificate to check it against".into());
    }
    let fault = |_| "the chain could not be checked".to_owned();
    let mut store = X509StoreBuilder::new().map_err(fault)?;
    for root in roots {
        store.add_cert(root.clone()).map_err(fault)?;
    }
    let mut param = X509VerifyParam::new().map_err(fault)?;
    param.set_time(at.unix_timestamp() as _);
    store.set_param(&param).map_err(fault)?;
    let store = store.build();
    let mut chain = Stack::new().map_err(fault)?;
    for intermediate in intermediates {
        chain.push(intermediate.clone()).map_err(fault)?;
    }
    let mut context = X509StoreContext::new().map_err(fault)?;
    context
        .init(&store, target, &chain, |context| {
            if context.verify_cert()? {
                let path = context
                    .chain()
                    .map(|chain| chain.iter().map(describe).collect())
                    .unwrap_or_default();
                return Ok(Ok(path));
            }
            let current = context.current_cert();
            let subject = current.map(describe).unwrap_or_else(|| describe(target));
            let code = match (context.error().as_raw(), current) {
                // OpenSSL says "invalid CA" for both; say which of the two it is.
                (79, Some(cert)) if lacks_key_cert_sign(cert) => 32,
                (code, _) => code,
            };
            Ok(Err(problem(code, &subject)))
        })
        .map_err(fault)?
}

/// OpenSSL 3's verification codes (`X509_V_ERR_*` of `openssl/x509_vfy.h`), in words a
/// person can act on.
fn problem(code: i32, subject: &str) -> String {
    match code {
        // CERT_NOT_YET_VALID, CERT_HAS_EXPIRED
        9 => format!("{subject} is not valid yet"),
        10 => format!("{subject} has expired"),
        // UNABLE_TO_GET_ISSUER_CERT, UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        2 | 20 => format!(
            "the issuer of {subject} is missing: upload the intermediate or root certificate that signed it"
        ),
        // DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN
        18 => format!("{subject} is self-signed but is not one of the trusted roots"),
        19 => format!(
            "the chain ends in {subject}, a self-signed certificate that is not one of the trusted roots"
        ),
        // CERT_SIGNATURE_FAILURE
        7 => format!("the signature of {subject} does not verify with its issuer's key"),
        // INVALID_CA
        79 => format!("{subject} signs other certificates but is not a CA (basic constraints)"),
        // PATH_LENGTH_EXCEEDED
        25 => format!("the chain is longer than {subject} allows (path length constraint)"),
        // KEYUSAGE_NO_CERTSIGN
        32 => format!("{subject} signs other certificates but its key usage lacks keyCertSign"),
        // INVALID_PURPOSE
        26 => format!("{subject} is not meant for this purpose (extended key usage)"),
        // CERT_REVOKED
        23 => format!("{subject} has been revoked"),
        // UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, NO_ISSUER_PUBLIC_KEY
        6 | 24 => format!("the public key of the issuer of {subject} cannot be read"),
        other => format!("{subject} does not chain to a trusted root (verification error {other})"),
    }
}

/// A CA certificate whose key usage is present but does not allow signing certificates.
fn lacks_key_cert_sign(certificate: &X509Ref) -> bool {
    let Ok(der) = certificate.to_der() else {
        return false;
    };
    super::parse::certificate(&der).is_ok_and(|parsed| {
        let info = parsed.info;
        info.basic_constraints.is_some_and(|bc| bc.ca)
            && !info.key_usages.is_empty()
            && !info.key_usages.iter().any(|usage| usage == "keyCertSign")
    })
}

/// A certificate as a person names it: its common name, else its whole subject.
fn describe(certificate: &X509Ref) -> String {
    let name = certificate.subject_name();
    let text = |entry: &openssl::x509::X509NameEntryRef| {
        entry
            .data()
            .to_string()
            .unwrap_or_else(|_| String::from_utf8_lossy(entry.data().as_slice()).into_owned())
    };
    if let Some(cn) = name
        .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .next()
        .map(text)
    {
        return format!("'{cn}'");
    }
    let parts: Vec<String> = name
        .entries()
        .map(|entry| {
            let key = entry.object().nid().short_name().unwrap_or("?");
            format!("{key}={}", text(entry))
        })
        .collect();
    format!("'{}'", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::testing::issue;
    use time::macros::datetime;

    fn at() -> OffsetDateTime {
        datetime!(2026-11-28 09:30 UTC)
    }

    #[test]
    fn a_chain_in_any_order_reaches_its_root() {
        let root = issue("Root", None, true, true, None);
        let one = issue("Intermediate 1", Some(&root), true, true, None);
        let two = issue("Intermediate 2", Some(&one), true, true, None);
        let leaf = issue("dfsp1.example.com", Some(&two), false, false, None);
        for intermediates in [
            vec![one.cert.clone(), two.cert.clone()],
            vec![two.cert.clone(), one.cert.clone()],
        ] {
            let path = verify(
                &leaf.cert,
                &intermediates,
                std::slice::from_ref(&root.cert),
                at(),
            )
            .unwrap();
            assert_eq!(
                path,
                [
                    "'dfsp1.example.com'",
                    "'Intermediate 2'",
                    "'Intermediate 1'",
                    "'Root'"
                ]
            );
        }
        // A root checks against itself.
        assert_eq!(
            verify(&root.cert, &[], std::slice::from_ref(&root.cert), at()).unwrap(),
            ["'Root'"]
        );
    }

    #[test]
    fn each_broken_chain_says_what_is_wrong() {
        let root = issue("Root", None, true, true, None);
        let other_root = issue("Other Root", None, true, true, None);
        let intermediate = issue("Intermediate", Some(&root), true, true, None);
        let leaf = issue("leaf", Some(&intermediate), false, false, None);
        let roots = [root.cert.clone()];

        let missing = verify(&leaf.cert, &[], &roots, at()).unwrap_err();
        assert!(
            missing.contains("the issuer of 'leaf' is missing"),
            "{missing}"
        );

        let untrusted = verify(
            &leaf.cert,
            std::slice::from_ref(&intermediate.cert),
            std::slice::from_ref(&other_root.cert),
            at(),
        )
        .unwrap_err();
        assert!(
            untrusted.contains("'Intermediate' is missing"),
            "{untrusted}"
        );

        let self_signed = verify(&other_root.cert, &[], &roots, at()).unwrap_err();
        assert!(
            self_signed.contains("'Other Root' is self-signed but is not one of the trusted roots"),
            "{self_signed}"
        );

        let later = datetime!(2029-01-01 00:00 UTC);
        let expired = verify(
            &leaf.cert,
            std::slice::from_ref(&intermediate.cert),
            &roots,
            later,
        )
        .unwrap_err();
        assert!(expired.contains("has expired"), "{expired}");

        let early = datetime!(2025-06-01 00:00 UTC);
        let not_yet = verify(
            &leaf.cert,
            std::slice::from_ref(&intermediate.cert),
            &roots,
            early,
        )
        .unwrap_err();
        assert!(not_yet.contains("is not valid yet"), "{not_yet}");

        let not_a_ca = issue("Not a CA", Some(&root), false, true, None);
        let below = issue("below", Some(&not_a_ca), false, false, None);
        let refused = verify(
            &below.cert,
            std::slice::from_ref(&not_a_ca.cert),
            &roots,
            at(),
        )
        .unwrap_err();
        assert!(
            refused.contains("'Not a CA' signs other certificates but is not a CA"),
            "{refused}"
        );

        let no_cert_sign = issue("No cert sign", Some(&root), true, false, None);
        let under = issue("under", Some(&no_cert_sign), false, false, None);
        let refused = verify(
            &under.cert,
            std::slice::from_ref(&no_cert_sign.cert),
            &roots,
            at(),
        )
        .unwrap_err();
        assert!(
            refused.contains(
                "'No cert sign' signs other certificates but its key usage lacks keyCertSign"
            ),
            "{refused}"
        );

        assert!(verify(&leaf.cert, &[], &[], at())
            .unwrap_err()
            .contains("no root certificate"));
    }
}
