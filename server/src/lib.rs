//! The CloudMart server: start-up, the axum router (Leptos pages, sitemap, health, static
//! files), and the page cache. `main.rs` is only the command line around it.

mod admin_http;
pub mod config;
mod csrf;
mod health;
mod html_cache;
mod request_guard;
pub use admin_http::ADMIN_ENDPOINTS;
pub mod router;
mod seo;
pub mod startup;
mod static_files;
pub mod telemetry;
