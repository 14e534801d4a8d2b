//! The assistant through the API: the account's own conversation, cards from the catalog, a
//! cancel only when the customer confirms it, and the hand-off to the desk.

use super::shopping::{place_order, stocked};
use super::{api, api_json, fields, json, problem, token_of};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use domain::identity::Role;
use serde_json::json;

fn say(token: &str, message: &str) -> axum::http::Request<axum::body::Body> {
    api_json(
        Method::POST,
        "/api/v1/assistant/conversation/messages",
        Some(token),
        &json!({ "message": message }),
    )
}

async fn order_status(app: &TestApp, token: &str, id: &str) -> String {
    let page = app
        .request(api(
            Method::GET,
            &format!("/api/v1/orders/{id}"),
            Some(token),
        ))
        .await;
    json(&page)["status"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_talks_to_the_assistant_through_the_api_and_an_order_is_cancelled_only_when_confirmed(
) {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "chat@api.test", Role::Customer, "read-write").await;
    let token = token.expose();
    let (product, _) = stocked(&app);
    let id = place_order(&app, token, &product, 1).await;
    let page = app
        .request(api(
            Method::GET,
            &format!("/api/v1/orders/{id}"),
            Some(token),
        ))
        .await;
    let number = json(&page)["number"].as_str().unwrap().to_owned();

    let page = app
        .request(api(
            Method::POST,
            "/api/v1/assistant/conversation",
            Some(token),
        ))
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    assert_eq!(json(&page)["turns"], json!([]));

    let page = app.request(say(token, "cheapest headphones")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let doc = json(&page);
    assert_eq!(doc["turns"][0]["from"], "customer");
    assert_eq!(doc["turns"][1]["from"], "assistant");
    let card = &doc["turns"][1]["products"][0];
    assert_eq!(card["slug"], "aurora-wireless-headphones");
    assert!(card["price"]["amount_cents"].as_i64().unwrap() > 0);
    assert_eq!(card["url"], "/products/aurora-wireless-headphones");

    let page = app
        .request(say(token, &format!("please cancel order {number}")))
        .await;
    let doc = json(&page);
    assert_eq!(
        doc["turns"][3]["proposals"],
        json!([{ "kind": "cancel_order", "order_number": number }])
    );
    assert_eq!(order_status(&app, token, &id).await, "pending");

    let confirm = |n: &str| {
        api_json(
            Method::POST,
            "/api/v1/assistant/conversation/cancellations",
            Some(token),
            &json!({ "order_number": n }),
        )
    };
    let page = app.request(confirm(&number)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(order_status(&app, token, &id).await, "cancelled");
    problem(&app.request(confirm(&number)).await, StatusCode::NOT_FOUND);

    let page = app
        .request(api(
            Method::GET,
            "/api/v1/assistant/conversation",
            Some(token),
        ))
        .await;
    let turns = json(&page)["turns"].as_array().unwrap().len();
    assert_eq!(turns, 5, "{}", page.body);

    let page = app
        .request(api(
            Method::POST,
            "/api/v1/assistant/conversation/handoff",
            Some(token),
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let doc = json(&page);
    let last = doc["turns"].as_array().unwrap().last().unwrap();
    assert!(
        last["text"].as_str().unwrap().contains("ticket #"),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assistant_api_refuses_bad_messages_read_tokens_and_visitors_and_says_when_to_come_back(
) {
    let app = TestApp::spawn().await;
    let (token, _) = token_of(&app, "talker@api.test", Role::Customer, "read-write").await;
    let (reader, _) = token_of(&app, "reader@api.test", Role::Customer, "read").await;
    let (token, reader) = (token.expose(), reader.expose());
    let doc = problem(
        &app.request(say(token, "   ")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["message"]);
    let long = "x".repeat(501);
    let doc = problem(
        &app.request(say(token, &long)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["message"]);
    problem(
        &app.request(say(reader, "hello")).await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &app.request(api(Method::GET, "/api/v1/assistant/conversation", None))
            .await,
        StatusCode::UNAUTHORIZED,
    );

    for _ in 0..domain::assistant::MESSAGES_PER_MINUTE {
        let page = app.request(say(token, "hello")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    let page = app.request(say(token, "hello")).await;
    problem(&page, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(page.header("retry-after"), "60");
}
