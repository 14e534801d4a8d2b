//! The public catalog: products (search, category, sort, cursor pages), one product, the
//! categories. Read from the replica's in-memory snapshot, like the storefront's pages; the
//! product list's answers are kept per query string and catalog generation
//! ([`super::ListingCache`]).

use super::money::Price;
use super::problems::ApiError;
use super::schema::{CategorySlug, SortParam};
use crate::router::AppState;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use domain::catalog::listing::{Listing, ListingParams, ListingRequest};
use domain::catalog::{Category, Product, StockState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Whether a product can be bought, as the storefront shows it.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    InStock,
    /// Only a few left: `remaining` says how many.
    Low,
    SoldOut,
}

/// A product's availability.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stock {
    pub availability: Availability,
    /// How many are left, given only when few are.
    pub remaining: Option<u32>,
    /// For people: "In stock", "Only 3 left", "Sold out".
    pub label: String,
}

impl From<StockState> for Stock {
    fn from(state: StockState) -> Self {
        let (availability, remaining) = match state {
            StockState::InStock => (Availability::InStock, None),
            StockState::Low(n) => (Availability::Low, Some(n)),
            StockState::SoldOut => (Availability::SoldOut, None),
        };
        Self {
            availability,
            remaining,
            label: state.label(),
        }
    }
}

/// A category, by its slug and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    #[schema(value_type = CategorySlug)]
    pub slug: &'static str,
    #[schema(example = "Electronics")]
    pub name: &'static str,
}

impl From<Category> for CategoryRef {
    fn from(category: Category) -> Self {
        Self {
            slug: category.slug(),
            name: category.label(),
        }
    }
}

/// A product on sale.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProduct {
    #[schema(format = "uuid")]
    pub id: String,
    /// Its name in URLs: `/api/v1/products/{slug}` and the storefront's page.
    #[schema(example = "aurora-desk-lamp")]
    pub slug: String,
    pub name: String,
    pub description: String,
    pub price: Price,
    pub category: CategoryRef,
    pub stock: Stock,
    /// Featured products lead the default order.
    pub featured: bool,
    #[schema(format = "uri")]
    pub image_url: String,
    /// The storefront's page for it.
    #[schema(format = "uri")]
    pub page_url: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl ApiProduct {
    pub fn of(product: Product, public_url: &str) -> Self {
        Self {
            page_url: format!("{public_url}/products/{}", product.slug.as_str()),
            image_url: format!("{public_url}{}", product.image),
            stock: product.stock_state().into(),
            id: product.id.as_str().to_owned(),
            slug: product.slug.as_str().to_owned(),
            name: product.name,
            description: product.description,
            price: product.price.into(),
            category: product.category.into(),
            featured: product.featured,
            created_at: product.created_at.rfc3339(),
            updated_at: product.updated_at.rfc3339(),
        }
    }
}

/// One page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductPage {
    pub items: Vec<ApiProduct>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Matching products over all pages.
    pub total: usize,
}

impl ProductPage {
    fn of(listing: Listing, public_url: &str) -> Self {
        Self {
            items: listing
                .items
                .into_iter()
                .map(|p| ApiProduct::of(p, public_url))
                .collect(),
            next_cursor: listing.next.map(|c| c.encode()),
            total: listing.total,
        }
    }
}

/// How to list products. Every parameter is optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductsQuery {
    /// Search text: every word must match the name, category or description (typos within
    /// reason are forgiven).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only this category.
    #[param(value_type = Option<CategorySlug>)]
    pub category: Option<String>,
    /// The order: `featured` (best match while searching) by default.
    #[param(value_type = Option<SortParam>)]
    pub sort: Option<String>,
    /// Products per page, 1 to 100; 20 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page, with the same `q`, `category` and `sort`.
    #[param(pattern = "^[0-9a-f]+$", max_length = 2048)]
    pub cursor: Option<String>,
}

/// List products.
///
/// Pages follow each other by cursor: products added or sold out between two requests
/// neither repeat nor go missing from the pages after.
#[utoipa::path(
    get,
    path = "/products",
    tag = "catalog",
    params(ProductsQuery),
    responses(
        (status = 200, description = "A page of products", body = ProductPage),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_products(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Query(query): Query<ProductsQuery>,
) -> Result<Response, ApiError> {
    let raw = raw.unwrap_or_default();
    let generation = state.services.catalog.generation();
    if let Some(answer) = state.api_listings.get(&raw, generation) {
        return Ok(json_answer(answer));
    }
    let request = ListingRequest::parse(ListingParams {
        q: query.q.as_deref(),
        category: query.category.as_deref(),
        sort: query.sort.as_deref(),
        limit: query.limit.as_deref(),
        cursor: query.cursor.as_deref(),
    })
    .map_err(ApiError::invalid)?;
    let listing = state.services.catalog.list(&request);
    let page = ProductPage::of(listing, &state.public_url);
    let answer = Bytes::from(serde_json::to_vec(&page).map_err(|e| {
        tracing::error!(error = %e, "a product page could not be written as JSON");
        ApiError::new(domain::refusal::Refusal::internal())
    })?);
    state.api_listings.put(&raw, generation, answer.clone());
    Ok(json_answer(answer))
}

fn json_answer(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// One product, by slug.
#[utoipa::path(
    get,
    path = "/products/{slug}",
    tag = "catalog",
    params(("slug" = String, Path, description = "The product's slug", max_length = 80)),
    responses(
        (status = 200, description = "The product", body = ApiProduct),
        (status = 404, description = "No product on sale has this slug", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<ApiProduct>, ApiError> {
    let detail = state
        .services
        .catalog
        .detail(&slug)
        .ok_or_else(|| ApiError::not_found("There is no product on sale with this slug."))?;
    Ok(Json(ApiProduct::of(detail.product, &state.public_url)))
}

/// A category and how many products on sale it has.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCategory {
    #[schema(value_type = CategorySlug)]
    pub slug: &'static str,
    pub name: &'static str,
    pub product_count: usize,
}

/// The categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<ApiCategory>,
}

/// The categories, with how many products on sale each has.
#[utoipa::path(
    get,
    path = "/categories",
    tag = "catalog",
    responses((status = 200, description = "Every category", body = CategoryList))
)]
pub async fn list_categories(State(state): State<AppState>) -> Json<CategoryList> {
    let page = state.services.catalog.page(&Default::default());
    Json(CategoryList {
        items: page
            .categories
            .into_iter()
            .map(|c| ApiCategory {
                slug: c.category.slug(),
                name: c.category.label(),
                product_count: c.count,
            })
            .collect(),
    })
}
