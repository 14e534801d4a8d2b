//! The caller's own cart: read it, add a product, set a line's quantity, remove a line.
//! A token only ever reaches its own account's cart; there is no cart id to guess.

use super::auth::ApiCustomer;
use super::body::JsonBody;
use super::money::{ApiTotals, Price};
use super::problems::ApiError;
use crate::router::AppState;
use axum::extract::{Path, State};
use axum::Json;
use domain::cart::{CartLine, CartOwner, CartView, LineIssue};
use domain::catalog::ProductId;
use domain::orders::Quantity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a line cannot be bought as it is.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// The price moved since the line was added (checkout still works).
    PriceChanged,
    /// Fewer are left than the line asks for.
    OnlyLeft,
    SoldOut,
    /// Withdrawn from sale.
    Unavailable,
}

/// A line's issue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiLineIssue {
    pub code: IssueCode,
    /// For people: "Only 2 left: lower the quantity".
    pub message: String,
    /// Whether checkout is refused until the line is changed.
    pub blocks_checkout: bool,
}

impl From<&LineIssue> for ApiLineIssue {
    fn from(issue: &LineIssue) -> Self {
        let code = match issue {
            LineIssue::PriceChanged { .. } => IssueCode::PriceChanged,
            LineIssue::OnlyLeft(_) => IssueCode::OnlyLeft,
            LineIssue::SoldOut => IssueCode::SoldOut,
            LineIssue::Unavailable => IssueCode::Unavailable,
        };
        Self {
            code,
            message: issue.message(),
            blocks_checkout: issue.blocks_checkout(),
        }
    }
}

/// A line of the cart, priced now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCartLine {
    #[schema(format = "uuid")]
    pub product_id: String,
    pub slug: String,
    pub name: String,
    #[schema(format = "uri")]
    pub image_url: String,
    pub unit_price: Price,
    #[schema(minimum = 1, maximum = 99)]
    pub quantity: u16,
    pub line_total: Price,
    /// The most this line may hold now (stock, at most 99).
    pub max_quantity: u32,
    pub issue: Option<ApiLineIssue>,
}

impl ApiCartLine {
    fn of(line: CartLine, public_url: &str) -> Self {
        Self {
            issue: line.issue.as_ref().map(ApiLineIssue::from),
            product_id: line.product_id.as_str().to_owned(),
            slug: line.slug.as_str().to_owned(),
            name: line.name,
            image_url: format!("{public_url}{}", line.image),
            unit_price: line.unit_price.into(),
            quantity: line.quantity.get(),
            line_total: line.line_total.into(),
            max_quantity: line.max_quantity,
        }
    }
}

/// The cart, priced from the catalog as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCart {
    pub lines: Vec<ApiCartLine>,
    pub totals: ApiTotals,
    /// Units in the cart.
    pub count: u32,
    /// Whether `POST /checkout` would take it: not empty, and no line blocks checkout.
    pub can_check_out: bool,
}

impl ApiCart {
    fn of(view: CartView, public_url: &str) -> Self {
        Self {
            can_check_out: view.can_check_out(),
            count: view.count,
            totals: view.totals.into(),
            lines: view
                .lines
                .into_iter()
                .map(|l| ApiCartLine::of(l, public_url))
                .collect(),
        }
    }
}

/// A product to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLine {
    #[schema(format = "uuid")]
    pub product_id: String,
    /// Added to what the line holds already; capped by stock.
    #[schema(minimum = 1, maximum = 99)]
    pub quantity: i64,
}

/// A line's new quantity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineQuantity {
    /// Capped by stock.
    #[schema(minimum = 1, maximum = 99)]
    pub quantity: i64,
}

fn owner(customer: &ApiCustomer) -> CartOwner {
    CartOwner::Customer(customer.0.id().clone())
}

/// A product id from the API, named as the API names it.
pub fn product_id(text: &str) -> Result<ProductId, domain::FieldError> {
    ProductId::parse(text).map_err(|e| domain::FieldError::new("product_id", e.message))
}

async fn answer(state: &AppState, owner: &CartOwner) -> Result<Json<ApiCart>, ApiError> {
    let view = state.services.carts.view(owner).await?;
    Ok(Json(ApiCart::of(view, &state.public_url)))
}

/// The caller's cart.
#[utoipa::path(
    get,
    path = "/cart",
    tag = "cart",
    security(("token" = [])),
    responses((status = 200, description = "The cart, priced now", body = ApiCart))
)]
pub async fn get_cart(
    State(state): State<AppState>,
    customer: ApiCustomer,
) -> Result<Json<ApiCart>, ApiError> {
    answer(&state, &owner(&customer)).await
}

/// Add a product to the cart.
#[utoipa::path(
    post,
    path = "/cart/lines",
    tag = "cart",
    security(("token" = [])),
    request_body = NewLine,
    responses(
        (status = 200, description = "The cart with the product added", body = ApiCart),
        (status = 409, description = "The cart changed under this request; try again", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or the product is not for sale, sold out, or the cart is full", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_line(
    State(state): State<AppState>,
    customer: ApiCustomer,
    JsonBody(line): JsonBody<NewLine>,
) -> Result<Json<ApiCart>, ApiError> {
    let id = product_id(&line.product_id);
    let quantity = Quantity::parse(line.quantity);
    let (id, quantity) = match (id, quantity) {
        (Ok(id), Ok(q)) => (id, q),
        (id, q) => {
            return Err(ApiError::invalid(
                [id.err(), q.err()].into_iter().flatten().collect(),
            ))
        }
    };
    let owner = owner(&customer);
    state.services.carts.add(&owner, &id, quantity).await?;
    answer(&state, &owner).await
}

/// Set a line's quantity.
#[utoipa::path(
    put,
    path = "/cart/lines/{product_id}",
    tag = "cart",
    security(("token" = [])),
    params(("product_id" = String, Path, description = "The line's product", format = "uuid")),
    request_body = LineQuantity,
    responses(
        (status = 200, description = "The cart with the new quantity", body = ApiCart),
        (status = 404, description = "The product is not in the cart", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cart changed under this request; try again", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_line(
    State(state): State<AppState>,
    customer: ApiCustomer,
    Path(product): Path<String>,
    JsonBody(line): JsonBody<LineQuantity>,
) -> Result<Json<ApiCart>, ApiError> {
    let id = product_id(&product)?;
    let quantity = Quantity::parse(line.quantity)?;
    let owner = owner(&customer);
    state
        .services
        .carts
        .set_quantity(&owner, &id, quantity)
        .await?;
    answer(&state, &owner).await
}

/// Remove a line. Removing a line the cart does not have changes nothing.
#[utoipa::path(
    delete,
    path = "/cart/lines/{product_id}",
    tag = "cart",
    security(("token" = [])),
    params(("product_id" = String, Path, description = "The line's product", format = "uuid")),
    responses(
        (status = 200, description = "The cart without the line", body = ApiCart),
        (status = 409, description = "The cart changed under this request; try again", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The product id is malformed", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_line(
    State(state): State<AppState>,
    customer: ApiCustomer,
    Path(product): Path<String>,
) -> Result<Json<ApiCart>, ApiError> {
    let id = product_id(&product)?;
    let owner = owner(&customer);
    state.services.carts.remove(&owner, &id).await?;
    answer(&state, &owner).await
}
