//! `/metrics`: what the server counts, in the Prometheus text format (version 0.0.4).
//!
//! Today the page cache and the catalog snapshot; the benchmark reads the cache's hit ratio
//! from here.

use crate::router::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn metrics(State(state): State<AppState>) -> Response {
    let lookups = state.page_cache.lookups();
    let snapshot = state.services.catalog.snapshot();
    let mut out = String::new();
    family(
        &mut out,
        "cloudmart_page_cache_lookups_total",
        "counter",
        "Shared catalog pages looked up in the page cache, by result.",
    );
    for (result, count) in [("hit", lookups.hits), ("miss", lookups.misses)] {
        let _ = writeln!(
            out,
            "cloudmart_page_cache_lookups_total{{result=\"{result}\"}} {count}"
        );
    }
    family(
        &mut out,
        "cloudmart_catalog_snapshot_generation",
        "gauge",
        "The catalog snapshot's generation; each change drops the page cache.",
    );
    let _ = writeln!(
        out,
        "cloudmart_catalog_snapshot_generation {}",
        snapshot.generation
    );
    let refreshes = state.services.catalog.refresh_counts();
    family(
        &mut out,
        "cloudmart_catalog_refreshes_total",
        "counter",
        "Catalog refreshes (and full checks) that read the store's change feed or catalog.",
    );
    let _ = writeln!(
        out,
        "cloudmart_catalog_refreshes_total {}",
        refreshes.refreshes
    );
    family(
        &mut out,
        "cloudmart_catalog_refresh_products_read_total",
        "counter",
        "Products those refreshes read from the store.",
    );
    let _ = writeln!(
        out,
        "cloudmart_catalog_refresh_products_read_total {}",
        refreshes.products_read
    );
    family(
        &mut out,
        "cloudmart_catalog_snapshot_products",
        "gauge",
        "Active products in the catalog snapshot.",
    );
    let _ = writeln!(
        out,
        "cloudmart_catalog_snapshot_products {}",
        snapshot.products().len()
    );
    assistant(&mut out, &state);
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        out,
    )
        .into_response()
}

/// What the assistant answered, and what the grounding check took out of answers.
fn assistant(out: &mut String, state: &AppState) {
    let counts = state.services.assistant.counts();
    family(
        out,
        "cloudmart_assistant_answers_total",
        "counter",
        "Assistant answers, by who wrote them: offline (no model), model, or fallback (the offline assistant after the model failed).",
    );
    for (source, count) in [
        ("offline", counts.offline),
        ("model", counts.model),
        ("fallback", counts.fallback),
    ] {
        let _ = writeln!(
            out,
            "cloudmart_assistant_answers_total{{source=\"{source}\"}} {count}"
        );
    }
    family(
        out,
        "cloudmart_assistant_removed_products_total",
        "counter",
        "Products the grounding check took out of answers: never returned by a tool in the conversation, or off sale.",
    );
    let _ = writeln!(
        out,
        "cloudmart_assistant_removed_products_total {}",
        counts.removed_products
    );
    family(
        out,
        "cloudmart_assistant_removed_claims_total",
        "counter",
        "Price and stock claims the grounding check took out of answers (cards show the catalog's).",
    );
    let _ = writeln!(
        out,
        "cloudmart_assistant_removed_claims_total {}",
        counts.removed_claims
    );
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}
