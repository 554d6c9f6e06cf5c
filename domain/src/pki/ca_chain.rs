//! A CA chain someone uploads: a root and the intermediates under it, as the Hub's external CAs
//! and the DFSPs' CAs are given. Read from PEM (or DER) into certificates, then checked with
//! MCM's `dfspCaValidations`.

use time::OffsetDateTime;

use super::parse::{self, ParsedCertificate, PkiError};
use super::validations::{self, Validation};
use super::CertInfo;
use crate::error::FieldErrors;
use crate::DomainResult;

/// A root and its intermediates (in any order), read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaChain {
    pub root: Option<ParsedCertificate>,
    pub intermediates: Vec<ParsedCertificate>,
}

/// The fields a chain is read from, named as the client sent them.
const ROOT: &str = "rootCertificate";
const CHAIN: &str = "intermediateChain";

impl CaChain {
    /// Reads the root (one certificate) and the intermediate chain (one or more), each PEM or
    /// DER; blank text counts as absent. Every unreadable field is reported at once, as a 400
    /// on `what`. A root is required when `root_required`.
    pub fn read(
        what: &str,
        root: Option<&str>,
        chain: Option<&str>,
        root_required: bool,
    ) -> DomainResult<CaChain> {
        fn present(text: Option<&str>) -> Option<&str> {
            text.filter(|t| !t.trim().is_empty())
        }
        let mut errors = FieldErrors::default();
        let root = match present(root) {
            Some(text) => match parse::certificate(text.as_bytes()) {
                Ok(root) => Some(root),
                Err(PkiError::NotOne(n)) => {
                    errors.push(
                        ROOT,
                        format!(
                            "holds {n} certificates where one is expected: put the root here \
                             and the certificates under it in {CHAIN}"
                        ),
                    );
                    None
                }
                Err(error) => {
                    errors.push(ROOT, error.to_string());
                    None
                }
            },
            None => {
                if root_required {
                    errors.push(
                        ROOT,
                        "is required: paste the CA's self-signed root certificate (PEM)",
                    );
                }
                None
            }
        };
        let intermediates = match present(chain) {
            Some(text) => errors
                .check(
                    CHAIN,
                    parse::certificates(text.as_bytes()).map_err(|e| e.to_string()),
                )
                .unwrap_or_default(),
            None => Vec::new(),
        };
        errors.finish(what)?;
        Ok(CaChain {
            root,
            intermediates,
        })
    }

    /// The root as PEM.
    pub fn root_pem(&self) -> Option<String> {
        self.root.as_ref().map(|root| root.pem.clone())
    }

    /// The intermediates as one PEM text, in the order given; `None` when there are none.
    pub fn chain_pem(&self) -> Option<String> {
        (!self.intermediates.is_empty()).then(|| {
            self.intermediates
                .iter()
                .map(|certificate| certificate.pem.as_str())
                .collect()
        })
    }

    pub fn root_info(&self) -> Option<CertInfo> {
        self.root.as_ref().map(|root| root.info.clone())
    }

    pub fn chain_info(&self) -> Vec<CertInfo> {
        self.intermediates
            .iter()
            .map(|certificate| certificate.info.clone())
            .collect()
    }

    /// MCM's `dfspCaValidations`, in its order, as of `at`.
    pub fn validations(&self, at: OffsetDateTime) -> Vec<Validation> {
        validations::ca_chain_validations(self.root.as_ref(), &self.intermediates, at)
    }
}

/// What a pasted or dropped text holds, read as one or more certificates, so that a person
/// sees it before submitting it. `Err` says what is wrong, in the words a 400 would use.
pub fn preview(text: &str) -> Result<Vec<CertInfo>, String> {
    parse::certificates(text.as_bytes())
        .map(|all| {
            all.into_iter()
                .map(|certificate| certificate.info)
                .collect()
        })
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::testing::issue;

    #[test]
    fn reads_a_root_and_a_chain_in_any_order() {
        let root = issue("Root", None, true, true, None);
        let one = issue("One", Some(&root), true, true, None);
        let two = issue("Two", Some(&one), true, true, None);
        let chain_text = format!("s:/CN=Two i:/CN=One\n{}{}", two.pem(), one.pem());
        let chain =
            CaChain::read("CA", Some(root.pem().as_str()), Some(&chain_text), true).unwrap();
        assert_eq!(chain.intermediates.len(), 2);
        assert_eq!(
            chain.chain_info()[0].subject.common_name.as_deref(),
            Some("Two")
        );
        // Comment lines between blocks are dropped from what is kept.
        assert_eq!(
            chain.chain_pem().unwrap(),
            format!("{}{}", two.parsed().pem, one.parsed().pem)
        );
        assert_eq!(chain.root_pem().unwrap(), root.parsed().pem);
    }

    #[test]
    fn reports_every_unreadable_field_and_a_missing_root() {
        let root = issue("Root", None, true, true, None);
        let two_roots = format!("{}{}", root.pem(), root.pem());
        let error = CaChain::read("CA", Some(&two_roots), Some("garbage"), true).unwrap_err();
        assert!(error
            .field_message(ROOT)
            .unwrap()
            .contains("holds 2 certificates where one is expected"));
        assert!(error.field_message(CHAIN).is_some(), "{error:?}");

        let error = CaChain::read("CA", Some("  \n"), None, true).unwrap_err();
        assert!(error
            .field_message(ROOT)
            .unwrap()
            .starts_with("is required"));
        assert_eq!(
            CaChain::read("CA", None, Some(""), false).unwrap(),
            CaChain::default()
        );
    }
}
