//! Support tickets through the API: a customer's own tickets (never another's, never the
//! desk's notes) and the desk's work for support agents' and admins' `admin` tokens.

use super::{api, api_json, fields, json, problem, token_of};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use domain::audit::{AuditLog, Target, TargetKind};
use domain::identity::Role;
use serde_json::json;

const TICKETS: &str = "/api/v1/support/tickets";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opens_reads_and_replies_to_their_own_tickets_only() {
    let app = TestApp::spawn().await;
    let (ada, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (bob, _) = token_of(&app, "bob@api.test", Role::Customer, "read-write").await;
    let ada = Some(ada.expose());

    let new = json!({ "subject": "Where is my parcel?", "message": "It is a week late and I am annoyed." });
    let page = app
        .request(api_json(Method::POST, TICKETS, ada, &new))
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let ticket = json(&page);
    let id = ticket["id"].as_str().unwrap().to_owned();
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["channel"], "api");
    assert!(ticket["number"].as_str().unwrap().starts_with('#'));
    assert_eq!(page.header("location"), format!("{TICKETS}/{id}"));

    let listed = json(&app.request(api(Method::GET, TICKETS, ada)).await);
    assert_eq!(listed["items"][0]["id"], id.as_str());
    assert!(listed["next_cursor"].is_null());

    let reply = json!({ "message": "Any news?" });
    let path = format!("{TICKETS}/{id}/messages");
    let page = app
        .request(api_json(Method::POST, &path, ada, &reply))
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let read = json(
        &app.request(api(Method::GET, &format!("{TICKETS}/{id}"), ada))
            .await,
    );
    let bodies: Vec<&str> = read["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["It is a week late and I am annoyed.", "Any news?"]);
    assert!(
        read["messages"][0].get("sentiment").is_none(),
        "scores are the desk's"
    );

    for (method, path, body) in [
        (Method::GET, format!("{TICKETS}/{id}"), None),
        (Method::POST, path.clone(), Some(reply.clone())),
    ] {
        let request = match body {
            Some(b) => api_json(method, &path, Some(bob.expose()), &b),
            None => api(method, &path, Some(bob.expose())),
        };
        problem(&app.request(request).await, StatusCode::NOT_FOUND);
    }
    let bobs = json(
        &app.request(api(Method::GET, TICKETS, Some(bob.expose())))
            .await,
    );
    assert_eq!(bobs["items"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_ticket_names_its_fields_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (ada, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let ada = Some(ada.expose());
    let bad = json!({ "subject": "  ", "message": "", "order_id": "not-an-order" });
    let doc = problem(
        &app.request(api_json(Method::POST, TICKETS, ada, &bad))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["subject", "message", "order_id"]);
    let someone_elses = json!({
        "subject": "Refund",
        "message": "Please refund it",
        "order_id": "0192f5a4-7a2b-7c3d-8e4f-5a6b7c8d9e0f"
    });
    let doc = problem(
        &app.request(api_json(Method::POST, TICKETS, ada, &someone_elses))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["order_id"]);
    let no_order = json!({ "subject": "Refund", "message": "Please", "order_id": "" });
    let doc = problem(
        &app.request(api_json(Method::POST, TICKETS, ada, &no_order))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["order_id"]);
    let listed = json(&app.request(api(Method::GET, TICKETS, ada)).await);
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
    let bad_page = format!("{TICKETS}?limit=0&cursor=nope");
    let doc = problem(
        &app.request(api(Method::GET, &bad_page, ada)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["limit", "cursor"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opening_too_many_tickets_is_told_when_to_come_back() {
    let app = TestApp::spawn().await;
    let (ada, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let ada = Some(ada.expose());
    let new = json!({ "subject": "Help", "message": "Please help" });
    for _ in 0..domain::support::OPEN_PER_WINDOW {
        let page = app
            .request(api_json(Method::POST, TICKETS, ada, &new))
            .await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    }
    let page = app
        .request(api_json(Method::POST, TICKETS, ada, &new))
        .await;
    problem(&page, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.header("retry-after").parse::<u64>().unwrap() > 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_works_a_ticket_from_the_queue_and_the_customer_never_sees_the_note() {
    let app = TestApp::spawn().await;
    let (ada, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (sam, _) = token_of(&app, "sam@api.test", Role::Support, "admin").await;
    let (kim, _) = token_of(&app, "kim@api.test", Role::Admin, "admin").await;
    let (ada, sam, kim) = (Some(ada.expose()), Some(sam.expose()), Some(kim.expose()));
    let new =
        json!({ "subject": "Broken lamp", "message": "The lamp arrived broken. This is awful!" });
    let ticket = json(
        &app.request(api_json(Method::POST, TICKETS, ada, &new))
            .await,
    );
    let id = ticket["id"].as_str().unwrap().to_owned();

    let queue = json(
        &app.request(api(Method::GET, "/api/v1/desk/queue?mood=negative", sam))
            .await,
    );
    let first = &queue["items"][0];
    assert_eq!(first["id"], id.as_str());
    assert_eq!(first["mood"], "negative");
    assert_eq!(first["customer_email"], "ada@api.test");
    assert!(first["assignee_email"].is_null());

    let take = format!("/api/v1/desk/tickets/{id}/take");
    let (a, b) = tokio::join!(
        app.request(api(Method::POST, &take, sam)),
        app.request(api(Method::POST, &take, kim))
    );
    let statuses = [a.status, b.status];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(
        statuses.contains(&StatusCode::CONFLICT),
        "one wins: {statuses:?}"
    );
    let winner = if a.status == StatusCode::OK { sam } else { kim };

    let messages = format!("/api/v1/desk/tickets/{id}/messages");
    let note = json!({ "message": "Offer a replacement.", "internal": true });
    let page = app
        .request(api_json(Method::POST, &messages, winner, &note))
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let answer =
        json!({ "message": "So sorry! A new one is on its way.", "then_status": "pending" });
    let page = app
        .request(api_json(Method::POST, &messages, winner, &answer))
        .await;
    assert_eq!(json(&page)["status"], "pending");

    let desk = json(
        &app.request(api(Method::GET, &format!("/api/v1/desk/tickets/{id}"), sam))
            .await,
    );
    let notes: Vec<bool> = desk["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["internal"].as_bool().unwrap())
        .collect();
    assert_eq!(notes, [false, true, false]);
    assert_eq!(desk["messages"][0]["sentiment"]["label"], "negative");

    let seen = json(
        &app.request(api(Method::GET, &format!("{TICKETS}/{id}"), ada))
            .await,
    );
    let bodies: Vec<&str> = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(!bodies.iter().any(|b| b.contains("replacement")));

    let status = format!("/api/v1/desk/tickets/{id}/status");
    let solve = json!({ "status": "solved" });
    let page = app
        .request(api_json(Method::POST, &status, sam, &solve))
        .await;
    assert_eq!(json(&page)["status"], "solved");
    let back_to_new = json!({ "status": "new" });
    problem(
        &app.request(api_json(Method::POST, &status, sam, &back_to_new))
            .await,
        StatusCode::CONFLICT,
    );
    let target = Target {
        kind: TargetKind::Ticket,
        id: id.clone(),
        label: String::new(),
    };
    let actions: Vec<String> = AuditLog::new(app.services.store.clone())
        .history(&target, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "ticket.taken",
        "ticket.noted",
        "ticket.replied",
        "ticket.status_changed",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_staff_admin_tokens_reach_the_desk() {
    let app = TestApp::spawn().await;
    let (customer, _) = token_of(&app, "ada@api.test", Role::Customer, "read-write").await;
    let (support_rw, _) = token_of(&app, "sam@api.test", Role::Support, "read-write").await;
    let (support, _) = token_of(&app, "kim@api.test", Role::Support, "admin").await;
    let (admin, _) = token_of(&app, "boss@api.test", Role::Admin, "admin").await;
    let some = "0192f5a4-7a2b-7c3d-8e4f-5a6b7c8d9e01";
    let routes = [
        (Method::GET, "/api/v1/desk/queue".to_owned(), None),
        (Method::GET, format!("/api/v1/desk/tickets/{some}"), None),
        (
            Method::POST,
            format!("/api/v1/desk/tickets/{some}/take"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/desk/tickets/{some}/messages"),
            Some(json!({ "message": "hello" })),
        ),
        (
            Method::POST,
            format!("/api/v1/desk/tickets/{some}/status"),
            Some(json!({ "status": "open" })),
        ),
    ];
    let call = |method: &Method, path: &str, body: &Option<serde_json::Value>, token| match body {
        Some(b) => api_json(method.clone(), path, token, b),
        None => api(method.clone(), path, token),
    };
    for (method, path, body) in &routes {
        let page = app.request(call(method, path, body, None)).await;
        problem(&page, StatusCode::UNAUTHORIZED);
        for token in [&customer, &support_rw] {
            let page = app
                .request(call(method, path, body, Some(token.expose())))
                .await;
            let doc = problem(&page, StatusCode::FORBIDDEN);
            assert!(
                doc["detail"].as_str().unwrap().contains("support team"),
                "{path}"
            );
        }
        for token in [&support, &admin] {
            let page = app
                .request(call(method, path, body, Some(token.expose())))
                .await;
            let served = if path.ends_with("queue") {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(page.status, served, "{method} {path}: {}", page.body);
        }
    }
    let doc = problem(
        &app.request(api(
            Method::GET,
            "/api/v1/desk/queue?status=lost&assignee=them",
            Some(admin.expose()),
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(fields(&doc), ["status", "assignee"]);
    let doc = problem(
        &app.request(api(
            Method::GET,
            "/api/v1/desk/queue?mood=",
            Some(admin.expose()),
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(
        fields(&doc),
        ["mood"],
        "a parameter is left out or has a value"
    );
    problem(
        &app.request(api(Method::GET, TICKETS, None)).await,
        StatusCode::UNAUTHORIZED,
    );
}
