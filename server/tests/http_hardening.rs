//! The HTTP edge: security headers on every HTML answer (cached ones too), request limits
//! answered with 413, 414, 431, 408 and 429 (a page for browsers, problem+json for the API),
//! request ids, and service errors as RFC 9457 problems.

mod support;

use app::identity::SignIn;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::ServerFn;
use server::limits::HttpLimits;
use std::time::Duration;
use support::{json_form_post, plain_form_post, TestApp, ORIGIN};

fn assert_secured(page: &support::Page, what: &str) {
    let csp = page.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{what}: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(page.header("x-frame-options"), "DENY", "{what}");
    assert_eq!(page.header("x-content-type-options"), "nosniff", "{what}");
    assert!(!page.header("referrer-policy").is_empty(), "{what}");
    assert!(!page.header("permissions-policy").is_empty(), "{what}");
    assert!(
        page.header("strict-transport-security")
            .contains("max-age="),
        "{what}: the test shop is public over https"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_html_answer_carries_the_security_headers_cached_or_not() {
    let app = TestApp::spawn().await;
    let first = app.get("/").await;
    let cached = app.get("/").await;
    assert_eq!(cached.header("x-page-cache"), "hit");
    assert_secured(&first, "a fresh render");
    assert_secured(&cached, "a cached page");
    assert_eq!(
        first.header("content-security-policy"),
        cached.header("content-security-policy"),
        "the cache keeps the page's own policy"
    );
    for path in ["/account/sign-in", "/no-such-page", "/?q=%FF"] {
        assert_secured(&app.get(path).await, path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_allows_exactly_the_inline_scripts_of_the_page_by_hash() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let app = TestApp::spawn().await;
    let page = app.get("/products/summit-2-person-tent").await;
    let csp = page.header("content-security-policy");
    let mut inline = 0;
    for chunk in page.body.split("<script").skip(1) {
        let (attributes, rest) = chunk.split_once('>').unwrap();
        if attributes.contains("src=") {
            continue;
        }
        let script = rest.split("</script>").next().unwrap();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{script:.60}");
        inline += 1;
    }
    assert!(
        inline > 0,
        "the product page has inline scripts (JSON-LD at least)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_carry_a_request_id_and_keep_a_sane_one_from_the_proxy() {
    let app = TestApp::spawn().await;
    let fresh = app.get("/").await;
    assert_eq!(fresh.header("x-request-id").len(), 36);
    let kept = app
        .request(
            Request::get("/robots.txt")
                .header("x-request-id", "lb-1234")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(kept.header("x-request-id"), "lb-1234");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_gets_413_as_a_problem_for_the_api_and_a_page_for_browsers() {
    let app = TestApp::spawn().await;
    let huge = format!("email=a%40b.test&password={}", "x".repeat(70 * 1024));
    let api = app.request(json_form_post(SignIn::PATH, &huge)).await;
    assert_eq!(api.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", api.body);
    assert_eq!(api.header("content-type"), "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(problem["status"], 413);
    assert_eq!(problem["type"], "about:blank");
    assert!(problem["detail"].as_str().unwrap().contains("too large"));
    assert_eq!(problem["request_id"], api.header("x-request-id"));

    let browser = app
        .request(plain_form_post(SignIn::PATH, "/account/sign-in", &huge))
        .await;
    assert_eq!(browser.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(browser.header("content-type").starts_with("text/html"));
    assert!(browser.body.contains("too large"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_urls_and_huge_headers_are_refused_with_414_and_431() {
    let app = TestApp::spawn().await;
    let long = app.get(&format!("/?q={}", "a".repeat(20 * 1024))).await;
    assert_eq!(long.status, StatusCode::URI_TOO_LONG);
    assert!(long.body.contains("too long"));
    let cookie = format!("theme={}", "b".repeat(40 * 1024));
    let headers = app
        .request(
            Request::get("/")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(headers.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_past_the_rate_limit_get_429_with_retry_after_and_reads_go_on() {
    let app = TestApp::with_limits(HttpLimits {
        writes_per_minute: 3,
        ..HttpLimits::default()
    })
    .await;
    let attempt = || json_form_post(SignIn::PATH, "email=a%40b.test&password=wrong+password");
    for _ in 0..3 {
        let answer = app.request(attempt()).await;
        assert_ne!(
            answer.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            answer.body
        );
    }
    let limited = app.request(attempt()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(limited.header("content-type"), "application/problem+json");
    assert_eq!(
        app.get("/").await.status,
        StatusCode::OK,
        "reads are not limited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_takes_too_long_gets_408() {
    let app = TestApp::with_limits(HttpLimits {
        request_timeout: Duration::from_millis(200),
        ..HttpLimits::default()
    })
    .await;
    // A body that never finishes arriving.
    let (_sender, body) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(1);
    let stream = tokio_stream_from(body);
    let request = Request::post(SignIn::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "shop.example")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from_stream(stream))
        .unwrap();
    let answer = app.request(request).await;
    assert_eq!(
        answer.status,
        StatusCode::REQUEST_TIMEOUT,
        "{}",
        answer.body
    );
}

/// A stream of the chunks sent into `receiver`.
fn tokio_stream_from(
    mut receiver: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_write_is_refused_as_a_problem() {
    let app = TestApp::spawn().await;
    let forged = app
        .request(
            Request::post(SignIn::PATH)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "shop.example")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from("email=a%40b.test&password=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(forged.header("content-type"), "application/problem+json");
}
