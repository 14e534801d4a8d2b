//! The first check every request passes, in one middleware: URLs whose percent-escapes do not
//! decode to UTF-8 get a clear 400 page before any page code sees them, and cross-site writes
//! are refused (see [`crate::csrf`]).

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Longest URL we read; browsers and proxies rarely send more than this.
const MAX_URI_BYTES: usize = 16 * 1024;

pub async fn guard(request: Request, next: Next) -> Response {
    if let Some(refused) = crate::csrf::refuse_cross_site_write(&request) {
        return refused;
    }
    reject_undecodable(request, next).await
}

async fn reject_undecodable(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let path_ok = decodes_to_utf8(uri.path());
    let query_ok = uri.query().is_none_or(decodes_to_utf8);
    let short_enough = uri.path().len() + uri.query().map_or(0, str::len) <= MAX_URI_BYTES;
    if path_ok && query_ok && short_enough {
        return next.run(request).await;
    }
    let (status, message) = if short_enough {
        (
            StatusCode::BAD_REQUEST,
            "The address contains characters we cannot read.",
        )
    } else {
        (StatusCode::URI_TOO_LONG, "The address is too long.")
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!(
            concat!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                "<title>Bad request · CloudMart</title></head><body>",
                "<main style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem\">",
                "<h1>That address doesn't work</h1><p>{}</p>",
                "<p><a href=\"/\">Go to the shop</a></p></main></body></html>"
            ),
            message
        ),
    )
        .into_response()
}

/// Whether `text` percent-decodes (with `+` as a space) into valid UTF-8.
fn decodes_to_utf8(text: &str) -> bool {
    if !text.contains('%') {
        return true; // already text, nothing to decode
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => return false,
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    std::str::from_utf8(&out).is_ok()
}

#[cfg(test)]
mod tests {
    use super::decodes_to_utf8;

    #[test]
    fn valid_escapes_decode() {
        assert!(decodes_to_utf8("q=caf%C3%A9&page=2"));
        assert!(decodes_to_utf8("/products/tent"));
    }

    #[test]
    fn invalid_utf8_and_broken_escapes_are_refused() {
        assert!(!decodes_to_utf8("q=%FF%FE"));
        assert!(!decodes_to_utf8("q=%C3"));
        assert!(!decodes_to_utf8("q=%zz"));
        assert!(!decodes_to_utf8("q=%"));
    }
}
