//! The portal's server functions for environments: thin adapters over the domain service.

use domain::environments::{Environment, EnvironmentId};
use leptos::prelude::*;

use crate::error::PortalError;

#[server(prefix = "/rpc", endpoint = "environments/list")]
pub async fn list_environments() -> Result<Vec<Environment>, PortalError> {
    let (services, who) = crate::server::context()?;
    Ok(services.environments().list(&who).await?)
}

#[server(prefix = "/rpc", endpoint = "environments/get")]
pub async fn get_environment(id: EnvironmentId) -> Result<Environment, PortalError> {
    let (services, who) = crate::server::context()?;
    Ok(services.environments().get(&who, id).await?)
}

/// Creates an environment from the form's fields; empty optional fields are "not set".
#[server(prefix = "/rpc", endpoint = "environments/create")]
pub async fn create_environment(
    name: String,
    cn: Option<String>,
    o: Option<String>,
    ou: Option<String>,
    l: Option<String>,
    st: Option<String>,
    c: Option<String>,
) -> Result<Environment, PortalError> {
    use domain::environments::{DistinguishedName, NewEnvironment};
    use domain::text::blank_to_none;
    let (services, who) = crate::server::context()?;
    let input = NewEnvironment {
        name: Some(name),
        default_dn: Some(DistinguishedName {
            cn: blank_to_none(cn),
            o: blank_to_none(o),
            ou: blank_to_none(ou),
            c: blank_to_none(c),
            st: blank_to_none(st),
            l: blank_to_none(l),
        }),
    };
    Ok(services.environments().create(&who, &input).await?)
}

/// Deletes an environment with everything in it, then shows the list of environments.
#[server(prefix = "/rpc", endpoint = "environments/delete")]
pub async fn delete_environment(id: EnvironmentId) -> Result<(), PortalError> {
    let (services, who) = crate::server::context()?;
    services.environments().delete(&who, id).await?;
    crate::server::redirect(&crate::urls::environments());
    Ok(())
}
