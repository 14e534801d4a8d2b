//! Personal pages from the shared page: every shopper gets the cached catalog page with their
//! own header, and what ends a session ends it on every replica within the bound.

mod support;

use domain::cart::CartOwner;
use domain::catalog::ProductId;
use domain::identity::{AccessChange, Role, SignIn, SignUp, CART_COOKIE, SESSION_COOKIE};
use domain::orders::Quantity;
use std::time::{Duration, Instant};
use support::{visit, TestApp};

const PRODUCT_PAGE: &str = "/products/aurora-wireless-headphones";

/// A customer named `name`, signed in: (their cookie, their account id).
async fn shopper(app: &TestApp, name: &str, email: &str) -> (String, domain::identity::UserId) {
    let form = SignUp::parse(name, email, "a long enough password").unwrap();
    let (account, _) = app
        .services
        .identity
        .ensure_account(form, Role::Customer)
        .await
        .unwrap();
    let (_, token) = app
        .services
        .identity
        .sign_in(SignIn {
            email: email.into(),
            password: "a long enough password".into(),
            client: None,
        })
        .await
        .unwrap();
    (format!("{SESSION_COOKIE}={}", token.as_str()), account.id)
}

fn some_product(app: &TestApp) -> ProductId {
    app.services
        .catalog
        .detail("aurora-wireless-headphones")
        .unwrap()
        .product
        .id
}

async fn header_of(app: &TestApp, path: &str, cookie: Option<&str>) -> String {
    let page = app.request(visit(path, cookie)).await;
    assert_eq!(page.status, 200, "{path}");
    let start = page
        .body
        .find(app::personal::SLOT_START)
        .expect("a personal slot");
    let end = page.body.find(app::personal::SLOT_END).unwrap();
    page.body[start..end].to_owned()
}

/// Polls until `done` holds, for at most `within`; returns how long it took.
async fn within<F, Fut>(within: Duration, mut done: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if done().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "not within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shoppers_rendered_concurrently_each_see_only_their_own_header() {
    let app = TestApp::spawn().await;
    let (ada, ada_id) = shopper(&app, "Ada Lovelace", "ada@personal.test").await;
    let (alan, _) = shopper(&app, "Alan Turing", "alan@personal.test").await;
    let tent = some_product(&app);
    let ada_cart = CartOwner::Customer(ada_id);
    app.services
        .carts
        .add(&ada_cart, &tent, Quantity::parse(2).unwrap())
        .await
        .unwrap();
    let guest_id = "0b".repeat(16);
    let guest = CartOwner::guest_from_cookie(&guest_id).unwrap();
    app.services
        .carts
        .add(&guest, &tent, Quantity::parse(1).unwrap())
        .await
        .unwrap();
    let guest = format!("{CART_COOKIE}={guest_id}");

    for path in ["/", PRODUCT_PAGE] {
        app.request(visit(path, None)).await;
    }
    let mut renders = tokio::task::JoinSet::new();
    for round in 0..30 {
        for (who, cookie) in [
            ("ada", Some(ada.clone())),
            ("alan", Some(alan.clone())),
            ("guest", Some(guest.clone())),
            ("visitor", None),
        ] {
            let router = app.router.clone();
            let path = if round % 2 == 0 { "/" } else { PRODUCT_PAGE };
            renders.spawn(async move {
                use tower::ServiceExt;
                let response = router
                    .oneshot(visit(path, cookie.as_deref()))
                    .await
                    .unwrap();
                let cached = response.headers().get("x-page-cache").cloned();
                let body = axum::body::to_bytes(response.into_body(), 1 << 22)
                    .await
                    .unwrap();
                (who, cached, String::from_utf8(body.to_vec()).unwrap())
            });
        }
    }
    let mut hits = 0;
    while let Some(done) = renders.join_next().await {
        let (who, cached, body) = done.unwrap();
        hits += usize::from(cached.is_some_and(|c| c == "hit"));
        let has = |text: &str| body.contains(text);
        match who {
            "ada" => {
                assert!(
                    has("Hi, Ada Lovelace") && has("Cart (2 items)"),
                    "ada: wrong header"
                );
                assert!(!has("Alan Turing") && !has("Cart (1 item)"));
            }
            "alan" => {
                assert!(
                    has("Hi, Alan Turing") && has(">Cart</a>"),
                    "alan: wrong header"
                );
                assert!(!has("Ada Lovelace") && !has("Cart (2 items)") && !has("Cart (1 item)"));
            }
            "guest" => {
                assert!(
                    has(">Sign in</a>") && has("Cart (1 item)"),
                    "guest: wrong header"
                );
                assert!(!has("Hi, ") && !has("Cart (2 items)"));
            }
            _ => {
                assert!(
                    has(">Sign in</a>") && has(">Cart</a>"),
                    "visitor: wrong header"
                );
                assert!(!has("Hi, ") && !has("Cart ("));
            }
        }
    }
    assert_eq!(hits, 120, "every page was the shared page from the cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_change_shows_in_the_header_of_the_next_cached_page() {
    let app = TestApp::spawn().await;
    let (cookie, id) = shopper(&app, "Grace Hopper", "grace@personal.test").await;
    assert!(header_of(&app, "/", Some(&cookie))
        .await
        .contains(">Cart</a>"));
    app.services
        .carts
        .add(
            &CartOwner::Customer(id),
            &some_product(&app),
            Quantity::parse(3).unwrap(),
        )
        .await
        .unwrap();
    assert!(header_of(&app, "/", Some(&cookie))
        .await
        .contains("Cart (3 items)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session_here_at_once_and_on_another_replica_within_two_seconds() {
    let app = TestApp::spawn().await;
    let other = app.replica().await;
    let (cookie, _) = shopper(&app, "Edsger Dijkstra", "edsger@personal.test").await;
    for replica in [&app, &other] {
        // Twice: the second view is served from the session cache.
        for _ in 0..2 {
            assert!(header_of(replica, PRODUCT_PAGE, Some(&cookie))
                .await
                .contains("Hi, Edsger"));
        }
    }
    let token = cookie.split_once('=').unwrap().1;
    let token = domain::identity::SessionToken::parse(token).unwrap();
    app.services.identity.sign_out(&token).await.unwrap();

    assert!(header_of(&app, PRODUCT_PAGE, Some(&cookie))
        .await
        .contains(">Sign in</a>"));
    within(Duration::from_secs(2), || async {
        header_of(&other, PRODUCT_PAGE, Some(&cookie))
            .await
            .contains(">Sign in</a>")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_or_a_disabled_account_ends_sessions_on_every_replica_within_two_seconds() {
    let app = TestApp::spawn().await;
    let other = app.replica().await;
    let (first, id) = shopper(&app, "Barbara Liskov", "barbara@personal.test").await;
    let (second, _) = shopper(&app, "Barbara Liskov", "barbara@personal.test").await;
    for cookie in [&first, &second] {
        assert!(header_of(&other, "/", Some(cookie))
            .await
            .contains("Hi, Barbara"));
    }
    let new = domain::identity::NewPassword::parse("another long password").unwrap();
    app.services
        .identity
        .change_password(&id, "a long enough password", &new)
        .await
        .unwrap();
    assert!(header_of(&app, "/", Some(&first))
        .await
        .contains(">Sign in</a>"));
    within(Duration::from_secs(2), || async {
        header_of(&other, "/", Some(&first))
            .await
            .contains(">Sign in</a>")
    })
    .await;

    let (third, _) = shopper(&app, "Barbara Liskov", "barbara@personal.test").await;
    assert!(header_of(&other, "/", Some(&third))
        .await
        .contains("Hi, Barbara"));
    app.services
        .identity
        .change_access(&support::admin(&app).await, &id, AccessChange::Disable)
        .await
        .unwrap();
    assert!(header_of(&app, "/", Some(&third))
        .await
        .contains(">Sign in</a>"));
    within(Duration::from_secs(2), || async {
        header_of(&other, "/", Some(&third))
            .await
            .contains(">Sign in</a>")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_name_reaches_the_greeting_on_every_replica_within_two_seconds() {
    let app = TestApp::spawn().await;
    let other = app.replica().await;
    let (cookie, id) = shopper(&app, "Frances Allen", "frances@personal.test").await;
    assert!(header_of(&other, "/", Some(&cookie))
        .await
        .contains("Hi, Frances Allen"));
    let account = app.services.identity.principal_of(&id).await.unwrap();
    let account = account.account().unwrap().clone();
    let mut profile = app.services.identity.profile(&id).await.unwrap();
    profile.name = domain::identity::PersonName::parse("Fran Allen").unwrap();
    app.services
        .identity
        .update_profile(&account, &profile)
        .await
        .unwrap();
    assert!(header_of(&app, "/", Some(&cookie))
        .await
        .contains("Hi, Fran Allen"));
    within(Duration::from_secs(2), || async {
        header_of(&other, "/", Some(&cookie))
            .await
            .contains("Hi, Fran Allen")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_product_is_a_404_with_the_shoppers_own_header() {
    let app = TestApp::spawn().await;
    let (cookie, _) = shopper(&app, "Hedy Lamarr", "hedy@personal.test").await;
    let page = app
        .request(visit("/products/no-such-product", Some(&cookie)))
        .await;
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("Hi, Hedy Lamarr"),
        "the shopper's header"
    );
}
