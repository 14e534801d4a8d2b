//! Who may use what, for every route the router has: every server function (as Leptos
//! registered them), every page (from the app's route list) and every raw endpoint (from the
//! list the router is built from). Each must be in the tables below, so a new route cannot
//! ship without a decision about who may use it, and each is proved to refuse the callers
//! it must refuse and to serve the ones it is for.

mod support;

use app::admin::{
    AdminAdjustStock, AdminAudit, AdminCannedReplies, AdminChangeAccess, AdminDeleteCannedReply,
    AdminGate, AdminImportProgress, AdminMoveOrder, AdminOrder, AdminOrders, AdminOverview,
    AdminProduct, AdminProducts, AdminSaveCannedReply, AdminSaveProduct, AdminUser, AdminUsers,
};
use app::assistant::server_fns::{
    AskAssistant, AssistantTurns, ConfirmCancel, StartOver, TalkToPerson,
};
use app::cart::server_fns::{AddToCart, GetCart, RemoveCartLine, UpdateCartLine};
use app::catalog::server_fns::{GetCatalogPage, GetProductPage};
use app::identity::server_fns::{ChangePassword, MyProfile, SaveProfile, SignIn, SignOut, SignUp};
use app::identity::{CreateApiToken, MyApiTokens, RevokeApiToken};
use app::orders::server_fns::{CancelMyOrder, GetCheckout, MyOrder, MyOrders, PlaceOrder};
use app::personal::PersonalParts;
use app::support::customer_fns::{
    ContactForm, MyTicket, MyTickets, OpenTicket, RateMyTicket, ReplyToTicket, SolveMyTicket,
};
use app::support::desk_fns::{
    DeskClassify, DeskFigures, DeskQueue, DeskRelease, DeskReply, DeskSetStatus, DeskTake,
    DeskTicket,
};
use axum::http::StatusCode;
use domain::identity::Role;
use leptos::server_fn::ServerFn;
use server::router::Access as RawAccess;
use std::collections::BTreeSet;
use support::{json_call, multipart_post, session_for, visit, Page, TestApp};

const SOME_ORDER: &str = "8f0e2a4c-3b1d-4c5e-9f7a-1b2c3d4e5f60";
const SOME_PRODUCT: &str = "01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f";
const SOME_USER: &str = "01936b2e-7c4a-7b3e-9f1d-000000000001";
const SOME_KEY: &str = "access-test-key-000001";
const SOME_TICKET: &str = "01936b2e-7c4a-7b3e-9f1d-0000000000aa";

/// Who a server function or page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account, for itself.
    SignedIn,
    /// Support agents and admins.
    Staff,
    Admin,
}

/// Every server function, with a well-formed body (so that what is tested is the access
/// check, not the parsing) and who it is for.
fn server_fns() -> Vec<(&'static str, String, Access)> {
    use Access::*;
    vec![
        (GetCatalogPage::PATH, "q=tent".into(), Public),
        (
            GetProductPage::PATH,
            "slug=summit-2-person-tent".into(),
            Public,
        ),
        (PersonalParts::PATH, String::new(), Public),
        (
            SignUp::PATH,
            "name=Access&email=access-sign-up%40access.test&password=long+enough+pass".into(),
            Public,
        ),
        (
            SignIn::PATH,
            "email=nobody%40access.test&password=wrong+password".into(),
            Public,
        ),
        (SignOut::PATH, String::new(), Public),
        (GetCart::PATH, String::new(), Public),
        (AssistantTurns::PATH, "chat=shop".into(), Public),
        (
            AskAssistant::PATH,
            "message=a+tent&chat=shop".into(),
            Public,
        ),
        (StartOver::PATH, "chat=shop".into(), Public),
        (
            ConfirmCancel::PATH,
            "number=CM-NOPE00&chat=support".into(),
            SignedIn,
        ),
        (TalkToPerson::PATH, "chat=support".into(), SignedIn),
        (
            AddToCart::PATH,
            format!("product_id={SOME_PRODUCT}&quantity=1"),
            Public,
        ),
        (
            UpdateCartLine::PATH,
            format!("product_id={SOME_PRODUCT}&quantity=1"),
            Public,
        ),
        (
            RemoveCartLine::PATH,
            format!("product_id={SOME_PRODUCT}"),
            Public,
        ),
        (MyProfile::PATH, String::new(), SignedIn),
        (SaveProfile::PATH, "name=Access+Tester".into(), SignedIn),
        (MyApiTokens::PATH, String::new(), SignedIn),
        (
            CreateApiToken::PATH,
            "name=Access&scope=read&days=7".into(),
            SignedIn,
        ),
        (RevokeApiToken::PATH, "id=no-such-token".into(), SignedIn),
        (
            ChangePassword::PATH,
            "current_password=wrong+password&new_password=another+long+one".into(),
            SignedIn,
        ),
        (GetCheckout::PATH, String::new(), SignedIn),
        (
            PlaceOrder::PATH,
            format!(
                "key={SOME_KEY}&name=A&line1=1+Road&city=Town&postal_code=12345&country=Nowhere"
            ),
            SignedIn,
        ),
        (MyTickets::PATH, String::new(), SignedIn),
        (ContactForm::PATH, String::new(), SignedIn),
        (
            OpenTicket::PATH,
            "subject=Access&message=Hello&order=".into(),
            SignedIn,
        ),
        (MyTicket::PATH, format!("id={SOME_TICKET}"), SignedIn),
        (
            ReplyToTicket::PATH,
            format!("id={SOME_TICKET}&message=Hello"),
            SignedIn,
        ),
        (SolveMyTicket::PATH, format!("id={SOME_TICKET}"), SignedIn),
        (
            RateMyTicket::PATH,
            format!("id={SOME_TICKET}&rating=5&comment="),
            SignedIn,
        ),
        (DeskQueue::PATH, "status=open&assignee=me".into(), Staff),
        (DeskFigures::PATH, String::new(), Staff),
        (DeskTicket::PATH, format!("id={SOME_TICKET}"), Staff),
        (DeskTake::PATH, format!("id={SOME_TICKET}"), Staff),
        (DeskRelease::PATH, format!("id={SOME_TICKET}"), Staff),
        (
            DeskReply::PATH,
            format!("id={SOME_TICKET}&message=Hello&visibility=public&then=&canned="),
            Staff,
        ),
        (
            DeskSetStatus::PATH,
            format!("id={SOME_TICKET}&status=open"),
            Staff,
        ),
        (
            DeskClassify::PATH,
            format!("id={SOME_TICKET}&priority=high&tags=x"),
            Staff,
        ),
        (MyOrders::PATH, String::new(), SignedIn),
        (MyOrder::PATH, format!("id={SOME_ORDER}"), SignedIn),
        (CancelMyOrder::PATH, format!("id={SOME_ORDER}"), SignedIn),
        (AdminOverview::PATH, String::new(), Admin),
        (AdminGate::PATH, "return_to=/admin".into(), Admin),
        (
            AdminOrders::PATH,
            "status=pending&from=2026-01-01&to=2026-12-31&email=a%40b.test&sort=oldest".into(),
            Admin,
        ),
        (AdminOrder::PATH, format!("id={SOME_ORDER}"), Admin),
        (
            AdminMoveOrder::PATH,
            format!("id={SOME_ORDER}&to=processing&reason=test"),
            Admin,
        ),
        (AdminProducts::PATH, "q=tent&status=active".into(), Admin),
        (AdminProduct::PATH, format!("id={SOME_PRODUCT}"), Admin),
        (
            AdminSaveProduct::PATH,
            "name=Access+Lamp&slug=&description=x&price=1.00&category=outdoor&status=draft&stock=1"
                .into(),
            Admin,
        ),
        (
            AdminAdjustStock::PATH,
            format!("id={SOME_PRODUCT}&mode=delta&amount=1&reason=test"),
            Admin,
        ),
        (AdminAudit::PATH, "kind=product".into(), Admin),
        (AdminCannedReplies::PATH, String::new(), Admin),
        (
            AdminSaveCannedReply::PATH,
            "id=&title=Access&body=Hello+%7Bfirst_name%7D".into(),
            Admin,
        ),
        (
            AdminDeleteCannedReply::PATH,
            "id=no-such-reply".into(),
            Admin,
        ),
        (AdminImportProgress::PATH, format!("id={SOME_ORDER}"), Admin),
        (AdminUsers::PATH, "role=admin".into(), Admin),
        (AdminUser::PATH, format!("id={SOME_USER}"), Admin),
        (
            AdminChangeAccess::PATH,
            format!("id={SOME_USER}&change=admin"),
            Admin,
        ),
    ]
}

/// Every page: its route, a URL that reaches it, and who it is for.
fn pages() -> Vec<(&'static str, String, Access)> {
    use Access::*;
    vec![
        ("/", "/?q=tent".into(), Public),
        (
            "/products/{slug}",
            "/products/summit-2-person-tent".into(),
            Public,
        ),
        ("/account/sign-in", "/account/sign-in".into(), Public),
        ("/account/sign-up", "/account/sign-up".into(), Public),
        ("/cart", "/cart".into(), Public),
        ("/assistant", "/assistant".into(), Public),
        ("/account/profile", "/account/profile".into(), SignedIn),
        (
            "/account/api-tokens",
            "/account/api-tokens".into(),
            SignedIn,
        ),
        ("/checkout", "/checkout".into(), SignedIn),
        ("/account/orders", "/account/orders".into(), SignedIn),
        (
            "/account/orders/{id}",
            format!("/account/orders/{SOME_ORDER}"),
            SignedIn,
        ),
        ("/account/support", "/account/support".into(), SignedIn),
        (
            "/account/support/chat",
            "/account/support/chat".into(),
            SignedIn,
        ),
        (
            "/account/support/new",
            format!("/account/support/new?order={SOME_ORDER}"),
            SignedIn,
        ),
        (
            "/account/support/{id}",
            format!("/account/support/{SOME_TICKET}"),
            SignedIn,
        ),
        ("/support", "/support?mood=negative".into(), Staff),
        ("/support/overview", "/support/overview".into(), Staff),
        (
            "/support/tickets/{id}",
            format!("/support/tickets/{SOME_TICKET}"),
            Staff,
        ),
        ("/admin", "/admin".into(), Admin),
        ("/admin/orders", "/admin/orders".into(), Admin),
        (
            "/admin/orders/{id}",
            format!("/admin/orders/{SOME_ORDER}"),
            Admin,
        ),
        (
            "/admin/products",
            "/admin/products?status=draft".into(),
            Admin,
        ),
        ("/admin/products/new", "/admin/products/new".into(), Admin),
        (
            "/admin/products/{id}",
            format!("/admin/products/{SOME_PRODUCT}"),
            Admin,
        ),
        ("/admin/users", "/admin/users?role=support".into(), Admin),
        (
            "/admin/users/{id}",
            format!("/admin/users/{SOME_USER}"),
            Admin,
        ),
        ("/admin/audit", "/admin/audit?kind=order".into(), Admin),
        (
            "/admin/canned-replies",
            "/admin/canned-replies?edit=x".into(),
            Admin,
        ),
        ("/admin/catalog", "/admin/catalog".into(), Admin),
        (
            "/admin/catalog/import/{id}",
            format!("/admin/catalog/import/{SOME_ORDER}"),
            Admin,
        ),
    ]
}

fn refused_as_not_admin(page: &Page) -> bool {
    page.status == StatusCode::FORBIDDEN && page.body.contains("for admins")
}

fn refused_as_not_staff(page: &Page) -> bool {
    page.status == StatusCode::FORBIDDEN && page.body.contains("for the support team")
}

fn refused_as_visitor(page: &Page) -> bool {
    page.status == StatusCode::UNAUTHORIZED && page.body.contains("Please sign in first")
}

/// Refused for who the caller is (not for what they sent: a wrong password is a 401 too).
fn refused_for_who_they_are(page: &Page) -> bool {
    refused_as_visitor(page) || refused_as_not_admin(page) || refused_as_not_staff(page)
}

fn sent_to_sign_in(page: &Page) -> bool {
    page.header("location")
        .starts_with("/account/sign-in?next=")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_the_router_has_is_in_an_access_table() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = server_fns()
        .into_iter()
        .map(|(path, _, _)| path.to_owned())
        .collect();
    assert_eq!(
        registered, listed,
        "server functions missing from the table"
    );

    let registered: BTreeSet<String> = server::router::page_paths().into_iter().collect();
    let listed: BTreeSet<String> = pages()
        .into_iter()
        .map(|(route, _, _)| route.to_owned())
        .collect();
    assert_eq!(registered, listed, "pages missing from the table");

    let routes = server::router::raw_routes();
    assert!(
        routes
            .iter()
            .any(|r| r.path == "/admin/catalog.csv" && r.access == RawAccess::Admin),
        "the raw routes are the router's own list: {routes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_refuses_whom_it_must_and_serves_whom_it_is_for() {
    // Hundreds of writes from one address in a few seconds: access is under test here, not the
    // write limit (`http_hardening` tests that), so it is off.
    let app = TestApp::with_limits(server::limits::HttpLimits {
        writes_per_minute: 0,
        ..Default::default()
    })
    .await;
    for (path, body, access) in server_fns() {
        // Fresh sessions each time: signing in, up or out ends the session a call came with.
        let customer = session_for(&app, Role::Customer).await;
        let support = session_for(&app, Role::Support).await;
        let admin = session_for(&app, Role::Admin).await;
        let anonymous = app.request(json_call(path, &body, None)).await;
        let as_customer = app.request(json_call(path, &body, Some(&customer))).await;
        let as_support = app.request(json_call(path, &body, Some(&support))).await;
        let as_admin = app.request(json_call(path, &body, Some(&admin))).await;
        match access {
            Access::Public => {
                for (who, page) in [("anonymous", &anonymous), ("customer", &as_customer)] {
                    assert!(
                        !refused_for_who_they_are(page),
                        "{path} as {who}: {} {}",
                        page.status,
                        page.body
                    );
                }
            }
            Access::SignedIn => {
                assert!(
                    refused_as_visitor(&anonymous),
                    "{path} anonymous: {}",
                    anonymous.body
                );
                for (who, page) in [("customer", &as_customer), ("admin", &as_admin)] {
                    assert!(
                        !refused_for_who_they_are(page),
                        "{path} as {who}: {} {}",
                        page.status,
                        page.body
                    );
                }
            }
            Access::Staff => {
                assert!(
                    refused_as_visitor(&anonymous),
                    "{path} anonymous: {}",
                    anonymous.body
                );
                assert!(
                    refused_as_not_staff(&as_customer),
                    "{path} as customer: {}",
                    as_customer.body
                );
                for (who, page) in [("support", &as_support), ("admin", &as_admin)] {
                    assert!(
                        !refused_for_who_they_are(page),
                        "{path} as {who}: {} {}",
                        page.status,
                        page.body
                    );
                }
            }
            Access::Admin => {
                assert!(!anonymous.status.is_success(), "{path} anonymous");
                for (who, page) in [("customer", &as_customer), ("support", &as_support)] {
                    assert!(refused_as_not_admin(page), "{path} as {who}: {}", page.body);
                }
                assert!(
                    !refused_for_who_they_are(&as_admin),
                    "{path} as admin: {} {}",
                    as_admin.status,
                    as_admin.body
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_refuses_whom_it_must_and_serves_whom_it_is_for() {
    let app = TestApp::spawn().await;
    let customer = session_for(&app, Role::Customer).await;
    let support = session_for(&app, Role::Support).await;
    let admin = session_for(&app, Role::Admin).await;
    for (route, url, access) in pages() {
        let anonymous = app.request(visit(&url, None)).await;
        match access {
            Access::Public => {
                assert!(!sent_to_sign_in(&anonymous), "{route} anonymous");
                assert!(
                    !anonymous.status.is_client_error(),
                    "{route}: {}",
                    anonymous.status
                );
            }
            Access::SignedIn | Access::Staff | Access::Admin => {
                assert!(
                    anonymous.status.is_redirection(),
                    "{route}: {}",
                    anonymous.status
                );
                assert!(
                    sent_to_sign_in(&anonymous),
                    "{route}: {}",
                    anonymous.header("location")
                );
            }
        }
        if access == Access::SignedIn {
            let served = app.request(visit(&url, Some(&customer))).await;
            assert!(!sent_to_sign_in(&served), "{route} as customer");
        }
        if access == Access::Staff {
            let refused = app.request(visit(&url, Some(&customer))).await;
            assert!(refused_as_not_staff(&refused), "{route} as customer");
            for (who, cookie) in [("support", &support), ("admin", &admin)] {
                let served = app.request(visit(&url, Some(cookie))).await;
                assert!(!refused_for_who_they_are(&served), "{route} as {who}");
                assert!(!sent_to_sign_in(&served), "{route} as {who}");
            }
        }
        if access == Access::Admin {
            for (who, cookie) in [("customer", &customer), ("support", &support)] {
                let refused = app.request(visit(&url, Some(cookie))).await;
                assert!(refused_as_not_admin(&refused), "{route} as {who}");
            }
            let served = app.request(visit(&url, Some(&admin))).await;
            assert_ne!(served.status, StatusCode::FORBIDDEN, "{route} as admin");
            assert!(
                served.body.contains("aria-label=\"Admin\""),
                "{route} as admin"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_raw_endpoint_refuses_whom_it_must_and_serves_whom_it_is_for() {
    let app = TestApp::spawn().await;
    let customer = session_for(&app, Role::Customer).await;
    let support = session_for(&app, Role::Support).await;
    let admin = session_for(&app, Role::Admin).await;
    for route in server::router::raw_routes() {
        let url = route
            .path
            .replace("{id}", SOME_PRODUCT)
            .replace("{*key}", "p/0123456789abcdef.jpg");
        let request = |cookie: Option<&str>| match route.method {
            "GET" => visit(&url, cookie),
            "POST" => multipart_post(&url, cookie, "file", "x.csv", b"not, a, catalog"),
            other => panic!("{}: add {other} to the access test", route.path),
        };
        let anonymous = app.request(request(None)).await;
        match route.access {
            RawAccess::Public => {
                assert!(
                    !matches!(
                        anonymous.status,
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                    ),
                    "{} anonymous: {}",
                    route.path,
                    anonymous.status
                );
            }
            RawAccess::Admin => {
                assert!(
                    anonymous.status.is_redirection(),
                    "{} anonymous",
                    route.path
                );
                assert!(sent_to_sign_in(&anonymous), "{}", route.path);
                for (who, cookie) in [("customer", &customer), ("support", &support)] {
                    let refused = app.request(request(Some(cookie))).await;
                    assert!(refused_as_not_admin(&refused), "{} as {who}", route.path);
                }
                let served = app.request(request(Some(&admin))).await;
                assert!(!refused_as_not_admin(&served), "{} as admin", route.path);
                assert!(
                    !served.status.is_server_error(),
                    "{} as admin: {}",
                    route.path,
                    served.status
                );
            }
        }
    }
}
