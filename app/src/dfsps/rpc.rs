//! The portal's server functions for DFSPs and monetary zones: thin adapters over the domain
//! services.

use domain::dfsps::{Dfsp, DfspId};
use domain::environments::EnvironmentId;
use domain::monetary_zones::MonetaryZone;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

#[server(prefix = "/rpc", endpoint = "dfsps/list", output = crate::codec::JsonAnswer)]
pub async fn list_dfsps(env_id: EnvironmentId) -> Result<Vec<Dfsp>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.dfsps().list(&who, env_id).await)
}

#[server(prefix = "/rpc", endpoint = "dfsps/get", output = crate::codec::JsonAnswer)]
pub async fn get_dfsp(env_id: EnvironmentId, dfsp_id: DfspId) -> Result<Dfsp, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.dfsps().get(&who, env_id, &dfsp_id).await)
}

/// The fields of the add and edit forms (inputs named `form[name]`, ...). Empty optional fields
/// are "not set": no zone, and the default security group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DfspForm {
    pub name: String,
    #[serde(default)]
    pub monetary_zone_id: Option<String>,
    #[serde(default)]
    pub security_group: Option<String>,
    /// The checkbox: present (`true`) when checked.
    #[serde(default)]
    pub is_proxy: Option<String>,
    /// Currency codes separated by spaces or commas; case does not matter.
    #[serde(default)]
    pub fxp_currencies: Option<String>,
}

#[cfg(feature = "ssr")]
impl DfspForm {
    fn is_proxy(&self) -> bool {
        self.is_proxy
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "false")
    }

    /// The FX currencies typed in one field (`usd, EUR`), as codes (`USD`, `EUR`).
    fn fxp_currencies(&self) -> Vec<String> {
        self.fxp_currencies
            .as_deref()
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|code| !code.is_empty())
            .map(str::to_uppercase)
            .collect()
    }
}

#[server(prefix = "/rpc", endpoint = "dfsps/create", output = crate::codec::JsonAnswer)]
pub async fn create_dfsp(
    env_id: EnvironmentId,
    dfsp_id: String,
    form: DfspForm,
) -> Result<Dfsp, PortalError> {
    use domain::text::blank_to_none;
    let (services, who, reply) = crate::server::context()?;
    let (is_proxy, fxp_currencies) = (form.is_proxy(), form.fxp_currencies());
    let input = domain::dfsps::NewDfsp {
        dfsp_id: Some(dfsp_id),
        name: Some(form.name),
        is_proxy: Some(is_proxy),
        fxp_currencies: Some(fxp_currencies),
        monetary_zone_id: blank_to_none(form.monetary_zone_id),
        security_group: blank_to_none(form.security_group),
    };
    reply.answer(services.dfsps().create(&who, env_id, &input).await)
}

/// Saves the edit form: every field is sent; an empty zone removes the DFSP from its zone and
/// an empty security group restores the default one.
#[server(prefix = "/rpc", endpoint = "dfsps/update", output = crate::codec::JsonAnswer)]
pub async fn update_dfsp(
    env_id: EnvironmentId,
    dfsp_id: DfspId,
    form: DfspForm,
) -> Result<Dfsp, PortalError> {
    use domain::text::blank_to_none;
    let (services, who, reply) = crate::server::context()?;
    let (is_proxy, fxp_currencies) = (form.is_proxy(), form.fxp_currencies());
    let changes = domain::dfsps::DfspChanges {
        name: Some(Some(form.name)),
        is_proxy: Some(Some(is_proxy)),
        fxp_currencies: Some(Some(fxp_currencies)),
        monetary_zone_id: Some(blank_to_none(form.monetary_zone_id)),
        security_group: Some(blank_to_none(form.security_group)),
    };
    reply.answer(
        services
            .dfsps()
            .update(&who, env_id, &dfsp_id, &changes)
            .await,
    )
}

/// Deletes a DFSP, then shows the environment's DFSP list.
#[server(prefix = "/rpc", endpoint = "dfsps/delete", output = crate::codec::JsonAnswer)]
pub async fn delete_dfsp(env_id: EnvironmentId, dfsp_id: DfspId) -> Result<(), PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.dfsps().delete(&who, env_id, &dfsp_id).await)?;
    crate::server::redirect(&crate::urls::dfsps(env_id));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "monetary_zones/list", output = crate::codec::JsonAnswer)]
pub async fn list_monetary_zones() -> Result<Vec<MonetaryZone>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.monetary_zones().list(&who).await)
}
