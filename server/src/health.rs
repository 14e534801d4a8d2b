//! Liveness (the process answers) and readiness (it can reach its store).

use crate::router::AppState;
use axum::extract::State;
use axum::http::StatusCode;

pub async fn live() -> &'static str {
    "ok"
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.services.catalog.check_store().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = ?e, "not ready: store unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unreachable")
        }
    }
}
