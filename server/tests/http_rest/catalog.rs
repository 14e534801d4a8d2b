//! The public catalog, tokens, problem documents and the OpenAPI document.

use super::{api, json, problem, token_for};
use crate::support::{session_for, TestApp};
use axum::http::{header, Method, StatusCode};
use domain::identity::{ApiToken, Email, NewApiToken, Role};
use server::limits::HttpLimits;
use std::collections::HashSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_pages_by_cursor_to_the_end_without_a_token() {
    let app = TestApp::spawn().await;
    let mut seen = HashSet::new();
    let mut path = "/api/v1/products?limit=7&sort=price-asc".to_owned();
    let mut last_price = i64::MIN;
    let total = loop {
        let page = app.request(api(Method::GET, &path, None)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.header("content-type"), "application/json");
        let body = json(&page);
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        for item in items {
            let cents = item["price"]["amount_cents"].as_i64().unwrap();
            assert!(cents >= last_price, "sorted by price");
            last_price = cents;
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_owned()),
                "no repeats"
            );
            assert!(item["page_url"]
                .as_str()
                .unwrap()
                .starts_with("https://shop.example/products/"));
        }
        match body["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/products?limit=7&sort=price-asc&cursor={cursor}")
            }
            None => break body["total"].as_u64().unwrap(),
        }
    };
    assert_eq!(seen.len() as u64, total);
    assert_eq!(
        total as usize,
        app.services.catalog.snapshot().products().len()
    );

    let one = app.any_product();
    let page = app
        .request(api(
            Method::GET,
            &format!("/api/v1/products/{}", one.slug.as_str()),
            None,
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(json(&page)["name"], one.name);

    let page = app
        .request(api(Method::GET, "/api/v1/categories", None))
        .await;
    let counted: u64 = json(&page)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["product_count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_unknown_things_and_wrong_methods_are_problem_documents() {
    let app = TestApp::spawn().await;
    let page = app
        .request(api(
            Method::GET,
            "/api/v1/products?limit=0&category=gadgets&cursor=zz",
            None,
        ))
        .await;
    let doc = problem(&page, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["category", "limit", "cursor"]);

    let page = app
        .request(api(Method::GET, "/api/v1/products/no-such-thing", None))
        .await;
    problem(&page, StatusCode::NOT_FOUND);
    let page = app
        .request(api(Method::GET, "/api/v1/nothing/here", None))
        .await;
    problem(&page, StatusCode::NOT_FOUND);
    let page = app
        .request(api(Method::DELETE, "/api/v1/categories", None))
        .await;
    problem(&page, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.header("allow").contains("GET"), "{:?}", page.headers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_is_sent_is_checked_even_on_public_routes() {
    let app = TestApp::spawn().await;
    let unknown = ApiToken::generate();
    for token in ["not-a-token", unknown.expose()] {
        let page = app
            .request(api(Method::GET, "/api/v1/products", Some(token)))
            .await;
        problem(&page, StatusCode::UNAUTHORIZED);
        assert!(page.header("www-authenticate").starts_with("Bearer"));
    }
    let mut basic = api(Method::GET, "/api/v1/products", None);
    basic
        .headers_mut()
        .insert(header::AUTHORIZATION, "Basic dXNlcjpwYXNz".parse().unwrap());
    problem(&app.request(basic).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_works_until_it_is_revoked_and_its_use_is_recorded() {
    let app = TestApp::spawn().await;
    let (token, id) = token_for(&app, Role::Customer, "read-write").await;
    let page = app
        .request(api(Method::GET, "/api/v1/products", Some(token.expose())))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    let email = Email::parse("customer@access.test").unwrap();
    let identity = &app.services.identity;
    let owner = identity.customer_by_email(&email).await.unwrap();
    let listed = identity.api_tokens(&owner).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "its use is recorded");
    assert_eq!(listed[0].hint, token.hint());

    identity.revoke_api_token(&owner, &id).await.unwrap();
    let page = app
        .request(api(Method::GET, "/api/v1/products", Some(token.expose())))
        .await;
    problem(&page, StatusCode::UNAUTHORIZED);
    assert!(identity.api_tokens(&owner).await.unwrap().is_empty());
    assert!(
        identity.revoke_api_token(&owner, &id).await.is_err(),
        "a revoked token cannot be revoked again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_token_is_refused_writes_and_only_staff_make_admin_tokens() {
    let app = TestApp::spawn().await;
    let (read, _) = token_for(&app, Role::Customer, "read").await;
    let page = app
        .request(api(Method::POST, "/api/v1/products", Some(read.expose())))
        .await;
    problem(&page, StatusCode::FORBIDDEN);

    session_for(&app, Role::Customer).await;
    let shopper = Email::parse("customer@access.test").unwrap();
    let identity = &app.services.identity;
    let owner = identity.customer_by_email(&shopper).await.unwrap();
    let admin_scope = NewApiToken::parse("console", "admin", "1").unwrap();
    assert!(identity
        .create_api_token(&owner, admin_scope.clone())
        .await
        .is_err());
    let (support_token, _) = token_for(&app, Role::Support, "admin").await;
    assert!(support_token.expose().starts_with("cmk_"));
    let (admin_token, _) = token_for(&app, Role::Admin, "admin").await;
    assert!(admin_token.expose().starts_with("cmk_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_api_limit_a_client_is_told_when_to_come_back() {
    let app = TestApp::with_limits(HttpLimits {
        api_requests_per_minute: 3,
        ..HttpLimits::default()
    })
    .await;
    for _ in 0..3 {
        let page = app
            .request(api(Method::GET, "/api/v1/categories", None))
            .await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let page = app
        .request(api(Method::GET, "/api/v1/categories", None))
        .await;
    problem(&page, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = page
        .header("retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(
        app.get("/").await.status,
        StatusCode::OK,
        "the storefront is not counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_3_1_and_documents_every_route_and_refusal() {
    let app = TestApp::spawn().await;
    let page = app.get("/api/v1/openapi.json").await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = json(&page);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/products", "get"),
        ("/api/v1/products/{slug}", "get"),
        ("/api/v1/categories", "get"),
        ("/api/v1/cart", "get"),
        ("/api/v1/cart/lines", "post"),
        ("/api/v1/cart/lines/{product_id}", "put"),
        ("/api/v1/cart/lines/{product_id}", "delete"),
        ("/api/v1/checkout", "post"),
        ("/api/v1/orders", "get"),
        ("/api/v1/orders/{id}", "get"),
        ("/api/v1/orders/{id}/cancel", "post"),
        ("/api/v1/admin/products", "get"),
        ("/api/v1/admin/products", "post"),
        ("/api/v1/admin/products/{id}", "get"),
        ("/api/v1/admin/products/{id}", "patch"),
        ("/api/v1/admin/products/{id}/status", "put"),
        ("/api/v1/admin/products/{id}/stock", "post"),
        ("/api/v1/admin/orders", "get"),
        ("/api/v1/admin/orders/{id}", "get"),
        ("/api/v1/admin/orders/{id}/status", "post"),
        ("/api/v1/admin/users", "get"),
        ("/api/v1/admin/users/{id}", "get"),
        ("/api/v1/admin/users/{id}", "patch"),
        ("/api/v1/support/tickets", "get"),
        ("/api/v1/support/tickets", "post"),
        ("/api/v1/support/tickets/{id}", "get"),
        ("/api/v1/support/tickets/{id}/messages", "post"),
        ("/api/v1/desk/queue", "get"),
        ("/api/v1/desk/tickets/{id}", "get"),
        ("/api/v1/desk/tickets/{id}/take", "post"),
        ("/api/v1/desk/tickets/{id}/messages", "post"),
        ("/api/v1/desk/tickets/{id}/status", "post"),
        ("/api/v1/assistant/conversation", "get"),
        ("/api/v1/assistant/conversation", "post"),
        ("/api/v1/assistant/conversation/messages", "post"),
        ("/api/v1/assistant/conversation/cancellations", "post"),
        ("/api/v1/assistant/conversation/handoff", "post"),
    ];
    let documented: usize = paths
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(documented, expected.len(), "every route, and only those");
    for (path, method) in expected {
        let operation = &paths[path][method];
        let mut statuses = vec!["200", "401", "429", "500", "503"];
        if method != "get" {
            statuses.extend(["403", "413", "415"]);
        }
        for status in statuses {
            let documented = operation["responses"].get(status).is_some()
                || (status == "200" && operation["responses"].get("201").is_some());
            assert!(documented, "{method} {path} documents {status}");
        }
    }
    assert!(doc["components"]["schemas"]["ProblemDoc"].is_object());
    assert!(doc["components"]["securitySchemes"]["token"].is_object());

    let page = app.get("/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("/api/v1/products/{slug}"));
    assert!(page.body.contains("/api/v1/admin/products/{id}/stock"));
    assert!(page.body.contains("Needs an admin's token"));
    assert!(page
        .body
        .contains("Needs a support agent's or an admin's token"));
    assert!(page.body.contains("No token needed."));
    assert!(
        page.body
            .contains("Every field of <a href=\"#schema-ApiProduct\">ApiProduct</a>"),
        "a flattened schema names what it includes"
    );
    let css = app.get("/api/docs.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
}
