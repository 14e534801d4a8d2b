//! The cart, checkout and orders through the API: a customer's own, and nobody else's.

use super::{api, api_json, fields, json, problem, token_of};
use crate::support::TestApp;
use axum::http::{header, Method, StatusCode};
use domain::catalog::Product;
use domain::identity::Role;
use serde_json::{json, Value};

const ADDRESS: &str = r#"{"name":"Ada Lovelace","line1":"12 Analytical Row","city":"London","postal_code":"N1 9GU","country":"GB"}"#;

fn checkout_body() -> Value {
    json!({ "shipping_address": serde_json::from_str::<Value>(ADDRESS).unwrap() })
}

/// Two products with plenty of stock.
pub fn stocked(app: &TestApp) -> (Product, Product) {
    let snapshot = app.services.catalog.snapshot();
    let mut plenty = snapshot.products().filter(|p| p.stock >= 20).cloned();
    let first = plenty.next().expect("a product with stock");
    let second = plenty.next().expect("a second product with stock");
    (first, second)
}

fn add(token: &str, product: &Product, quantity: i64) -> axum::http::Request<axum::body::Body> {
    api_json(
        Method::POST,
        "/api/v1/cart/lines",
        Some(token),
        &json!({ "product_id": product.id.as_str(), "quantity": quantity }),
    )
}

fn checkout(token: &str, key: Option<&str>) -> axum::http::Request<axum::body::Body> {
    let mut request = api_json(
        Method::POST,
        "/api/v1/checkout",
        Some(token),
        &checkout_body(),
    );
    if let Some(key) = key {
        request
            .headers_mut()
            .insert("idempotency-key", key.parse().unwrap());
    }
    request
}

async fn stock_of(app: &TestApp, product: &Product) -> u32 {
    app.services.catalog.get(&product.id).await.unwrap().stock
}

/// A customer who has placed one order of `quantity` of `product`; its id.
pub async fn place_order(app: &TestApp, token: &str, product: &Product, quantity: i64) -> String {
    let page = app.request(add(token, product, quantity)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = uuid::Uuid::new_v4().to_string();
    let page = app.request(checkout(token, Some(&key))).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    json(&page)["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_fills_the_cart_and_a_replayed_checkout_returns_the_one_order_it_placed() {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let token = token.expose();
    let (lamp, mug) = stocked(&app);
    let before = stock_of(&app, &lamp).await;

    let cart = json(&app.request(add(token, &lamp, 1)).await);
    assert_eq!(cart["count"], 1);
    let cart = json(&app.request(add(token, &mug, 2)).await);
    assert_eq!(cart["count"], 3);
    let line = format!("/api/v1/cart/lines/{}", lamp.id.as_str());
    let page = app
        .request(api_json(
            Method::PUT,
            &line,
            Some(token),
            &json!({"quantity": 3}),
        ))
        .await;
    assert_eq!(json(&page)["count"], 5, "{}", page.body);
    let mug_line = format!("/api/v1/cart/lines/{}", mug.id.as_str());
    let page = app
        .request(api(Method::DELETE, &mug_line, Some(token)))
        .await;
    let cart = json(&page);
    assert_eq!(cart["count"], 3);
    assert_eq!(cart["lines"][0]["product_id"], lamp.id.as_str());
    assert_eq!(
        cart["lines"][0]["unit_price"]["amount_cents"],
        lamp.price.cents()
    );
    assert_eq!(cart["can_check_out"], true);

    let page = app.request(checkout(token, None)).await;
    let doc = problem(&page, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&doc), ["Idempotency-Key"]);

    let key = "api-test-checkout-0001";
    let (first, replay) = tokio::join!(
        app.request(checkout(token, Some(key))),
        app.request(checkout(token, Some(key)))
    );
    let again = app.request(checkout(token, Some(key))).await;
    for page in [&first, &replay, &again] {
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    }
    let order = json(&first);
    let id = order["id"].as_str().unwrap();
    assert_eq!(
        json(&replay)["id"],
        id,
        "a concurrent replay gets the same order"
    );
    assert_eq!(json(&again)["id"], id, "a later replay gets the same order");
    assert_eq!(first.header("location"), format!("/api/v1/orders/{id}"));
    assert_eq!(order["status"], "pending");
    assert_eq!(order["cancellable"], true);
    assert_eq!(order["lines"][0]["quantity"], 3);
    let total = order["totals"]["total"]["amount_cents"].as_i64().unwrap();
    assert!(total >= 3 * lamp.price.cents());
    assert_eq!(
        stock_of(&app, &lamp).await,
        before - 3,
        "stock was taken once"
    );

    let cart = json(
        &app.request(api(Method::GET, "/api/v1/cart", Some(token)))
            .await,
    );
    assert_eq!(cart["count"], 0, "the cart was emptied");
    let page = app
        .request(checkout(token, Some("api-test-checkout-0002")))
        .await;
    problem(&page, StatusCode::CONFLICT);

    let list = json(
        &app.request(api(Method::GET, "/api/v1/orders", Some(token)))
            .await,
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["next_cursor"], Value::Null);
    let one = app
        .request(api(
            Method::GET,
            &format!("/api/v1/orders/{id}"),
            Some(token),
        ))
        .await;
    assert_eq!(json(&one)["number"], order["number"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_customers_order_and_cart_are_as_missing_as_an_order_that_never_was() {
    let app = TestApp::spawn().await;
    let (ada, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (bob, _) = token_of(&app, "bob@api.test", Role::Customer, "read-write").await;
    let (lamp, mug) = stocked(&app);
    let order = place_order(&app, ada.expose(), &lamp, 1).await;
    app.request(add(ada.expose(), &mug, 1)).await;

    let theirs = app
        .request(api(
            Method::GET,
            &format!("/api/v1/orders/{order}"),
            Some(bob.expose()),
        ))
        .await;
    let never = app
        .request(api(
            Method::GET,
            &format!("/api/v1/orders/{}", uuid::Uuid::new_v4()),
            Some(bob.expose()),
        ))
        .await;
    let theirs = problem(&theirs, StatusCode::NOT_FOUND);
    let never = problem(&never, StatusCode::NOT_FOUND);
    assert_eq!(theirs["detail"], never["detail"]);
    let cancel = app
        .request(api(
            Method::POST,
            &format!("/api/v1/orders/{order}/cancel"),
            Some(bob.expose()),
        ))
        .await;
    problem(&cancel, StatusCode::NOT_FOUND);

    let bobs_cart = json(
        &app.request(api(Method::GET, "/api/v1/cart", Some(bob.expose())))
            .await,
    );
    assert_eq!(bobs_cart["count"], 0, "{bobs_cart}");
    let mug_line = format!("/api/v1/cart/lines/{}", mug.id.as_str());
    let page = app
        .request(api_json(
            Method::PUT,
            &mug_line,
            Some(bob.expose()),
            &json!({"quantity": 5}),
        ))
        .await;
    problem(&page, StatusCode::NOT_FOUND);
    let bobs_orders = json(
        &app.request(api(Method::GET, "/api/v1/orders", Some(bob.expose())))
            .await,
    );
    assert_eq!(bobs_orders["items"], json!([]));

    let adas = app
        .request(api(
            Method::GET,
            &format!("/api/v1/orders/{order}"),
            Some(ada.expose()),
        ))
        .await;
    assert_eq!(
        json(&adas)["status"],
        "pending",
        "untouched by the other customer"
    );
    let adas_cart = json(
        &app.request(api(Method::GET, "/api/v1/cart", Some(ada.expose())))
            .await,
    );
    assert_eq!(adas_cart["count"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_returns_the_stock_once_and_a_second_cancel_is_a_conflict() {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (lamp, _) = stocked(&app);
    let before = stock_of(&app, &lamp).await;
    let order = place_order(&app, token.expose(), &lamp, 2).await;
    assert_eq!(stock_of(&app, &lamp).await, before - 2);

    let path = format!("/api/v1/orders/{order}/cancel");
    let page = app
        .request(api(Method::POST, &path, Some(token.expose())))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cancelled = json(&page);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancellable"], false);
    assert_eq!(
        cancelled["history"].as_array().unwrap().last().unwrap()["by"],
        "customer"
    );
    let page = app
        .request(api(Method::POST, &path, Some(token.expose())))
        .await;
    problem(&page, StatusCode::CONFLICT);
    assert_eq!(
        stock_of(&app, &lamp).await,
        before,
        "the stock came back once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_page_by_cursor_to_the_end() {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (lamp, _) = stocked(&app);
    let mut placed = Vec::new();
    for _ in 0..3 {
        placed.push(place_order(&app, token.expose(), &lamp, 1).await);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/orders?limit=2".to_owned();
    for _ in 0..5 {
        let page = json(
            &app.request(api(Method::GET, &path, Some(token.expose())))
                .await,
        );
        for order in page["items"].as_array().unwrap() {
            seen.push(order["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/orders?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    placed.reverse();
    assert_eq!(seen, placed, "every order once, newest first");

    let page = app
        .request(api(
            Method::GET,
            "/api/v1/orders?limit=51&cursor=nope",
            Some(token.expose()),
        ))
        .await;
    let doc = problem(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&doc), ["limit", "cursor"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_with_unknown_fields_wrong_types_bad_json_or_too_many_bytes_are_refused_with_4xx() {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let token = token.expose();
    let (lamp, _) = stocked(&app);
    let lines = "/api/v1/cart/lines";
    let id = lamp.id.as_str();

    let cases: [(Value, &str); 5] = [
        (
            json!({"product_id": id, "quantity": 1, "price": 1}),
            "price",
        ),
        (json!({"product_id": id, "quantity": "two"}), "quantity"),
        (json!({"product_id": id}), "quantity"),
        (json!({"product_id": id, "quantity": 100}), "quantity"),
        (json!({"product_id": "lamp", "quantity": 1}), "product_id"),
    ];
    for (body, field) in cases {
        let page = app
            .request(api_json(Method::POST, lines, Some(token), &body))
            .await;
        let doc = problem(&page, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&doc), [field], "{body}");
    }
    let mut bad_json = api_json(Method::POST, lines, Some(token), &json!({}));
    *bad_json.body_mut() = axum::body::Body::from("{\"product_id\":");
    problem(&app.request(bad_json).await, StatusCode::BAD_REQUEST);

    let mut no_type = api_json(Method::POST, lines, Some(token), &json!({}));
    no_type.headers_mut().remove(header::CONTENT_TYPE);
    problem(
        &app.request(no_type).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    );

    let huge = json!({"product_id": id, "quantity": 1, "pad": "x".repeat(100_000)});
    let page = app
        .request(api_json(Method::POST, lines, Some(token), &huge))
        .await;
    problem(&page, StatusCode::PAYLOAD_TOO_LARGE);

    let page = app
        .request(api_json(
            Method::POST,
            "/api/v1/checkout",
            Some(token),
            &json!({"shipping_address": {"name": "", "line1": "x", "city": "y", "postal_code": "z", "country": "GB"}}),
        ))
        .await;
    // The key is checked first: an address is only read for a checkout that can be retried.
    problem(&page, StatusCode::BAD_REQUEST);
    let cart = json(
        &app.request(api(Method::GET, "/api/v1/cart", Some(token)))
            .await,
    );
    assert_eq!(cart["count"], 0, "nothing refused was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_field_at_fault_is_named_and_nothing_is_ordered() {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (lamp, _) = stocked(&app);
    app.request(add(token.expose(), &lamp, 1)).await;
    let mut request = api_json(
        Method::POST,
        "/api/v1/checkout",
        Some(token.expose()),
        &json!({"shipping_address": {"name": "Ada", "line1": "", "city": "London", "postal_code": "N1", "country": "GB"}}),
    );
    request
        .headers_mut()
        .insert("idempotency-key", "api-test-bad-address-1".parse().unwrap());
    let doc = problem(
        &app.request(request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["shipping_address.line1"]);
    let orders = json(
        &app.request(api(Method::GET, "/api/v1/orders", Some(token.expose())))
            .await,
    );
    assert_eq!(orders["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cart_needs_a_token_and_a_read_token_may_look_but_not_change_it() {
    let app = TestApp::spawn().await;
    let (lamp, _) = stocked(&app);
    let page = app.request(api(Method::GET, "/api/v1/cart", None)).await;
    problem(&page, StatusCode::UNAUTHORIZED);
    assert!(page.header("www-authenticate").starts_with("Bearer"));

    let (read, _) = token_of(&app, "reader@api.test", Role::Customer, "read").await;
    let page = app
        .request(api(Method::GET, "/api/v1/cart", Some(read.expose())))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    problem(
        &app.request(add(read.expose(), &lamp, 1)).await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &app.request(checkout(read.expose(), Some("api-test-read-only-01")))
            .await,
        StatusCode::FORBIDDEN,
    );
}
