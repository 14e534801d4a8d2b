//! The rendered-page cache, for every shopper.
//!
//! Catalog pages (`/` with its query, `/products/{slug}`) are the same for every visitor
//! except the header's personal slot (account links, cart count: `app::personal`). Each is
//! rendered once, as for a visitor without cookies, kept in memory and served without
//! rendering: as it is to anonymous visitors, and with the slot filled in per request for a
//! shopper with a session or cart cookie. Filling the slot resolves the caller through the
//! session cache and counts the cart through the cart-count cache, so a hit costs no DynamoDB
//! call in the common case.
//!
//! Each page is tagged with the catalog snapshot generation it was rendered from; a page from
//! an older generation is never served, and the whole cache is dropped when the generation
//! moves.
//!
//! The key is the exact path and query: whatever was rendered for a URL is only ever served
//! for that same URL. The number of pages and their size are bounded.

use crate::router::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

const MAX_PAGES: usize = 2048;
const MAX_PAGE_BYTES: usize = 1024 * 1024;
const MAX_QUERY_BYTES: usize = 256;
const CACHEABLE_PARAMS: [&str; 4] = ["q", "category", "sort", "page"];

#[derive(Default)]
pub struct PageCache {
    inner: RwLock<Generation>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// How often a shared page was found in the cache, and how often it had to be rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookups {
    pub hits: u64,
    pub misses: u64,
}

#[derive(Default)]
struct Generation {
    number: u64,
    pages: HashMap<String, Arc<Page>>,
}

struct Page {
    /// Every header of the answer but the encoding and the cache outcome: content type,
    /// security headers with the page's Content-Security-Policy (its inline scripts' hashes),
    /// computed once, so a hit copies one map instead of building one.
    headers: HeaderMap,
    body: Bytes,
    /// The same body gzipped once when cached, for clients that accept it.
    gzip: Bytes,
    /// Where the personal slot is in `body`, markers included.
    slot: Option<Range<usize>>,
}

impl Page {
    fn new(content_type: HeaderValue, policy: HeaderValue, https: bool, body: Bytes) -> Self {
        let mut headers = HeaderMap::with_capacity(12);
        headers.insert(header::CONTENT_TYPE, content_type);
        crate::security_headers::apply(&mut headers, policy, https);
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Self {
            headers,
            gzip: gzip(&body),
            slot: slot_in(&body),
            body,
        }
    }

    /// The body as `personal` sees it: the same bytes with its own slot.
    fn personal(&self, personal: &app::personal::Personal) -> Option<Bytes> {
        let slot = self.slot.clone()?;
        let own = app::personal::slot(personal);
        let mut body = Vec::with_capacity(self.body.len() - slot.len() + own.len());
        body.extend_from_slice(&self.body[..slot.start]);
        body.extend_from_slice(own.as_bytes());
        body.extend_from_slice(&self.body[slot.end..]);
        Some(Bytes::from(body))
    }
}

/// The byte range of the first personal slot in a page.
fn slot_in(body: &[u8]) -> Option<Range<usize>> {
    use app::personal::{SLOT_END, SLOT_START};
    let find = |needle: &str, from: usize| {
        body.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .map(|i| from + i)
    };
    let start = find(SLOT_START, 0)?;
    let end = find(SLOT_END, start)? + SLOT_END.len();
    Some(start..end)
}

fn gzip(body: &[u8]) -> Bytes {
    compress(body, flate2::Compression::default())
}

fn compress(body: &[u8], level: flate2::Compression) -> Bytes {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), level);
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
    pub fn lookups(&self) -> Lookups {
        Lookups {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    fn get(&self, key: &str, generation: u64) -> Option<Arc<Page>> {
        let inner = self.inner.read().ok()?;
        if inner.number != generation {
            return None;
        }
        inner.pages.get(key).cloned()
    }

    fn put(&self, key: String, generation: u64, page: Arc<Page>) {
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
    if request.method() != Method::GET {
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

/// The answer with `page`'s headers: its own body, or `personal` (a shopper's copy with their
/// slot, compressed for its one answer, quickly rather than tightly).
fn page_response(
    page: &Page,
    personal: Option<Bytes>,
    outcome: &'static str,
    gzipped: bool,
) -> Response {
    let (body, gzipped) = match personal {
        None if gzipped && !page.gzip.is_empty() => (page.gzip.clone(), true),
        None => (page.body.clone(), false),
        Some(own) if gzipped => match compress(&own, flate2::Compression::fast()) {
            c if c.is_empty() => (own, false),
            c => (c, true),
        },
        Some(own) => (own, false),
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    *headers = page.headers.clone();
    if gzipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert("x-page-cache", HeaderValue::from_static(outcome));
    response
}

/// The outermost layer: a hit is answered before routing or any other middleware runs.
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = cache_key(&request) else {
        return no_store(next.run(request).await);
    };
    let gzipped = accepts_gzip(&request);
    let credentials = crate::caller::credentials(request.headers());
    if credentials.is_empty() {
        return match cached_or_rendered(&state, key, || request, next).await {
            Ok((page, outcome)) => page_response(&page, None, outcome, gzipped),
            Err(response) => response,
        };
    }
    // Read by the same code that resolves every caller, so no cookie is ever overlooked.
    let lazy = domain::caller::LazyCaller::new(state.services.identity.clone(), credentials);
    let Ok(caller) = lazy.get().await else {
        // The session store did not answer: the page itself says so.
        return no_store(next.run(request).await);
    };
    let personal = app::personal::of(&caller, &state.services).await;
    let (parts, body) = request.into_parts();
    // The shared page is rendered as for a visitor without cookies, when it is not cached.
    let shared = || {
        let mut shared = Request::from_parts(parts.clone(), Body::empty());
        shared.headers_mut().remove(header::COOKIE);
        shared
    };
    let (page, outcome) = match cached_or_rendered(&state, key, shared, next.clone()).await {
        Ok(found) => found,
        // Not a shareable page (a 404, a redirect): render it for this shopper.
        Err(_) => return no_store(next.run(Request::from_parts(parts, body)).await),
    };
    match page.personal(&personal) {
        own @ Some(_) => page_response(&page, own, outcome, gzipped),
        // A page without a slot cannot be personalised: render it for this shopper.
        None => no_store(next.run(Request::from_parts(parts, body)).await),
    }
}

/// The shared page for `key` from the cache, or rendered from the request `shared` makes
/// (which carries no credentials; made only on a miss) and cached. `Err` is the response to
/// send instead, when the render gave something that is not a cacheable page.
async fn cached_or_rendered(
    state: &AppState,
    key: String,
    shared: impl FnOnce() -> Request,
    next: Next,
) -> Result<(Arc<Page>, &'static str), Response> {
    // Read before rendering: a page is never tagged newer than the data it shows.
    let generation = state.services.catalog.generation();
    if let Some(page) = state.page_cache.get(&key, generation) {
        state.page_cache.hits.fetch_add(1, Ordering::Relaxed);
        return Ok((page, "hit"));
    }
    state.page_cache.misses.fetch_add(1, Ordering::Relaxed);
    let mut request = shared();
    // Render uncompressed: the cache keeps the plain page and its gzip twin.
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let response = next.run(request).await;
    let cookie_set = response.headers().contains_key(header::SET_COOKIE);
    if response.status() != StatusCode::OK || !is_html(&response) || cookie_set {
        return Err(no_store(response));
    }
    let (parts, body) = response.into_parts();
    let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).cloned() else {
        return Err(no_store(Response::from_parts(parts, Body::empty())));
    };
    let policy = parts.headers.get(header::CONTENT_SECURITY_POLICY).cloned();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            let policy = policy.unwrap_or_else(|| crate::security_headers::policy_for(&bytes));
            let https = state.public_url.starts_with("https://");
            let page = Arc::new(Page::new(content_type, policy, https, bytes));
            state.page_cache.put(key, generation, page.clone());
            Ok((page, "miss"))
        }
        Err(e) => {
            tracing::error!(error = ?e, "rendering a page failed");
            let mut failed = Response::new(Body::from("The page could not be rendered."));
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            Err(failed)
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
    fn a_session_or_cart_cookie_shares_the_page_of_its_url() {
        use domain::identity::{CART_COOKIE, SESSION_COOKIE};
        let session = format!("theme=dark; {SESSION_COOKIE}={}", "ab".repeat(32));
        let cart = format!("{CART_COOKIE}={}", "c".repeat(32));
        assert_eq!(
            cache_key(&request("/", Some(&session))).as_deref(),
            Some("/?")
        );
        assert_eq!(cache_key(&request("/", Some(&cart))).as_deref(), Some("/?"));
    }

    #[test]
    fn a_personal_page_is_the_shared_page_with_its_own_slot() {
        use app::personal::{slot, Personal};
        let shared = format!(
            "<header>{}</header><main>tent</main>",
            slot(&Personal::default())
        );
        let page = Page::new(
            HeaderValue::from_static("text/html"),
            crate::security_headers::policy_without_scripts(),
            false,
            Bytes::from(shared.clone()),
        );
        let mine = Personal {
            account: None,
            cart_count: 2,
        };
        let own = page.personal(&mine).expect("the page has a slot");
        assert_eq!(
            std::str::from_utf8(&own).unwrap(),
            format!("<header>{}</header><main>tent</main>", slot(&mine))
        );
        assert_eq!(
            page.body,
            Bytes::from(shared),
            "the shared page is untouched"
        );
    }

    #[test]
    fn a_page_without_a_slot_is_not_personalised() {
        let page = Page::new(
            HeaderValue::from_static("text/html"),
            crate::security_headers::policy_without_scripts(),
            false,
            Bytes::from_static(b"<main>no slot</main>"),
        );
        assert!(page.personal(&Default::default()).is_none());
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
        let page = Page::new(
            HeaderValue::from_static("text/html"),
            crate::security_headers::policy_without_scripts(),
            false,
            Bytes::from_static(b"old"),
        );
        let page = Arc::new(page);
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
