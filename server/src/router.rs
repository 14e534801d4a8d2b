//! The axum router: Leptos pages and server functions, sitemap, robots, health, static files.

use crate::config::Config;
use crate::{health, html_cache, request_guard, seo, static_files};
use app::{shell, App, SiteUrl};
use axum::routing::get;
use axum::Router;
use domain::services::Services;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;

/// Where the site is and how it is addressed.
#[derive(Clone, Debug)]
pub struct Site {
    pub leptos: LeptosOptions,
    pub public_url: String,
    pub root: PathBuf,
}

impl Site {
    pub fn new(config: &Config) -> Self {
        Self::at(&config.site_root, config.addr, &config.public_url)
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
        }
    }
}

/// Shared by the handlers outside Leptos.
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub services: Services,
    pub public_url: Arc<str>,
    pub page_cache: Arc<html_cache::PageCache>,
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

pub fn build(services: Services, site: Site) -> Router {
    let state = AppState {
        leptos: site.leptos.clone(),
        services: services.clone(),
        public_url: site.public_url.clone().into(),
        page_cache: Arc::new(html_cache::PageCache::default()),
    };
    let context = {
        let services = services.clone();
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

    let site = Router::new()
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/robots.txt", get(seo::robots))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .merge(crate::admin_http::routes())
        .leptos_routes_with_context(&state, routes, context, app_shell)
        .merge(static_files::routes(&site.root))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(request_guard::guard))
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .with_state(state.clone());
    // The page cache wraps everything, so a hit skips routing and the other layers.
    Router::new()
        .fallback_service(site)
        .layer(axum::middleware::from_fn_with_state(
            state,
            html_cache::serve_cached,
        ))
}
