//! The CloudMart server: start-up, the axum router (Leptos pages, sitemap, health, static
//! files), and the page cache. `main.rs` is only the command line around it.

// The caller extractor's future nests the identity service's deeper than the default limit
// lets rustc (and clippy) compute its layout.
#![recursion_limit = "256"]

mod admin_http;
pub mod assistant_config;
mod caller;
pub mod config;
mod csrf;
mod enhanced_forms;
mod health;
mod html_cache;
pub mod limits;
mod memory;
mod metrics;
pub mod problem;
mod rate_limit;
mod request_guard;
pub mod request_id;
pub mod rest;
pub mod router;
mod security_headers;
mod seo;
mod serve;
pub mod startup;
mod static_files;
pub mod support_config;
pub mod telemetry;
