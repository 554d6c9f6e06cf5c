//! The portal's server functions for enrollments: thin adapters over the domain service.

use domain::dfsps::DfspId;
use domain::enrollments::inbound::InboundEnrollment;
use domain::environments::EnvironmentId;
use leptos::prelude::*;

use crate::error::PortalError;
#[cfg(feature = "ssr")]
use crate::server::answer;

#[server(prefix = "/rpc", endpoint = "enrollments/inbound")]
pub async fn list_inbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
) -> Result<Vec<InboundEnrollment>, PortalError> {
    let (services, who) = crate::server::context()?;
    answer(
        services
            .inbound_enrollments()
            .list(&who, env_id, &dfsp_id)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/inbound/create")]
pub async fn create_inbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    #[server(default)] csr: String,
) -> Result<InboundEnrollment, PortalError> {
    let (services, who) = crate::server::context()?;
    let input = domain::enrollments::inbound::InboundCreate {
        client_csr: Some(csr),
    };
    answer(
        services
            .inbound_enrollments()
            .create(&who, env_id, &dfsp_id, &input)
            .await,
    )
}

/// Every DFSP's CSRs that await the Hub.
#[server(prefix = "/rpc", endpoint = "enrollments/inbound/awaiting")]
pub async fn awaiting_inbound(
    env_id: EnvironmentId,
) -> Result<Vec<InboundEnrollment>, PortalError> {
    let (services, who) = crate::server::context()?;
    answer(services.inbound_enrollments().awaiting(&who, env_id).await)
}

#[server(prefix = "/rpc", endpoint = "enrollments/inbound/sign")]
pub async fn sign_inbound(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
) -> Result<InboundEnrollment, PortalError> {
    let (services, who) = crate::server::context()?;
    answer(
        services
            .inbound_enrollments()
            .sign(&who, env_id, &dfsp_id, id)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enrollments/inbound/certificate")]
pub async fn upload_inbound_certificate(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
    #[server(default)] certificate: String,
    /// The external Hub CA's id, as the form's select sends it ("" for none chosen).
    #[server(default)]
    hub_ca_id: String,
) -> Result<InboundEnrollment, PortalError> {
    let (services, who) = crate::server::context()?;
    let input = domain::enrollments::inbound::InboundCertificate {
        certificate: Some(certificate),
        hub_ca_id: hub_ca_id.trim().parse().ok(),
    };
    answer(
        services
            .inbound_enrollments()
            .upload_certificate(&who, env_id, &dfsp_id, id, &input)
            .await,
    )
}
