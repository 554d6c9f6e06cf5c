//! The portal's server functions for the PKI: thin adapters over the domain services.

use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::pki::authorities::{CertificateAuthority, RootCaCert};
use domain::pki::dfsp_cas::{DfspCa, DfspCaOfDfsp};
use domain::pki::hub_cas::HubCa;
use domain::pki::{CertInfo, CsrInfo};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

/// The keys the CA form offers, as `<algo>-<size>`; the first is the default.
pub const KEY_CHOICES: [(&str, &str); 5] = [
    ("rsa-4096", "RSA, 4096 bits"),
    ("rsa-3072", "RSA, 3072 bits"),
    ("rsa-2048", "RSA, 2048 bits"),
    ("ecdsa-384", "ECDSA, P-384"),
    ("ecdsa-256", "ECDSA, P-256"),
];

/// How long a new CA is valid, in years, as the form offers it; the default is 5 (MCM's).
pub const VALIDITY_YEARS: [u32; 5] = [1, 2, 5, 10, 20];

/// The create-CA form (inputs named `form[cn]`, ...). Hosts are one text, split at commas and
/// whitespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaForm {
    #[serde(default)]
    pub cn: Option<String>,
    #[serde(default)]
    pub o: Option<String>,
    #[serde(default)]
    pub ou: Option<String>,
    #[serde(default)]
    pub c: Option<String>,
    #[serde(default)]
    pub st: Option<String>,
    #[serde(default)]
    pub l: Option<String>,
    #[serde(default)]
    pub hosts: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub years: Option<u32>,
}

/// The hosts of one text: `hub.example.com, 10.0.0.1`.
pub fn split_hosts(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect()
}

impl CaForm {
    /// The request the domain checks, as the REST API would send it.
    pub fn to_request(&self) -> domain::pki::authorities::CaInitialInfo {
        use domain::pki::authorities::{CaCsrInput, CaInitialInfo, KeyInput};
        use domain::text::blank_to_none;
        let (algo, size) = self
            .key
            .as_deref()
            .unwrap_or(KEY_CHOICES[0].0)
            .split_once('-')
            .map(|(algo, size)| (algo.to_owned(), size.parse().ok()))
            .unwrap_or_else(|| (String::new(), None));
        let name = domain::environments::DistinguishedName {
            cn: blank_to_none(self.cn.clone()),
            o: blank_to_none(self.o.clone()),
            ou: blank_to_none(self.ou.clone()),
            c: blank_to_none(self.c.clone()),
            st: blank_to_none(self.st.clone()),
            l: blank_to_none(self.l.clone()),
        };
        CaInitialInfo {
            default: None,
            csr: Some(CaCsrInput {
                hosts: Some(split_hosts(self.hosts.as_deref().unwrap_or_default())),
                names: Some(vec![name]),
                key: Some(KeyInput {
                    algo: Some(algo),
                    size,
                }),
                expiry: Some(format!("{}h", self.years.unwrap_or(5) * 8760)),
            }),
        }
    }
}

/// The environment's CAs, the current one first (empty when it has none).
#[server(prefix = "/rpc", endpoint = "pki/cas", output = crate::codec::JsonAnswer)]
pub async fn list_cas(env_id: EnvironmentId) -> Result<Vec<CertificateAuthority>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.certificate_authorities().list(&who, env_id).await)
}

#[server(prefix = "/rpc", endpoint = "pki/cas/create", output = crate::codec::JsonAnswer)]
pub async fn create_ca(env_id: EnvironmentId, form: CaForm) -> Result<RootCaCert, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .certificate_authorities()
            .create(&who, env_id, &form.to_request())
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "pki/hub_cas", output = crate::codec::JsonAnswer)]
pub async fn list_hub_cas(env_id: EnvironmentId) -> Result<Vec<HubCa>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.hub_cas().list(&who, env_id).await)
}

/// The certificate fields of the upload forms (`form[root]`, `form[chain]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainForm {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub root: Option<String>,
    #[serde(default)]
    pub chain: Option<String>,
}

#[server(prefix = "/rpc", endpoint = "pki/hub_cas/create", output = crate::codec::JsonAnswer)]
pub async fn create_hub_ca(env_id: EnvironmentId, form: ChainForm) -> Result<HubCa, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let input = domain::pki::hub_cas::HubCaInput {
        name: form.name,
        kind: None,
        root_certificate: form.root,
        intermediate_chain: form.chain,
    };
    reply.answer(services.hub_cas().create(&who, env_id, &input).await)
}

#[server(prefix = "/rpc", endpoint = "pki/hub_cas/delete", output = crate::codec::JsonAnswer)]
pub async fn delete_hub_ca(env_id: EnvironmentId, id: i64) -> Result<(), PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.hub_cas().delete(&who, env_id, id).await)
}

#[server(prefix = "/rpc", endpoint = "pki/dfsp_ca", output = crate::codec::JsonAnswer)]
pub async fn get_dfsp_ca(env_id: EnvironmentId, dfsp_id: DfspId) -> Result<DfspCa, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.dfsp_cas().get(&who, env_id, &dfsp_id).await)
}

#[server(prefix = "/rpc", endpoint = "pki/dfsp_ca/set", output = crate::codec::JsonAnswer)]
pub async fn set_dfsp_ca(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    form: ChainForm,
) -> Result<DfspCa, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let input = domain::pki::dfsp_cas::DfspCaInput {
        root_certificate: form.root,
        intermediate_chain: form.chain,
    };
    reply.answer(
        services
            .dfsp_cas()
            .set(&who, env_id, &dfsp_id, &input)
            .await,
    )
}

/// Every DFSP's CA, for the Hub.
#[server(prefix = "/rpc", endpoint = "pki/dfsp_cas", output = crate::codec::JsonAnswer)]
pub async fn list_dfsp_cas(env_id: EnvironmentId) -> Result<Vec<DfspCaOfDfsp>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.dfsp_cas().list(&who, env_id).await)
}

/// What a pasted or dropped text holds, before it is submitted.
#[server(prefix = "/rpc", endpoint = "pki/preview", output = crate::codec::JsonAnswer)]
pub async fn preview_certificates(text: String) -> Result<Vec<CertInfo>, PortalError> {
    let (_, who, reply) = crate::server::context()?;
    reply.answer(who.ensure_can_read().and_then(|()| {
        domain::pki::ca_chain::preview(&text)
            .map_err(|message| domain::DomainError::invalid_field("certificate", "text", message))
    }))
}

/// What a pasted or dropped CSR says, before it is submitted.
#[server(prefix = "/rpc", endpoint = "pki/preview_csr", output = crate::codec::JsonAnswer)]
pub async fn preview_csr(text: String) -> Result<CsrInfo, PortalError> {
    let (_, who, reply) = crate::server::context()?;
    reply.answer(who.ensure_can_read().and_then(|()| {
        domain::pki::parse::csr(text.as_bytes())
            .map(|csr| csr.info)
            .map_err(|error| error.invalid("CSR", "text"))
    }))
}
