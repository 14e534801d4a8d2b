//! How the REST API refuses: every failure is an RFC 9457 problem document with the request
//! id, whichever layer refused (a handler, an extractor's rejection, an unknown route).
//!
//! Handlers return [`ApiError`], made from any service error through the one domain mapping
//! (`domain::refusal::explain`). It travels as a response extension; [`render`], called by
//! the REST router's one layer on every answer, turns it into the problem document, where the
//! request id is at hand. The same layer rewrites axum's own plain-text rejections (a malformed JSON body, a
//! wrong method) into problems, so a client only ever parses one error shape.

use crate::request_id::RequestId;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::refusal::{explain, Explain, Refusal};

/// The largest rejection text read back to turn into a problem's detail.
const MAX_REJECTION_BYTES: usize = 4096;

/// A refused API call.
#[derive(Debug, Clone)]
pub struct ApiError {
    refusal: Refusal,
    /// Seconds to wait before retrying (`Retry-After`), for 429 and 503.
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(refusal: Refusal) -> Self {
        Self {
            refusal,
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs.max(1));
        self
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(Refusal::new(401, message))
    }

    pub fn forbidden(message: &str) -> Self {
        Self::new(Refusal::new(403, message))
    }

    pub fn not_found(message: &str) -> Self {
        Self::new(Refusal::not_found(message))
    }

    pub fn invalid(fields: Vec<domain::FieldError>) -> Self {
        Self::new(Refusal::invalid(fields))
    }

    /// What the caller is told.
    pub fn refusal(&self) -> &Refusal {
        &self.refusal
    }

    /// Any service error, through the one mapping (which logs internal causes once).
    pub fn from_service(error: &dyn Explain) -> Self {
        let problem = Self::new(explain(error));
        match error.retry_after_secs() {
            Some(secs) => problem.retry_after(secs),
            None => problem,
        }
    }
}

/// `?` on a service call maps its error the one way.
impl<E: Explain> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self::from_service(&error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The problem document for `error`, with the request's id.
fn problem(error: &ApiError, request_id: Option<&str>) -> Response {
    let mut response = crate::problem::answer_as(true, request_id, &error.refusal);
    if error.refusal.status == 401 {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"CloudMart API\""),
        );
    }
    if let Some(secs) = error.retry_after {
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
}

/// The query parameters among `params` that were sent empty (`?to=`): a parameter is
/// either left out or has a value.
pub fn sent_empty(params: &[(&str, Option<&str>)]) -> Vec<domain::FieldError> {
    params
        .iter()
        .filter(|(_, value)| *value == Some(""))
        .map(|(name, _)| domain::FieldError::new(*name, "must not be empty; leave it out instead"))
        .collect()
}

/// `response` as the client gets it: a refusal (an [`ApiError`], or a rejection from axum or
/// an extractor) as a problem document with the request's id; anything else as it is.
pub async fn render(response: Response, id: Option<&RequestId>) -> Response {
    let id = id.map(RequestId::as_str);
    if let Some(error) = response.extensions().get::<ApiError>() {
        return problem(error, id);
    }
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(&response) {
        return response;
    }
    // A rejection from axum or an extractor: its text becomes the detail.
    let allow = response.headers().get(header::ALLOW).cloned();
    let body = axum::body::to_bytes(response.into_body(), MAX_REJECTION_BYTES)
        .await
        .unwrap_or_default();
    let detail = match String::from_utf8_lossy(&body).trim() {
        "" => default_detail(status).to_owned(),
        text => text.to_owned(),
    };
    let mut answer = problem(&ApiError::new(Refusal::new(status.as_u16(), detail)), id);
    if let Some(allow) = allow {
        answer.headers_mut().insert(header::ALLOW, allow);
    }
    answer
}

/// Anything under `/api/v1` that is not a route.
pub async fn no_route() -> ApiError {
    ApiError::not_found(NO_ROUTE)
}

const NO_ROUTE: &str = "There is no such API route. See /api/v1/openapi.json.";

fn default_detail(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => NO_ROUTE,
        StatusCode::METHOD_NOT_ALLOWED => "This route does not take that method.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large.",
        s if s.is_server_error() => domain::refusal::INTERNAL_MESSAGE,
        _ => "The request could not be understood.",
    }
}
