//! Product images over HTTP: upload through the console, re-encoded, served with long cache
//! headers; fake, damaged and oversize files refused with a message and nothing changed.

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
    let product = app.services.catalog.snapshot().products()[0].clone();
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
    let product = app.services.catalog.snapshot().products()[0].clone();
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
