//! The console's work through the API: only an admin's `admin` token does it, and every
//! change lands in the same audit history as the console's.

use super::{api, api_json, fields, json, problem, token_for, token_of};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use domain::audit::{AuditLog, Target, TargetKind};
use domain::identity::Role;
use serde_json::{json, Value};

async fn history(app: &TestApp, kind: TargetKind, id: &str) -> Vec<String> {
    let target = Target {
        kind,
        id: id.to_owned(),
        label: String::new(),
    };
    AuditLog::new(app.services.store.clone())
        .history(&target, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_admin_with_an_admin_token_reaches_the_console_routes() {
    let app = TestApp::spawn().await;
    let (customer, _) = token_for(&app, Role::Customer, "read-write").await;
    let (support, _) = token_for(&app, Role::Support, "read-write").await;
    let (admin_rw, _) = token_of(&app, "ops@api.test", Role::Admin, "read-write").await;
    let (desk, _) = token_of(&app, "agent@api.test", Role::Support, "admin").await;
    let (admin, _) = token_of(&app, "boss@api.test", Role::Admin, "admin").await;
    for path in [
        "/api/v1/admin/products",
        "/api/v1/admin/orders",
        "/api/v1/admin/users",
    ] {
        problem(
            &app.request(api(Method::GET, path, None)).await,
            StatusCode::UNAUTHORIZED,
        );
        for token in [&customer, &support, &admin_rw, &desk] {
            let page = app
                .request(api(Method::GET, path, Some(token.expose())))
                .await;
            problem(&page, StatusCode::FORBIDDEN);
        }
        let page = app
            .request(api(Method::GET, path, Some(admin.expose())))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_edits_withdraws_and_restocks_a_product_and_each_change_is_audited() {
    let app = TestApp::spawn().await;
    let (admin, _) = token_of(&app, "boss@api.test", Role::Admin, "admin").await;
    let token = Some(admin.expose());
    let new = json!({
        "name": "Harbour Rain Jacket", "description": "Taped seams.", "price_cents": 8900,
        "category": "fashion", "status": "active", "stock": 12
    });
    let page = app
        .request(api_json(
            Method::POST,
            "/api/v1/admin/products",
            token,
            &new,
        ))
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let product = json(&page);
    let id = product["id"].as_str().unwrap().to_owned();
    assert_eq!(
        page.header("location"),
        format!("/api/v1/admin/products/{id}")
    );
    assert_eq!(product["slug"], "harbour-rain-jacket");
    assert_eq!(product["stock_count"], 12);
    let public = app
        .request(api(
            Method::GET,
            "/api/v1/products/harbour-rain-jacket",
            None,
        ))
        .await;
    assert_eq!(public.status, StatusCode::OK, "it is on sale at once");

    let again = app
        .request(api_json(
            Method::POST,
            "/api/v1/admin/products",
            token,
            &new,
        ))
        .await;
    let doc = problem(&again, StatusCode::CONFLICT);
    assert_eq!(fields(&doc), ["slug"]);
    let bad = json!({"name": "", "price_cents": -1, "category": "hats", "stock": -2});
    let page = app
        .request(api_json(
            Method::POST,
            "/api/v1/admin/products",
            token,
            &bad,
        ))
        .await;
    let doc = problem(&page, StatusCode::UNPROCESSABLE_ENTITY);
    let mut named = fields(&doc);
    named.sort();
    assert_eq!(named, ["category", "name", "price_cents", "stock"]);

    let listed_price =
        |page: &crate::support::Page| json(page)["items"][0]["price"]["amount_cents"].clone();
    let search = "/api/v1/products?q=harbour+rain";
    let before = app.request(api(Method::GET, search, None)).await;
    assert_eq!(listed_price(&before), 8900, "{}", before.body);
    let path = format!("/api/v1/admin/products/{id}");
    let page = app
        .request(api_json(
            Method::PATCH,
            &path,
            token,
            &json!({"price_cents": 7900}),
        ))
        .await;
    let edited = json(&page);
    assert_eq!(edited["price"]["amount_cents"], 7900, "{edited}");
    assert_eq!(
        edited["name"], "Harbour Rain Jacket",
        "fields not sent stay"
    );
    let after = app.request(api(Method::GET, search, None)).await;
    assert_eq!(
        listed_price(&after),
        7900,
        "a kept list answer is never stale"
    );

    let stock = format!("{path}/stock");
    let page = app
        .request(api_json(
            Method::POST,
            &stock,
            token,
            &json!({"mode": "delta", "amount": -5, "reason": "Water damage"}),
        ))
        .await;
    assert_eq!(json(&page)["stock_count"], 7, "{}", page.body);
    let page = app
        .request(api_json(
            Method::POST,
            &stock,
            token,
            &json!({"mode": "delta", "amount": -50, "reason": "Too many"}),
        ))
        .await;
    assert_eq!(
        fields(&problem(&page, StatusCode::UNPROCESSABLE_ENTITY)),
        ["amount"]
    );
    let page = app
        .request(api_json(
            Method::POST,
            &stock,
            token,
            &json!({"mode": "set", "amount": 3}),
        ))
        .await;
    assert_eq!(
        fields(&problem(&page, StatusCode::UNPROCESSABLE_ENTITY)),
        ["reason"]
    );

    let page = app
        .request(api_json(
            Method::PUT,
            &format!("{path}/status"),
            token,
            &json!({"status": "archived"}),
        ))
        .await;
    assert_eq!(json(&page)["status"], "archived", "{}", page.body);
    let public = app
        .request(api(
            Method::GET,
            "/api/v1/products/harbour-rain-jacket",
            None,
        ))
        .await;
    problem(&public, StatusCode::NOT_FOUND);
    let listed = json(
        &app.request(api(
            Method::GET,
            "/api/v1/admin/products?status=archived",
            token,
        ))
        .await,
    );
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == id.as_str()));

    let actions = history(&app, TargetKind::Product, &id).await;
    for action in ["product.created", "product.edited", "stock.adjusted"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    assert!(actions.len() >= 4, "{actions:?}");

    let missing = format!("/api/v1/admin/products/{}", uuid::Uuid::new_v4());
    problem(
        &app.request(api(Method::GET, &missing, token)).await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_moves_orders_through_the_status_machine_only() {
    let app = TestApp::spawn().await;
    let (admin, _) = token_of(&app, "boss@api.test", Role::Admin, "admin").await;
    let (customer, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let product = app
        .services
        .catalog
        .snapshot()
        .products()
        .find(|p| p.stock >= 5)
        .cloned()
        .unwrap();
    let line = json!({"product_id": product.id.as_str(), "quantity": 1});
    app.request(api_json(
        Method::POST,
        "/api/v1/cart/lines",
        Some(customer.expose()),
        &line,
    ))
    .await;
    let mut checkout = api_json(
        Method::POST,
        "/api/v1/checkout",
        Some(customer.expose()),
        &json!({"shipping_address": {"name": "Ada", "line1": "1 Row", "city": "London", "postal_code": "N1", "country": "GB"}}),
    );
    checkout
        .headers_mut()
        .insert("idempotency-key", "admin-test-order-0001".parse().unwrap());
    let order = json(&app.request(checkout).await);
    let id = order["id"].as_str().unwrap().to_owned();

    let token = Some(admin.expose());
    let pending = json(
        &app.request(api(
            Method::GET,
            "/api/v1/admin/orders?status=pending&email=ada@api.test",
            token,
        ))
        .await,
    );
    assert_eq!(pending["items"][0]["id"], id.as_str(), "{pending}");
    let page = app
        .request(api(
            Method::GET,
            "/api/v1/admin/orders?status=lost&from=yesterday&sort=up",
            token,
        ))
        .await;
    let mut named = fields(&problem(&page, StatusCode::UNPROCESSABLE_ENTITY));
    named.sort();
    assert_eq!(named, ["from", "sort", "status"]);
    let backwards = app
        .request(api(
            Method::GET,
            "/api/v1/admin/orders?from=5938-11-23&to=3853-11-17",
            token,
        ))
        .await;
    assert_eq!(
        fields(&problem(&backwards, StatusCode::UNPROCESSABLE_ENTITY)),
        ["to"]
    );

    let path = format!("/api/v1/admin/orders/{id}/status");
    let skip = app
        .request(api_json(
            Method::POST,
            &path,
            token,
            &json!({"status": "delivered"}),
        ))
        .await;
    problem(&skip, StatusCode::CONFLICT);
    for status in ["processing", "shipped"] {
        let page = app
            .request(api_json(
                Method::POST,
                &path,
                token,
                &json!({"status": status, "reason": "API test"}),
            ))
            .await;
        assert_eq!(json(&page)["status"], status, "{}", page.body);
    }
    let cancel = app
        .request(api_json(
            Method::POST,
            &path,
            token,
            &json!({"status": "cancelled"}),
        ))
        .await;
    problem(&cancel, StatusCode::CONFLICT);
    let seen = json(
        &app.request(api(
            Method::GET,
            &format!("/api/v1/admin/orders/{id}"),
            token,
        ))
        .await,
    );
    let history: Vec<&Value> = seen["history"].as_array().unwrap().iter().collect();
    assert_eq!(history.last().unwrap()["by"], "staff");
    let audited = self::history(&app, TargetKind::Order, &id).await;
    assert_eq!(
        audited.iter().filter(|a| *a == "order.status").count(),
        2,
        "{audited:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_disables_an_account_and_its_token_stops_at_once() {
    let app = TestApp::spawn().await;
    let (admin, _) = token_of(&app, "boss@api.test", Role::Admin, "admin").await;
    let (customer, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let token = Some(admin.expose());
    let page = json(
        &app.request(api(Method::GET, "/api/v1/admin/users?q=ada", token))
            .await,
    );
    let user = &page["items"][0];
    assert_eq!(user["email"], "ada@api.test", "{page}");
    let path = format!("/api/v1/admin/users/{}", user["id"].as_str().unwrap());
    assert_eq!(
        app.request(api(Method::GET, "/api/v1/cart", Some(customer.expose())))
            .await
            .status,
        StatusCode::OK
    );

    let both = app
        .request(api_json(
            Method::PATCH,
            &path,
            token,
            &json!({"role": "admin", "disabled": true}),
        ))
        .await;
    problem(&both, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app
        .request(api_json(
            Method::PATCH,
            &path,
            token,
            &json!({"disabled": true}),
        ))
        .await;
    assert_eq!(json(&page)["disabled"], true, "{}", page.body);
    let refused = app
        .request(api(Method::GET, "/api/v1/cart", Some(customer.expose())))
        .await;
    problem(&refused, StatusCode::UNAUTHORIZED);

    let page = app
        .request(api_json(
            Method::PATCH,
            &path,
            token,
            &json!({"role": "support"}),
        ))
        .await;
    assert_eq!(json(&page)["role"], "support");
    let id = path.rsplit('/').next().unwrap();
    let actions = history(&app, TargetKind::User, id).await;
    assert!(actions.contains(&"user.disabled".to_owned()), "{actions:?}");
    assert!(actions.contains(&"user.role".to_owned()), "{actions:?}");

    let mut all = Vec::new();
    let mut next = "/api/v1/admin/users?role=admin&limit=1".to_owned();
    for _ in 0..10 {
        let page = json(&app.request(api(Method::GET, &next, token)).await);
        all.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["email"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                next = format!("/api/v1/admin/users?role=admin&limit=1&cursor={cursor}")
            }
            None => break,
        }
    }
    assert!(all.contains(&json!("boss@api.test")), "{all:?}");
    let bad = app
        .request(api(
            Method::GET,
            "/api/v1/admin/users?role=king&cursor=zz",
            token,
        ))
        .await;
    let mut named = fields(&problem(&bad, StatusCode::UNPROCESSABLE_ENTITY));
    named.sort();
    assert_eq!(named, ["cursor", "role"]);
}
