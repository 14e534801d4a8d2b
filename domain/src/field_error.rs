//! The error every parser at the edge returns: which field, and what is wrong with it.

use serde::{Deserialize, Serialize};

/// A value from outside that could not become a domain type.
///
/// `field` names the input as the user sees it (`"price"`, `"q"`), so the UI can show the
/// message next to what caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
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
