//! The operations of MCM v3 (3.4.0) whose path or shape differ from MCM 2020's: what the
//! DFSP-side client (`@mojaloop/mcm-client`) and v3 automation call. Every 2020 operation on one
//! environment is also served at its v3 path (`routing::v3_path`); these are the ones v3 added
//! or answers otherwise. They act in the environment the v3 API is bound to (`V3_ENVIRONMENT`,
//! see `extract::EnvPath`).

use axum::extract::State;
use axum::Json;
use domain::dfsps::{DfspId, NewDfsp};
use domain::network::documents::{EgressDocumentInput, EndpointDocument, IngressDocumentInput};
use domain::network::Kind;
use domain::onboarding::reported::{AllDfspStates, ReportOutcome, StatesReport};
use domain::onboarding::PhaseStatus;
use domain::pki::certificate_sets::{JwsCert, JwsCertInput, Write};
use domain::pki::jws_keys::{
    ExternalJwsKeyInput, ExternalWrite, JwsKey, JwsKeyInput, DEFAULT_HUB_ID, MAX_EXTERNAL_KEYS,
};
use domain::Services;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ActionErrors, ApiError, KeyMakingErrors, V3ReadErrors, WriteErrors};
use super::extract::{Acting, ApiJson, ApiJsonArray, ApiPath, DfspPath, EnvPath};
use super::routing::{routes, ApiRouter};

/// A request of external DFSPs' keys holds up to `MAX_EXTERNAL_KEYS` PEM keys (an RSA-4096
/// public key is about 800 bytes).
const EXTERNAL_KEYS_BODY_LIMIT: usize = MAX_EXTERNAL_KEYS * 2 * 1024;

pub fn routes() -> ApiRouter {
    let records = ApiRouter::new()
        .routes(routes!(create_dfsp_v3))
        .routes(routes!(get_hub_ca_v3))
        .routes(routes!(get_dfsps_states_status))
        .routes(routes!(upload_dfsp_states_status))
        .routes(routes!(get_dfsp_status))
        .routes(routes!(get_dfsp_ingress, create_dfsp_ingress))
        .routes(routes!(get_dfsp_egress, create_dfsp_egress))
        .body_limit(super::body_limits::RECORDS);
    let keys = ApiRouter::new()
        .routes(routes!(get_all_dfsp_jws_keys))
        .routes(routes!(create_dfsp_jws_key, get_dfsp_jws_key))
        .routes(routes!(
            create_external_jws_keys,
            replace_external_jws_keys,
            get_external_jws_keys
        ))
        .routes(routes!(delete_external_jws_key))
        .body_limit(EXTERNAL_KEYS_BODY_LIMIT);
    records.merge(keys)
}

/// The DFSP created (MCM's `ObjectCreatedResponse`).
#[derive(Serialize, ToSchema)]
pub struct DfspCreatedV3 {
    #[schema(value_type = String, example = "DFSP1")]
    id: DfspId,
}

/// Creates a DFSP, and the Hub's client CSR for it
///
/// As MCM v3: besides the DFSP, the Hub makes an RSA key (sealed here) and a CSR for its client
/// certificate, an outbound enrollment in `CSR_LOADED` that the DFSP-side client signs with the
/// DFSP's CA. The CSR says what the file `CLIENT_CSR_PARAMETERS` says; without it, the
/// environment's default DN (its CN also the DNS name).
#[utoipa::path(
    post, path = "/api/dfsps", tag = "v3", operation_id = "createDFSPV3",
    request_body(content = NewDfsp, description = "DFSP initial info",
        example = json!({"dfspId": "DFSP1", "name": "DFSP 1", "monetaryZoneId": "EUR"})),
    responses(
        (status = 200, description = "The DFSP and the Hub's CSR were created; `id` is its dfspId", body = DfspCreatedV3),
        WriteErrors,
        KeyMakingErrors,
    )
)]
async fn create_dfsp_v3(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiJson(input): ApiJson<NewDfsp>,
) -> Result<Json<DfspCreatedV3>, ApiError> {
    let dfsp = services
        .dfsps()
        .create_with_hub_csr(&who, env_id, &input)
        .await?;
    Ok(Json(DfspCreatedV3 { id: dfsp.id }))
}

/// The Hub CA as MCM v3 answers it (`HubCAInfo`): the certificates the DFSPs trust.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubCaV3 {
    /// The environment's current internal CA, PEM.
    root_certificate: String,
    /// Certificates between the root and the certificates the Hub issues; none here.
    intermediate_chain: Option<String>,
    #[schema(example = "VALID")]
    validation_state: &'static str,
    #[schema(example = "INTERNAL")]
    r#type: &'static str,
}

/// Returns the Hub CA
#[utoipa::path(
    get, path = "/api/hub/ca", tag = "v3", operation_id = "getHubCAV3",
    responses(
        (status = 200, description = "The environment's current CA", body = HubCaV3),
        V3ReadErrors,
    )
)]
async fn get_hub_ca_v3(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<HubCaV3>, ApiError> {
    let ca = services
        .certificate_authorities()
        .current(&who, env_id)
        .await?;
    Ok(Json(HubCaV3 {
        root_certificate: ca.certificate,
        intermediate_chain: None,
        validation_state: "VALID",
        r#type: "INTERNAL",
    }))
}

/// Every participant's JWS public key
///
/// The Hub's own (as `SWITCH_ID`, default `switch`) and each DFSP's: uploaded as a public key,
/// or taken from the JWS certificate it uploaded. An empty array when there are none.
#[utoipa::path(
    get, path = "/api/dfsps/jwscerts", tag = "v3", operation_id = "getAllDfspJWSCertsV3",
    responses(
        (status = 200, description = "Every JWS public key", body = [JwsKey]),
        V3ReadErrors,
    )
)]
async fn get_all_dfsp_jws_keys(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<JwsKey>>, ApiError> {
    let hub_id = services.hub_participant_id().unwrap_or(DEFAULT_HUB_ID);
    Ok(Json(services.jws_keys().all(&who, env_id, hub_id).await?))
}

/// A JWS key in MCM v3's shape, or a JWS certificate in MCM 2020's.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum JwsStored {
    Key(JwsKey),
    Certificate(Box<JwsCert>),
}

/// Stores the DFSP's JWS public key
///
/// MCM v3's `{publicKey, createdAt}`; a key that cannot be read is stored `INVALID` with the
/// reason. MCM 2020's `{jwsCertificate, intermediateChain, rootCertificate}` is accepted too,
/// and answered in 2020's shape.
#[utoipa::path(
    post, path = "/api/dfsps/{dfspId}/jwscerts", tag = "v3", operation_id = "createDfspJWSCertsV3",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    request_body(content = JwsKeyInput, description = "The DFSP's JWS public key, PEM, and when it was made (unix seconds)"),
    responses(
        (status = 200, description = "The key as stored, with its validation", body = JwsStored),
        WriteErrors,
    )
)]
async fn create_dfsp_jws_key(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<JwsStored>, ApiError> {
    let is_certificate = body.get("jwsCertificate").is_some() && body.get("publicKey").is_none();
    if is_certificate {
        let input: JwsCertInput = from_json(body)?;
        let stored = services
            .certificate_sets()
            .store_jws(&who, env_id, &dfsp_id, &input, Write::CreateOrReplace)
            .await?;
        return Ok(Json(JwsStored::Certificate(Box::new(stored))));
    }
    let input: JwsKeyInput = from_json(body)?;
    Ok(Json(JwsStored::Key(
        services
            .jws_keys()
            .store(&who, env_id, &dfsp_id, &input)
            .await?,
    )))
}

/// `body` as a `T`, or a 400 that names the field at fault (as `ApiJson` does).
fn from_json<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        ApiError::bad_request(format!("Invalid JSON body at '{path}': {}", e.into_inner()))
    })
}

/// Returns the DFSP's JWS public key
#[utoipa::path(
    get, path = "/api/dfsps/{dfspId}/jwscerts", tag = "v3", operation_id = "getDfspJWSCertsV3",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    responses(
        (status = 200, description = "The key, uploaded as such or taken from the DFSP's JWS certificate", body = JwsKey),
        V3ReadErrors,
    )
)]
async fn get_dfsp_jws_key(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<JwsKey>, ApiError> {
    Ok(Json(services.jws_keys().get(&who, env_id, &dfsp_id).await?))
}

/// Returns the DFSP's ingress document: its callback URL
#[utoipa::path(
    get, path = "/api/dfsps/{dfspId}/endpoints/ingress", tag = "v3", operation_id = "getDFSPIngressV3",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    responses(
        (status = 200, description = "The ingress URL", body = EndpointDocument),
        V3ReadErrors,
    )
)]
async fn get_dfsp_ingress(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<EndpointDocument>, ApiError> {
    Ok(Json(
        services
            .network()
            .dfsp_document(&who, env_id, &dfsp_id, Kind::IngressUrl)
            .await?,
    ))
}

/// Sets the DFSP's ingress URL
///
/// The DFSP's ingress URL items become exactly this one: an unchanged URL keeps its Hub
/// confirmation, a new one awaits it.
#[utoipa::path(
    post, path = "/api/dfsps/{dfspId}/endpoints/ingress", tag = "v3", operation_id = "createDFSPIngressV3",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    request_body(content = IngressDocumentInput, example = json!({"url": "https://dfsp1.example.com/fspiop"})),
    responses(
        (status = 200, description = "The ingress document as stored", body = EndpointDocument),
        WriteErrors,
    )
)]
async fn create_dfsp_ingress(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<IngressDocumentInput>,
) -> Result<Json<EndpointDocument>, ApiError> {
    Ok(Json(
        services
            .network()
            .set_dfsp_ingress(&who, env_id, &dfsp_id, &input)
            .await?,
    ))
}

/// Returns the DFSP's egress document: the addresses its traffic leaves from
#[utoipa::path(
    get, path = "/api/dfsps/{dfspId}/endpoints/egress", tag = "v3", operation_id = "getDFSPEgressV3",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    responses(
        (status = 200, description = "The egress addresses", body = EndpointDocument),
        V3ReadErrors,
    )
)]
async fn get_dfsp_egress(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<EndpointDocument>, ApiError> {
    Ok(Json(
        services
            .network()
            .dfsp_document(&who, env_id, &dfsp_id, Kind::EgressIp)
            .await?,
    ))
}

/// Sets the DFSP's egress addresses
///
/// The DFSP's egress IP items become exactly this list: unchanged entries keep their Hub
/// confirmation, new ones await it, the others are removed.
#[utoipa::path(
    post, path = "/api/dfsps/{dfspId}/endpoints/egress", tag = "v3", operation_id = "createDFSPEgressV3",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    request_body(content = EgressDocumentInput,
        example = json!({"ipList": [{"address": "163.10.24.28/30", "ports": ["443"]}]})),
    responses(
        (status = 200, description = "The egress document as stored", body = EndpointDocument),
        WriteErrors,
    )
)]
async fn create_dfsp_egress(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(input): ApiJson<EgressDocumentInput>,
) -> Result<Json<EndpointDocument>, ApiError> {
    Ok(Json(
        services
            .network()
            .set_dfsp_egress(&who, env_id, &dfsp_id, &input)
            .await?,
    ))
}

/// Reports the DFSP's onboarding progress
///
/// What the DFSP-side client reports every minute: some or all of its ten states. The states
/// sent replace the ones stored; the others stay. Only the DFSP's operators (its client) and
/// hub operators may report (MCM v3 lets anyone).
#[utoipa::path(
    post, path = "/api/dfsps/{dfspId}/states", tag = "v3", operation_id = "uploadDfspStatesStatus",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    request_body(content = StatesReport, example = json!({"DFSP_CA": {"status": "completed",
        "stateDescription": "DFSP_CA_PROPAGATED", "lastUpdated": "2026-12-08T10:00:00.000Z"}})),
    responses(
        (status = 200, description = "Stored: `code` 0 nothing changed, 1 new states, 2 states changed", body = ReportOutcome),
        WriteErrors,
    )
)]
async fn upload_dfsp_states_status(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
    ApiJson(report): ApiJson<StatesReport>,
) -> Result<Json<ReportOutcome>, ApiError> {
    Ok(Json(
        services
            .reported_states()
            .report(&who, env_id, &dfsp_id, &report)
            .await?,
    ))
}

/// Every DFSP's reported onboarding progress
///
/// A hub operator sees every DFSP; a DFSP operator their own.
#[utoipa::path(
    get, path = "/api/dfsps/states-status", tag = "v3", operation_id = "handleGetDfspsStatesStatus",
    responses(
        (status = 200, description = "Each DFSP's reported states", body = AllDfspStates),
        V3ReadErrors,
    )
)]
async fn get_dfsps_states_status(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<AllDfspStates>, ApiError> {
    Ok(Json(services.reported_states().all(&who, env_id).await?))
}

/// Gives the JWS keys of another scheme's DFSPs
///
/// For interscheme proxies: the proxy's client (signed in as the proxy's operator) or a hub
/// operator gives the keys of the other scheme's DFSPs, which this scheme's DFSPs then find in
/// `GET /dfsps/jwscerts` (`external: true`, `sourceDfspId` the proxy). Each key given replaces
/// the one before of that DFSP; the others stay. The source is who signed in (MCM v3 read an
/// `X-DFSP-ID` header, and never did). Ids of this scheme's DFSPs are refused (v3 dropped
/// them silently), and so is a key another proxy gave (409).
#[utoipa::path(
    post, path = "/api/external-dfsps/jwscerts", tag = "v3", operation_id = "createDfspExternalJWSCerts",
    request_body(content = Vec<ExternalJwsKeyInput>, description = "The external DFSPs' keys"),
    responses(
        (status = 200, description = "The keys as stored, with their validation", body = [JwsKey]),
        WriteErrors,
    )
)]
async fn create_external_jws_keys(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    body: ApiJsonArray,
) -> Result<Json<Vec<JwsKey>>, ApiError> {
    services.jws_keys().may_give_external(&who, env_id).await?;
    let items: Vec<ExternalJwsKeyInput> = body.items()?;
    Ok(Json(
        services
            .jws_keys()
            .store_external(&who, env_id, &items, ExternalWrite::Upsert)
            .await?,
    ))
}

/// Replaces the giver's whole set of external DFSPs' keys
///
/// As `POST`, and the keys the same giver (this proxy, or the hub operators) gave before and
/// that are not in the list are removed: for a DFSP that left the other scheme. An empty list
/// removes them all. An addition to MCM v3.
#[utoipa::path(
    put, path = "/api/external-dfsps/jwscerts", tag = "v3", operation_id = "replaceDfspExternalJWSCerts",
    request_body(content = Vec<ExternalJwsKeyInput>, description = "The giver's external DFSPs' keys, all of them"),
    responses(
        (status = 200, description = "The keys as stored", body = [JwsKey]),
        WriteErrors,
    )
)]
async fn replace_external_jws_keys(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    body: ApiJsonArray,
) -> Result<Json<Vec<JwsKey>>, ApiError> {
    services.jws_keys().may_give_external(&who, env_id).await?;
    let items: Vec<ExternalJwsKeyInput> = body.items()?;
    Ok(Json(
        services
            .jws_keys()
            .store_external(&who, env_id, &items, ExternalWrite::ReplaceSet)
            .await?,
    ))
}

/// Lists the external DFSPs' keys
///
/// Every one for a hub operator; a proxy's operator sees the ones the proxy gave. An addition
/// to MCM v3.
#[utoipa::path(
    get, path = "/api/external-dfsps/jwscerts", tag = "v3", operation_id = "getDfspExternalJWSCerts",
    responses(
        (status = 200, description = "The external DFSPs' keys, by id", body = [JwsKey]),
        V3ReadErrors,
    )
)]
async fn get_external_jws_keys(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
) -> Result<Json<Vec<JwsKey>>, ApiError> {
    Ok(Json(services.jws_keys().external(&who, env_id).await?))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalDfspPath {
    external_dfsp_id: String,
}

/// Removes an external DFSP's key
///
/// A hub operator's: for a DFSP that left the other scheme. An addition to MCM v3, which kept
/// such keys forever.
#[utoipa::path(
    delete, path = "/api/external-dfsps/{externalDfspId}/jwscerts", tag = "v3", operation_id = "deleteDfspExternalJWSCerts",
    params(("externalDfspId" = String, Path, description = "The external DFSP's id")),
    responses(
        (status = 204, description = "Removed"),
        ActionErrors,
    )
)]
async fn delete_external_jws_key(
    State(services): State<Services>,
    Acting(who): Acting,
    EnvPath(env_id): EnvPath,
    ApiPath(ExternalDfspPath { external_dfsp_id }): ApiPath<ExternalDfspPath>,
) -> Result<axum::http::StatusCode, ApiError> {
    services
        .jws_keys()
        .delete_external(&who, env_id, &external_dfsp_id)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Where the DFSP's onboarding stands, by MCM v3's phases and steps
///
/// Computed from what the Hub holds, as the onboarding board is (v3's answer was a stub that
/// never moved past `ID_GENERATION`): each step is `COMPLETED` when everything it stands for
/// is done, `IN_PROGRESS` when part of it is (or fails a check), `NOT_STARTED` otherwise.
/// `GET /api/environments/{envId}/onboarding` has the detail.
#[utoipa::path(
    get, path = "/api/dfsps/{dfspId}/status", tag = "v3", operation_id = "getDfspStatus",
    params(("dfspId" = String, Path, description = "ID of the DFSP")),
    responses(
        (status = 200, description = "The phases and their steps", body = [PhaseStatus]),
        V3ReadErrors,
    )
)]
async fn get_dfsp_status(
    State(services): State<Services>,
    Acting(who): Acting,
    DfspPath(env_id, dfsp_id): DfspPath,
) -> Result<Json<Vec<PhaseStatus>>, ApiError> {
    let row = services.onboarding().dfsp(&who, env_id, &dfsp_id).await?;
    Ok(Json(row.v3_phases()))
}
