//! The security headers of every HTML answer: a Content-Security-Policy that runs only this
//! site's own scripts, no framing (`frame-ancestors 'none'` and `X-Frame-Options`),
//! `nosniff`, a `Referrer-Policy`, a `Permissions-Policy`, and HSTS when the shop is public
//! over https.
//!
//! The page's inline scripts (the islands' loader, serialized resources, JSON-LD) are allowed
//! by their SHA-256 hashes, computed from the page itself. Hashes suit the rendered-page cache
//! where nonces would not: a cached page is served to many visitors unchanged, so the cache
//! keeps each page's policy with it ([`policy_for`] runs once per rendered page).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Where browsers send policy violations.
pub const REPORT_PATH: &str = "/csp-report";
/// Largest page whose policy is computed (larger answers are not pages of ours).
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

const FIXED_SOURCES: &str = "default-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'; report-uri /csp-report";

/// The policy for a page: its inline scripts by hash, this site's script files, and the
/// WebAssembly module the islands run in.
pub fn policy_for(html: &[u8]) -> HeaderValue {
    let mut script_src = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for script in inline_scripts(html) {
        script_src.push_str(" 'sha256-");
        script_src.push_str(&script_hash(script));
        script_src.push('\'');
    }
    HeaderValue::from_str(&format!("{FIXED_SOURCES}; {script_src}"))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
}

/// How many recent scripts [`script_hash`] remembers.
const REMEMBERED_SCRIPTS: usize = 8;

/// The base64 SHA-256 of an inline script. Every page carries the same page script, so the
/// hashes of the last few scripts are remembered: a script seen before is compared, not hashed.
fn script_hash(script: &[u8]) -> std::sync::Arc<str> {
    use std::sync::{Arc, Mutex};
    /// A script and its hash.
    type Hashed = (Box<[u8]>, Arc<str>);
    static RECENT: Mutex<Vec<Hashed>> = Mutex::new(Vec::new());
    if let Ok(recent) = RECENT.lock() {
        if let Some((_, hash)) = recent.iter().find(|(seen, _)| **seen == *script) {
            return hash.clone();
        }
    }
    let hash: Arc<str> = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(script))
        .into();
    if let Ok(mut recent) = RECENT.lock() {
        if recent.len() == REMEMBERED_SCRIPTS {
            recent.remove(0);
        }
        recent.push((script.into(), hash.clone()));
    }
    hash
}

/// The policy of a page without inline scripts (error pages).
pub fn policy_without_scripts() -> HeaderValue {
    policy_for(b"")
}

/// The contents of every `<script>` element without a `src`, as bytes of the page.
fn inline_scripts(html: &[u8]) -> Vec<&[u8]> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = find(rest, b"<script") {
        let after_name = &rest[start + b"<script".len()..];
        let Some(tag_end) = find(after_name, b">") else {
            break;
        };
        let attributes = &after_name[..tag_end];
        let body = &after_name[tag_end + 1..];
        let Some(close) = find(body, b"</script>") else {
            break;
        };
        if find(attributes, b"src=").is_none() {
            found.push(&body[..close]);
        }
        rest = &body[close + b"</script>".len()..];
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The headers every HTML answer carries, with `policy` as its CSP.
pub fn apply(headers: &mut HeaderMap, policy: HeaderValue, https: bool) {
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Whether the shop is served over https (for HSTS).
#[derive(Debug, Clone, Copy)]
pub struct Https(pub bool);

/// Adds the headers to every HTML answer rendered behind it; other answers get `nosniff`.
pub async fn secure(State(https): State<Https>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !is_html(response.headers()) {
        let mut response = response;
        response.headers_mut().insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        return response;
    }
    let (mut parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            apply(&mut parts.headers, policy_for(&bytes), https.0);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!(error = %e, "reading a page to secure it failed");
            let mut failed = Response::new(Body::from(domain::refusal::INTERNAL_MESSAGE));
            *failed.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            failed
        }
    }
}

/// Receives a browser's report of a policy violation and logs it: a violation on our own
/// pages is a bug to fix.
pub async fn report(body: axum::body::Bytes) -> axum::http::StatusCode {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
    tracing::warn!(report = %text, "content security policy violation reported");
    axum::http::StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_and_script_files_by_origin() {
        let page = br#"<head><script type="module">import('/pkg/a.js')</script>
            <script src="/pkg/b.js"></script></head><body><script>x=1</script></body>"#;
        let scripts = inline_scripts(page);
        assert_eq!(scripts, vec![&b"import('/pkg/a.js')"[..], &b"x=1"[..]]);
        let policy = policy_for(page);
        let policy = policy.to_str().unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"x=1"));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn a_remembered_script_hash_is_the_hash_of_that_same_script() {
        let hash = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s));
        // More scripts than are remembered, each asked twice, then the first again.
        let scripts: Vec<Vec<u8>> = (0..=REMEMBERED_SCRIPTS)
            .map(|i| format!("run({i})").into_bytes())
            .collect();
        for script in scripts.iter().chain(&scripts).chain(&scripts[..1]) {
            assert_eq!(&*script_hash(script), hash(script));
        }
    }

    #[test]
    fn hsts_is_sent_only_over_https() {
        let mut headers = HeaderMap::new();
        apply(&mut headers, policy_without_scripts(), false);
        assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        apply(&mut headers, policy_without_scripts(), true);
        assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_some());
    }
}
