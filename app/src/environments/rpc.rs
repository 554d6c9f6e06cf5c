//! The portal's server functions for environments: thin adapters over the domain service.

use domain::environments::{Environment, EnvironmentId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;

#[server(prefix = "/rpc", endpoint = "environments/list", output = crate::codec::JsonAnswer)]
pub async fn list_environments() -> Result<Vec<Environment>, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.environments().list(&who).await)
}

/// The create-environment form (inputs named `form[name]`, `form[cn]`, ...). Empty optional
/// fields are "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentForm {
    pub name: String,
    #[serde(default)]
    pub cn: Option<String>,
    #[serde(default)]
    pub o: Option<String>,
    #[serde(default)]
    pub ou: Option<String>,
    #[serde(default)]
    pub l: Option<String>,
    #[serde(default)]
    pub st: Option<String>,
    #[serde(default)]
    pub c: Option<String>,
}

impl EnvironmentForm {
    pub fn to_new_environment(self) -> domain::environments::NewEnvironment {
        use domain::environments::{DistinguishedName, NewEnvironment};
        use domain::text::blank_to_none;
        NewEnvironment {
            name: Some(self.name),
            default_dn: Some(DistinguishedName {
                cn: blank_to_none(self.cn),
                o: blank_to_none(self.o),
                ou: blank_to_none(self.ou),
                c: blank_to_none(self.c),
                st: blank_to_none(self.st),
                l: blank_to_none(self.l),
            }),
        }
    }
}

#[server(prefix = "/rpc", endpoint = "environments/create", output = crate::codec::JsonAnswer)]
pub async fn create_environment(form: EnvironmentForm) -> Result<Environment, PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(
        services
            .environments()
            .create(&who, &form.to_new_environment())
            .await,
    )
}

/// Deletes an environment with everything in it, then shows the list of environments.
#[server(prefix = "/rpc", endpoint = "environments/delete", output = crate::codec::JsonAnswer)]
pub async fn delete_environment(id: EnvironmentId) -> Result<(), PortalError> {
    let (services, who, reply) = crate::server::context()?;
    reply.answer(services.environments().delete(&who, id).await)?;
    crate::server::redirect(&crate::urls::environments());
    Ok(())
}
