//! Enrollments: client certificates the Hub and the DFSPs issue each other. Inbound: a DFSP's
//! CSR, which the Hub signs with its CA (or has an external CA sign). Outbound: the Hub's CSR,
//! which the DFSP's CA signs.

pub mod inbound;
pub mod outbound;

/// Reading again what an enrollment stored. It was read when it was stored, so a failure here
/// is a fault on our side, logged and reported without detail.
#[cfg(feature = "server")]
pub(crate) mod stored {
    use crate::pki::parse::{self, ParsedCertificate, ParsedCsr};
    use crate::{DomainError, DomainResult};

    pub(crate) fn csr(id: i64, pem: &str) -> DomainResult<ParsedCsr> {
        parse::csr(pem.as_bytes()).map_err(|error| {
            tracing::error!(enrollment = id, %error, "a stored CSR cannot be read");
            DomainError::Internal(format!("The CSR of enrollment {id} cannot be read"))
        })
    }

    pub(crate) fn certificate(
        id: i64,
        pem: Option<&str>,
    ) -> DomainResult<Option<ParsedCertificate>> {
        pem.map(|pem| {
            parse::certificate(pem.as_bytes()).map_err(|error| {
                tracing::error!(enrollment = id, %error, "a stored certificate cannot be read");
                DomainError::Internal(format!("The certificate of enrollment {id} cannot be read"))
            })
        })
        .transpose()
    }
}
