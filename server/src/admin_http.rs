//! The console's endpoints that are not Leptos server functions: uploads and downloads, which
//! need raw request and response bodies. They check the admin exactly as the server functions
//! do, and every one is registered through [`routes`], which the access test walks.

use crate::router::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::audit::Staff;
use domain::catalog::{CatalogError, ProductId};
use domain::identity::{Account, Role, SessionToken, SESSION_COOKIE};
use domain::media::{MediaError, MAX_UPLOAD_BYTES, MEDIA_URL_PREFIX};

const PRODUCT_IMAGE: &str = "/admin/products/{id}/image";

/// Every admin endpoint outside Leptos, as (method, axum path). [`routes`] registers exactly
/// these admin paths; the access test proves each one refuses everyone but admins.
pub const ADMIN_ENDPOINTS: &[(&str, &str)] = &[("POST", PRODUCT_IMAGE)];

/// The console's raw endpoints and the public image files.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            PRODUCT_IMAGE,
            post(upload_product_image)
                // Room for the multipart envelope around a 5 MB file; more is refused early.
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/media/{*key}", get(media))
}

/// The signed-in admin, or the response that refuses the request: a visitor is sent to sign
/// in, anyone else gets 403.
async fn require_admin(
    state: &AppState,
    headers: &HeaderMap,
    return_to: &str,
) -> Result<Account, Response> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .and_then(|(_, value)| SessionToken::parse(value));
    let account = match token {
        Some(token) => state.services.identity.account(&token).await.map_err(|e| {
            tracing::error!(error = ?e, "reading the session failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Your session could not be read. Please try again.",
            )
                .into_response()
        })?,
        None => None,
    };
    match account {
        Some(account) if account.role == Role::Admin => Ok(account),
        Some(_) => Err((
            StatusCode::FORBIDDEN,
            "This part of the shop is for admins.",
        )
            .into_response()),
        None => Err(Redirect::to(&format!("/account/sign-in?next={return_to}")).into_response()),
    }
}

/// Takes the `image` file of the product form, re-encodes it and makes it the product's
/// image. Answers like a plain form post: back to the product page, with the outcome.
async fn upload_product_image(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let page = format!("/admin/products/{id}");
    let admin = match require_admin(&state, &headers, &page).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
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
    let upload = match read_image_field(multipart).await {
        Ok(bytes) => bytes,
        Err(e) => return back_with(&format!("The image {e}.")),
    };
    let url = match state.services.media.put_product_image(&id, upload).await {
        Ok(url) => url,
        Err(e) if e.is_bad_upload() => return back_with(&format!("The image {e}.")),
        Err(e) => {
            tracing::error!(error = ?e, "storing an image failed");
            return back_with("The image could not be stored. Please try again.");
        }
    };
    match state
        .services
        .catalog
        .set_image(&Staff::from(&admin), &id, url)
        .await
    {
        Ok(_) => Redirect::to(&format!("{page}?saved=image")).into_response(),
        Err(CatalogError::NotFound) => {
            (StatusCode::NOT_FOUND, "There is no such product.").into_response()
        }
        Err(e) => {
            tracing::error!(error = ?e, "saving a product image failed");
            back_with(
                "The image was stored but the product could not be updated. Please try again.",
            )
        }
    }
}

/// The bytes of the form's `image` field, at most [`MAX_UPLOAD_BYTES`].
async fn read_image_field(mut multipart: Multipart) -> Result<bytes::Bytes, MediaError> {
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            MediaError::TooLarge
        } else {
            MediaError::Empty
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(too_large)? {
        if field.name() != Some("image") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(too_large)? {
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(MediaError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes.into());
    }
    Err(MediaError::Empty)
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
