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
