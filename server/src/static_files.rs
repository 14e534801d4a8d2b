//! Static files: the hashed bundle under `/pkg`, images, the favicon. Served by tower-http
//! from disk, with the `.br`/`.gz` files cargo-leptos precompressed at build time.

use crate::router::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// Content-hashed names never change content, so browsers may keep them for a year.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// The favicon keeps its name across releases.
const ONE_DAY: HeaderValue = HeaderValue::from_static("public, max-age=86400");

/// Read files in large chunks: the WASM bundle then takes a few reads instead of dozens of
/// trips through the blocking pool.
const READ_CHUNK: usize = 512 * 1024;

fn dir(path: &Path) -> ServeDir {
    ServeDir::new(path)
        .with_buf_chunk_size(READ_CHUNK)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

fn cache_for(mut response: Response, policy: HeaderValue) -> Response {
    let cacheable = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let value = if cacheable {
        policy
    } else {
        HeaderValue::from_static("no-store")
    };
    response.headers_mut().insert(header::CACHE_CONTROL, value);
    response
}

pub fn routes(root: &Path) -> Router<AppState> {
    let hashed = Router::new()
        .nest_service("/pkg", dir(&root.join("pkg")))
        .nest_service("/images", dir(&root.join("images")))
        .layer(axum::middleware::map_response(|r: Response| async move {
            cache_for(r, IMMUTABLE)
        }));
    let favicon = Router::new()
        .route_service(
            "/favicon.svg",
            ServeFile::new(root.join("favicon.svg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(axum::middleware::map_response(|r: Response| async move {
            cache_for(r, ONE_DAY)
        }));
    hashed.merge(favicon)
}
