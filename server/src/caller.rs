//! The only code in the server that reads credentials: a middleware puts a [`LazyCaller`]
//! on every request (server functions and pages find it through Leptos' request parts), and
//! thin extractors hand raw endpoints the capability they need, or the refusal.

use crate::problem;
use crate::router::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::caller::{Caller, Credentials, LazyCaller};
use domain::identity::{Admin, ADMINS_ONLY};
use domain::refusal::{explain, Refusal};
use std::sync::Arc;

/// Reads the request's credentials once and attaches the caller, unresolved: the session is
/// looked up only if something asks (static files never do).
pub async fn attach(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let credentials = credentials(request.headers());
    let caller = LazyCaller::new(state.services.identity.clone(), credentials);
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The credentials in a request's headers (its `Cookie`s; API tokens join them with the REST
/// API).
pub fn credentials(headers: &axum::http::HeaderMap) -> Credentials {
    let cookies: Vec<&str> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    Credentials::from_cookies(cookies)
}

/// The request's caller, resolved.
async fn resolved(parts: &Parts) -> Result<Arc<Caller>, Response> {
    let Some(lazy) = parts.extensions.get::<LazyCaller>() else {
        tracing::error!("no caller on the request: is the caller middleware installed?");
        return Err(problem::respond(parts, &Refusal::internal()));
    };
    lazy.get()
        .await
        .map_err(|e| problem::respond(parts, &explain(&e)))
}

/// An admin, for raw endpoints: a visitor is sent to sign in (and back to the console page
/// the request came from), anyone else gets 403.
pub struct RequireAdmin(pub Admin);

impl<S: Send + Sync> FromRequestParts<S> for RequireAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let caller = resolved(parts).await?;
        if let Some(admin) = caller.principal.admin() {
            return Ok(Self(admin));
        }
        if caller.principal.account().is_none() {
            let next = console_page(parts);
            return Err(Redirect::to(&format!("/account/sign-in?next={next}")).into_response());
        }
        Err(problem::respond(parts, &Refusal::new(403, ADMINS_ONLY)))
    }
}

/// The console page to come back to after signing in: the page a download was asked for, or
/// the one a form was posted from.
fn console_page(parts: &Parts) -> String {
    let path = if parts.method == Method::GET {
        parts.uri.path()
    } else {
        parts
            .headers
            .get(header::REFERER)
            .and_then(|r| r.to_str().ok())
            .and_then(|r| r.split_once("://"))
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/admin")
    };
    let page = path.split(['?', '#']).next().unwrap_or("/admin");
    let page = page.strip_suffix(".csv").unwrap_or(page);
    if page.starts_with("/admin") && page.bytes().all(|b| b.is_ascii_graphic()) {
        page.to_owned()
    } else {
        "/admin".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: Method, uri: &str, referer: Option<&str>) -> Parts {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(r) = referer {
            b = b.header(header::REFERER, r);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_visitor_comes_back_to_the_console_page_they_were_on() {
        assert_eq!(
            console_page(&parts(
                Method::GET,
                "/admin/orders.csv?status=pending",
                None
            )),
            "/admin/orders"
        );
        assert_eq!(
            console_page(&parts(
                Method::POST,
                "/admin/catalog/import",
                Some("https://shop.example/admin/catalog?x=1")
            )),
            "/admin/catalog"
        );
        assert_eq!(
            console_page(&parts(
                Method::POST,
                "/admin/catalog/import",
                Some("https://evil.example//evil.example")
            )),
            "/admin"
        );
    }
}
