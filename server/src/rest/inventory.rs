//! The certificate inventory: `GET /api/environments/{envId}/certificates`, every certificate
//! the environment knows with how long it has left, soonest to expire first.

use axum::extract::State;
use axum::Json;
use domain::inventory::{
    CertificateKind, CertificateStatus, InventoryCertificate, InventoryFilter,
};
use domain::Services;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, QueryErrors};
use super::extract::{Acting, ApiQuery, EnvPath};
use super::routing::{routes, ApiRouter};

pub fn routes() -> ApiRouter {
    ApiRouter::new().routes(routes!(get_certificate_inventory))
}

/// A blank `kind` or `status` selects everything (the portal's filter form sends one for
/// "all"): the document says so beside the values, for the inventory at both its paths.
pub(super) fn document_blank_filters(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    use utoipa::openapi::{Ref, RefOr, Schema};
    for path in [
        "/api/environments/{envId}/certificates",
        "/api/certificates",
    ] {
        let Some(get) = api
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.get.as_mut())
        else {
            continue;
        };
        for parameter in get.parameters.iter_mut().flatten() {
            let RefOr::T(parameter) = parameter else {
                continue;
            };
            let component = match parameter.name.as_str() {
                "kind" => "CertificateKind",
                "status" => "CertificateStatus",
                _ => continue,
            };
            let blank = ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([""]))
                .description(Some("Blank: every one"))
                .build();
            parameter.schema = Some(RefOr::T(Schema::OneOf(
                OneOfBuilder::new()
                    .item(Ref::from_schema_name(component))
                    .item(blank)
                    .build(),
            )));
        }
    }
}

/// The filters of the inventory, all optional. (Read as text, so that an unknown value is
/// told the values there are.)
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct InventoryParams {
    /// Only certificates of this kind.
    #[param(value_type = Option<CertificateKind>)]
    kind: Option<String>,
    /// Only certificates of this owner: `hub`, or a DFSP's id.
    owner: Option<String>,
    /// Only certificates in this state.
    #[param(value_type = Option<CertificateStatus>)]
    status: Option<String>,
}

/// A certificate of the inventory, with the portal page that keeps it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ListedCertificate {
    #[serde(flatten)]
    certificate: InventoryCertificate,
    /// The portal page where the certificate is shown and replaced (a path of this server).
    #[schema(example = "/environments/1/dfsps/DFSP1/certificates")]
    link: String,
}

/// Returns every certificate of an environment
///
/// Internal CAs, the Hub's external CAs, DFSP CAs and their intermediates, inbound and outbound
/// enrollment certificates, server and JWS certificates and their chains, each listed once,
/// soonest to expire first. Hub operators see all of them; DFSP operators the Hub's public
/// ones and their own DFSPs'.
#[utoipa::path(
    get, path = "/api/environments/{envId}/certificates", tag = "certificates",
    operation_id = "getCertificateInventory",
    params(EnvPath, InventoryParams),
    responses((status = 200, description = "The certificates, soonest to expire first", body = Vec<ListedCertificate>), QueryErrors)
)]
async fn get_certificate_inventory(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiQuery(params): ApiQuery<InventoryParams>,
) -> Result<Json<Vec<ListedCertificate>>, ApiError> {
    let filter = InventoryFilter {
        kind: params.kind,
        owner: params.owner,
        status: params.status,
    };
    let certificates = services.inventory().list(&who, env_id, &filter).await?;
    Ok(Json(
        certificates
            .into_iter()
            .map(|certificate| ListedCertificate {
                link: app::urls::inventoried_certificate(env_id, &certificate),
                certificate,
            })
            .collect(),
    ))
}
