//! Every request gets an id: the one a proxy sent in `x-request-id` when it is a sane token,
//! else a new time-ordered UUID. It names the request's tracing span (so every log line of
//! the request, internal causes included, carries it), is answered in the `x-request-id`
//! response header, and is put into problem documents.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id a client or proxy sent, if it is 1–64 characters of `[A-Za-z0-9._-]`.
    fn from_header(value: &HeaderValue) -> Option<Self> {
        let text = value.to_str().ok()?;
        let sane = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        sane.then(|| Self(text.into()))
    }

    fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string().into())
    }
}

/// Assigns the id and serves the request inside its span.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(RequestId::from_header)
        .unwrap_or_else(RequestId::generate);
    request.extensions_mut().insert(id.clone());
    let span = tracing::info_span!(
        "request",
        request_id = id.as_str(),
        method = %request.method(),
        path = request.uri().path(),
    );
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sane_incoming_id_is_kept_and_anything_else_replaced() {
        let ok = HeaderValue::from_static("abc-123.x_y");
        assert_eq!(RequestId::from_header(&ok).unwrap().as_str(), "abc-123.x_y");
        for bad in ["", "has space", "<script>", &"a".repeat(65)] {
            let value = HeaderValue::from_str(bad).unwrap();
            assert!(RequestId::from_header(&value).is_none(), "{bad:?}");
        }
        assert_eq!(RequestId::generate().as_str().len(), 36);
    }
}
