//! Who may use the admin console. Every admin server function and page is listed in the access
//! table below; a test fails when one exists that the table does not list, and each one is
//! proved to refuse visitors, customers and support agents, and to serve admins.

mod support;

use app::admin::{
    AdminAdjustStock, AdminAudit, AdminChangeAccess, AdminGate, AdminImportProgress,
    AdminMoveOrder, AdminOrder, AdminOrders, AdminOverview, AdminProduct, AdminProducts,
    AdminSaveProduct, AdminUser, AdminUsers, API_PREFIX,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use domain::identity::Role;
use leptos::server_fn::ServerFn;
use std::collections::BTreeSet;
use support::{multipart_post, session_for, TestApp, ORIGIN};

const SOME_ORDER: &str = "8f0e2a4c-3b1d-4c5e-9f7a-1b2c3d4e5f60";
const SOME_PRODUCT: &str = "01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f";
const SOME_USER: &str = "01936b2e-7c4a-7b3e-9f1d-000000000001";

/// Every admin server function, with a well-formed request body (so that what is tested is
/// the access check, not the parsing).
fn admin_server_fns() -> Vec<(&'static str, String)> {
    vec![
        (<AdminOverview as ServerFn>::PATH, String::new()),
        (<AdminGate as ServerFn>::PATH, "return_to=/admin".into()),
        (
            <AdminOrders as ServerFn>::PATH,
            "status=pending&from=2026-01-01&to=2026-12-31&email=a%40b.test&sort=oldest".into(),
        ),
        (<AdminOrder as ServerFn>::PATH, format!("id={SOME_ORDER}")),
        (
            <AdminMoveOrder as ServerFn>::PATH,
            format!("id={SOME_ORDER}&to=processing&reason=test"),
        ),
        (
            <AdminProducts as ServerFn>::PATH,
            "q=tent&status=active".into(),
        ),
        (
            <AdminProduct as ServerFn>::PATH,
            format!("id={SOME_PRODUCT}"),
        ),
        (
            <AdminSaveProduct as ServerFn>::PATH,
            "name=Access+Lamp&slug=&description=x&price=1.00&category=outdoor&status=draft&stock=1"
                .into(),
        ),
        (
            <AdminAdjustStock as ServerFn>::PATH,
            format!("id={SOME_PRODUCT}&mode=delta&amount=1&reason=test"),
        ),
        (<AdminAudit as ServerFn>::PATH, "kind=product".into()),
        (
            <AdminImportProgress as ServerFn>::PATH,
            format!("id={SOME_ORDER}"),
        ),
        (<AdminUsers as ServerFn>::PATH, "role=admin".into()),
        (<AdminUser as ServerFn>::PATH, format!("id={SOME_USER}")),
        (
            <AdminChangeAccess as ServerFn>::PATH,
            format!("id={SOME_USER}&change=admin"),
        ),
    ]
}

/// Every admin page: its route, and a URL that reaches it.
fn admin_pages() -> Vec<(&'static str, String)> {
    vec![
        ("/admin", "/admin".into()),
        ("/admin/orders", "/admin/orders".into()),
        ("/admin/orders/{id}", format!("/admin/orders/{SOME_ORDER}")),
        ("/admin/products", "/admin/products?status=draft".into()),
        ("/admin/products/new", "/admin/products/new".into()),
        (
            "/admin/products/{id}",
            format!("/admin/products/{SOME_PRODUCT}"),
        ),
        ("/admin/users", "/admin/users?role=support".into()),
        ("/admin/users/{id}", format!("/admin/users/{SOME_USER}")),
        ("/admin/audit", "/admin/audit?kind=order".into()),
        ("/admin/catalog", "/admin/catalog".into()),
        (
            "/admin/catalog/import/{id}",
            format!("/admin/catalog/import/{SOME_ORDER}"),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_endpoint_is_in_the_access_table() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| path.starts_with(API_PREFIX))
        .collect();
    let listed: BTreeSet<String> = admin_server_fns()
        .into_iter()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert_eq!(
        registered, listed,
        "admin server functions missing from the table"
    );

    let pages: BTreeSet<String> = server::router::page_paths()
        .into_iter()
        .filter(|p| p == "/admin" || p.starts_with("/admin/"))
        .collect();
    let listed: BTreeSet<String> = admin_pages()
        .into_iter()
        .map(|(route, _)| route.to_owned())
        .collect();
    assert_eq!(pages, listed, "admin pages missing from the table");
}

fn call(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "shop.example")
        .header(header::ORIGIN, ORIGIN);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

fn visit(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path)
        .header(header::HOST, "shop.example")
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_customers_and_support_are_refused_by_every_admin_endpoint_and_admins_served() {
    let app = TestApp::spawn().await;
    let customer = session_for(&app, Role::Customer).await;
    let support = session_for(&app, Role::Support).await;
    let admin = session_for(&app, Role::Admin).await;

    for (path, body) in admin_server_fns() {
        let anonymous = app.request(call(path, &body, None)).await;
        assert!(
            !anonymous.status.is_success(),
            "{path} anonymous: {}",
            anonymous.status
        );
        for (who, cookie) in [("customer", &customer), ("support", &support)] {
            let refused = app.request(call(path, &body, Some(cookie))).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path} as {who}");
            assert!(
                refused.body.contains("for admins"),
                "{path} as {who}: {}",
                refused.body
            );
        }
        let served = app.request(call(path, &body, Some(&admin))).await;
        assert!(
            served.status != StatusCode::FORBIDDEN && !served.body.contains("for admins"),
            "{path} as admin: {} {}",
            served.status,
            served.body
        );
    }

    for (route, url) in admin_pages() {
        let anonymous = app.request(visit(&url, None)).await;
        assert!(
            anonymous.status.is_redirection(),
            "{route} anonymous: {}",
            anonymous.status
        );
        assert!(
            anonymous
                .header("location")
                .starts_with("/account/sign-in?next="),
            "{route}: {}",
            anonymous.header("location")
        );
        for (who, cookie) in [("customer", &customer), ("support", &support)] {
            let refused = app.request(visit(&url, Some(cookie))).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{route} as {who}");
            assert!(refused.body.contains("for admins"), "{route} as {who}");
        }
        let served = app.request(visit(&url, Some(&admin))).await;
        assert_ne!(served.status, StatusCode::FORBIDDEN, "{route} as admin");
        assert!(
            served.body.contains("aria-label=\"Admin\""),
            "{route} as admin"
        );
    }

    for (method, route) in server::ADMIN_ENDPOINTS {
        let url = route.replace("{id}", SOME_PRODUCT);
        let request = |cookie: Option<&str>| match *method {
            "GET" => visit(&url, cookie),
            "POST" => multipart_post(&url, cookie, "file", "x.csv", b"not, a, catalog"),
            other => panic!("{route}: add {other} to the access test"),
        };
        let anonymous = app.request(request(None)).await;
        assert!(
            anonymous.status.is_redirection(),
            "{route} anonymous: {}",
            anonymous.status
        );
        assert!(anonymous
            .header("location")
            .starts_with("/account/sign-in?next="));
        for (who, cookie) in [("customer", &customer), ("support", &support)] {
            let refused = app.request(request(Some(cookie))).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{route} as {who}");
            assert!(refused.body.contains("for admins"), "{route} as {who}");
        }
        let served = app.request(request(Some(&admin))).await;
        assert_ne!(served.status, StatusCode::FORBIDDEN, "{route} as admin");
        assert!(
            !served.status.is_server_error(),
            "{route} as admin: {}",
            served.status
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_product_and_stock_forms_name_their_fields_and_write_nothing() {
    let app = TestApp::spawn().await;
    let admin = session_for(&app, Role::Admin).await;
    let save = <AdminSaveProduct as ServerFn>::PATH;
    let before = app.services.catalog.snapshot().products().len();

    let bad = app
        .request(call(
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

    let taken = app.services.catalog.snapshot().products()[0]
        .slug
        .as_str()
        .to_owned();
    let duplicate = app
        .request(call(
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

    let product = app.services.catalog.snapshot().products()[0].clone();
    let below_zero = app
        .request(call(
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
        .request(call(
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
