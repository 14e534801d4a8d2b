//! Who is calling the REST API: the bearer token, read once and resolved once per request.
//!
//! The API reads only `Authorization: Bearer <token>`, never cookies, so a browser's session
//! can never be ridden by a cross-site request to it. A request without a token is a visitor's
//! (the public catalog); a token that is malformed, unknown, expired or revoked is refused
//! before any handler runs, as is a `read` token on anything but a read.

use super::problems::ApiError;
use crate::rate_limit::{client_address, RateLimiter};
use crate::router::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::caller::{Caller, Credentials, LazyCaller};
use domain::identity::{Admin, Customer, Staff};
use domain::refusal::Refusal;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a client without a usable token is told.
pub const BAD_TOKEN: &str =
    "This API token is unknown, expired or revoked. Create one at /account/api-tokens.";
const MALFORMED: &str =
    "The Authorization header must be `Bearer <token>`, with a token from /account/api-tokens.";
const READ_ONLY: &str =
    "This token is read-only. Create a read-write token at /account/api-tokens to change things.";

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// How many API requests one token, and one client address, may send per minute (in bursts
/// of as many): a busy integration cannot starve the shop, nor can one address with many
/// tokens or none.
pub struct ApiLimits {
    per_token: RateLimiter<String>,
    per_address: RateLimiter<IpAddr>,
}

impl ApiLimits {
    /// `per_minute` requests per token and per address; 0 is no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_token: RateLimiter::new(per_minute),
            per_address: RateLimiter::new(per_minute),
        }
    }
}

fn too_many(whose: &str, wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    tracing::warn!(whose, retry_after_secs = secs, "API rate limit reached");
    let message =
        format!("Too many API requests from {whose}. Please wait {secs} seconds and try again.");
    ApiError::new(Refusal::new(429, message))
        .retry_after(secs)
        .into_response()
}

/// Attaches the caller to every API request, refusing requests past the limits, bad tokens
/// and writes by `read` tokens.
pub async fn authenticate(
    State((state, limits)): State<(AppState, Arc<ApiLimits>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let now = Instant::now();
    if let Err(wait) = limits.per_address.take(client_address(&request), now) {
        return too_many("your address", wait);
    }
    let header = match request.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => match value.to_str() {
            Ok(text) => Some(text),
            Err(_) => return ApiError::unauthorized(MALFORMED).into_response(),
        },
    };
    let credentials = Credentials::from_authorization(header);
    let presented = header.is_some();
    if presented && credentials.api_token.is_none() {
        return ApiError::unauthorized(MALFORMED).into_response();
    }
    if let Some(token) = &credentials.api_token {
        if let Err(wait) = limits.per_token.take(token.storage_key(), now) {
            return too_many("this token", wait);
        }
    }
    if !presented {
        // A visitor: no caller to resolve (a route that needs one says 401).
        return next.run(request).await;
    }
    let caller = LazyCaller::new(state.services.identity.clone(), credentials);
    let resolved = match caller.get().await {
        Ok(resolved) => resolved,
        Err(e) => return ApiError::from_service(&e).retry_after(1).into_response(),
    };
    if resolved.principal.account().is_none() {
        return ApiError::unauthorized(BAD_TOKEN).into_response();
    }
    if !is_read(request.method()) && !resolved.principal.may_write() {
        return ApiError::forbidden(READ_ONLY).into_response();
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The request's caller, as [`authenticate`] attached it; `None` for a visitor.
async fn caller(parts: &Parts) -> Result<Option<Arc<Caller>>, ApiError> {
    let Some(lazy) = parts.extensions.get::<LazyCaller>() else {
        return Ok(None);
    };
    lazy.get()
        .await
        .map(Some)
        .map_err(|e| ApiError::from_service(&e).retry_after(1))
}

/// The request's caller with an account: 401 without a token.
async fn signed_in(parts: &Parts) -> Result<Arc<Caller>, ApiError> {
    caller(parts)
        .await?
        .filter(|caller| caller.principal.account().is_some())
        .ok_or_else(|| ApiError::unauthorized(NO_TOKEN))
}

const NO_TOKEN: &str =
    "This route needs an API token: send `Authorization: Bearer <token>`, with a token from /account/api-tokens.";
const NOT_ADMIN: &str =
    "This route is for admins, with a token made with the `admin` scope by an admin account.";

/// A handler's signed-in caller, acting for itself (its own cart and orders): 401 without a
/// token.
pub struct ApiCustomer(pub Customer);

impl<S: Send + Sync> FromRequestParts<S> for ApiCustomer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        caller(parts)
            .await?
            .and_then(|caller| caller.principal.customer())
            .map(ApiCustomer)
            .ok_or_else(|| ApiError::unauthorized(NO_TOKEN))
    }
}

/// A handler's admin caller: 401 without a token, 403 for anyone but an admin whose token
/// has the `admin` scope.
pub struct ApiAdmin(pub Admin);

impl<S: Send + Sync> FromRequestParts<S> for ApiAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        signed_in(parts)
            .await?
            .principal
            .admin()
            .map(ApiAdmin)
            .ok_or_else(|| ApiError::forbidden(NOT_ADMIN))
    }
}

const NOT_STAFF: &str =
    "This route is for the support team, with a token made with the `admin` scope by a support agent or an admin.";

/// A handler's support-team caller (a support agent or an admin): 401 without a token, 403
/// for anyone else or a token without the `admin` scope.
pub struct ApiStaff(pub Staff);

impl<S: Send + Sync> FromRequestParts<S> for ApiStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        signed_in(parts)
            .await?
            .principal
            .staff()
            .map(ApiStaff)
            .ok_or_else(|| ApiError::forbidden(NOT_STAFF))
    }
}
