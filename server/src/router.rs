//! The axum router: Leptos pages and server functions, sitemap, robots, health, static files.

use crate::config::Config;
use crate::limits::{self, HttpLimits};
use crate::rate_limit::{self, RateLimiter};
use crate::{health, html_cache, request_guard, security_headers, seo, static_files};
use app::{shell, App, SiteUrl};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use domain::services::Services;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;

/// Where the site is, how it is addressed, and the limits of a request to it.
#[derive(Clone, Debug)]
pub struct Site {
    pub leptos: LeptosOptions,
    pub public_url: String,
    pub root: PathBuf,
    pub limits: HttpLimits,
}

impl Site {
    pub fn new(config: &Config) -> Self {
        Self {
            limits: config.limits.clone(),
            ..Self::at(&config.site_root, config.addr, &config.public_url)
        }
    }

    pub fn at(root: &std::path::Path, addr: std::net::SocketAddr, public_url: &str) -> Self {
        let mut leptos = leptos::config::get_configuration(None)
            .map(|c| c.leptos_options)
            .unwrap_or_else(|_| LeptosOptions::builder().output_name("cloudmart").build());
        if leptos.output_name.is_empty() {
            leptos.output_name = "cloudmart".into();
        }
        leptos.site_root = root.to_string_lossy().as_ref().into();
        leptos.site_addr = addr;
        // cargo-leptos writes the bundle's content hashes next to the binary. Leptos panics on
        // every render when told to use a hash file that is missing, so use it exactly when
        // it is there.
        let hash_file = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|d| d.join(leptos.hash_file.as_ref())));
        leptos.hash_files = hash_file.as_ref().is_some_and(|f| f.exists());
        if !leptos.hash_files {
            tracing::warn!(
                expected = ?hash_file,
                "no hash file next to the binary: serving unhashed bundle names"
            );
        }
        Self {
            leptos,
            public_url: public_url.to_owned(),
            root: root.to_path_buf(),
            limits: HttpLimits::default(),
        }
    }
}

/// Shared by the handlers outside Leptos. Every middleware call clones its state, so the state
/// is one `Arc`: a clone is one reference count, not a copy of every service's handles.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos: LeptosOptions,
    pub services: Services,
    pub public_url: Arc<str>,
    pub page_cache: html_cache::PageCache,
    /// The REST API's product list answers, per query string (`rest::ListingCache`).
    pub api_listings: crate::rest::ListingCache,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The app's routes, generated once per process. Generating them renders the app with resource
/// loading switched off by a process-wide flag, so a page rendered on another thread meanwhile
/// would wait forever (leptos-rs/leptos#4773); the tests build many routers in one process.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The path of every page route (`/admin`, `/products/:slug`…), for the access tests.
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_owned()).collect()
}

/// Who may use a route that is not a Leptos page or server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Admin,
}

/// A route outside Leptos: its method, its axum path and who may use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

impl RawRoute {
    pub const fn public(method: &'static str, path: &'static str) -> Self {
        Self {
            method,
            path,
            access: Access::Public,
        }
    }

    pub const fn admin(method: &'static str, path: &'static str) -> Self {
        Self {
            method,
            path,
            access: Access::Admin,
        }
    }
}

/// Every route outside Leptos (static files aside), with its handler: [`build`] registers
/// exactly these.
fn raw_endpoints() -> Vec<(RawRoute, MethodRouter<AppState>)> {
    let mut endpoints = vec![
        (RawRoute::public("GET", "/sitemap.xml"), get(seo::sitemap)),
        (RawRoute::public("GET", "/robots.txt"), get(seo::robots)),
        (RawRoute::public("GET", "/health/live"), get(health::live)),
        (RawRoute::public("GET", "/health/ready"), get(health::ready)),
        (
            RawRoute::public("GET", "/metrics"),
            get(crate::metrics::metrics),
        ),
        (
            RawRoute::public("POST", security_headers::REPORT_PATH),
            post(security_headers::report),
        ),
    ];
    endpoints.extend(crate::admin_http::endpoints());
    endpoints
}

/// The routes [`build`] registers outside Leptos, for the access test.
pub fn raw_routes() -> Vec<RawRoute> {
    raw_endpoints()
        .into_iter()
        .map(|(route, _)| route)
        .collect()
}

pub fn build(services: Services, site: Site) -> Router {
    let state = AppState(Arc::new(Shared {
        leptos: site.leptos.clone(),
        services: services.clone(),
        public_url: site.public_url.clone().into(),
        page_cache: html_cache::PageCache::default(),
        api_listings: crate::rest::ListingCache::default(),
    }));
    let context = {
        let services = Arc::new(services.clone());
        let public_url = site.public_url.clone();
        move || {
            provide_context(services.clone());
            provide_context(SiteUrl(public_url.clone()));
        }
    };
    let app_shell = {
        let options = site.leptos.clone();
        move || shell(options.clone())
    };
    let routes = route_list();
    let not_found = leptos_axum::render_app_async_with_context(context.clone(), app_shell.clone());

    let mut pages = Router::new();
    for (route, handler) in raw_endpoints() {
        pages = pages.route(route.path, handler);
    }
    let pages = pages
        .leptos_routes_with_context(&state, routes, context, app_shell)
        .merge(static_files::routes(&site.root))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(crate::enhanced_forms::answer))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::caller::attach,
        ))
        .layer(axum::middleware::from_fn(request_guard::guard))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(RateLimiter::new(site.limits.writes_per_minute)),
            rate_limit::limit_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security_headers::Https(site.public_url.starts_with("https://")),
            security_headers::secure,
        ))
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .with_state(state.clone());
    let enforced = Arc::new(limits::Enforced {
        limits: site.limits.clone(),
        uploads: crate::admin_http::upload_limits(),
    });
    // The page cache wraps the routes, so a hit skips routing and the other layers; only the
    // request id and the request limits are outside it, so every answer has an id and no
    // request escapes the limits.
    Router::new()
        .merge(crate::rest::routes(
            state.clone(),
            site.limits.api_requests_per_minute,
        ))
        .fallback_service(pages)
        .layer(axum::middleware::from_fn_with_state(
            state,
            html_cache::serve_cached,
        ))
        .layer(axum::middleware::from_fn_with_state(
            enforced,
            limits::enforce,
        ))
        .layer(axum::middleware::from_fn(crate::request_id::assign))
}
