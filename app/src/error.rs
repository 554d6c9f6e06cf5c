//! The error every server function returns: a domain error as the services reported it, or a
//! failure to reach the server at all. It crosses the wire as JSON, so the portal can show
//! field-level messages next to the inputs.

use domain::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PortalError {
    #[error(transparent)]
    Domain(DomainError),
    #[error("The request did not reach the server or its answer was unreadable ({0}). Check your connection and try again.")]
    Transport(String),
}

/// A plain wrapping. Server functions answer through `server::Reply::answer`, which also sets the
/// response's status.
impl From<DomainError> for PortalError {
    fn from(error: DomainError) -> Self {
        PortalError::Domain(error)
    }
}

impl FromServerFnError for PortalError {
    type Encoder = crate::codec::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Bad form input that did not even parse (a number field holding text, say).
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                PortalError::Domain(DomainError::Invalid {
                    message: format!("The form could not be read: {message}"),
                    fields: Vec::new(),
                })
            }
            other => PortalError::Transport(other.to_string()),
        }
    }
}

impl PortalError {
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            PortalError::Domain(e) => e.field_errors(),
            PortalError::Transport(_) => &[],
        }
    }

    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            PortalError::Domain(e) => e.field_message(field).map(str::to_owned),
            PortalError::Transport(_) => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, PortalError::Domain(DomainError::NotFound(_)))
    }

    /// A one-line heading for the error panel.
    pub fn title(&self) -> &'static str {
        match self {
            PortalError::Domain(DomainError::Invalid { .. }) => {
                "Please correct the highlighted fields"
            }
            PortalError::Domain(DomainError::NotFound(_)) => "Not found",
            PortalError::Domain(DomainError::Conflict(_)) => "Already exists",
            PortalError::Domain(DomainError::Forbidden(_)) => "Not allowed",
            PortalError::Domain(DomainError::Internal(_)) => "Something went wrong on the server",
            PortalError::Domain(DomainError::Unavailable(_)) => "The server is not set up for this",
            PortalError::Transport(_) => "The server could not be reached",
        }
    }
}
