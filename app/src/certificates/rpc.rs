//! The portal's server functions for server and JWS certificates: thin adapters over the
//! domain's certificate-set service. The pages see one shape for both purposes,
//! [`CertificateSet`].

use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::pki::certificate_sets::{JwsCert, ServerCert};
use domain::pki::validations::{Validation, ValidationState};
use domain::pki::CertInfo;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

/// Which set a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetKind {
    /// The TLS server certificate the Hub presents to the DFSPs.
    HubServer,
    /// The TLS server certificate a DFSP presents to the Hub.
    DfspServer,
    /// A DFSP's JWS signing certificate.
    DfspJws,
    /// The Hub's JWS signing certificate.
    HubJws,
}

impl SetKind {
    /// The value of a form's `kind` field that names this kind.
    pub fn form_value(self) -> &'static str {
        match self {
            SetKind::HubServer => "HubServer",
            SetKind::DfspServer => "DfspServer",
            SetKind::DfspJws => "DfspJws",
            SetKind::HubJws => "HubJws",
        }
    }

    /// The name the API gives the certificate's field, under which its errors come back.
    pub fn certificate_field(self) -> &'static str {
        match self {
            SetKind::HubServer | SetKind::DfspServer => "serverCertificate",
            SetKind::DfspJws | SetKind::HubJws => "jwsCertificate",
        }
    }
}

/// A server or JWS certificate with its chain, as the pages show either.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertificateSet {
    pub dfsp_id: Option<DfspId>,
    pub certificate: String,
    pub certificate_info: CertInfo,
    pub intermediate_chain: Option<String>,
    pub intermediate_chain_info: Vec<CertInfo>,
    pub root_certificate: Option<String>,
    pub root_certificate_info: Option<CertInfo>,
    pub validations: Vec<Validation>,
    pub validation_state: ValidationState,
    pub updated_date: String,
    pub updated_by: Option<String>,
}

impl From<ServerCert> for CertificateSet {
    fn from(set: ServerCert) -> Self {
        CertificateSet {
            dfsp_id: set.dfsp_id,
            certificate: set.server_certificate,
            certificate_info: set.server_certificate_info,
            intermediate_chain: set.intermediate_chain,
            intermediate_chain_info: set.intermediate_chain_info,
            root_certificate: set.root_certificate,
            root_certificate_info: set.root_certificate_info,
            validations: set.validations,
            validation_state: set.validation_state,
            updated_date: set.updated_date,
            updated_by: set.updated_by,
        }
    }
}

impl From<JwsCert> for CertificateSet {
    fn from(set: JwsCert) -> Self {
        CertificateSet {
            dfsp_id: set.dfsp_id,
            certificate: set.jws_certificate,
            certificate_info: set.jws_certificate_info,
            intermediate_chain: set.intermediate_chain,
            intermediate_chain_info: set.intermediate_chain_info,
            root_certificate: set.root_certificate,
            root_certificate_info: set.root_certificate_info,
            validations: set.validations,
            validation_state: set.validation_state,
            updated_date: set.updated_date,
            updated_by: set.updated_by,
        }
    }
}

/// The upload form's fields (`form[certificate]`, `form[chain]`, `form[root]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetForm {
    #[serde(default)]
    pub certificate: Option<String>,
    #[serde(default)]
    pub chain: Option<String>,
    #[serde(default)]
    pub root: Option<String>,
}

/// The error of a DFSP's kind asked for without the DFSP.
#[cfg(feature = "ssr")]
fn dfsp_required() -> domain::DomainError {
    domain::DomainError::invalid_field(
        "certificate",
        "dfspId",
        "is required: say which DFSP the certificate is for",
    )
}

/// The set of this kind, `None` when there is none yet.
#[server(prefix = "/rpc", endpoint = "certificates/get", output = crate::codec::JsonAnswer)]
pub async fn get_set(
    env_id: EnvironmentId,
    kind: SetKind,
    #[server(default)] dfsp_id: Option<DfspId>,
) -> Result<Option<CertificateSet>, PortalError> {
    use domain::pki::certificate_sets::Owner;
    let (services, who, reply) = crate::server::context()?;
    let sets = services.certificate_sets();
    let found = match (kind, dfsp_id.as_ref()) {
        (SetKind::HubServer, _) => sets
            .find_server(&who, env_id, Owner::Hub)
            .await
            .map(|set| set.map(CertificateSet::from)),
        (SetKind::DfspServer, Some(dfsp)) => sets
            .find_server(&who, env_id, Owner::Dfsp(dfsp))
            .await
            .map(|set| set.map(CertificateSet::from)),
        (SetKind::DfspJws, Some(dfsp)) => sets
            .find_jws(&who, env_id, dfsp)
            .await
            .map(|set| set.map(CertificateSet::from)),
        (SetKind::HubJws, _) => sets
            .hub_jws(&who, env_id)
            .await
            .map(|certs| certs.current.map(CertificateSet::from)),
        (_, None) => Err(dfsp_required()),
    };
    reply.answer(found)
}

/// Stores the set of this kind, replacing the one before.
#[server(prefix = "/rpc", endpoint = "certificates/store", output = crate::codec::JsonAnswer)]
pub async fn store_set(
    env_id: EnvironmentId,
    kind: SetKind,
    #[server(default)] dfsp_id: Option<DfspId>,
    form: SetForm,
) -> Result<CertificateSet, PortalError> {
    use domain::pki::certificate_sets::{JwsCertInput, Owner, ServerCertInput, Write};
    let (services, who, reply) = crate::server::context()?;
    let sets = services.certificate_sets();
    let server_input = || ServerCertInput {
        server_certificate: form.certificate.clone(),
        intermediate_chain: form.chain.clone(),
        root_certificate: form.root.clone(),
    };
    let jws_input = || JwsCertInput {
        jws_certificate: form.certificate.clone(),
        intermediate_chain: form.chain.clone(),
        root_certificate: form.root.clone(),
    };
    let stored = match (kind, dfsp_id.as_ref()) {
        (SetKind::HubServer, _) => sets
            .store_server(
                &who,
                env_id,
                Owner::Hub,
                &server_input(),
                Write::CreateOrReplace,
            )
            .await
            .map(CertificateSet::from),
        (SetKind::DfspServer, Some(dfsp)) => sets
            .store_server(
                &who,
                env_id,
                Owner::Dfsp(dfsp),
                &server_input(),
                Write::CreateOrReplace,
            )
            .await
            .map(CertificateSet::from),
        (SetKind::DfspJws, Some(dfsp)) => sets
            .store_jws(&who, env_id, dfsp, &jws_input(), Write::CreateOrReplace)
            .await
            .map(CertificateSet::from),
        (SetKind::HubJws, _) => sets
            .store_hub_jws(&who, env_id, &jws_input(), Write::CreateOrReplace)
            .await
            .map(CertificateSet::from),
        (_, None) => Err(dfsp_required()),
    };
    reply.answer(stored)
}

/// Removes the set of this kind. For the Hub's JWS certificate, `superseded` removes only the
/// one a rotation kept.
#[server(prefix = "/rpc", endpoint = "certificates/delete", output = crate::codec::JsonAnswer)]
pub async fn delete_set(
    env_id: EnvironmentId,
    kind: SetKind,
    #[server(default)] dfsp_id: Option<DfspId>,
    #[server(default)] superseded: Option<bool>,
) -> Result<(), PortalError> {
    use domain::pki::certificate_sets::{Owner, Purpose};
    let (services, who, reply) = crate::server::context()?;
    let (owner, purpose) = match (kind, dfsp_id.as_ref()) {
        (SetKind::HubJws, _) => {
            return reply.answer(
                services
                    .certificate_sets()
                    .delete_hub_jws(&who, env_id, superseded.unwrap_or(false))
                    .await,
            )
        }
        (SetKind::HubServer, _) => (Owner::Hub, Purpose::Server),
        (SetKind::DfspServer, Some(dfsp)) => (Owner::Dfsp(dfsp), Purpose::Server),
        (SetKind::DfspJws, Some(dfsp)) => (Owner::Dfsp(dfsp), Purpose::Jws),
        (_, None) => return reply.answer(Err(dfsp_required())),
    };
    reply.answer(
        services
            .certificate_sets()
            .delete(&who, env_id, owner, purpose)
            .await,
    )
}

/// The Hub's JWS certificate that a rotation kept, `None` when there is none.
#[server(prefix = "/rpc", endpoint = "certificates/hub_jws_superseded", output = crate::codec::JsonAnswer)]
pub async fn superseded_hub_jws(
    env_id: EnvironmentId,
) -> Result<Option<CertificateSet>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .certificate_sets()
            .hub_jws(&who, env_id)
            .await
            .map(|certs| certs.superseded.map(CertificateSet::from)),
    )
}

/// Every DFSP's server certificate, for the Hub.
#[server(prefix = "/rpc", endpoint = "certificates/dfsp_servers", output = crate::codec::JsonAnswer)]
pub async fn dfsp_server_sets(env_id: EnvironmentId) -> Result<Vec<CertificateSet>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .certificate_sets()
            .all_dfsp_servers(&who, env_id)
            .await
            .map(|sets| sets.into_iter().map(CertificateSet::from).collect()),
    )
}

/// The JWS certificates of the DFSP's peers (the other DFSPs of its monetary zone).
#[server(prefix = "/rpc", endpoint = "certificates/peer_jws", output = crate::codec::JsonAnswer)]
pub async fn peer_jws_sets(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
) -> Result<Vec<CertificateSet>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .certificate_sets()
            .peer_jws(&who, env_id, &dfsp_id)
            .await
            .map(|sets| sets.into_iter().map(CertificateSet::from).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms name a kind the way the server function reads it.
    #[test]
    fn form_values_are_the_serialized_kinds() {
        for kind in [
            SetKind::HubServer,
            SetKind::DfspServer,
            SetKind::DfspJws,
            SetKind::HubJws,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.form_value());
        }
    }
}

/// Other schemes' DFSPs' JWS keys, which interscheme proxies give the Hub (MCM v3).
#[server(prefix = "/rpc", endpoint = "jws/external", output = crate::codec::JsonAnswer)]
pub async fn list_external_jws_keys(
    env_id: EnvironmentId,
) -> Result<Vec<domain::pki::jws_keys::JwsKey>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.jws_keys().external(&who, env_id).await)
}

/// Removes an external DFSP's key (a DFSP that left the other scheme).
#[server(prefix = "/rpc", endpoint = "jws/external/delete", output = crate::codec::JsonAnswer)]
pub async fn delete_external_jws_key(
    env_id: EnvironmentId,
    dfsp_id: String,
) -> Result<(), PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .jws_keys()
            .delete_external(&who, env_id, &dfsp_id)
            .await,
    )
}
