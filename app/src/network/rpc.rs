//! The portal's server functions for network endpoints: thin adapters over the domain service.

use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::network::{EndpointItem, Kind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

/// The add-endpoint form. `address` and `ports` are for IP kinds, `url` for URL kinds; the
/// fields of the other kind are ignored. Ports are one text: `443, 8000-8080`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointForm {
    pub kind: Kind,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub ports: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// The ports of one text, `443, 8000-8080`, split at commas, semicolons and spaces.
pub fn split_ports(text: &str) -> Vec<String> {
    text.split([',', ' ', ';'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_owned())
        .collect()
}

impl EndpointForm {
    /// The value the domain checks: the chosen kind's fields only.
    pub fn to_value(&self) -> domain::network::ValueInput {
        use domain::network::{ValueInput, ValueType};
        use domain::text::blank_to_none;
        match self.kind.value_type() {
            ValueType::Ip => ValueInput {
                address: Some(self.address.clone().unwrap_or_default()),
                ports: Some(split_ports(self.ports.as_deref().unwrap_or_default())),
                url: None,
            },
            ValueType::Url => ValueInput {
                address: None,
                ports: None,
                url: Some(blank_to_none(self.url.clone()).unwrap_or_default()),
            },
        }
    }

    /// The request to create an endpoint of this form's kind.
    pub fn to_new_endpoint(&self) -> domain::network::NewEndpoint {
        domain::network::NewEndpoint {
            value: Some(self.to_value()),
        }
    }
}

#[cfg(feature = "ssr")]
fn party(dfsp_id: Option<DfspId>) -> domain::network::Party {
    match dfsp_id {
        Some(id) => domain::network::Party::Dfsp(id),
        None => domain::network::Party::Hub,
    }
}

/// The Hub's endpoints (no `dfsp_id`) or a DFSP's.
#[server(prefix = "/rpc", endpoint = "network/list", output = crate::codec::JsonAnswer)]
pub async fn list_endpoints(
    env_id: EnvironmentId,
    dfsp_id: Option<DfspId>,
) -> Result<Vec<EndpointItem>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .network()
            .list(&who, env_id, &party(dfsp_id), None, None)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "network/create", output = crate::codec::JsonAnswer)]
pub async fn create_endpoint(
    env_id: EnvironmentId,
    dfsp_id: Option<DfspId>,
    form: EndpointForm,
) -> Result<EndpointItem, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .network()
            .create(
                &who,
                env_id,
                &party(dfsp_id),
                form.kind,
                &form.to_new_endpoint(),
            )
            .await,
    )
}

/// Saves an item's new value, if it is still at the `version` the form was made from.
#[server(prefix = "/rpc", endpoint = "network/update", output = crate::codec::JsonAnswer)]
pub async fn update_endpoint(
    env_id: EnvironmentId,
    dfsp_id: Option<DfspId>,
    id: i64,
    version: i64,
    form: EndpointForm,
) -> Result<EndpointItem, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    let changes = domain::network::EndpointChanges {
        value: Some(form.to_value()),
        version: Some(version),
        ..Default::default()
    };
    reply.answer(
        services
            .network()
            .update(&who, env_id, &party(dfsp_id), id, Some(form.kind), &changes)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "network/delete", output = crate::codec::JsonAnswer)]
pub async fn delete_endpoint(
    env_id: EnvironmentId,
    dfsp_id: Option<DfspId>,
    id: i64,
) -> Result<(), PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .network()
            .delete(&who, env_id, &party(dfsp_id), id, None)
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "network/confirm", output = crate::codec::JsonAnswer)]
pub async fn confirm_endpoint(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    id: i64,
) -> Result<EndpointItem, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.network().confirm(&who, env_id, &dfsp_id, id).await)
}

/// Every DFSP's endpoints that await the Hub's confirmation.
#[server(prefix = "/rpc", endpoint = "network/unprocessed", output = crate::codec::JsonAnswer)]
pub async fn list_unprocessed(env_id: EnvironmentId) -> Result<Vec<EndpointItem>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.network().unprocessed(&who, env_id).await)
}

/// One checked row of the unprocessed list: `<version>:<id>:<dfspId>` (the DFSP id last, as it
/// may itself hold a colon).
pub fn selection_key(item: &EndpointItem) -> String {
    let dfsp = item
        .dfsp_id
        .as_ref()
        .map(DfspId::as_str)
        .unwrap_or_default();
    format!("{}:{}:{dfsp}", item.version, item.id)
}

/// Confirms the checked rows, all or none. `selected` holds [`selection_key`]s.
#[server(prefix = "/rpc", endpoint = "network/confirm_selected", output = crate::codec::JsonAnswer)]
pub async fn confirm_selected(
    env_id: EnvironmentId,
    #[server(default)] selected: Vec<String>,
) -> Result<usize, PortalError> {
    use domain::DomainError;
    let (services, who, reply) = crate::server::context()?;
    if selected.is_empty() {
        return reply.answer(Err(DomainError::invalid_field(
            "selection",
            "selected",
            "Select at least one endpoint to confirm",
        )));
    }
    let mut items = Vec::with_capacity(selected.len());
    for key in &selected {
        let mut parts = key.splitn(3, ':');
        let parsed = match (parts.next(), parts.next(), parts.next()) {
            (Some(version), Some(id), Some(dfsp)) => version
                .parse::<i64>()
                .ok()
                .zip(id.parse::<i64>().ok())
                .zip(DfspId::parse(env_id, dfsp).ok()),
            _ => None,
        };
        let ((version, id), dfsp) = parsed.ok_or_else(|| {
            DomainError::invalid_field(
                "selection",
                "selected",
                format!("'{key}' is not an endpoint of this list; reload the page"),
            )
        })?;
        items.push((dfsp, id, version));
    }
    reply.answer(services.network().confirm_many(&who, env_id, &items).await)
}
