//! The one error type of the domain layer. Adapters map it to their transport (HTTP status and
//! the reference error body for REST, a typed server-function error for the portal).

use serde::{Deserialize, Serialize};

/// A problem with one field of an input, phrased so that a person can fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Path of the field as the client named it, e.g. `defaultDN.CN`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    /// The input is malformed or breaks a rule; `fields` says which parts.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is stored (a duplicate id, say).
    #[error("{0}")]
    Conflict(String),
    /// The acting principal may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A fault on our side. The message is safe to show; details go to the server log.
    #[error("{0}")]
    Internal(String),
    /// The server is not set up to do this (a missing setting); the message says what to set.
    #[error("{0}")]
    Unavailable(String),
}

pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    /// An invalid input, with one message per offending field. The summary names every field so
    /// that a client that shows only the top-level message still tells the whole story.
    pub fn invalid(what: &str, fields: Vec<FieldError>) -> Self {
        let summary = fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        DomainError::Invalid {
            message: format!("Invalid {what}: {summary}"),
            fields,
        }
    }

    /// The HTTP status that answers this error, for every adapter that speaks HTTP.
    pub fn status_code(&self) -> u16 {
        match self {
            DomainError::Invalid { .. } => 400,
            DomainError::Forbidden(_) => 403,
            DomainError::NotFound(_) => 404,
            DomainError::Conflict(_) => 409,
            DomainError::Internal(_) => 500,
            DomainError::Unavailable(_) => 503,
        }
    }

    /// Shorthand for an input error about a single field.
    pub fn invalid_field(what: &str, field: &str, message: impl Into<String>) -> Self {
        Self::invalid(what, vec![FieldError::new(field, message)])
    }

    /// The per-field messages of an `Invalid` error (empty for the other kinds).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            DomainError::Invalid { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The message for one field, if the error names it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.field_errors()
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }
}

/// Collects field errors while an input is checked, so that every problem is reported at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Records the error of a checked value and returns the value when there is none.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded, otherwise the `Invalid` error for `what`.
    pub fn finish(self, what: &str) -> DomainResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::invalid(what, self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_summary_names_every_field() {
        let err = DomainError::invalid(
            "environment",
            vec![
                FieldError::new("name", "is required"),
                FieldError::new("defaultDN.C", "must be two letters"),
            ],
        );
        assert_eq!(
            err.to_string(),
            "Invalid environment: name: is required; defaultDN.C: must be two letters"
        );
        assert_eq!(
            err.field_message("defaultDN.C"),
            Some("must be two letters")
        );
        assert_eq!(err.field_message("other"), None);
    }
}
