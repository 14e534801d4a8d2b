//! Every request gets an id: the one a proxy sent in `x-request-id` when it is a sane token,
//! else a new time-ordered UUID. It names the request's tracing span (so every log line of
//! the request, internal causes included, carries it), is answered in the `x-request-id`
//! response header, and is put into problem documents.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::cell::Cell;
use tracing::Instrument;

thread_local! {
    /// The request-id generator's state: a SplitMix64 sequence per thread.
    static NEXT: Cell<u64> = Cell::new(u64::from_le_bytes(domain::random::bytes::<8>()));
}

/// SplitMix64's output function: spreads a counter's bits over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub const HEADER: &str = "x-request-id";

/// The id of the request being served, kept as the header value it is answered in (only
/// `[A-Za-z0-9._-]`, so it is always text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(HeaderValue);

impl RequestId {
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }

    /// The id a client or proxy sent, if it is 1–64 characters of `[A-Za-z0-9._-]`.
    fn from_header(value: &HeaderValue) -> Option<Self> {
        let text = value.to_str().ok()?;
        let sane = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        sane.then(|| Self(value.clone()))
    }

    /// A UUID v7: the time in milliseconds, then 74 bits from this thread's generator (seeded
    /// by the operating system once per thread, so an id costs no system call or lock).
    fn generate() -> Self {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let bytes = NEXT.with(|state| {
            let next = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
            state.set(next);
            let mut bytes = [0u8; 10];
            bytes[..8].copy_from_slice(&mix(next).to_le_bytes());
            bytes[8..].copy_from_slice(&mix(!next).to_le_bytes()[..2]);
            bytes
        });
        let id = uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let text = id.hyphenated().encode_lower(&mut text);
        Self(HeaderValue::from_str(text).expect("a UUID is a valid header value"))
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
    response.headers_mut().insert(HEADER, id.0);
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
        let (a, b) = (RequestId::generate(), RequestId::generate());
        assert_eq!(a.as_str().len(), 36);
        assert_ne!(a, b, "each id is new");
        let parsed = uuid::Uuid::parse_str(a.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
    }
}
