//! Cross-site request forgery: every request that may change state (anything but GET, HEAD
//! and OPTIONS) must come from this site, as its `Origin` (or, failing that, `Referer`)
//! header proves. Together with `SameSite=Lax` cookies this stops forged form posts.

use axum::extract::Request;
use axum::http::{header, Method};
use axum::response::Response;

/// A 403 for a state-changing request from another site; `None` lets the request through.
pub fn refuse_cross_site_write(request: &Request) -> Option<Response> {
    // Browsers send policy violation reports without an Origin; they change nothing.
    let report = request.uri().path() == crate::security_headers::REPORT_PATH;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || report
        || same_site(request)
    {
        return None;
    }
    tracing::warn!(method = %request.method(), path = request.uri().path(), "cross-site write refused");
    let refusal = domain::refusal::Refusal::new(
        403,
        "This request did not come from this site, so it was refused.",
    );
    let id = request
        .extensions()
        .get::<crate::request_id::RequestId>()
        .map(crate::request_id::RequestId::as_str);
    Some(crate::problem::answer(
        request.uri(),
        request.headers(),
        id,
        &refusal,
    ))
}

/// Whether the request's `Origin` (or `Referer`) names the host it was sent to.
fn same_site(request: &Request) -> bool {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    source
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest))
        .map(|rest| rest.split('/').next().unwrap_or(""))
        .is_some_and(|authority| authority.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::same_site;
    use axum::body::Body;
    use axum::extract::Request;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut b = Request::post("/api/sign_in");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn a_post_from_this_site_is_accepted() {
        assert!(same_site(&post(&[
            ("host", "shop.example"),
            ("origin", "https://shop.example")
        ])));
        assert!(same_site(&post(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://127.0.0.1:3000/account/sign-in")
        ])));
    }

    #[test]
    fn a_post_from_elsewhere_or_from_nowhere_is_refused() {
        assert!(!same_site(&post(&[
            ("host", "shop.example"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_site(&post(&[
            ("host", "shop.example"),
            ("origin", "null")
        ])));
        assert!(!same_site(&post(&[("host", "shop.example")])));
        assert!(!same_site(&post(&[
            ("host", "shop.example"),
            ("origin", "https://shop.example.evil.example")
        ])));
    }
}
