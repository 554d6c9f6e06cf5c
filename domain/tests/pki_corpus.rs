//! The negative corpus: the certificates and CSRs of the PyPI package `cryptography-vectors`
//! (installed by scripts/setup into .tools/venv), many of them malformed on purpose. Every file
//! is read without a panic; the well-formed ones are read and the broken ones refused.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use domain::pki::parse;

fn vectors() -> PathBuf {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/lib");
    let python = std::fs::read_dir(&lib)
        .unwrap_or_else(|_| panic!("{} is missing: run scripts/setup", lib.display()))
        .filter_map(|entry| entry.ok())
        .find(|entry| entry.file_name().to_string_lossy().starts_with("python3"))
        .expect("a python3.x directory in the tools' venv");
    let dir = python
        .path()
        .join("site-packages/cryptography_vectors/x509");
    assert!(
        dir.exists(),
        "cryptography-vectors is missing: run scripts/setup"
    );
    dir
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `read` on every file; a panic fails the test with the file's name.
fn read_all<T>(paths: &[PathBuf], read: impl Fn(&[u8]) -> T) -> Vec<(String, T)> {
    paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let result = catch_unwind(AssertUnwindSafe(|| read(&bytes)))
                .unwrap_or_else(|_| panic!("{name} made the parser panic"));
            (name, result)
        })
        .collect()
}

#[test]
fn csrs_of_the_corpus_are_read_or_refused_without_a_panic() {
    let results = read_all(&files(&vectors().join("requests")), |bytes| {
        parse::csr(bytes).map(|csr| csr.info)
    });
    let outcome = |name: &str| {
        &results
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is not in the corpus"))
            .1
    };
    for good in [
        "rsa_sha256.pem",
        "rsa_sha256.der",
        "ec_sha256.pem",
        "san_rsa_sha1.pem",
    ] {
        assert!(outcome(good).is_ok(), "{good}: {:?}", outcome(good));
    }
    assert_eq!(
        outcome("invalid_signature.pem").as_ref().unwrap_err(),
        &parse::PkiError::CsrSignature
    );
    let san = outcome("san_rsa_sha1.pem").as_ref().unwrap();
    assert!(!san.extensions.subject_alt_name.dns.is_empty(), "{san:?}");
}

#[test]
fn certificates_of_the_corpus_are_read_or_refused_without_a_panic() {
    let root = vectors();
    let mut paths = files(&root);
    paths.extend(files(&root.join("custom")));
    paths.extend(files(&root.join("PKITS_data/certs")));
    let results = read_all(&paths, |bytes| parse::certificates(bytes).map(|c| c.len()));
    let read = results.iter().filter(|(_, r)| r.is_ok()).count();
    // Most of the corpus is well formed; every PKITS certificate is.
    assert!(
        read > results.len() / 2,
        "only {read} of {} read",
        results.len()
    );
    for (name, result) in &results {
        if name.ends_with(".crt") {
            assert!(result.is_ok(), "PKITS {name}: {result:?}");
        }
    }
    let outcome = |name: &str| {
        &results
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is not in the corpus"))
            .1
    };
    for broken in ["invalid_version.pem", "badasn1time.pem"] {
        let error = match outcome(broken) {
            Ok(n) => panic!("{broken} was read ({n} certificate)"),
            Err(error) => error.to_string(),
        };
        assert!(error.contains("could not be read"), "{broken}: {error}");
    }
}

/// NIST's PKITS path-validation cases (in cryptography-vectors' `PKITS_data`), run through
/// `chain::verify` with the trust anchor as the only root and every PKITS CA certificate as the
/// pool of intermediates: each verdict must be the one the case's name gives (`Valid...` or
/// `Invalid...`).
///
/// The cases that apply are those that need no revocation and no policy processing: 4.1
/// signature verification, 4.2 validity periods, 4.3 name chaining, 4.5 self-issued
/// certificates, 4.6 basic constraints, 4.7 key usage (keyCertSign), 4.13 name constraints and
/// 4.16 private certificate extensions. Left out, because we do neither (nor did MCM: its
/// `CERTIFICATE_VALID_CRL` was never implemented, and it never processed policies):
/// - 4.4, 4.14 and 4.15, and the cases of 4.5 and 4.7 that turn on a revoked certificate or a
///   CRL signing key: their verdicts depend on CRLs;
/// - 4.8 to 4.12 (certificate policies, policy mappings, requireExplicitPolicy,
///   inhibitPolicyMapping, inhibitAnyPolicy), whose verdicts depend on policy processing and on
///   the initial policy set a relying party chooses;
/// - 4.1.5, DSA parameter inheritance, which OpenSSL does not implement (our keys are RSA or
///   EC).
#[test]
fn chain_verdicts_agree_with_the_pkits_cases_that_apply() {
    use openssl::x509::X509;

    const NOT_APPLICABLE: [&str; 18] = [
        "Polic",
        "Mapping",
        "requireExplicit",
        "UserNotice",
        "CPSPointer",
        "CRL",
        "cRL",
        "Revoked",
        "distributionPoint",
        "DistributionPoint",
        "IDP",
        "onlyContains",
        "onlySome",
        "SerialNumber",
        "DSAParameterInheritance",
        // 4.5.2 and 4.5.5: the path is fine, the end entity is revoked.
        "BasicSelfIssuedOldWithNewTest2",
        "BasicSelfIssuedNewWithOldTest5",
        "SeparateCertificateandCRLKeys",
    ];
    let dir = vectors().join("PKITS_data/certs");
    let read = |path: &Path| X509::from_der(&std::fs::read(path).unwrap()).unwrap();
    let all = files(&dir);
    let name_of = |path: &Path| path.file_stem().unwrap().to_string_lossy().into_owned();
    let anchor = read(&dir.join("TrustAnchorRootCertificate.crt"));
    let pool: Vec<X509> = all
        .iter()
        .filter(|path| {
            let name = name_of(path);
            !name.ends_with("EE") && name != "TrustAnchorRootCertificate"
        })
        .map(|path| read(path))
        .collect();
    // Inside the validity of every PKITS certificate that is not meant to be expired.
    let at = time::macros::datetime!(2026-11-28 09:30 UTC);
    let mut checked = Vec::new();
    let mut disagreements = Vec::new();
    for path in &all {
        let name = name_of(path);
        let applies = name.ends_with("EE")
            && (name.starts_with("Valid") || name.starts_with("Invalid"))
            && !NOT_APPLICABLE.iter().any(|word| name.contains(word));
        if !applies {
            continue;
        }
        let expected_valid = name.starts_with("Valid");
        let verdict =
            domain::pki::chain::verify(&read(path), &pool, std::slice::from_ref(&anchor), at);
        if verdict.is_ok() != expected_valid {
            disagreements.push(format!("{name}: {verdict:?}"));
        }
        checked.push(name);
    }
    assert_eq!(disagreements, Vec::<String>::new());
    // 87 cases apply; a corpus that lost them must not pass quietly.
    assert_eq!(checked.len(), 87, "{checked:#?}");
    for section in [
        "ValidCertificatePathTest1EE",
        "InvalidCASignatureTest2EE",
        "InvalidEEnotAfterDateTest6EE",
        "InvalidNameChainingOrderTest2EE",
        "InvalidpathLenConstraintTest6EE",
        "InvalidkeyUsageCriticalkeyCertSignFalseTest1EE",
        "InvalidDNnameConstraintsTest2EE",
        "InvalidUnknownCriticalCertificateExtensionTest2EE",
    ] {
        assert!(
            checked.iter().any(|name| name == section),
            "{section} was not checked"
        );
    }
}
