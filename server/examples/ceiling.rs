//! The practical ceiling for `make bench`: a minimal axum server that answers from memory with
//! the exact response CloudMart sent (its body, and its headers when given), so its req/s is
//! what this machine can do for those bytes with no rendering at all.
//!
//! Usage: `ceiling ADDR ROUTE=BODY_FILE=HEADERS_FILE...`, where HEADERS_FILE holds the
//! response's headers as `name: value` lines. Those hyper writes itself (`content-length`,
//! `date`) and those about the connection rather than the response (`connection`,
//! `keep-alive`, `transfer-encoding`) are left out.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;

fn headers(text: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes()).expect("a header name");
        let per_connection = [
            "content-length",
            "date",
            "connection",
            "keep-alive",
            "transfer-encoding",
        ];
        if per_connection.contains(&name.as_str()) {
            continue;
        }
        let value = HeaderValue::from_str(value.trim()).expect("a header value");
        map.append(name, value);
    }
    map
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .expect("usage: ceiling ADDR ROUTE=BODY_FILE=HEADERS_FILE...");
    let mut router = Router::new();
    for spec in args {
        let mut parts = spec.splitn(3, '=');
        let (Some(route), Some(file), Some(headers_file)) =
            (parts.next(), parts.next(), parts.next())
        else {
            panic!("bad route spec {spec}");
        };
        let body = Bytes::from(std::fs::read(file).expect("readable body file"));
        let headers =
            headers(&std::fs::read_to_string(headers_file).expect("readable headers file"));
        router = router.route(
            route,
            get(move || {
                let body = body.clone();
                let headers = headers.clone();
                async move { (headers, body) }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, router).await.expect("serve");
}
