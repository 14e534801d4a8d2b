//! The console's endpoints that are not Leptos server functions: uploads and downloads, which
//! need raw request and response bodies. Each takes the [`RequireAdmin`] capability, so the
//! check is the same one the server functions make, and every one is registered through
//! [`routes`], from the table the access test walks.

use crate::caller::RequireAdmin;
use crate::router::{AppState, RawRoute};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use domain::catalog::import::{export_csv, parse_csv, ImportFileError, MAX_IMPORT_BYTES};
use domain::catalog::{CatalogError, ProductId};
use domain::media::{MediaError, MAX_UPLOAD_BYTES, MEDIA_URL_PREFIX};
use domain::orders::export::{orders_csv, MAX_EXPORT_ORDERS};
use domain::orders::OrderFilterText;
use domain::refusal::{explain, Explain};
use domain::time::Timestamp;

const PRODUCT_IMAGE: &str = "/admin/products/{id}/image";
const CATALOG_EXPORT: &str = "/admin/catalog.csv";
const CATALOG_IMPORT: &str = "/admin/catalog/import";
const ORDERS_EXPORT: &str = "/admin/orders.csv";

/// The console's raw endpoints and the public image files, each with who may use it. The
/// router registers exactly these, and the access test walks the same list.
pub fn endpoints() -> Vec<(RawRoute, MethodRouter<AppState>)> {
    vec![
        (
            RawRoute::admin("POST", PRODUCT_IMAGE),
            // Room for the multipart envelope around a 5 MB file; more is refused early.
            post(upload_product_image).layer(DefaultBodyLimit::max(UPLOAD_BODY)),
        ),
        (RawRoute::admin("GET", CATALOG_EXPORT), get(export_catalog)),
        (
            RawRoute::admin("POST", CATALOG_IMPORT),
            post(import_catalog).layer(DefaultBodyLimit::max(IMPORT_BODY)),
        ),
        (RawRoute::admin("GET", ORDERS_EXPORT), get(export_orders)),
        (RawRoute::public("GET", "/media/{*key}"), get(media)),
    ]
}

/// The largest bodies the upload endpoints take: the file and its multipart envelope.
const UPLOAD_BODY: usize = MAX_UPLOAD_BYTES + 64 * 1024;
const IMPORT_BODY: usize = MAX_IMPORT_BYTES + 64 * 1024;

/// The upload endpoints' body limits, for the request limits in front of every route.
pub fn upload_limits() -> crate::limits::UploadLimits {
    fn is_image_upload(path: &str) -> bool {
        path.starts_with("/admin/products/") && path.ends_with("/image")
    }
    fn is_import(path: &str) -> bool {
        path == CATALOG_IMPORT
    }
    crate::limits::UploadLimits(vec![
        (is_image_upload, UPLOAD_BODY),
        (is_import, IMPORT_BODY),
    ])
}

/// A CSV download named `<name>-<today>.csv`.
fn csv_download(name: &str, text: String) -> Response {
    let file = format!("{name}-{}.csv", Timestamp::now().date_utc());
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        text,
    )
        .into_response()
}

/// A failed download, mapped once (its cause is logged there).
fn failed(parts: &Parts, e: &dyn Explain) -> Response {
    crate::problem::respond(parts, &explain(e))
}

/// Every product, in every status, as the CSV that import reads back.
async fn export_catalog(State(state): State<AppState>, _: RequireAdmin, parts: Parts) -> Response {
    let products = match state.services.catalog.all_products().await {
        Ok(p) => p,
        Err(e) => return failed(&parts, &e),
    };
    match export_csv(&products) {
        Ok(text) => csv_download("cloudmart-catalog", text),
        Err(e) => failed(&parts, &e),
    }
}

/// Takes a catalog CSV, checks the whole file, and starts applying its rows; the browser
/// goes to the import's progress page. A file refused as a whole goes back with the reason.
async fn import_catalog(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    multipart: Multipart,
) -> Response {
    let back_with = |message: String| {
        Redirect::to(&format!(
            "/admin/catalog?import_error={}",
            domain::catalog::percent_encode(&message)
        ))
        .into_response()
    };
    let (file_name, bytes) = match read_file_field(multipart, "file", MAX_IMPORT_BYTES).await {
        Ok(Some(file)) => file,
        Ok(None) => return back_with(format!("The file {}.", ImportFileError::Empty)),
        Err(()) => return back_with(format!("The file {}.", ImportFileError::TooLarge)),
    };
    let rows = match tokio::task::spawn_blocking(move || parse_csv(&bytes)).await {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => return back_with(format!("The file {e}.")),
        Err(e) => {
            tracing::error!(error = %e, "reading an import file failed");
            return back_with(domain::refusal::INTERNAL_MESSAGE.into());
        }
    };
    match state.services.imports.start(admin, &file_name, rows).await {
        Ok(job) => Redirect::to(&format!("/admin/catalog/import/{job}")).into_response(),
        Err(e) => back_with(explain(&e).message),
    }
}

/// The filtered order list, every page of it (up to 10,000 orders), as CSV.
async fn export_orders(
    State(state): State<AppState>,
    _: RequireAdmin,
    parts: Parts,
    Query(text): Query<OrderFilterText>,
) -> Response {
    let resolved = match state.services.resolve_order_filter(&text).await {
        Ok(r) => r,
        Err(e) => return failed(&parts, &e),
    };
    if !resolved.problems.is_empty() {
        let mut refusal = domain::refusal::Refusal::invalid(resolved.problems);
        refusal.message = "The filter could not be read.".into();
        return crate::problem::respond(&parts, &refusal);
    }
    let orders = if resolved.matches_nothing {
        Vec::new()
    } else {
        match state.services.orders.all_matching(&resolved.filter).await {
            Ok((orders, more)) => {
                if more {
                    tracing::warn!("order export cut at {MAX_EXPORT_ORDERS} orders");
                }
                orders
            }
            Err(e) => return failed(&parts, &e),
        }
    };
    match orders_csv(&orders) {
        Ok(text) => csv_download(
            &format!("cloudmart-orders-{}", resolved.filter.status.as_str()),
            text,
        ),
        Err(e) => {
            tracing::error!(error = %e, "writing the order CSV failed");
            crate::problem::respond(&parts, &domain::refusal::Refusal::internal())
        }
    }
}

/// Takes the `image` file of the product form, re-encodes it and makes it the product's
/// image. Answers like a plain form post: back to the product page, with the outcome.
async fn upload_product_image(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let page = format!("/admin/products/{id}");
    let Ok(id) = ProductId::parse(&id) else {
        return (StatusCode::NOT_FOUND, "There is no such product.").into_response();
    };
    let back_with = |message: &str| {
        Redirect::to(&format!(
            "{page}?image_error={}",
            domain::catalog::percent_encode(message)
        ))
        .into_response()
    };
    let upload = match read_file_field(multipart, "image", MAX_UPLOAD_BYTES).await {
        Ok(Some((_, bytes))) => bytes,
        Ok(None) => return back_with(&format!("The image {}.", MediaError::Empty)),
        Err(()) => return back_with(&format!("The image {}.", MediaError::TooLarge)),
    };
    let url = match state.services.media.put_product_image(&id, upload).await {
        Ok(url) => url,
        Err(e) if e.is_bad_upload() => return back_with(&format!("The image {e}.")),
        Err(e) => {
            tracing::error!(error = %domain::refusal::chain(&e), "storing an image failed");
            return back_with("The image could not be stored. Please try again.");
        }
    };
    match state.services.catalog.set_image(&admin, &id, url).await {
        Ok(_) => Redirect::to(&format!("{page}?saved=image")).into_response(),
        Err(CatalogError::NotFound) => {
            (StatusCode::NOT_FOUND, "There is no such product.").into_response()
        }
        Err(e) => {
            tracing::error!(error = %domain::refusal::chain(&e), "saving a product image failed");
            back_with(
                "The image was stored but the product could not be updated. Please try again.",
            )
        }
    }
}

/// The file name and bytes of the form's file field `name`: `Ok(None)` when there is none
/// (or it is empty), `Err(())` when it is larger than `max` bytes.
async fn read_file_field(
    mut multipart: Multipart,
    name: &str,
    max: usize,
) -> Result<Option<(String, bytes::Bytes)>, ()> {
    let too_large =
        |e: &axum::extract::multipart::MultipartError| e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(None),
            Err(e) if too_large(&e) => return Err(()),
            Err(_) => return Ok(None),
        };
        if field.name() != Some(name) {
            continue;
        }
        let file_name = field
            .file_name()
            .unwrap_or("upload")
            .chars()
            .take(100)
            .collect();
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > max {
                        return Err(());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if too_large(&e) => return Err(()),
                Err(_) => return Ok(None),
            }
        }
        return Ok((!bytes.is_empty()).then(|| (file_name, bytes.into())));
    }
}

/// An uploaded image. Keys are content-hashed, so a URL's bytes never change: cached for a year.
async fn media(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match state.services.media.get(&key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "No such image.").into_response(),
        Err(e) => {
            tracing::error!(error = ?e, key = %format!("{MEDIA_URL_PREFIX}{key}"), "reading an image failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The image could not be loaded.",
            )
                .into_response()
        }
    }
}
