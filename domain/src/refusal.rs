//! One mapping from every service error to what a caller is told.
//!
//! Each service error says once, in [`Explain::refusal`], which status it is, what a person
//! should read, and which fields caused it. Every edge (server functions, form posts, raw
//! endpoints, REST) turns errors into responses through [`explain`], which also logs internal
//! causes with their whole chain, inside the request's span (so with its request id), exactly
//! once. An internal cause is never shown: the caller reads [`INTERNAL_MESSAGE`].

use crate::FieldError;

/// What a shopper, an admin or an API client reads when something failed on our side.
pub const INTERNAL_MESSAGE: &str = "Something went wrong on our side. Please try again.";
/// What they read when a dependency (the store) did not answer in time.
pub const UNAVAILABLE_MESSAGE: &str =
    "The shop cannot reach its storage just now. Please try again in a moment.";

/// What a caller is told about a failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status (422 for fields to correct, 409 for a conflict, 5xx for our failures).
    pub status: u16,
    /// A sentence for a person: shown above a form, in a page, or as a problem's `detail`.
    pub message: String,
    /// Fields to correct, each shown next to its input.
    pub fields: Vec<FieldError>,
}

impl Refusal {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// Fields to correct (422).
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        Self {
            status: 422,
            message: "Please correct the highlighted fields.".into(),
            fields,
        }
    }

    /// One field to correct, with the status that fits (422, or 409 for a taken name).
    pub fn field(status: u16, field: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            message: "Please correct the highlighted fields.".into(),
            fields: vec![FieldError::new(field, message)],
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, message)
    }

    /// Our own failure: the cause is logged, the caller reads a generic sentence.
    pub fn internal() -> Self {
        Self::new(500, INTERNAL_MESSAGE)
    }

    /// A dependency that is down or too slow: worth trying again soon.
    pub fn unavailable() -> Self {
        Self::new(503, UNAVAILABLE_MESSAGE)
    }

    /// Whether the failure is ours (5xx), so its cause is logged.
    pub fn is_internal(&self) -> bool {
        self.status >= 500
    }

    /// The short name of the status, a problem's `title` ("Conflict", "Not Found").
    pub fn title(&self) -> &'static str {
        match self.status {
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            408 => "Request Timeout",
            409 => "Conflict",
            413 => "Content Too Large",
            414 => "URI Too Long",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            503 => "Service Unavailable",
            s if s >= 500 => "Internal Server Error",
            _ => "Bad Request",
        }
    }
}

/// A service error that knows what its caller is told.
pub trait Explain: std::error::Error {
    fn refusal(&self) -> Refusal;

    /// For a refusal that passes with time (a rate limit): the seconds to wait, which an HTTP
    /// answer sends as `Retry-After`.
    fn retry_after_secs(&self) -> Option<u64> {
        None
    }
}

/// The one way an error becomes what a caller sees: internal causes are logged here, with
/// their chain, and never returned.
pub fn explain(error: &dyn Explain) -> Refusal {
    let refusal = error.refusal();
    if refusal.is_internal() {
        #[cfg(feature = "ssr")]
        tracing::error!(error = %chain(error as &dyn std::error::Error), status = refusal.status, "request failed");
    }
    refusal
}

/// An error and all its sources, outermost first: `a: b: c`.
pub fn chain(error: &(dyn std::error::Error + '_)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

impl Explain for FieldError {
    fn refusal(&self) -> Refusal {
        Refusal::invalid(vec![self.clone()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner cause")]
    struct Inner;

    impl Explain for Outer {
        fn refusal(&self) -> Refusal {
            Refusal::internal()
        }
    }

    #[test]
    fn an_internal_failure_shows_a_generic_message_and_keeps_its_cause_for_the_log() {
        let r = explain(&Outer(Inner));
        assert_eq!(r.status, 500);
        assert_eq!(r.message, INTERNAL_MESSAGE);
        assert!(!r.message.contains("inner"));
        assert_eq!(chain(&Outer(Inner)), "outer: inner cause");
    }

    #[test]
    fn a_field_error_is_a_422_naming_its_field() {
        let r = explain(&FieldError::new("price", "must not be negative"));
        assert_eq!(r.status, 422);
        assert_eq!(
            r.fields,
            vec![FieldError::new("price", "must not be negative")]
        );
        assert_eq!(r.title(), "Unprocessable Content");
    }
}
