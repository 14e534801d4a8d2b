//! Who is calling, for server functions and pages: the [`LazyCaller`] the server put on the
//! request, resolved once however many server functions a page calls. Nothing here reads a
//! cookie; the server's middleware did that once.

use crate::forms::FormError;
use domain::caller::{Caller, LazyCaller};
use domain::identity::{Admin, Customer, Principal, ADMINS_ONLY};
use leptos::prelude::*;
use std::sync::Arc;

/// The request's caller.
pub async fn caller() -> Result<Arc<Caller>, FormError> {
    let lazy = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<LazyCaller>().cloned());
    match lazy {
        Some(lazy) => Ok(lazy.get().await?),
        None => {
            tracing::error!("no caller on the request: is the caller middleware installed?");
            Err(FormError::Failed(domain::refusal::INTERNAL_MESSAGE.into()))
        }
    }
}

/// The request's principal.
pub async fn principal() -> Result<Principal, FormError> {
    Ok(caller().await?.principal.clone())
}

/// Sends a visitor to sign in and come back to `return_to`: a browser is redirected there; an
/// island's call is answered 401 and told where to go.
fn sign_in_first(return_to: &str) -> FormError {
    leptos_axum::redirect(&format!("/account/sign-in?next={return_to}"));
    let error = FormError::Refused("Please sign in first.".into());
    if crate::forms::accepts_html() {
        error
    } else {
        crate::forms::reject(error, http::StatusCode::UNAUTHORIZED)
    }
}

/// The signed-in customer; a visitor is sent to sign in and come back to `return_to`.
pub async fn require_customer(return_to: &str) -> Result<Customer, FormError> {
    principal()
        .await?
        .customer()
        .ok_or_else(|| sign_in_first(return_to))
}

/// The signed-in support agent or admin, acting as staff. A visitor is sent to sign in and
/// come back; a customer gets 403.
pub async fn require_staff(return_to: &str) -> Result<domain::identity::Staff, FormError> {
    let principal = principal().await?;
    if let Some(staff) = principal.staff() {
        return Ok(staff);
    }
    if principal.account().is_none() {
        return Err(sign_in_first(return_to));
    }
    Err(crate::forms::reject(
        FormError::Refused(STAFF_ONLY.into()),
        http::StatusCode::FORBIDDEN,
    ))
}

/// What a customer is told at the support desk's door.
pub const STAFF_ONLY: &str = "This page is for the support team.";

/// The signed-in admin. A visitor is sent to sign in and come back; anyone else gets 403.
pub async fn require_admin(return_to: &str) -> Result<Admin, FormError> {
    let principal = principal().await?;
    if let Some(admin) = principal.admin() {
        return Ok(admin);
    }
    if principal.account().is_none() {
        return Err(sign_in_first(return_to));
    }
    Err(crate::forms::reject(
        FormError::Refused(ADMINS_ONLY.into()),
        http::StatusCode::FORBIDDEN,
    ))
}
