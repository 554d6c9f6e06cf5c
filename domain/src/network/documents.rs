//! MCM v3's endpoint documents: a DFSP's ingress URL (`{url}`) and its egress addresses
//! (`{ipList: [...]}`) given whole, as the DFSP-side client sends them. Here they are a view over
//! the DFSP's endpoint items (one truth for the Hub's confirmation queue, the onboarding board
//! and every list): a document sets the items of its kind to exactly what it holds, keeping the
//! items (and their confirmation) whose value is unchanged; each change is in the audit log.

use serde::{Deserialize, Serialize};

use super::{values, EndpointItem, Kind, State, Value};
use crate::dfsps::DfspId;
#[cfg(feature = "server")]
use crate::error::DomainError;
use crate::error::{DomainResult, FieldErrors};

/// The largest egress list one document may hold.
pub const MAX_EGRESS_ENTRIES: usize = 100;

/// A DFSP's ingress document (MCM v3's `DFSPIngress`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPIngress))]
#[serde(deny_unknown_fields)]
pub struct IngressDocumentInput {
    /// The DFSP's callback URL, http or https.
    #[cfg_attr(
        feature = "server",
        schema(example = "https://dfsp1.example.com/fspiop", required = true)
    )]
    pub url: Option<String>,
}

/// One egress address (MCM v3's `IPEntry`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = IPEntry))]
#[serde(deny_unknown_fields)]
pub struct IpEntryInput {
    /// Accepted for v3's sake and not kept (items have no description).
    #[serde(default)]
    pub description: Option<String>,
    /// An IPv4 or IPv6 address, or a CIDR range.
    #[cfg_attr(
        feature = "server",
        schema(example = "163.10.24.28/30", required = true)
    )]
    pub address: Option<String>,
    /// Ports or port ranges.
    #[cfg_attr(feature = "server", schema(example = json!(["443"]), required = true))]
    pub ports: Option<Vec<String>>,
}

/// A DFSP's egress document (MCM v3's `DFSPEgress`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPEgress))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EgressDocumentInput {
    /// Every address the DFSP's traffic leaves from; at least one.
    #[cfg_attr(feature = "server", schema(required = true))]
    pub ip_list: Option<Vec<IpEntryInput>>,
}

impl IngressDocumentInput {
    pub fn validate(&self) -> DomainResult<Vec<Value>> {
        let mut errors = FieldErrors::default();
        let url = match &self.url {
            None => {
                errors.push(
                    "url",
                    "is required: an http or https URL such as https://dfsp.example.com/fspiop",
                );
                None
            }
            Some(raw) => errors.check("url", values::check_url(raw)),
        };
        errors.finish("ingress endpoint")?;
        Ok(url.map(|url| Value::Url { url }).into_iter().collect())
    }
}

impl EgressDocumentInput {
    pub fn validate(&self) -> DomainResult<Vec<Value>> {
        let mut errors = FieldErrors::default();
        let mut list = Vec::new();
        match &self.ip_list {
            None => errors.push(
                "ipList",
                "is required: the addresses the DFSP's traffic leaves from",
            ),
            Some(entries) if entries.is_empty() => {
                errors.push("ipList", "needs at least one address")
            }
            Some(entries) if entries.len() > MAX_EGRESS_ENTRIES => errors.push(
                "ipList",
                format!(
                    "holds {} addresses; at most {MAX_EGRESS_ENTRIES} fit in one document",
                    entries.len()
                ),
            ),
            Some(entries) => {
                for (index, entry) in entries.iter().enumerate() {
                    let field = |name: &str| format!("ipList[{index}].{name}");
                    let address = match &entry.address {
                        None => {
                            errors.push(&field("address"), "is required: an IPv4 or IPv6 address, or a CIDR range such as 163.10.24.28/30");
                            None
                        }
                        Some(raw) => errors.check(&field("address"), values::check_address(raw)),
                    };
                    let ports = match &entry.ports {
                        None => {
                            errors.push(
                                &field("ports"),
                                "is required: a list of ports or ranges, such as [\"443\"]",
                            );
                            None
                        }
                        Some(raw) => errors.check(&field("ports"), values::check_ports(raw)),
                    };
                    if let (Some(address), Some(ports)) = (address, ports) {
                        let value = Value::Ip { address, ports };
                        if list.contains(&value) {
                            errors.push(&field("address"), "is in the list twice");
                        } else {
                            list.push(value);
                        }
                    }
                }
            }
        }
        errors.finish("egress endpoints")?;
        Ok(list)
    }
}

/// A DFSP's endpoint document as MCM v3 answers it (`GetDFSPIngressRes`, `GetDFSPEgressRes`):
/// `url` for ingress, `ipList` for egress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = DFSPEndpointDocument))]
#[serde(rename_all = "camelCase")]
pub struct EndpointDocument {
    /// The newest of the items the document is made of.
    pub id: i64,
    #[cfg_attr(feature = "server", schema(value_type = String, example = "DFSP1"))]
    pub dfsp_id: DfspId,
    /// `CONFIRMED` when the Hub confirmed every item, else `NEW` (v3's `NOT_STARTED`, which
    /// never changed there).
    pub state: State,
    pub created_at: String,
    pub created_by: Option<String>,
    /// Ingress: the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Egress: the addresses with their ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<Vec<Object>>))]
    pub ip_list: Option<Vec<serde_json::Value>>,
}

impl EndpointDocument {
    /// The document of `items` (one kind's, oldest first); `None` when there are none.
    pub fn of(dfsp_id: &DfspId, kind: Kind, items: &[EndpointItem]) -> Option<EndpointDocument> {
        let newest = items.iter().max_by_key(|item| item.id)?;
        let state = if items.iter().all(|item| item.state == State::Confirmed) {
            State::Confirmed
        } else {
            State::New
        };
        let (url, ip_list) = match kind {
            Kind::IngressUrl | Kind::EgressUrl => (
                items.iter().rev().find_map(|item| match &item.value {
                    Value::Url { url } => Some(url.clone()),
                    Value::Ip { .. } => None,
                }),
                None,
            ),
            Kind::IngressIp | Kind::EgressIp => (
                None,
                Some(
                    items
                        .iter()
                        .filter_map(|item| match &item.value {
                            Value::Ip { address, ports } => {
                                Some(serde_json::json!({"address": address, "ports": ports}))
                            }
                            Value::Url { .. } => None,
                        })
                        .collect(),
                ),
            ),
        };
        Some(EndpointDocument {
            id: newest.id,
            dfsp_id: dfsp_id.clone(),
            state,
            created_at: newest.created_date.clone(),
            created_by: newest.created_by.clone(),
            url,
            ip_list,
        })
    }
}

#[cfg(feature = "server")]
pub(crate) fn missing(dfsp_id: &DfspId, kind: Kind) -> DomainError {
    DomainError::NotFound(format!(
        "DFSP '{dfsp_id}' has no {} endpoint yet",
        match kind {
            Kind::IngressUrl | Kind::IngressIp => "ingress",
            Kind::EgressIp | Kind::EgressUrl => "egress",
        }
    ))
}
