//! The admin console's forms refuse bad input field by field and write nothing. (Who may use
//! the console is proved for every route in `http_access.rs`.)

mod support;

use app::admin::{AdminAdjustStock, AdminSaveProduct};
use axum::http::StatusCode;
use domain::identity::Role;
use leptos::server_fn::ServerFn;
use support::{json_call, session_for, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_product_and_stock_forms_name_their_fields_and_write_nothing() {
    let app = TestApp::spawn().await;
    let admin = session_for(&app, Role::Admin).await;
    let save = <AdminSaveProduct as ServerFn>::PATH;
    let before = app.services.catalog.snapshot().products().len();

    let bad = app
        .request(json_call(
            save,
            "name=x&slug=Bad+Slug&description=&price=-4&category=weapons&status=gone&stock=-1",
            Some(&admin),
        ))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for field in ["name", "slug", "price", "category", "status", "stock"] {
        assert!(
            bad.body.contains(&format!("\"field\":\"{field}\"")),
            "{field}: {}",
            bad.body
        );
    }

    let taken = app.any_product().slug.as_str().to_owned();
    let duplicate = app
        .request(json_call(
            save,
            &format!("name=Copy+Cat&slug={taken}&description=&price=1&category=outdoor&status=active&stock=1"),
            Some(&admin),
        ))
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    assert!(
        duplicate.body.contains("already used"),
        "{}",
        duplicate.body
    );
    assert_eq!(app.services.catalog.snapshot().products().len(), before);

    let product = app.any_product();
    let below_zero = app
        .request(json_call(
            <AdminAdjustStock as ServerFn>::PATH,
            &format!(
                "id={}&mode=delta&amount=-{}&reason=oops",
                product.id.as_str(),
                product.stock + 1
            ),
            Some(&admin),
        ))
        .await;
    assert_eq!(
        below_zero.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        below_zero.body
    );
    assert!(
        below_zero.body.contains("\"field\":\"amount\""),
        "{}",
        below_zero.body
    );
    let no_reason = app
        .request(json_call(
            <AdminAdjustStock as ServerFn>::PATH,
            &format!("id={}&mode=set&amount=3&reason=+", product.id.as_str()),
            Some(&admin),
        ))
        .await;
    assert!(
        no_reason.body.contains("\"field\":\"reason\""),
        "{}",
        no_reason.body
    );
    let stored = app.services.catalog.get(&product.id).await.unwrap();
    assert_eq!(stored.stock, product.stock);
}
