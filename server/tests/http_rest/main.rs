//! The REST API over the real router and a fresh dynoxide store, one module per domain:
//! the public catalog, tokens, problem documents and the OpenAPI document ([`catalog`]); the
//! cart, checkout and orders ([`shopping`]); the console's work ([`admin`]); support tickets
//! and the desk ([`tickets`]); the assistant ([`assistant`]).

#[path = "../support/mod.rs"]
mod support;

mod admin;
mod assistant;
mod catalog;
mod shopping;
mod tickets;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use domain::identity::{ApiToken, Email, NewApiToken, Role};
use serde_json::Value;
use support::{Page, TestApp};

pub fn api(method: Method, path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

/// A request with a JSON body.
pub fn api_json(method: Method, path: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    let mut request = api(method, path, token);
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    *request.body_mut() = Body::from(body.to_string());
    request
}

pub fn json(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

/// Asserts `page` is a problem document with `status`, and returns it.
pub fn problem(page: &Page, status: StatusCode) -> Value {
    assert_eq!(page.status, status, "{}", page.body);
    assert_eq!(page.header("content-type"), "application/problem+json");
    let doc = json(page);
    assert_eq!(doc["status"], status.as_u16());
    assert_eq!(doc["type"], "about:blank");
    assert!(doc["detail"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(doc["request_id"].as_str().is_some(), "{doc}");
    doc
}

/// The fields a problem document names, in order.
pub fn fields(doc: &Value) -> Vec<String> {
    doc["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A token for a fresh account with `role` (`<role>@access.test`).
pub async fn token_for(app: &TestApp, role: Role, scope: &str) -> (ApiToken, String) {
    let email = format!("{}@access.test", role.as_str());
    token_of(app, &email, role, scope).await
}

/// A token for the account `email` (made with `role` if it does not exist).
pub async fn token_of(app: &TestApp, email: &str, role: Role, scope: &str) -> (ApiToken, String) {
    let identity = &app.services.identity;
    let form = domain::identity::SignUp::parse("Api Tester", email, "api test password").unwrap();
    identity.ensure_account(form, role).await.unwrap();
    let owner = identity
        .customer_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap();
    let new = NewApiToken::parse("tests", scope, "7").unwrap();
    let (summary, token) = identity.create_api_token(&owner, new).await.unwrap();
    (token, summary.id)
}
