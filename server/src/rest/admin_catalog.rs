//! The console's catalog work for admin tokens: list products in every status, read one,
//! create, change (fields or status), and adjust stock with a reason. Every change goes
//! through the catalog service's admin operations, which write the audit entry in the same
//! transaction as the change, as the console's do.

use super::auth::ApiAdmin;
use super::body::JsonBody;
use super::catalog::ApiProduct;
use super::problems::ApiError;
use super::schema::{CategorySlug, ProductStatusParam, SortParam};
use crate::router::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use domain::catalog::{
    parse_reason, AdminProductQuery, Category, Product, ProductFields, ProductId, ProductStatus,
    SortOrder, StockChange,
};
use domain::{Currency, FieldError, Money};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A product in any status, with its exact stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminProduct {
    #[serde(flatten)]
    pub product: ApiProduct,
    #[schema(value_type = ProductStatusParam)]
    pub status: &'static str,
    /// Units in stock.
    pub stock_count: u32,
}

impl AdminProduct {
    fn of(product: Product, public_url: &str) -> Self {
        Self {
            status: product.status.as_str(),
            stock_count: product.stock,
            product: ApiProduct::of(product, public_url),
        }
    }
}

/// One page of the admin's product list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminProductList {
    pub items: Vec<AdminProduct>,
    /// Matching products over all pages.
    pub total: usize,
    pub page: u32,
    pub page_count: u32,
}

/// How to list products (25 a page). Every parameter is optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminProductsQuery {
    /// Search text, as on the storefront.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only this status; every status by default.
    #[param(value_type = Option<ProductStatusParam>)]
    pub status: Option<String>,
    #[param(value_type = Option<CategorySlug>)]
    pub category: Option<String>,
    /// `newest` by default.
    #[param(value_type = Option<SortParam>)]
    pub sort: Option<String>,
    /// The page, from 1.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
}

impl AdminProductsQuery {
    /// The console's query, every given parameter checked (the console reads its URL
    /// leniently; a client is told what it got wrong).
    fn parse(&self) -> Result<AdminProductQuery, ApiError> {
        let mut errors = super::problems::sent_empty(&[
            ("status", self.status.as_deref()),
            ("category", self.category.as_deref()),
            ("sort", self.sort.as_deref()),
            ("page", self.page.as_deref()),
        ]);
        if let Some(status) = self.status.as_deref().filter(|v| !v.is_empty()) {
            ProductStatus::parse(status)
                .map_err(|e| errors.push(e))
                .ok();
        }
        if let Some(category) = self.category.as_deref().filter(|v| !v.is_empty()) {
            if Category::parse(category).is_err() {
                errors.push(FieldError::new("category", "is not a category"));
            }
        }
        if let Some(sort) = self.sort.as_deref().filter(|v| !v.is_empty()) {
            if SortOrder::from_param(sort).is_none() {
                errors.push(FieldError::new("sort", "is not a sort order"));
            }
        }
        if let Some(page) = self.page.as_deref().filter(|v| !v.is_empty()) {
            if domain::field_error::parse_limit(Some(page), 1, 1_000_000).is_err() {
                errors.push(FieldError::new("page", "must be a whole number from 1"));
            }
        }
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 100) {
            errors.push(FieldError::new("q", "must be at most 100 characters"));
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        Ok(AdminProductQuery::from_params(|name| match name {
            "q" => self.q.as_deref(),
            "status" => self.status.as_deref(),
            "category" => self.category.as_deref(),
            "sort" => self.sort.as_deref(),
            "page" => self.page.as_deref(),
            _ => None,
        }))
    }
}

/// List products in any status.
#[utoipa::path(
    get,
    path = "/admin/products",
    tag = "admin",
    security(("token" = ["admin"])),
    params(AdminProductsQuery),
    responses(
        (status = 200, description = "A page of products", body = AdminProductList),
        (status = 403, description = "The token is not an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _: ApiAdmin,
    Query(query): Query<AdminProductsQuery>,
) -> Result<Json<AdminProductList>, ApiError> {
    let query = query.parse()?;
    let page = state.services.catalog.admin_list(&query).await?;
    Ok(Json(AdminProductList {
        items: page
            .items
            .into_iter()
            .map(|p| AdminProduct::of(p, &state.public_url))
            .collect(),
        total: page.total,
        page: page.page,
        page_count: page.page_count,
    }))
}

fn product_id(text: &str) -> Result<ProductId, ApiError> {
    ProductId::parse(text)
        .map_err(|_| ApiError::from_service(&domain::catalog::CatalogError::NotFound))
}

/// One product, in any status.
#[utoipa::path(
    get,
    path = "/admin/products/{id}",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The product's id", format = "uuid")),
    responses(
        (status = 200, description = "The product", body = AdminProduct),
        (status = 403, description = "The token is not an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no product with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    _: ApiAdmin,
    Path(id): Path<String>,
) -> Result<Json<AdminProduct>, ApiError> {
    let product = state.services.catalog.get(&product_id(&id)?).await?;
    Ok(Json(AdminProduct::of(product, &state.public_url)))
}

/// A new product.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Its name in URLs; made from the name when left out.
    #[schema(max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// In cents.
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub price_cents: i64,
    #[schema(value_type = CategorySlug)]
    pub category: String,
    /// `draft` by default.
    #[schema(value_type = Option<ProductStatusParam>)]
    pub status: Option<String>,
    #[serde(default)]
    pub featured: bool,
    /// Units in stock to start with.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub stock: i64,
}

/// A change to a product: only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    #[schema(max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub price_cents: Option<i64>,
    #[schema(value_type = Option<CategorySlug>)]
    pub category: Option<String>,
    #[schema(value_type = Option<ProductStatusParam>)]
    pub status: Option<String>,
    pub featured: Option<bool>,
}

/// A price in cents as the product form's text, which the form's rules then read; or why
/// it is no price.
fn price_text(cents: i64) -> Result<String, FieldError> {
    Money::new(cents, Currency::Usd)
        .map(Money::decimal)
        .map_err(|e| FieldError::new("price_cents", e.message))
}

/// The form's field errors, named as the API names its fields.
fn api_fields(errors: Vec<FieldError>) -> ApiError {
    ApiError::invalid(
        errors
            .into_iter()
            .map(|e| match e.field.as_str() {
                "price" => FieldError::new("price_cents", e.message),
                _ => e,
            })
            .collect(),
    )
}

impl ProductPatch {
    /// `fields` with this patch's values.
    fn apply(self, fields: &mut ProductFields) -> Result<(), FieldError> {
        let set = |field: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *field = value;
            }
        };
        set(&mut fields.name, self.name);
        set(&mut fields.slug, self.slug);
        set(&mut fields.description, self.description);
        set(
            &mut fields.price,
            self.price_cents.map(price_text).transpose()?,
        );
        set(&mut fields.category, self.category);
        set(&mut fields.status, self.status);
        if let Some(featured) = self.featured {
            fields.featured = featured.then(|| "on".to_owned());
        }
        Ok(())
    }
}

/// Create a product.
#[utoipa::path(
    post,
    path = "/admin/products",
    tag = "admin",
    security(("token" = ["admin"])),
    request_body = NewProduct,
    responses(
        (status = 201, description = "The product", body = AdminProduct,
            headers(("Location" = String, description = "The product's URL"))),
        (status = 409, description = "The slug is taken; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    JsonBody(new): JsonBody<NewProduct>,
) -> Result<impl IntoResponse, ApiError> {
    let price = price_text(new.price_cents);
    let fields = ProductFields {
        name: new.name,
        slug: new.slug.unwrap_or_default(),
        description: new.description,
        price: price.clone().unwrap_or_default(),
        category: new.category,
        status: new.status.unwrap_or_else(|| "draft".to_owned()),
        featured: new.featured.then(|| "on".to_owned()),
    };
    let stock = StockChange::parse("set", &new.stock.to_string())
        .map_err(|e| FieldError::new("stock", e.message));
    let (draft, stock) = match (fields.parse(), price, stock) {
        (Ok(draft), Ok(_), Ok(StockChange::Set(stock))) => (draft, stock),
        (draft, price, stock) => {
            let mut errors = draft.err().unwrap_or_default();
            if let Err(price) = price {
                errors.retain(|e| e.field != "price");
                errors.push(price);
            }
            errors.extend(stock.err());
            return Err(api_fields(errors));
        }
    };
    let product = state
        .services
        .catalog
        .create_by(&admin, draft, stock)
        .await?;
    let location = format!("{}/admin/products/{}", super::PREFIX, product.id.as_str());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(AdminProduct::of(product, &state.public_url)),
    ))
}

/// Change a product's fields; those not sent stay as they are.
///
/// The change applies to the product as this request reads it: if someone saves it in the
/// meantime, the answer is 409 and nothing changes.
#[utoipa::path(
    patch,
    path = "/admin/products/{id}",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The product's id", format = "uuid")),
    request_body = ProductPatch,
    responses(
        (status = 200, description = "The product as saved", body = AdminProduct),
        (status = 404, description = "There is no product with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken, or the product changed meanwhile", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<ProductPatch>,
) -> Result<Json<AdminProduct>, ApiError> {
    let id = product_id(&id)?;
    let catalog = &state.services.catalog;
    let before = catalog.get(&id).await?;
    let mut fields = ProductFields::of(&before);
    patch
        .apply(&mut fields)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let draft = fields.parse().map_err(api_fields)?;
    let product = catalog.edit(&admin, &id, before.updated_at, draft).await?;
    Ok(Json(AdminProduct::of(product, &state.public_url)))
}

/// A product's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    #[schema(value_type = ProductStatusParam)]
    pub status: String,
}

/// Put a product on sale (`active`), back to `draft`, or withdraw it (`archived`: it leaves
/// the storefront at once and stays in order history).
#[utoipa::path(
    put,
    path = "/admin/products/{id}/status",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The product's id", format = "uuid")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The product with its new status", body = AdminProduct),
        (status = 404, description = "There is no product with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The status is not one of the three", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<StatusChange>,
) -> Result<Json<AdminProduct>, ApiError> {
    let id = product_id(&id)?;
    let status = ProductStatus::parse(&change.status)?;
    let product = state
        .services
        .catalog
        .set_status(&admin, &id, status)
        .await?;
    Ok(Json(AdminProduct::of(product, &state.public_url)))
}

/// How to change stock.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StockMode {
    /// `amount` becomes the stock.
    Set,
    /// `amount` (signed) is added to the stock.
    Delta,
}

/// A stock adjustment and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockAdjustment {
    pub mode: StockMode,
    /// For `set`, 0 to 1,000,000; for `delta`, a non-zero change such as 5 or -3.
    #[schema(minimum = -1_000_000, maximum = 1_000_000)]
    pub amount: i64,
    /// Why the stock changes (a delivery, a recount, damage): kept in the product's history.
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

/// Set or move a product's stock, with the reason.
///
/// One conditional write on the stock as read: a sale at the same moment is never lost.
#[utoipa::path(
    post,
    path = "/admin/products/{id}/stock",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The product's id", format = "uuid")),
    request_body = StockAdjustment,
    responses(
        (status = 200, description = "The product with its new stock", body = AdminProduct),
        (status = 404, description = "There is no product with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (or the change would leave less than none); `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn adjust_stock(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<String>,
    JsonBody(adjustment): JsonBody<StockAdjustment>,
) -> Result<Json<AdminProduct>, ApiError> {
    let id = product_id(&id)?;
    let mode = match adjustment.mode {
        StockMode::Set => "set",
        StockMode::Delta => "delta",
    };
    let change = StockChange::parse(mode, &adjustment.amount.to_string());
    let reason = parse_reason(&adjustment.reason);
    let (change, reason) = match (change, reason) {
        (Ok(c), Ok(r)) => (c, r),
        (c, r) => {
            return Err(ApiError::invalid(
                [c.err(), r.err()].into_iter().flatten().collect(),
            ))
        }
    };
    let product = state
        .services
        .catalog
        .adjust_stock(&admin, &id, change, &reason)
        .await?;
    Ok(Json(AdminProduct::of(product, &state.public_url)))
}
