//! The storefront over HTTP: the real router, a fresh dynoxide database per test, the demo
//! catalog, and requests sent straight into the router.

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use domain::catalog::{demo, ProductStatus};
use support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_is_server_rendered_with_products_and_pagination() {
    let app = TestApp::spawn().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("65 products"));
    assert!(page.body.contains(r#"href="/products/"#));
    assert!(page.body.contains(r#"aria-label="Pagination""#));
    assert!(page.body.contains(r#"<main id="main""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_never_cached_by_the_browser() {
    let app = TestApp::spawn().await;
    for uri in [
        "/",
        "/products/the-quiet-orchard",
        "/products/nope",
        "/nope",
    ] {
        assert_eq!(
            app.get(uri).await.header("cache-control"),
            "no-store",
            "{uri}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_renders_matching_products_ranked_by_name() {
    let app = TestApp::spawn().await;
    let page = app.get("/?q=Cast+Iron").await;
    assert_eq!(page.status, StatusCode::OK);
    let first = page
        .body
        .find("Cast Iron Skillet 12 inch")
        .expect("skillet listed");
    assert!(page.body.contains("Results for"));
    assert!(first > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_category_filter_lists_only_that_category() {
    let app = TestApp::spawn().await;
    let page = app.get("/?category=books").await;
    assert!(page.body.contains("The Quiet Orchard"));
    assert!(!page.body.contains("Aurora Wireless Headphones"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_page_has_title_description_canonical_opengraph_and_json_ld() {
    let app = TestApp::spawn().await;
    let page = app.get("/products/summit-2-person-tent").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(b.contains("<title>Summit 2-Person Tent · CloudMart</title>"));
    assert!(b.contains(r#"<meta name="description" content="Freestanding"#));
    assert!(b.contains(r#"href="https://shop.example/products/summit-2-person-tent""#));
    assert!(b.contains(r#"rel="canonical""#));
    assert!(b.contains(r#"<meta property="og:type" content="product">"#));
    assert!(b.contains(r#"<meta property="og:image" content="https://shop.example/images/demo/summit-2-person-tent-"#));
    let start = b
        .find(r#"<script type="application/ld+json">"#)
        .expect("json-ld")
        + 35;
    let end = start + b[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&b[start..end]).unwrap();
    assert_eq!(ld["@type"], "Product");
    assert_eq!(ld["offers"]["@type"], "Offer");
    assert_eq!(ld["offers"]["priceCurrency"], "USD");
    assert_eq!(
        ld["offers"]["availability"],
        "https://schema.org/OutOfStock"
    );
    assert!(b.contains("Sold out"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_stock_reads_only_n_left() {
    let app = TestApp::spawn().await;
    let page = app.get("/products/salt-and-cinder").await;
    assert!(
        page.body.contains("Only 3 left"),
        "Salt and Cinder has 3 in stock"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_products_and_routes_get_the_not_found_page_with_status_404() {
    let app = TestApp::spawn().await;
    for uri in ["/products/no-such-thing", "/no/such/page", "/products/"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(page.body.contains("We couldn"), "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_query_strings_give_a_normal_page_with_defaults() {
    let app = TestApp::spawn().await;
    let long_q = format!("/?q={}", "x".repeat(10_000));
    for uri in [
        "/?page=-1",
        "/?page=99999999999999",
        "/?sort=evil",
        "/?category=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/?page=&sort=&q=",
        "/?q=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/?q=%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        long_q.as_str(),
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", &uri[..uri.len().min(60)]);
        assert!(
            !page.body.contains("<script>alert(1)"),
            "{uri}: unescaped input"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_escapes_give_a_400_page_not_a_500() {
    let app = TestApp::spawn().await;
    for uri in ["/?q=%FF%FE", "/?q=%C3", "/products/%FF", "/?q=%zz"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(page.body.contains("That address doesn"), "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sitemap_lists_active_products_only() {
    let app = TestApp::spawn().await;
    let tent = app
        .services
        .catalog
        .detail("summit-2-person-tent")
        .unwrap()
        .product;
    app.services
        .catalog
        .set_status(
            &support::admin(&app).await,
            &tent.id,
            ProductStatus::Archived,
        )
        .await
        .unwrap();
    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(sitemap
        .header("content-type")
        .starts_with("application/xml"));
    let urls = sitemap
        .body
        .matches("<loc>https://shop.example/products/")
        .count();
    assert_eq!(urls, demo::products().len() - 1);
    assert!(!sitemap.body.contains("summit-2-person-tent"));
    assert!(sitemap
        .body
        .contains("<loc>https://shop.example/?category=books</loc>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_points_to_the_sitemap() {
    let app = TestApp::spawn().await;
    let robots = app.get("/robots.txt").await;
    assert!(robots
        .body
        .contains("Sitemap: https://shop.example/sitemap.xml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_pages_come_from_the_page_cache_until_the_catalog_changes() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/products/the-quiet-orchard")
            .await
            .header("x-page-cache"),
        "miss"
    );
    assert_eq!(
        app.get("/products/the-quiet-orchard")
            .await
            .header("x-page-cache"),
        "hit"
    );
    assert_eq!(
        app.get("/?category=books").await.header("x-page-cache"),
        "miss"
    );

    let book = app
        .services
        .catalog
        .detail("the-quiet-orchard")
        .unwrap()
        .product;
    app.services
        .catalog
        .set_status(
            &support::admin(&app).await,
            &book.id,
            ProductStatus::Archived,
        )
        .await
        .unwrap();

    let gone = app.get("/products/the-quiet-orchard").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let listing = app.get("/?category=books").await;
    assert_eq!(listing.header("x-page-cache"), "miss");
    assert!(!listing.body.contains("The Quiet Orchard"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_cookie_is_served_the_shared_page_with_its_own_header() {
    let app = TestApp::spawn().await;
    app.get("/").await;
    let request = |cookie: &str| {
        Request::get("/")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    let cart = format!("{}={}", domain::identity::CART_COOKIE, "0a".repeat(16));
    let with_cookie = app.request(request(&cart)).await;
    assert_eq!(with_cookie.status, StatusCode::OK);
    assert_eq!(with_cookie.header("x-page-cache"), "hit");
    assert!(
        with_cookie.body.contains(">Cart</a>"),
        "an empty guest cart"
    );
    // A cookie that is no credential at all (not the shape of a cart id) is a visitor's.
    let garbage = format!("{}=abc", domain::identity::CART_COOKIE);
    assert_eq!(
        app.request(request(&garbage)).await.header("x-page-cache"),
        "hit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_bundle_files_are_immutable_and_served_precompressed() {
    let app = TestApp::spawn().await;
    let js = app
        .request(
            Request::get("/pkg/cloudmart.abc123.js")
                .header(header::ACCEPT_ENCODING, "br, gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(js.header("content-encoding"), "br");
    let missing = app.get("/pkg/missing.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), "no-store");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_while_the_store_is_down_and_the_catalog_still_renders() {
    let mut app = TestApp::spawn().await;
    assert_eq!(app.get("/health/ready").await.status, StatusCode::OK);
    app.db.take().unwrap().stop().await;
    assert_eq!(
        app.get("/health/ready").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(app.get("/health/live").await.status, StatusCode::OK);
    let page = app.get("/?category=toys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Wooden Rainbow Stacker"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_function_for_a_catalog_page_parses_its_input_at_the_edge() {
    let app = TestApp::spawn().await;
    let paths: Vec<_> = server_fn_paths();
    let path = paths
        .iter()
        .find(|p| p.contains("get_catalog_page"))
        .expect("server function registered");
    let page = app
        .request(
            Request::post(path.as_str())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header(header::HOST, "shop.example")
                .header(header::ORIGIN, "https://shop.example")
                .body(Body::from("q=kettle&page=-4&sort=evil"))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let json: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["query"]["page"], 1);
    assert_eq!(json["items"][0]["name"], "Gooseneck Pour-Over Kettle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_from_another_site_is_refused_before_it_reaches_a_server_function() {
    let app = TestApp::spawn().await;
    for origin in [Some("https://evil.example"), None] {
        let mut request = Request::post(server_fn_paths()[0].as_str())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "shop.example");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let page = app.request(request.body(Body::from("q=x")).unwrap()).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{origin:?}");
    }
}

fn server_fn_paths() -> Vec<String> {
    use app::catalog::GetCatalogPage;
    use leptos::server_fn::ServerFn;
    vec![<GetCatalogPage as ServerFn>::PATH.to_owned()]
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_the_variable() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("CLOUDMART_STORE", "mongodb://nope")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("CLOUDMART_STORE"), "{stderr}");
    assert!(stderr.contains("embedded, aws"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_page_is_served_gzipped_to_clients_that_accept_it() {
    let app = TestApp::spawn().await;
    let plain = app.get("/?category=books").await;
    let gzipped = app
        .request(
            Request::get("/?category=books")
                .header(header::ACCEPT_ENCODING, "br;q=1, gzip;q=0.8")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(gzipped.header("x-page-cache"), "hit");
    assert_eq!(gzipped.header("content-encoding"), "gzip");
    assert_eq!(gzipped.header("vary"), "accept-encoding");
    assert!(plain.body.starts_with("<!DOCTYPE html>"));
    assert!(gzipped.body.starts_with('\u{1f}'), "gzip magic number");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_above_the_fold_load_at_once_and_the_first_one_first() {
    let app = TestApp::spawn().await;
    let images = |body: &str| -> Vec<String> {
        body.match_indices("<img ")
            .map(|(i, _)| body[i..i + body[i..].find('>').unwrap()].to_owned())
            .filter(|tag| !tag.contains("favicon"))
            .collect()
    };
    let home = images(&app.get("/").await.body);
    assert!(home[0].contains(r#"fetchpriority="high""#) && home[0].contains(r#"loading="eager""#));
    assert!(home[1..4]
        .iter()
        .all(|img| img.contains(r#"loading="eager""#)));
    assert!(home[1..].iter().all(|img| !img.contains("fetchpriority")));
    assert!(home[4..]
        .iter()
        .all(|img| img.contains(r#"loading="lazy""#)));

    let product = images(&app.get("/products/aurora-wireless-headphones").await.body);
    assert!(product[0].contains(r#"fetchpriority="high""#) && !product[0].contains("lazy"));
    assert!(product[1..]
        .iter()
        .all(|img| img.contains(r#"loading="lazy""#)));
}

fn checkout_for(customer: &domain::identity::UserId, key: &str) -> domain::orders::Checkout {
    domain::orders::Checkout {
        customer: customer.clone(),
        email: domain::identity::Email::parse("buyer@example.com").unwrap(),
        address: domain::address::ShippingAddress::parse(
            "Ada",
            "1 Main St",
            "",
            "London",
            "N1 9GU",
            "United Kingdom",
        )
        .unwrap(),
        key: domain::orders::IdempotencyKey::parse(key).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_leaves_the_cached_pages_alone_until_it_sells_a_product_out() {
    use domain::cart::CartOwner;
    use domain::orders::Quantity;
    let app = TestApp::spawn().await;
    let page = "/products/nimbus-4k-streaming-stick";
    let stick = app
        .services
        .catalog
        .detail("nimbus-4k-streaming-stick")
        .unwrap()
        .product;
    let headphones = app
        .services
        .catalog
        .detail("aurora-wireless-headphones")
        .unwrap()
        .product;
    // Settle what the demo seeding left on the change feed.
    app.services.catalog.refresh().await.unwrap();
    app.get(page).await;
    app.get("/").await;
    let buy = |id: domain::catalog::ProductId, n: i64, key: &'static str| {
        let services = app.services.clone();
        async move {
            let who = domain::identity::UserId::parse(&format!(
                "00000000-0000-4000-8000-{:012}",
                n + key.len() as i64
            ))
            .unwrap();
            services
                .carts
                .add(
                    &CartOwner::Customer(who.clone()),
                    &id,
                    Quantity::parse(n).unwrap(),
                )
                .await
                .unwrap();
            services
                .orders
                .place(checkout_for(&who, key))
                .await
                .unwrap();
        }
    };
    // Plenty left: no page changes, so the cached pages stay.
    buy(headphones.id.clone(), 1, "sale-plenty-headphones").await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert_eq!(app.get("/").await.header("x-page-cache"), "hit");
    assert_eq!(app.get(page).await.header("x-page-cache"), "hit");

    // The last ones: the product page says so as soon as the replica has reloaded.
    buy(
        stick.id.clone(),
        i64::from(stick.stock),
        "sale-last-streaming-sticks",
    )
    .await;
    let start = std::time::Instant::now();
    loop {
        let shown = app.get(page).await;
        if shown.body.contains("Sold out") {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "still not sold out"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_page_cache_hits_and_misses_in_the_prometheus_format() {
    let app = TestApp::spawn().await;
    let count = |body: &str, result: &str| -> u64 {
        let line = format!("cloudmart_page_cache_lookups_total{{result=\"{result}\"}} ");
        body.lines()
            .find_map(|l| l.strip_prefix(&line)?.parse().ok())
            .unwrap_or_else(|| panic!("no {result} count in {body}"))
    };
    let before = app.get("/metrics").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before
        .header("content-type")
        .starts_with("text/plain; version=0.0.4"));
    assert!(before
        .body
        .contains("# TYPE cloudmart_page_cache_lookups_total counter"));
    let path = "/?q=metrics-probe";
    assert_eq!(app.get(path).await.header("x-page-cache"), "miss");
    assert_eq!(app.get(path).await.header("x-page-cache"), "hit");
    let after = app.get("/metrics").await;
    assert_eq!(count(&after.body, "miss") - count(&before.body, "miss"), 1);
    assert_eq!(count(&after.body, "hit") - count(&before.body, "hit"), 1);
    assert!(after.body.contains("cloudmart_catalog_snapshot_products "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_preloaded_ahead_of_the_first_paint_and_the_only_island_waits_to_be_pressed() {
    let app = TestApp::spawn().await;
    for path in ["/", "/products/aurora-wireless-headphones"] {
        let page = app.get(path).await.body;
        assert!(!page.contains("preload"), "{path} preloads something");
        assert!(page.contains(r#"<link rel="stylesheet" id="leptos" href="/pkg/cloudmart"#));
        // The assistant's panel is the one island: its button is a link to /assistant until
        // it is pressed, and only then is the WebAssembly fetched.
        assert_eq!(page.matches("<leptos-island").count(), 1, "{path}");
        let island = &page[page.find("<leptos-island").unwrap()..];
        assert!(island.contains("AssistantPanel"), "{path}");
        assert!(
            island.contains(r#"href="/assistant""#)
                && island.contains(r#"data-hydrate-on="press""#),
            "{path}"
        );
        let loader = page
            .find(r#"<script type="module">"#)
            .expect("the page's script");
        assert!(page[loader..].contains("requestIdleCallback"));
        assert!(
            page[loader..].contains(r#"("/pkg/cloudmart"#),
            "it names the bundle"
        );
    }
}
