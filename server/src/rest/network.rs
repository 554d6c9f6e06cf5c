//! Network configuration: the Hub's endpoints (`/hub/endpoints/...`) and each DFSP's
//! (`/dfsps/{dfspId}/endpoints/...`), with the Hub's confirmation of a DFSP's items. Items are
//! answered in MCM's shape (snake_case, as MCM returned them) with the specification's
//! camelCase names beside, and a `version` for optimistic concurrency.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::dfsps::DfspId;
use domain::environments::EnvironmentId;
use domain::network::{
    Direction, EndpointChanges, EndpointItem, Kind, NewEndpoint, Party, State as ItemState, Value,
    ValueType,
};
use domain::Services;
use serde::Serialize;
use utoipa::openapi::schema::Schema;
use utoipa::ToSchema;

use super::error::{ActionErrors, ApiError, ReadErrors, WriteErrors};
use super::extract::{Acting, ApiJson, DfspPath, EnvPath, ItemId};
use super::routing::{routes, ApiRouter};

/// An endpoint item (MCM's `HubEndpointItem`/`DFSPEndpointItem`).
#[derive(Serialize, ToSchema)]
pub struct EndpointItemView {
    #[schema(example = 7)]
    id: i64,
    env_id: EnvironmentId,
    #[serde(rename = "envId")]
    env_id_camel: EnvironmentId,
    /// DFSP items only.
    #[serde(skip_serializing_if = "Option::is_none")]
    dfsp_id: Option<DfspId>,
    /// DFSP items only.
    #[serde(rename = "dfspId", skip_serializing_if = "Option::is_none")]
    dfsp_id_camel: Option<DfspId>,
    state: ItemState,
    direction: Direction,
    #[serde(rename = "type")]
    value_type: ValueType,
    value: Value,
    #[schema(example = "2026-11-28T09:30:00.000Z")]
    created_date: String,
    #[serde(rename = "createdDate")]
    #[schema(example = "2026-11-28T09:30:00.000Z")]
    created_date_camel: String,
    created_by: Option<String>,
    #[serde(rename = "createdBy")]
    created_by_camel: Option<String>,
    /// Grows with every change; send it back in a PUT to refuse overwriting a newer change.
    #[schema(example = 1)]
    version: i64,
}

impl From<EndpointItem> for EndpointItemView {
    fn from(item: EndpointItem) -> Self {
        EndpointItemView {
            id: item.id,
            env_id: item.env_id,
            env_id_camel: item.env_id,
            dfsp_id_camel: item.dfsp_id.clone(),
            dfsp_id: item.dfsp_id,
            state: item.state,
            direction: item.direction,
            value_type: item.value_type,
            value: item.value,
            created_date_camel: item.created_date.clone(),
            created_date: item.created_date,
            created_by_camel: item.created_by.clone(),
            created_by: item.created_by,
            version: item.version,
        }
    }
}

/// The request body of an IP endpoint (MCM's `InputIPValue`). Documentation only: the handler
/// reads `NewEndpoint` (which refuses unknown fields, as `deny_unknown_fields` documents here)
/// and the domain checks the value, including what a schema cannot state (host bits of a
/// range, low-high order of a port range).
#[derive(ToSchema)]
#[schema(as = InputIPValue)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct InputIpValue {
    value: IpEntry,
}

#[derive(ToSchema)]
#[schema(as = IPEntry)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IpEntry {
    /// An IPv4 or IPv6 address, or a CIDR range without host bits set.
    #[schema(schema_with = address_schema)]
    address: String,
    #[schema(schema_with = ports_schema)]
    ports: Vec<String>,
}

/// Ports (`443`) and inclusive ranges (`8000-8080`), 1–65535, each once.
fn ports_schema() -> Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let entry = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(domain::network::values::port_entry_pattern()))
        .examples([serde_json::json!("443")]);
    ArrayBuilder::new()
        .items(entry)
        .min_items(Some(1))
        .max_items(Some(domain::network::values::MAX_PORTS))
        .unique_items(true)
        .description(Some(
            "Ports (`443`) and inclusive ranges (`8000-8080`), 1–65535, each once.",
        ))
        .examples([serde_json::json!(["443", "8000-8080"])])
        .build()
        .into()
}

/// The request body of a URL endpoint (MCM's `InputURLValue`). Documentation only, as above.
#[derive(ToSchema)]
#[schema(as = InputURLValue)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct InputUrlValue {
    value: UrlEntry,
}

#[derive(ToSchema)]
#[schema(as = URLEntry)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UrlEntry {
    #[schema(schema_with = url_schema)]
    url: String,
}

/// What `values::check_url` accepts, as far as a pattern can say it: `http` or `https`, a host
/// name (labels of letters, digits, `-` and `_`), an IPv4 address or a bracketed IPv6 one, an
/// optional port, then a path, query or fragment without spaces, control characters, a
/// backtick or any of `<>"{}|\^`. Surrounding whitespace is trimmed.
fn url_schema() -> Schema {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    const LABEL: &str = "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
    const TAIL: &str = r#"[^\s\u0000-\u001f\u007f-\u009f<>"{}|\\^`]"#;
    let host = format!(r"({LABEL}(\.{LABEL})*\.?|\[[0-9A-Fa-f:.]+\])");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!(
            r"^\s*[Hh][Tt][Tt][Pp][Ss]?://{host}(:[0-9]+)?([/?#]{TAIL}*)?\s*$"
        )))
        .max_length(Some(domain::network::values::MAX_URL_CHARS))
        .description(Some(
            "An `http` or `https` URL with a host, without user name or password.",
        ))
        .examples([serde_json::json!("https://dfsp1.example.com/api")])
        .build()
        .into()
}

/// An address: an IPv4 or IPv6 address (formats a generator of test data knows), or a CIDR
/// range of either (the prefix length may have leading zeros, as `check_address` reads it).
fn address_schema() -> Schema {
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, SchemaFormat, Type};
    const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    let format = |name: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom(name.to_owned())))
    };
    AnyOfBuilder::new()
        .item(format("ipv4"))
        .item(format("ipv6"))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!(
                    r"^{OCTET}(\.{OCTET}){{3}}/0*(3[0-2]|[12]?[0-9])$"
                ))),
        )
        .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(
            r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/0*(12[0-8]|1[01][0-9]|[1-9]?[0-9])$",
        )))
        .description(Some(
            "An IPv4 or IPv6 address, or a CIDR range without host bits set",
        ))
        .examples([serde_json::json!("163.10.5.0/24")])
        .build()
        .into()
}

type Item = Result<Json<EndpointItemView>, ApiError>;
type Items = Result<Json<Vec<EndpointItemView>>, ApiError>;

fn items(list: Vec<EndpointItem>) -> Items {
    Ok(Json(list.into_iter().map(EndpointItemView::from).collect()))
}

fn item(one: EndpointItem) -> Item {
    Ok(Json(one.into()))
}

/// The five operations of one kind of the Hub's endpoints.
macro_rules! hub_kind {
    ($kind:expr, $input:ty, $path:tt, $item_path:tt, $what:tt,
     $create:ident $create_op:tt, $list:ident $list_op:tt, $get:ident $get_op:tt,
     $update:ident $update_op:tt, $delete:ident $delete_op:tt) => {
        #[doc = concat!("Creates a Hub ", $what, " endpoint")]
        #[utoipa::path(
            post, path = $path, tag = "hub-endpoints", operation_id = $create_op, params(EnvPath),
            request_body(content = $input),
            responses(
                (status = 200, description = "The new item, `NEW`", body = EndpointItemView, links(
                    ("Get" = (operation_id = $get_op, parameters(("envId" = "$request.path.envId"), ("epId" = "$response.body#/id")))),
                    ("Update" = (operation_id = $update_op, parameters(("envId" = "$request.path.envId"), ("epId" = "$response.body#/id")))),
                    ("Delete" = (operation_id = $delete_op, parameters(("envId" = "$request.path.envId"), ("epId" = "$response.body#/id")))),
                    ("GetAny" = (operation_id = "getHubEndpoint", parameters(("envId" = "$request.path.envId"), ("epId" = "$response.body#/id")))),
                    ("UpdateAny" = (operation_id = "updateHubEndpoint", parameters(("envId" = "$request.path.envId"), ("epId" = "$response.body#/id")))),
                    ("DeleteAny" = (operation_id = "deleteHubEndpoint", parameters(("envId" = "$request.path.envId"), ("epId" = "$response.body#/id")))),
                )),
                WriteErrors,
            )
        )]
        async fn $create(
            State(services): State<Services>,
            Acting(who): Acting,
            EnvPath(env): EnvPath,
            ApiJson(input): ApiJson<NewEndpoint>,
        ) -> Item {
            item(services.network().create(&who, env, &Party::Hub, $kind, &input).await?)
        }

        #[doc = concat!("Returns the Hub's ", $what, " endpoints")]
        #[utoipa::path(
            get, path = $path, tag = "hub-endpoints", operation_id = $list_op, params(EnvPath),
            responses((status = 200, description = "The items, oldest first", body = [EndpointItemView]), ReadErrors)
        )]
        async fn $list(State(services): State<Services>, Acting(who): Acting, EnvPath(env): EnvPath) -> Items {
            items(services.network().list(&who, env, &Party::Hub, Some($kind), None).await?)
        }

        #[doc = concat!("Returns one Hub ", $what, " endpoint")]
        #[utoipa::path(
            get, path = $item_path, tag = "hub-endpoints", operation_id = $get_op, params(EnvPath, ItemId),
            responses((status = 200, description = "The item", body = EndpointItemView), ReadErrors)
        )]
        async fn $get(State(services): State<Services>, Acting(who): Acting, EnvPath(env): EnvPath, ItemId(id): ItemId) -> Item {
            item(services.network().get(&who, env, &Party::Hub, id, Some($kind)).await?)
        }

        #[doc = concat!("Changes one Hub ", $what, " endpoint")]
        #[utoipa::path(
            put, path = $item_path, tag = "hub-endpoints", operation_id = $update_op, params(EnvPath, ItemId),
            request_body(content = EndpointChanges),
            responses((status = 200, description = "The item as changed", body = EndpointItemView), WriteErrors)
        )]
        async fn $update(
            State(services): State<Services>,
            Acting(who): Acting,
            EnvPath(env): EnvPath,
            ItemId(id): ItemId,
            ApiJson(changes): ApiJson<EndpointChanges>,
        ) -> Item {
            item(services.network().update(&who, env, &Party::Hub, id, Some($kind), &changes).await?)
        }

        #[doc = concat!("Deletes one Hub ", $what, " endpoint")]
        #[utoipa::path(
            delete, path = $item_path, tag = "hub-endpoints", operation_id = $delete_op, params(EnvPath, ItemId),
            responses((status = 204, description = "Deleted"), ActionErrors)
        )]
        async fn $delete(State(services): State<Services>, Acting(who): Acting, EnvPath(env): EnvPath, ItemId(id): ItemId) -> Result<StatusCode, ApiError> {
            services.network().delete(&who, env, &Party::Hub, id, Some($kind)).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

/// The five operations of one kind of a DFSP's endpoints.
macro_rules! dfsp_kind {
    ($kind:expr, $input:ty, $path:tt, $item_path:tt, $what:tt,
     $create:ident $create_op:tt, $list:ident $list_op:tt, $get:ident $get_op:tt,
     $update:ident $update_op:tt, $delete:ident $delete_op:tt) => {
        #[doc = concat!("Creates a DFSP ", $what, " endpoint")]
        #[utoipa::path(
            post, path = $path, tag = "dfsp-endpoints", operation_id = $create_op, params(DfspPath),
            request_body(content = $input),
            responses(
                (status = 200, description = "The new item, `NEW` until the Hub confirms it", body = EndpointItemView, links(
                    ("Get" = (operation_id = $get_op, parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                    ("Update" = (operation_id = $update_op, parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                    ("Delete" = (operation_id = $delete_op, parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                    ("Confirm" = (operation_id = "confirmEndpointItem", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                    ("GetAny" = (operation_id = "getDFSPEndpoint", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                    ("UpdateAny" = (operation_id = "updateDFSPEndpoint", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                    ("DeleteAny" = (operation_id = "deleteDFSPEndpoint", parameters(("envId" = "$request.path.envId"), ("dfspId" = "$request.path.dfspId"), ("epId" = "$response.body#/id")))),
                )),
                WriteErrors,
            )
        )]
        async fn $create(
            State(services): State<Services>,
            Acting(who): Acting,
            DfspPath(env, dfsp): DfspPath,
            ApiJson(input): ApiJson<NewEndpoint>,
        ) -> Item {
            item(services.network().create(&who, env, &Party::Dfsp(dfsp), $kind, &input).await?)
        }

        #[doc = concat!("Returns the DFSP's ", $what, " endpoints")]
        #[utoipa::path(
            get, path = $path, tag = "dfsp-endpoints", operation_id = $list_op, params(DfspPath),
            responses((status = 200, description = "The items, oldest first", body = [EndpointItemView]), ReadErrors)
        )]
        async fn $list(State(services): State<Services>, Acting(who): Acting, DfspPath(env, dfsp): DfspPath) -> Items {
            items(services.network().list(&who, env, &Party::Dfsp(dfsp), Some($kind), None).await?)
        }

        #[doc = concat!("Returns one DFSP ", $what, " endpoint")]
        #[utoipa::path(
            get, path = $item_path, tag = "dfsp-endpoints", operation_id = $get_op, params(DfspPath, ItemId),
            responses((status = 200, description = "The item", body = EndpointItemView), ReadErrors)
        )]
        async fn $get(State(services): State<Services>, Acting(who): Acting, DfspPath(env, dfsp): DfspPath, ItemId(id): ItemId) -> Item {
            item(services.network().get(&who, env, &Party::Dfsp(dfsp), id, Some($kind)).await?)
        }

        #[doc = concat!("Changes one DFSP ", $what, " endpoint (it becomes `NEW` again if its value changes)")]
        #[utoipa::path(
            put, path = $item_path, tag = "dfsp-endpoints", operation_id = $update_op, params(DfspPath, ItemId),
            request_body(content = EndpointChanges),
            responses((status = 200, description = "The item as changed", body = EndpointItemView), WriteErrors)
        )]
        async fn $update(
            State(services): State<Services>,
            Acting(who): Acting,
            DfspPath(env, dfsp): DfspPath,
            ItemId(id): ItemId,
            ApiJson(changes): ApiJson<EndpointChanges>,
        ) -> Item {
            item(services.network().update(&who, env, &Party::Dfsp(dfsp), id, Some($kind), &changes).await?)
        }

        #[doc = concat!("Deletes one DFSP ", $what, " endpoint")]
        #[utoipa::path(
            delete, path = $item_path, tag = "dfsp-endpoints", operation_id = $delete_op, params(DfspPath, ItemId),
            responses((status = 204, description = "Deleted"), ActionErrors)
        )]
        async fn $delete(State(services): State<Services>, Acting(who): Acting, DfspPath(env, dfsp): DfspPath, ItemId(id): ItemId) -> Result<StatusCode, ApiError> {
            services.network().delete(&who, env, &Party::Dfsp(dfsp), id, Some($kind)).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

hub_kind!(Kind::IngressIp, InputIpValue, "/api/environments/{envId}/hub/endpoints/ingress/ips",
    "/api/environments/{envId}/hub/endpoints/ingress/ips/{epId}", "ingress IP",
    create_hub_ingress_ip "createHubIngressIp", get_hub_ingress_ips "getHubIngressIps",
    get_hub_ingress_ip "getHubIngressIpEndpoint", update_hub_ingress_ip "updateHubIngressIpEndpoint",
    delete_hub_ingress_ip "deleteHubIngressIpEndpoint");
hub_kind!(Kind::IngressUrl, InputUrlValue, "/api/environments/{envId}/hub/endpoints/ingress/urls",
    "/api/environments/{envId}/hub/endpoints/ingress/urls/{epId}", "ingress URL",
    create_hub_ingress_url "createHubIngressUrl", get_hub_ingress_urls "getHubIngressUrls",
    get_hub_ingress_url "getHubIngressUrlEndpoint", update_hub_ingress_url "updateHubIngressUrlEndpoint",
    delete_hub_ingress_url "deleteHubIngressUrlEndpoint");
hub_kind!(Kind::EgressIp, InputIpValue, "/api/environments/{envId}/hub/endpoints/egress/ips",
    "/api/environments/{envId}/hub/endpoints/egress/ips/{epId}", "egress IP",
    create_hub_egress_ip "createHubEgressIp", get_hub_egress_ips "getHubEgressIps",
    get_hub_egress_ip "getHubEgressIpEndpoint", update_hub_egress_ip "updateHubEgressIpEndpoint",
    delete_hub_egress_ip "deleteHubEgressIpEndpoint");
dfsp_kind!(Kind::IngressIp, InputIpValue, "/api/environments/{envId}/dfsps/{dfspId}/endpoints/ingress/ips",
    "/api/environments/{envId}/dfsps/{dfspId}/endpoints/ingress/ips/{epId}", "ingress IP",
    create_dfsp_ingress_ip "createDFSPIngressIp", get_dfsp_ingress_ips "getDFSPIngressIps",
    get_dfsp_ingress_ip "getDFSPIngressIpEndpoint", update_dfsp_ingress_ip "updateDFSPIngressIpEndpoint",
    delete_dfsp_ingress_ip "deleteDFSPIngressIpEndpoint");
dfsp_kind!(Kind::IngressUrl, InputUrlValue, "/api/environments/{envId}/dfsps/{dfspId}/endpoints/ingress/urls",
    "/api/environments/{envId}/dfsps/{dfspId}/endpoints/ingress/urls/{epId}", "ingress URL",
    create_dfsp_ingress_url "createDFSPIngressUrl", get_dfsp_ingress_urls "getDFSPIngressUrls",
    get_dfsp_ingress_url "getDFSPIngressUrlEndpoint", update_dfsp_ingress_url "updateDFSPIngressUrlEndpoint",
    delete_dfsp_ingress_url "deleteDFSPIngressUrlEndpoint");
dfsp_kind!(Kind::EgressIp, InputIpValue, "/api/environments/{envId}/dfsps/{dfspId}/endpoints/egress/ips",
    "/api/environments/{envId}/dfsps/{dfspId}/endpoints/egress/ips/{epId}", "egress IP",
    create_dfsp_egress_ip "createDFSPEgressIp", get_dfsp_egress_ips "getDFSPEgressIps",
    get_dfsp_egress_ip "getDFSPEgressIpEndpoint", update_dfsp_egress_ip "updateDFSPEgressIpEndpoint",
    delete_dfsp_egress_ip "deleteDFSPEgressIpEndpoint");

/// Returns all the Hub's endpoints
#[utoipa::path(
    get, path = "/api/environments/{envId}/hub/endpoints", tag = "hub-endpoints", operation_id = "getHubEndpoints",
    params(EnvPath),
    responses((status = 200, description = "Every item of the Hub, oldest first", body = [EndpointItemView]), ReadErrors)
)]
async fn get_hub_endpoints(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env): EnvPath,
) -> Items {
    items(
        services
            .network()
            .list(&who, env, &Party::Hub, None, None)
            .await?,
    )
}

/// Returns one of the Hub's endpoints, of any kind
#[utoipa::path(
    get, path = "/api/environments/{envId}/hub/endpoints/{epId}", tag = "hub-endpoints", operation_id = "getHubEndpoint",
    params(EnvPath, ItemId),
    responses((status = 200, description = "The item", body = EndpointItemView), ReadErrors)
)]
async fn get_hub_endpoint(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env): EnvPath,
    ItemId(id): ItemId,
) -> Item {
    item(
        services
            .network()
            .get(&who, env, &Party::Hub, id, None)
            .await?,
    )
}

/// Changes one of the Hub's endpoints, including its direction or type
#[utoipa::path(
    put, path = "/api/environments/{envId}/hub/endpoints/{epId}", tag = "hub-endpoints", operation_id = "updateHubEndpoint",
    params(EnvPath, ItemId),
    request_body(content = EndpointChanges),
    responses((status = 200, description = "The item as changed", body = EndpointItemView), WriteErrors)
)]
async fn update_hub_endpoint(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env): EnvPath,
    ItemId(id): ItemId,
    ApiJson(changes): ApiJson<EndpointChanges>,
) -> Item {
    item(
        services
            .network()
            .update(&who, env, &Party::Hub, id, None, &changes)
            .await?,
    )
}

/// Deletes one of the Hub's endpoints
#[utoipa::path(
    delete, path = "/api/environments/{envId}/hub/endpoints/{epId}", tag = "hub-endpoints", operation_id = "deleteHubEndpoint",
    params(EnvPath, ItemId),
    responses((status = 204, description = "Deleted"), ActionErrors)
)]
async fn delete_hub_endpoint(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env): EnvPath,
    ItemId(id): ItemId,
) -> Result<StatusCode, ApiError> {
    services
        .network()
        .delete(&who, env, &Party::Hub, id, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Returns every DFSP's endpoints that await the Hub's confirmation
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/endpoints/unprocessed", tag = "dfsp-endpoints",
    operation_id = "getUnprocessedEndpointItems", params(EnvPath),
    responses((status = 200, description = "The `NEW` items of all DFSPs, by DFSP then age", body = [EndpointItemView]), ReadErrors)
)]
async fn get_unprocessed_endpoint_items(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env): EnvPath,
) -> Items {
    items(services.network().unprocessed(&who, env).await?)
}

/// Returns all of a DFSP's endpoints
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/endpoints", tag = "dfsp-endpoints", operation_id = "getDFSPEndpoints",
    params(DfspPath),
    responses((status = 200, description = "Every item of the DFSP, oldest first", body = [EndpointItemView]), ReadErrors)
)]
async fn get_dfsp_endpoints(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env, dfsp): DfspPath,
) -> Items {
    items(
        services
            .network()
            .list(&who, env, &Party::Dfsp(dfsp), None, None)
            .await?,
    )
}

/// Returns a DFSP's endpoints that await the Hub's confirmation
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/endpoints/unprocessed", tag = "dfsp-endpoints",
    operation_id = "getUnprocessedDfspItems", params(DfspPath),
    responses((status = 200, description = "The DFSP's `NEW` items, oldest first", body = [EndpointItemView]), ReadErrors)
)]
async fn get_unprocessed_dfsp_items(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env, dfsp): DfspPath,
) -> Items {
    items(
        services
            .network()
            .list(&who, env, &Party::Dfsp(dfsp), None, Some(ItemState::New))
            .await?,
    )
}

/// Returns one of a DFSP's endpoints, of any kind
#[utoipa::path(
    get, path = "/api/environments/{envId}/dfsps/{dfspId}/endpoints/{epId}", tag = "dfsp-endpoints", operation_id = "getDFSPEndpoint",
    params(DfspPath, ItemId),
    responses((status = 200, description = "The item", body = EndpointItemView), ReadErrors)
)]
async fn get_dfsp_endpoint(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env, dfsp): DfspPath,
    ItemId(id): ItemId,
) -> Item {
    item(
        services
            .network()
            .get(&who, env, &Party::Dfsp(dfsp), id, None)
            .await?,
    )
}

/// Changes one of a DFSP's endpoints, including its direction or type
#[utoipa::path(
    put, path = "/api/environments/{envId}/dfsps/{dfspId}/endpoints/{epId}", tag = "dfsp-endpoints", operation_id = "updateDFSPEndpoint",
    params(DfspPath, ItemId),
    request_body(content = EndpointChanges),
    responses((status = 200, description = "The item as changed", body = EndpointItemView), WriteErrors)
)]
async fn update_dfsp_endpoint(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env, dfsp): DfspPath,
    ItemId(id): ItemId,
    ApiJson(changes): ApiJson<EndpointChanges>,
) -> Item {
    item(
        services
            .network()
            .update(&who, env, &Party::Dfsp(dfsp), id, None, &changes)
            .await?,
    )
}

/// Deletes one of a DFSP's endpoints
#[utoipa::path(
    delete, path = "/api/environments/{envId}/dfsps/{dfspId}/endpoints/{epId}", tag = "dfsp-endpoints", operation_id = "deleteDFSPEndpoint",
    params(DfspPath, ItemId),
    responses((status = 204, description = "Deleted"), ActionErrors)
)]
async fn delete_dfsp_endpoint(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env, dfsp): DfspPath,
    ItemId(id): ItemId,
) -> Result<StatusCode, ApiError> {
    services
        .network()
        .delete(&who, env, &Party::Dfsp(dfsp), id, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The Hub confirms one of a DFSP's endpoints
#[utoipa::path(
    post, path = "/api/environments/{envId}/dfsps/{dfspId}/endpoints/{epId}/confirmation", tag = "dfsp-endpoints",
    operation_id = "confirmEndpointItem", params(DfspPath, ItemId),
    responses((status = 200, description = "The item, `CONFIRMED` (confirming it again changes nothing)", body = EndpointItemView), ActionErrors)
)]
async fn confirm_endpoint_item(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env, dfsp): DfspPath,
    ItemId(id): ItemId,
) -> Item {
    item(services.network().confirm(&who, env, &dfsp, id).await?)
}

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(get_hub_endpoints))
        .routes(routes!(
            get_hub_endpoint,
            update_hub_endpoint,
            delete_hub_endpoint
        ))
        .routes(routes!(create_hub_ingress_ip, get_hub_ingress_ips))
        .routes(routes!(
            get_hub_ingress_ip,
            update_hub_ingress_ip,
            delete_hub_ingress_ip
        ))
        .routes(routes!(create_hub_ingress_url, get_hub_ingress_urls))
        .routes(routes!(
            get_hub_ingress_url,
            update_hub_ingress_url,
            delete_hub_ingress_url
        ))
        .routes(routes!(create_hub_egress_ip, get_hub_egress_ips))
        .routes(routes!(
            get_hub_egress_ip,
            update_hub_egress_ip,
            delete_hub_egress_ip
        ))
        .routes(routes!(get_unprocessed_endpoint_items))
        .routes(routes!(get_dfsp_endpoints))
        .routes(routes!(get_unprocessed_dfsp_items))
        .routes(routes!(
            get_dfsp_endpoint,
            update_dfsp_endpoint,
            delete_dfsp_endpoint
        ))
        .routes(routes!(confirm_endpoint_item))
        .routes(routes!(create_dfsp_ingress_ip, get_dfsp_ingress_ips))
        .routes(routes!(
            get_dfsp_ingress_ip,
            update_dfsp_ingress_ip,
            delete_dfsp_ingress_ip
        ))
        .routes(routes!(create_dfsp_ingress_url, get_dfsp_ingress_urls))
        .routes(routes!(
            get_dfsp_ingress_url,
            update_dfsp_ingress_url,
            delete_dfsp_ingress_url
        ))
        .routes(routes!(create_dfsp_egress_ip, get_dfsp_egress_ips))
        .routes(routes!(
            get_dfsp_egress_ip,
            update_dfsp_egress_ip,
            delete_dfsp_egress_ip
        ))
        .body_limit(super::body_limits::RECORDS)
}
