//! The public REST API, `/api/v1`: JSON over the same services as the storefront, each handler
//! a thin adapter (caller → parse → call → map). Its OpenAPI 3.1 document is generated from the
//! handlers themselves (`utoipa`), so a route cannot be served without being documented.
//!
//! Calls authenticate with `Authorization: Bearer <token>` ([`auth`]); refusals are RFC 9457
//! problem documents ([`problems`]); the reference page at `/api/docs` is rendered from the
//! document ([`docs`]).

mod admin_catalog;
mod admin_orders;
mod admin_users;
mod assistant;
mod auth;
mod body;
mod cart;
mod catalog;
mod desk;
mod docs;
mod listing_cache;
mod money;
mod orders;
mod problems;
mod schema;
mod support;

use crate::request_id::RequestId;
use crate::router::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use std::sync::{Arc, OnceLock};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use listing_cache::ListingCache;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CloudMart API",
        version = "1",
        description = "The shop's catalog, carts, checkout, orders and support tickets for scripts, ERPs, marketplaces and apps.\n\nAuthenticate with `Authorization: Bearer <token>`, using a token made at `/account/api-tokens` (or with `server api-token create`). The catalog needs no token. A `read` token only reads; a `read-write` token also changes the account's cart and orders; an `admin` token of a support agent or an admin also does the support desk's work, and only an admin's does the console's.\n\nMoney is in integer minor units (`amount_cents`). Lists are paged by cursor: pass a page's `next_cursor` as `cursor` for the next, with the same filters. Every refusal is an RFC 9457 problem document (`application/problem+json`) whose `errors` name the fields at fault; `429` and `503` say in `Retry-After` when to try again.",
        license(name = "MIT")
    ),
    tags(
        (name = "catalog", description = "Products and categories on sale; no token needed"),
        (name = "cart", description = "The token's account's own cart"),
        (name = "orders", description = "Checkout and the token's account's own orders"),
        (name = "support", description = "The token's account's own support tickets: open one, read its conversation, reply"),
        (name = "assistant", description = "The token's account's conversation with the shopping assistant, the same one as on the storefront: send a message, read the answers with their product cards (from the catalog, never the model's words), confirm a cancel it proposed, hand over to a person"),
        (name = "desk", description = "The support desk's work, for a token made with the `admin` scope by a support agent or an admin: the queue, tickets, take, reply or note, status; every action is audited"),
        (name = "admin", description = "The console's work, for a token made with the `admin` scope by an admin account; every change is audited"),
    ),
    components(schemas(crate::problem::Problem, schema::CategorySlug, schema::SortParam))
)]
struct ApiDoc;

/// The API's routes and their document, from the same handler list.
fn parts() -> (Router<AppState>, Document) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(catalog::list_products))
        .routes(routes!(catalog::get_product))
        .routes(routes!(catalog::list_categories))
        .routes(routes!(cart::get_cart))
        .routes(routes!(cart::add_line))
        .routes(routes!(cart::set_line, cart::remove_line))
        .routes(routes!(orders::checkout))
        .routes(routes!(orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(admin_catalog::list, admin_catalog::create))
        .routes(routes!(admin_catalog::get, admin_catalog::update))
        .routes(routes!(admin_catalog::set_status))
        .routes(routes!(admin_catalog::adjust_stock))
        .routes(routes!(admin_orders::list))
        .routes(routes!(admin_orders::get))
        .routes(routes!(admin_orders::move_status))
        .routes(routes!(admin_users::list))
        .routes(routes!(admin_users::get, admin_users::update))
        .routes(routes!(support::list_tickets, support::open_ticket))
        .routes(routes!(support::get_ticket))
        .routes(routes!(support::reply))
        .routes(routes!(desk::queue))
        .routes(routes!(desk::get_ticket))
        .routes(routes!(desk::take))
        .routes(routes!(desk::reply))
        .routes(routes!(desk::set_status))
        .routes(routes!(assistant::read, assistant::start))
        .routes(routes!(assistant::send))
        .routes(routes!(assistant::confirm_cancel))
        .routes(routes!(assistant::hand_over));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(PREFIX, v1)
        .split_for_parts()
}

/// The OpenAPI document, built once: every operation also lists the refusals any call can
/// get, and the bearer scheme.
pub fn document() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, mut document) = parts();
        for item in document.paths.paths.values_mut() {
            if let Some(read) = &mut item.get {
                schema::add_common_responses(read, false);
            }
            for change in [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                schema::add_common_responses(change, true);
            }
        }
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (`cmk_…`) from /account/api-tokens"))
                    .build(),
            ),
        );
        document
    })
}

/// The one layer around every API route (one, not one per concern: each layer costs every
/// request a clone of the service it wraps): who is calling and the limits ([`auth`]), then
/// any refusal rendered as a problem document ([`problems`]).
async fn edge(
    state: State<(AppState, Arc<auth::ApiLimits>)>,
    request: Request,
    next: Next,
) -> Response {
    let id = request.extensions().get::<RequestId>().cloned();
    let response = auth::authenticate(state, request, next).await;
    problems::render(response, id.as_ref()).await
}

/// The API's routes, `/api/v1/openapi.json` and the reference page, ready to serve, with
/// `per_minute` requests allowed per token and per address.
pub fn routes(state: AppState, per_minute: u32) -> Router {
    let (api, _) = parts();
    let limits = Arc::new(auth::ApiLimits::new(per_minute));
    let api = api
        .route(&format!("{PREFIX}/openapi.json"), get(docs::openapi_json))
        .route(&format!("{PREFIX}/{{*rest}}"), any(problems::no_route))
        .layer(axum::extract::DefaultBodyLimit::max(body::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), limits),
            edge,
        ));
    let https = crate::security_headers::Https(state.public_url.starts_with("https://"));
    Router::new()
        .merge(api)
        .route("/api/docs", get(docs::reference))
        .route("/api/docs.css", get(docs::stylesheet))
        .layer(axum::middleware::from_fn_with_state(
            https,
            crate::security_headers::secure,
        ))
        .with_state(state)
}
