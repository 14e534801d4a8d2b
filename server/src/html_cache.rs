//! The rendered-page cache for anonymous shoppers.
//!
//! Catalog pages (`/` with its query, `/products/{slug}`) are the same for every visitor
//! without a session or cart, so their HTML is kept in memory and served without rendering.
//! Each page is tagged with the catalog snapshot generation it was rendered from; a page from
//! an older generation is never served, and the whole cache is dropped when the generation
//! moves. A request carrying a session or cart cookie always renders fresh.
//!
//! The key is the exact path and query: whatever was rendered for a URL is only ever served
//! for that same URL. The number of pages and their size are bounded.

use crate::router::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::RwLock;

const MAX_PAGES: usize = 2048;
const MAX_PAGE_BYTES: usize = 1024 * 1024;
const MAX_QUERY_BYTES: usize = 256;
const CACHEABLE_PARAMS: [&str; 4] = ["q", "category", "sort", "page"];

#[derive(Default)]
pub struct PageCache {
    inner: RwLock<Generation>,
}

#[derive(Default)]
struct Generation {
    number: u64,
    pages: HashMap<String, Page>,
}

#[derive(Clone)]
struct Page {
    content_type: HeaderValue,
    /// The page's Content-Security-Policy (its inline scripts' hashes), computed once.
    policy: HeaderValue,
    body: Bytes,
    /// The same body gzipped once when cached, for clients that accept it.
    gzip: Bytes,
}

fn gzip(body: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    match encoder.write_all(body).and_then(|()| encoder.finish()) {
        Ok(compressed) => Bytes::from(compressed),
        Err(_) => Bytes::new(),
    }
}

fn accepts_gzip(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|enc| enc.trim().split(';').next() == Some("gzip"))
}

impl PageCache {
    fn get(&self, key: &str, generation: u64) -> Option<Page> {
        let inner = self.inner.read().ok()?;
        if inner.number != generation {
            return None;
        }
        inner.pages.get(key).cloned()
    }

    fn put(&self, key: String, generation: u64, page: Page) {
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        if inner.number != generation {
            if generation < inner.number {
                return; // rendered from a snapshot that has since been replaced
            }
            inner.number = generation;
            inner.pages.clear();
        }
        if inner.pages.len() < MAX_PAGES {
            inner.pages.insert(key, page);
        }
    }
}

/// The cache key for a request that may be served from the cache, or `None`.
fn cache_key(request: &Request) -> Option<String> {
    if request.method() != Method::GET || has_personal_cookie(request) {
        return None;
    }
    let path = request.uri().path();
    let query = request.uri().query().unwrap_or("");
    let listing = path == "/"
        && query.len() <= MAX_QUERY_BYTES
        && query
            .split('&')
            .filter(|p| !p.is_empty())
            .all(|p| CACHEABLE_PARAMS.contains(&p.split('=').next().unwrap_or("")));
    let product = path
        .strip_prefix("/products/")
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
        && query.is_empty();
    (listing || product).then(|| format!("{path}?{query}"))
}

/// Whether the request carries credentials (a session or a guest cart), read by the same
/// code that resolves the caller, so a renamed cookie can never make a personal page shared.
fn has_personal_cookie(request: &Request) -> bool {
    !crate::caller::credentials(request.headers()).is_empty()
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Browsers never keep HTML: it may change with the catalog or the session at any time.
fn no_store(mut response: Response) -> Response {
    if is_html(&response) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn page_response(page: Page, outcome: &'static str, gzipped: bool, https: bool) -> Response {
    let gzipped = gzipped && !page.gzip.is_empty();
    let mut response = Response::new(Body::from(if gzipped { page.gzip } else { page.body }));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, page.content_type);
    crate::security_headers::apply(headers, page.policy, https);
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-page-cache", HeaderValue::from_static(outcome));
    response
}

/// The outermost layer: a hit is answered before routing or any other middleware runs.
pub async fn serve_cached(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(key) = cache_key(&request) else {
        return no_store(next.run(request).await);
    };
    let gzipped = accepts_gzip(&request);
    // Read before rendering: a page is never tagged newer than the data it shows.
    let generation = state.services.catalog.generation();
    let https = state.public_url.starts_with("https://");
    if let Some(page) = state.page_cache.get(&key, generation) {
        return page_response(page, "hit", gzipped, https);
    }
    // Render uncompressed: the cache keeps the plain page and its gzip twin.
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || !is_html(&response) {
        return no_store(response);
    }
    let (parts, body) = response.into_parts();
    let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).cloned() else {
        return no_store(Response::from_parts(parts, Body::empty()));
    };
    let policy = parts.headers.get(header::CONTENT_SECURITY_POLICY).cloned();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            let page = Page {
                content_type,
                policy: policy.unwrap_or_else(|| crate::security_headers::policy_for(&bytes)),
                gzip: gzip(&bytes),
                body: bytes,
            };
            state.page_cache.put(key, generation, page.clone());
            page_response(page, "miss", gzipped, https)
        }
        Err(e) => {
            tracing::error!(error = ?e, "rendering a page failed");
            let mut failed = Response::new(Body::from("The page could not be rendered."));
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, cookie: Option<&str>) -> Request {
        let mut builder = Request::builder().uri(uri);
        if let Some(c) = cookie {
            builder = builder.header(header::COOKIE, c);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn anonymous_catalog_pages_are_cacheable_by_exact_url() {
        assert_eq!(cache_key(&request("/", None)).as_deref(), Some("/?"));
        assert_eq!(
            cache_key(&request("/?category=books&page=2", None)).as_deref(),
            Some("/?category=books&page=2")
        );
        assert_eq!(
            cache_key(&request("/products/summit-2-person-tent", None)).as_deref(),
            Some("/products/summit-2-person-tent?")
        );
    }

    #[test]
    fn a_session_or_cart_cookie_makes_the_page_personal() {
        use domain::identity::{CART_COOKIE, SESSION_COOKIE};
        let session = format!("theme=dark; {SESSION_COOKIE}={}", "ab".repeat(32));
        let cart = format!("{CART_COOKIE}={}", "c".repeat(32));
        assert!(cache_key(&request("/", Some(&session))).is_none());
        assert!(cache_key(&request("/", Some(&cart))).is_none());
        assert!(cache_key(&request("/", Some("theme=dark"))).is_some());
    }

    #[test]
    fn unknown_parameters_long_queries_and_other_paths_are_not_cached() {
        assert!(cache_key(&request("/?utm_source=x", None)).is_none());
        assert!(cache_key(&request(&format!("/?q={}", "a".repeat(300)), None)).is_none());
        assert!(cache_key(&request("/account/orders", None)).is_none());
        assert!(cache_key(&request("/products/a/b", None)).is_none());
        assert!(cache_key(&request("/products/tent?x=1", None)).is_none());
    }

    #[test]
    fn a_page_from_an_older_generation_is_never_served() {
        let cache = PageCache::default();
        let page = Page {
            content_type: HeaderValue::from_static("text/html"),
            policy: crate::security_headers::policy_without_scripts(),
            body: Bytes::from_static(b"old"),
            gzip: gzip(b"old"),
        };
        cache.put("/?".into(), 1, page.clone());
        assert!(cache.get("/?", 1).is_some());
        assert!(cache.get("/?", 2).is_none());
        cache.put("/?x".into(), 2, page.clone());
        assert!(
            cache.get("/?", 2).is_none(),
            "generation 2 dropped generation 1's pages"
        );
        cache.put("/?late".into(), 1, page);
        assert!(
            cache.get("/?late", 1).is_none(),
            "a late render from generation 1 is discarded"
        );
    }
}
