//! The portal's server functions for enrollments: thin adapters over the domain service.

use domain::dfsps::DfspId;
use domain::enrollments::inbound::InboundEnrollment;
use domain::enrollments::outbound::OutboundEnrollment;
use domain::environments::EnvironmentId;
use leptos::prelude::*;

use crate::error::PortalError;

#[server(prefix = "/rpc", endpoint = "enrollments/inbound", output = crate::codec::JsonAnswer)]
pub async fn list_inbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
) -> Result<Vec<InboundEnrollment>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .inbound_enrollments()
            .list(&who, env_id, &dfsp_id)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/inbound/create", output = crate::codec::JsonAnswer)]
pub async fn create_inbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    #[server(default)] csr: String,
) -> Result<InboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let input = domain::enrollments::inbound::InboundCreate {
        client_csr: Some(csr),
    };
    reply.answer(
        services
            .inbound_enrollments()
            .create(&who, env_id, &dfsp_id, &input)
            .await,
    )
}

/// Every DFSP's CSRs that await the Hub.
#[server(prefix = "/rpc", endpoint = "enrollments/inbound/awaiting", output = crate::codec::JsonAnswer)]
pub async fn awaiting_inbound(
    env_id: EnvironmentId,
) -> Result<Vec<InboundEnrollment>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.inbound_enrollments().awaiting(&who, env_id).await)
}

#[server(prefix = "/rpc", endpoint = "enrollments/inbound/sign", output = crate::codec::JsonAnswer)]
pub async fn sign_inbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
) -> Result<InboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .inbound_enrollments()
            .sign(&who, env_id, &dfsp_id, id)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/inbound/certificate", output = crate::codec::JsonAnswer)]
pub async fn upload_inbound_certificate(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
    #[server(default)] certificate: String,
    /// The external Hub CA's id, as the form's select sends it ("" for none chosen).
    #[server(default)]
    hub_ca_id: String,
) -> Result<InboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let input = domain::enrollments::inbound::InboundCertificate {
        certificate: Some(certificate),
        hub_ca_id: hub_ca_id.trim().parse().ok(),
    };
    reply.answer(
        services
            .inbound_enrollments()
            .upload_certificate(&who, env_id, &dfsp_id, id, &input)
            .await,
    )
}

/// The form that makes the Hub's CSR for a DFSP (inputs named `form[cn]`, ...). DNS names and
/// IP addresses are one text each, split at commas and whitespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HubCsrForm {
    #[serde(default)]
    pub cn: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
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
    pub dns: Option<String>,
    #[serde(default)]
    pub ips: Option<String>,
}

/// The names of one text, split as the CA form splits its hosts; `None` when there are none.
fn words(text: Option<&str>) -> Option<Vec<String>> {
    let list = crate::pki::rpc::split_hosts(text.unwrap_or_default());
    (!list.is_empty()).then_some(list)
}

impl HubCsrForm {
    /// The request the domain checks, as the REST API would send it.
    pub fn to_request(&self) -> domain::enrollments::outbound::CsrParameters {
        use domain::enrollments::outbound::*;
        use domain::text::blank_to_none;
        CsrParameters {
            subject: Some(CsrSubjectInput {
                cn: blank_to_none(self.cn.clone()),
                email_address: blank_to_none(self.email.clone()),
                o: blank_to_none(self.o.clone()),
                ou: blank_to_none(self.ou.clone()),
                c: blank_to_none(self.c.clone()),
                st: blank_to_none(self.st.clone()),
                l: blank_to_none(self.l.clone()),
            }),
            extensions: Some(CsrExtensionsInput {
                subject_alt_name: Some(SubjectAltNameInput {
                    dns: words(self.dns.as_deref()),
                    ips: words(self.ips.as_deref()),
                }),
            }),
        }
    }
}

#[server(prefix = "/rpc", endpoint = "enrollments/outbound", output = crate::codec::JsonAnswer)]
pub async fn list_outbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
) -> Result<Vec<OutboundEnrollment>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .outbound_enrollments()
            .list(&who, env_id, &dfsp_id, None)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/outbound/make", output = crate::codec::JsonAnswer)]
pub async fn make_outbound_csr(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    form: HubCsrForm,
) -> Result<OutboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .outbound_enrollments()
            .create_csr(&who, env_id, &dfsp_id, &form.to_request())
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/outbound/upload_csr", output = crate::codec::JsonAnswer)]
pub async fn upload_outbound_csr(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    #[server(default)] csr: String,
) -> Result<OutboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let input = domain::enrollments::outbound::OutboundCreate { hub_csr: Some(csr) };
    reply.answer(
        services
            .outbound_enrollments()
            .create(&who, env_id, &dfsp_id, &input)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/outbound/certificate", output = crate::codec::JsonAnswer)]
pub async fn return_outbound_certificate(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
    #[server(default)] certificate: String,
) -> Result<OutboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let input = domain::enrollments::outbound::OutboundCertificate {
        certificate: Some(certificate),
    };
    reply.answer(
        services
            .outbound_enrollments()
            .upload_certificate(&who, env_id, &dfsp_id, id, &input)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/outbound/validate", output = crate::codec::JsonAnswer)]
pub async fn validate_outbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
) -> Result<OutboundEnrollment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .outbound_enrollments()
            .validate(&who, env_id, &dfsp_id, id)
            .await,
    )
}
