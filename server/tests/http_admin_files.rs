//! The console's files over HTTP: product images uploaded, re-encoded and served with long cache
//! headers; catalog CSV export and import; order CSV export. Bad files are refused with a
//! message and change nothing.

mod support;

use axum::http::StatusCode;
use domain::identity::Role;
use support::{multipart_post, session_for, TestApp};

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_png_is_re_encoded_served_for_a_year_and_shown_in_the_shop() {
    let app = TestApp::spawn().await;
    let admin = session_for(&app, Role::Admin).await;
    let product = app.any_product();
    let path = format!("/admin/products/{}/image", product.id.as_str());

    let saved = app
        .request(multipart_post(
            &path,
            Some(&admin),
            "image",
            "photo.png",
            &png(1600, 900),
        ))
        .await;
    assert!(saved.status.is_redirection(), "{}", saved.status);
    assert!(
        saved.header("location").ends_with("?saved=image"),
        "{}",
        saved.header("location")
    );

    let stored = app.services.catalog.get(&product.id).await.unwrap();
    assert!(
        stored.image.starts_with("/media/products/"),
        "{}",
        stored.image
    );
    assert!(stored.image.ends_with("-large.jpg"));
    for url in [
        stored.image.clone(),
        domain::catalog::thumbnail_of(&stored.image),
    ] {
        let served = app.get(&url).await;
        assert_eq!(served.status, StatusCode::OK, "{url}");
        assert_eq!(served.header("content-type"), "image/jpeg");
        assert_eq!(
            served.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(served.header("x-content-type-options"), "nosniff");
    }

    // The shop shows it at once: the product page the large image, the grid the thumbnail.
    let page = app
        .get(&format!("/products/{}", stored.slug.as_str()))
        .await;
    assert!(
        page.body.contains(&stored.image),
        "the product page shows the new image"
    );
    let listing = app
        .get(&format!(
            "/?q={}",
            domain::catalog::percent_encode(&stored.name)
        ))
        .await;
    assert!(listing
        .body
        .contains(&domain::catalog::thumbnail_of(&stored.image)));

    let history = app.services.catalog.history(&stored, 5).await.unwrap();
    assert_eq!(history[0].action, "product.image");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fake_damaged_and_oversize_images_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = session_for(&app, Role::Admin).await;
    let product = app.any_product();
    let path = format!("/admin/products/{}/image", product.id.as_str());
    let mut damaged = png(400, 400);
    damaged.truncate(damaged.len() / 2);
    let mut oversize = png(64, 64);
    oversize.resize(5 * 1024 * 1024 + 10, 0);

    for (bytes, message) in [
        (
            b"plain text, renamed to .png".to_vec(),
            "is not a PNG, JPEG or WebP image",
        ),
        (damaged, "could not be read as an image"),
        (oversize, "is larger than 5 MB"),
        (Vec::new(), "choose an image file"),
    ] {
        let refused = app
            .request(multipart_post(
                &path,
                Some(&admin),
                "image",
                "photo.png",
                &bytes,
            ))
            .await;
        assert!(
            refused.status.is_redirection(),
            "{message}: {}",
            refused.status
        );
        let location = refused.header("location").to_owned();
        assert!(location.contains("image_error="), "{message}: {location}");
        let page = app
            .request(
                axum::http::Request::get(&location)
                    .header("cookie", &admin)
                    .header("accept", "text/html")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(page.body.contains(message), "{message}: the page shows it");
    }
    let stored = app.services.catalog.get(&product.id).await.unwrap();
    assert_eq!(stored.image, product.image, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_urls_outside_the_stores_own_keys_are_not_found() {
    let app = TestApp::spawn().await;
    for url in [
        "/media/products/../../etc/passwd",
        "/media/products/01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f/0123456789abcdef-large.jpg",
        "/media/anything",
    ] {
        assert_eq!(app.get(url).await.status, StatusCode::NOT_FOUND, "{url}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_exports_as_csv_and_an_import_reports_per_row_while_bad_files_are_refused_whole(
) {
    let app = TestApp::spawn().await;
    let admin = session_for(&app, Role::Admin).await;
    let with_cookie = |url: &str| {
        axum::http::Request::get(url)
            .header("cookie", &admin)
            .header("accept", "text/html")
            .body(axum::body::Body::empty())
            .unwrap()
    };

    let export = app.request(with_cookie("/admin/catalog.csv")).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.header("content-type").starts_with("text/csv"));
    assert!(export
        .header("content-disposition")
        .starts_with("attachment; filename=\"cloudmart-catalog-"));
    let products = app.services.catalog.all_products().await.unwrap();
    assert_eq!(export.body.lines().count(), products.len() + 1);

    for (file, message) in [
        (
            b"name,price\nx,1\n".to_vec(),
            "must have exactly the columns",
        ),
        (b"slug,name\n\xff\xfe\n".to_vec(), "is not UTF-8 text"),
        (Vec::new(), "choose a CSV file"),
    ] {
        let refused = app
            .request(multipart_post(
                "/admin/catalog/import",
                Some(&admin),
                "file",
                "c.csv",
                &file,
            ))
            .await;
        let location = refused.header("location").to_owned();
        assert!(
            location.starts_with("/admin/catalog?import_error="),
            "{location}"
        );
        let page = app.request(with_cookie(&location)).await;
        assert!(page.body.contains(message), "{message}");
    }
    let mut huge = String::from("slug,name,description,price,category,status,featured,stock\n");
    for i in 0..100_000 {
        huge.push_str(&format!("p{i},P {i},,1,books,draft,no,1\n"));
    }
    let refused = app
        .request(multipart_post(
            "/admin/catalog/import",
            Some(&admin),
            "file",
            "big.csv",
            huge.as_bytes(),
        ))
        .await;
    let page = app.request(with_cookie(refused.header("location"))).await;
    assert!(page.body.contains("larger than 5 MB") || page.body.contains("more than 10,000 rows"));
    assert_eq!(
        app.services.catalog.all_products().await.unwrap().len(),
        products.len(),
        "nothing written"
    );

    let file = "slug,name,description,price,category,status,featured,stock\n\
        csv-kettle,CSV Kettle,Boils.,30.00,home-kitchen,active,no,6\n\
        csv-broken,CSV Broken,,-1,home-kitchen,active,no,6\n";
    let started = app
        .request(multipart_post(
            "/admin/catalog/import",
            Some(&admin),
            "file",
            "new.csv",
            file.as_bytes(),
        ))
        .await;
    let progress_page = started.header("location").to_owned();
    assert!(
        progress_page.starts_with("/admin/catalog/import/"),
        "{progress_page}"
    );
    let mut page = app.request(with_cookie(&progress_page)).await;
    for _ in 0..100 {
        if page.body.contains("Finished:") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = app.request(with_cookie(&progress_page)).await;
    }
    assert!(
        page.body
            .contains("Finished: 1 created, 0 updated, 0 unchanged, 1 with errors."),
        "{}",
        page.body
    );
    assert!(page.body.contains("price must not be negative"));
    assert!(
        app.services.catalog.detail("csv-kettle").is_some(),
        "in the shop at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filtered_order_list_exports_as_csv_and_a_bad_filter_is_named() {
    let app = TestApp::spawn().await;
    let admin = session_for(&app, Role::Admin).await;
    let get = |url: &str| {
        axum::http::Request::get(url)
            .header("cookie", &admin)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let export = app
        .request(get("/admin/orders.csv?status=pending&sort=oldest"))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export
        .body
        .starts_with("number,placed_utc,status,email,items,lines,subtotal"));
    let bad = app
        .request(get("/admin/orders.csv?status=pending&from=2026-02-30"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("from must be a date"), "{}", bad.body);
}
