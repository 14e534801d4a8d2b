//! The practical ceiling for `make bench`: a minimal axum server that answers from memory with
//! the exact bytes CloudMart served, so its req/s is what this machine can do for that
//! response with no rendering at all.
//!
//! Usage: `ceiling ADDR ROUTE=FILE=CONTENT_TYPE...`

use axum::http::header;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .expect("usage: ceiling ADDR ROUTE=FILE=CONTENT_TYPE...");
    let mut router = Router::new();
    for spec in args {
        let mut parts = spec.splitn(3, '=');
        let (Some(route), Some(file), Some(content_type)) =
            (parts.next(), parts.next(), parts.next())
        else {
            panic!("bad route spec {spec}");
        };
        let body = Bytes::from(std::fs::read(file).expect("readable file"));
        let content_type = content_type.to_owned();
        router = router.route(
            route,
            get(move || {
                let body = body.clone();
                let content_type = content_type.clone();
                async move { ([(header::CONTENT_TYPE, content_type)], body) }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, router).await.expect("serve");
}
