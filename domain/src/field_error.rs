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

/// A page size from outside (`limit`): absent is `default`, else a whole number from 1 to
/// `max`.
pub fn parse_limit(text: Option<&str>, default: usize, max: usize) -> Result<usize, FieldError> {
    let Some(text) = text else {
        return Ok(default);
    };
    text.parse::<usize>()
        .ok()
        .filter(|l| (1..=max).contains(l))
        .ok_or_else(|| FieldError::new("limit", format!("must be a whole number from 1 to {max}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_a_whole_number_within_its_bounds_or_the_default() {
        assert_eq!(parse_limit(None, 20, 100), Ok(20));
        assert_eq!(parse_limit(Some("100"), 20, 100), Ok(100));
        for bad in ["0", "101", "-1", "ten", "", " 5"] {
            let error = parse_limit(Some(bad), 20, 100).unwrap_err();
            assert_eq!(error.field, "limit", "{bad:?}");
        }
    }
}
