//! Network configuration: the Hub's and each DFSP's ingress and egress endpoints (IP addresses
//! or CIDR ranges with ports, and URLs). A DFSP's items start `NEW` and are confirmed by a hub
//! operator; editing an item's value, direction or type makes it `NEW` again, so the Hub sees
//! every change it has not yet acted on. Each item carries a `version` that every change
//! increments, so a client that sends the version it read cannot overwrite a newer change.

use serde::{Deserialize, Serialize};

use crate::dfsps::DfspId;
use crate::environments::EnvironmentId;
use crate::error::{DomainError, DomainResult, FieldErrors};

pub mod documents;
#[cfg(feature = "server")]
mod repository;
#[cfg(feature = "server")]
mod service;
pub mod values;
#[cfg(feature = "server")]
pub use service::{NetworkService, Party};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = EndpointType))]
#[serde(rename_all = "UPPERCASE")]
pub enum ValueType {
    Ip,
    Url,
}

/// `NEW` until a hub operator confirms a DFSP's item; an edit makes it `NEW` again. The Hub's
/// own items are never confirmed (there is nobody to confirm them) and stay `NEW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    New,
    Confirmed,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "INGRESS",
            Direction::Egress => "EGRESS",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "INGRESS" => Some(Direction::Ingress),
            "EGRESS" => Some(Direction::Egress),
            _ => None,
        }
    }
}

impl ValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Ip => "IP",
            ValueType::Url => "URL",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "IP" => Some(ValueType::Ip),
            "URL" => Some(ValueType::Url),
            _ => None,
        }
    }
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "NEW",
            State::Confirmed => "CONFIRMED",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "NEW" => Some(State::New),
            "CONFIRMED" => Some(State::Confirmed),
            _ => None,
        }
    }
}

/// What an endpoint is: where traffic enters (an IP range with ports, or a URL) or where it
/// leaves. Every direction and type combine; MCM's API has operations of their own for three
/// kinds, and its generic `PUT .../endpoints/{epId}` can turn an item into an egress URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    IngressIp,
    IngressUrl,
    EgressIp,
    EgressUrl,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::IngressIp,
        Kind::IngressUrl,
        Kind::EgressIp,
        Kind::EgressUrl,
    ];
    /// The kinds with operations of their own (`.../ingress/ips` and so on), the ones people
    /// add. Only the generic change of an item makes an egress URL.
    pub const WITH_OPERATIONS: [Kind; 3] = [Kind::IngressIp, Kind::IngressUrl, Kind::EgressIp];

    pub fn of(direction: Direction, value_type: ValueType) -> Kind {
        match (direction, value_type) {
            (Direction::Ingress, ValueType::Ip) => Kind::IngressIp,
            (Direction::Ingress, ValueType::Url) => Kind::IngressUrl,
            (Direction::Egress, ValueType::Ip) => Kind::EgressIp,
            (Direction::Egress, ValueType::Url) => Kind::EgressUrl,
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Kind::IngressIp | Kind::IngressUrl => Direction::Ingress,
            Kind::EgressIp | Kind::EgressUrl => Direction::Egress,
        }
    }

    pub fn value_type(self) -> ValueType {
        match self {
            Kind::IngressIp | Kind::EgressIp => ValueType::Ip,
            Kind::IngressUrl | Kind::EgressUrl => ValueType::Url,
        }
    }

    /// What a person calls it, e.g. "ingress IP".
    pub fn label(self) -> &'static str {
        match self {
            Kind::IngressIp => "ingress IP",
            Kind::IngressUrl => "ingress URL",
            Kind::EgressIp => "egress IP",
            Kind::EgressUrl => "egress URL",
        }
    }
}

/// The value of an endpoint: an address (or CIDR range) with its ports, or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = EndpointValue))]
#[serde(untagged)]
pub enum Value {
    Ip {
        #[cfg_attr(feature = "server", schema(example = "163.10.5.0/24"))]
        address: String,
        #[cfg_attr(feature = "server", schema(example = json!(["443", "8000-8080"])))]
        ports: Vec<String>,
    },
    Url {
        #[cfg_attr(feature = "server", schema(example = "https://dfsp1.example.com/api"))]
        url: String,
    },
}

impl Value {
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Ip { .. } => ValueType::Ip,
            Value::Url { .. } => ValueType::Url,
        }
    }

    /// One line for people: `10.0.0.0/24 ports 443, 8000-8080` or the URL.
    pub fn display(&self) -> String {
        match self {
            Value::Ip { address, ports } => format!("{address} ports {}", ports.join(", ")),
            Value::Url { url } => url.clone(),
        }
    }
}

/// An endpoint item as stored. `dfsp_id` is `None` for the Hub's own items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointItem {
    pub id: i64,
    pub env_id: EnvironmentId,
    pub dfsp_id: Option<DfspId>,
    pub state: State,
    pub direction: Direction,
    pub value_type: ValueType,
    pub value: Value,
    pub created_date: String,
    pub created_by: Option<String>,
    pub version: i64,
}

impl EndpointItem {
    pub fn kind(&self) -> Kind {
        Kind::of(self.direction, self.value_type)
    }
}

/// The `value` of a request, as sent: fields are checked against the item's type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = InputValue))]
#[serde(deny_unknown_fields)]
pub struct ValueInput {
    /// For IP items: an IPv4 or IPv6 address, or a CIDR range without host bits.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = "163.10.5.0/24"))]
    pub address: Option<String>,
    /// For IP items: ports (`443`) and inclusive ranges (`8000-8080`), 1–65535.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = json!(["443", "8000-8080"])))]
    pub ports: Option<Vec<String>>,
    /// For URL items: an `http` or `https` URL with a host.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(example = "https://dfsp1.example.com/api"))]
    pub url: Option<String>,
}

impl ValueInput {
    /// The type the fields sent describe, if they describe exactly one.
    pub fn value_type(&self) -> Option<ValueType> {
        match (
            self.address.is_some() || self.ports.is_some(),
            self.url.is_some(),
        ) {
            (true, false) => Some(ValueType::Ip),
            (false, true) => Some(ValueType::Url),
            _ => None,
        }
    }

    /// The checked, canonical value of an item of type `value_type`, problems recorded under
    /// `value.<field>`.
    pub fn check(&self, value_type: ValueType, errors: &mut FieldErrors) -> Option<Value> {
        match value_type {
            ValueType::Ip => {
                if self.url.is_some() {
                    errors.push(
                        "value.url",
                        "an IP endpoint has an address and ports, not a URL",
                    );
                }
                let address = match &self.address {
                    None => {
                        errors.push("value.address", "is required: an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/24");
                        None
                    }
                    Some(raw) => errors.check("value.address", values::check_address(raw)),
                };
                let ports = match &self.ports {
                    None => {
                        errors.push("value.ports", "is required: a list of ports or ranges, such as [\"443\", \"8000-8080\"]");
                        None
                    }
                    Some(raw) => errors.check("value.ports", values::check_ports(raw)),
                };
                Some(Value::Ip {
                    address: address?,
                    ports: ports?,
                })
                .filter(|_| self.url.is_none())
            }
            ValueType::Url => {
                if self.address.is_some() || self.ports.is_some() {
                    errors.push("value", "a URL endpoint has a url, not an address or ports");
                }
                let url = match &self.url {
                    None => {
                        errors.push("value.url", "is required: an http or https URL such as https://dfsp.example.com/api");
                        None
                    }
                    Some(raw) => errors.check("value.url", values::check_url(raw)),
                };
                Some(Value::Url { url: url? })
                    .filter(|_| self.address.is_none() && self.ports.is_none())
            }
        }
    }
}

/// A request to create an endpoint item (MCM's `InputIPValue`/`InputURLValue`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = InputEndpoint))]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    #[serde(default, deserialize_with = "crate::input::object")]
    #[cfg_attr(feature = "server", schema(required = true))]
    pub value: Option<ValueInput>,
}

impl NewEndpoint {
    pub fn validate(&self, kind: Kind) -> DomainResult<Value> {
        let mut errors = FieldErrors::default();
        let value = match &self.value {
            None => {
                errors.push("value", "is required");
                None
            }
            Some(input) => input.check(kind.value_type(), &mut errors),
        };
        errors.finish(&format!("{} endpoint", kind.label()))?;
        value.ok_or_else(|| DomainError::Internal("a checked value went missing".into()))
    }
}

/// A change of an endpoint item (MCM's `EndPointAny`). Absent fields stay as they are. The
/// fields an item only reports (`id`, `state`, dates, owner) may be sent back as read, so a
/// client can PUT what it got; a different value is refused, never silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(as = EndpointChanges))]
#[serde(deny_unknown_fields)]
pub struct EndpointChanges {
    #[serde(default, deserialize_with = "crate::input::object")]
    pub value: Option<ValueInput>,
    /// Only the generic `PUT .../endpoints/{epId}` may change it; elsewhere it must be the
    /// path's.
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default, rename = "type")]
    pub value_type: Option<ValueType>,
    /// The version the client last read: the change is refused with 409 if the item changed
    /// since.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(minimum = 1))]
    pub version: Option<i64>,
    // Read-only fields, accepted when equal to the stored ones, under MCM's snake_case names
    // and the specification's camelCase ones (an item as read has both).
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub state: Option<serde_json::Value>,
    #[serde(default)]
    pub env_id: Option<serde_json::Value>,
    #[serde(default, rename = "envId")]
    pub env_id_camel: Option<serde_json::Value>,
    #[serde(default)]
    pub dfsp_id: Option<serde_json::Value>,
    #[serde(default, rename = "dfspId")]
    pub dfsp_id_camel: Option<serde_json::Value>,
    #[serde(default)]
    pub created_date: Option<serde_json::Value>,
    #[serde(default, rename = "createdDate")]
    pub created_date_camel: Option<serde_json::Value>,
    #[serde(default)]
    pub created_by: Option<serde_json::Value>,
    #[serde(default, rename = "createdBy")]
    pub created_by_camel: Option<serde_json::Value>,
}
