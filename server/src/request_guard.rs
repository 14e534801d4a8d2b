//! The first check every routed request passes, in one middleware: URLs whose percent-escapes
//! do not decode to UTF-8 get a clear 400 before any page code sees them, and cross-site
//! writes are refused (see [`crate::csrf`]). Sizes and times are [`crate::limits`]'.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use domain::refusal::Refusal;

pub async fn guard(request: Request, next: Next) -> Response {
    if let Some(refused) = crate::csrf::refuse_cross_site_write(&request) {
        return refused;
    }
    let uri = request.uri();
    if decodes_to_utf8(uri.path()) && uri.query().is_none_or(decodes_to_utf8) {
        return next.run(request).await;
    }
    let refusal = Refusal::new(400, "The address contains characters we cannot read.");
    let id = request
        .extensions()
        .get::<crate::request_id::RequestId>()
        .map(crate::request_id::RequestId::as_str);
    crate::problem::answer(request.uri(), request.headers(), id, &refusal)
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
