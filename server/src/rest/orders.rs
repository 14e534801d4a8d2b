//! Checkout and the caller's own orders: place the cart as an order (idempotently), list
//! them, read one, cancel one. Another customer's order is, to a token, a missing one.

use super::auth::ApiCustomer;
use super::body::JsonBody;
use super::money::{ApiTotals, Price};
use super::problems::ApiError;
use crate::router::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use domain::orders::{
    Actor, Checkout, IdempotencyKey, Order, OrderCursor, OrderId, OrderStatus, ShippingAddress,
};
use domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Where an order is in its life. Pending → processing → shipped → delivered; pending or
/// processing → cancelled.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiOrderStatus {
    Pending,
    Processing,
    Shipped,
    Delivered,
    Cancelled,
}

impl From<OrderStatus> for ApiOrderStatus {
    fn from(status: OrderStatus) -> Self {
        match status {
            OrderStatus::Pending => Self::Pending,
            OrderStatus::Processing => Self::Processing,
            OrderStatus::Shipped => Self::Shipped,
            OrderStatus::Delivered => Self::Delivered,
            OrderStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<ApiOrderStatus> for OrderStatus {
    fn from(status: ApiOrderStatus) -> Self {
        match status {
            ApiOrderStatus::Pending => Self::Pending,
            ApiOrderStatus::Processing => Self::Processing,
            ApiOrderStatus::Shipped => Self::Shipped,
            ApiOrderStatus::Delivered => Self::Delivered,
            ApiOrderStatus::Cancelled => Self::Cancelled,
        }
    }
}

/// A line of an order, at the price it was bought for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrderLine {
    #[schema(format = "uuid")]
    pub product_id: String,
    pub slug: String,
    pub name: String,
    pub unit_price: Price,
    pub quantity: u16,
    pub line_total: Price,
}

/// Where an order ships to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Who receives it.
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub name: String,
    #[schema(min_length = 1, max_length = 120, pattern = "\\S")]
    pub line1: String,
    #[serde(default)]
    #[schema(max_length = 120)]
    pub line2: String,
    #[schema(min_length = 1, max_length = 80, pattern = "\\S")]
    pub city: String,
    #[schema(min_length = 1, max_length = 16, pattern = "\\S")]
    pub postal_code: String,
    /// Its name or ISO 3166 code.
    #[schema(min_length = 2, max_length = 56, pattern = "\\S\\s*\\S")]
    pub country: String,
}

impl From<ShippingAddress> for Address {
    fn from(address: ShippingAddress) -> Self {
        Self {
            name: address.name.as_str().to_owned(),
            line1: address.line1,
            line2: address.line2,
            city: address.city,
            postal_code: address.postal_code,
            country: address.country,
        }
    }
}

/// Who moved an order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MovedBy {
    Customer,
    Staff,
    System,
}

/// One move of an order's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatusChange {
    pub status: ApiOrderStatus,
    #[schema(format = DateTime)]
    pub at: String,
    pub by: MovedBy,
    pub reason: String,
}

/// An order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrder {
    #[schema(format = "uuid")]
    pub id: String,
    /// Short and human: `CM-7K3M9Q`.
    #[schema(example = "CM-7K3M9Q")]
    pub number: String,
    pub status: ApiOrderStatus,
    #[schema(format = "uuid")]
    pub customer_id: String,
    #[schema(format = "email")]
    pub email: String,
    pub lines: Vec<ApiOrderLine>,
    pub totals: ApiTotals,
    pub shipping_address: Address,
    /// How it is paid: "Pay on delivery".
    pub payment: String,
    /// Every status it has had, oldest first.
    pub history: Vec<ApiStatusChange>,
    /// Whether its customer may still cancel it.
    pub cancellable: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<Order> for ApiOrder {
    fn from(order: Order) -> Self {
        Self {
            cancellable: order
                .status
                .allows(OrderStatus::Cancelled, domain::orders::Mover::Customer),
            id: order.id.as_str().to_owned(),
            number: order.number,
            status: order.status.into(),
            customer_id: order.customer.as_str().to_owned(),
            email: order.email.as_str().to_owned(),
            lines: order
                .lines
                .into_iter()
                .map(|l| ApiOrderLine {
                    product_id: l.product_id.as_str().to_owned(),
                    slug: l.slug.as_str().to_owned(),
                    name: l.name,
                    unit_price: l.unit_price.into(),
                    quantity: l.quantity.get(),
                    line_total: l.line_total.into(),
                })
                .collect(),
            totals: order.totals.into(),
            shipping_address: order.address.into(),
            payment: order.payment,
            history: order
                .history
                .into_iter()
                .map(|c| ApiStatusChange {
                    status: c.to.into(),
                    at: c.at.rfc3339(),
                    by: match c.actor {
                        Actor::Customer(_) => MovedBy::Customer,
                        Actor::Staff(_) => MovedBy::Staff,
                        Actor::System => MovedBy::System,
                    },
                    reason: c.reason,
                })
                .collect(),
            created_at: order.created_at.rfc3339(),
        }
    }
}

/// One page of orders, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<ApiOrder>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl OrderPage {
    pub fn of(orders: Vec<Order>, next: Option<OrderCursor>) -> Self {
        Self {
            items: orders.into_iter().map(ApiOrder::from).collect(),
            next_cursor: next.map(|c| c.encode()),
        }
    }
}

/// How to page through a list: the page size and the cursor of the page before.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 50; 20 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 256)]
    pub cursor: Option<String>,
}

/// The most items one page holds.
pub const MAX_PER_PAGE: usize = 50;

impl PageQuery {
    /// The page size and where to start (a cursor of the kind `parse_cursor` reads), or
    /// every field at fault.
    pub fn parse_with<C>(
        &self,
        parse_cursor: impl FnOnce(&str) -> Option<C>,
    ) -> Result<(usize, Option<C>), Vec<FieldError>> {
        let limit = domain::field_error::parse_limit(self.limit.as_deref(), 20, MAX_PER_PAGE);
        let cursor = match self.cursor.as_deref() {
            None => Ok(None),
            Some(text) => parse_cursor(text)
                .map(Some)
                .ok_or_else(|| FieldError::new("cursor", "is not a cursor this API gave out")),
        };
        match (limit, cursor) {
            (Ok(limit), Ok(cursor)) => Ok((limit, cursor)),
            (limit, cursor) => Err([limit.err(), cursor.err()].into_iter().flatten().collect()),
        }
    }

    /// A page of orders.
    pub fn parse(&self) -> Result<(i32, Option<OrderCursor>), ApiError> {
        let (limit, cursor) = self
            .parse_with(OrderCursor::parse)
            .map_err(ApiError::invalid)?;
        Ok((i32::try_from(limit).unwrap_or(20), cursor))
    }
}

/// An order id from a path; a malformed one is a missing order.
pub fn order_id(text: &str) -> Result<OrderId, ApiError> {
    OrderId::parse(text).map_err(|_| ApiError::from_service(&domain::orders::OrderError::NotFound))
}

/// What to check out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    pub shipping_address: Address,
}

/// The header that makes a checkout safe to retry.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

fn idempotency_key(headers: &HeaderMap) -> Result<IdempotencyKey, FieldError> {
    headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| IdempotencyKey::parse(v.trim()).ok())
        .ok_or_else(|| {
            FieldError::new(
                "Idempotency-Key",
                "this header is required: 16 to 64 letters, digits, `-` or `_` (a fresh UUID will do), the same on every retry of one checkout",
            )
        })
}

/// Place the cart as an order.
///
/// One transaction takes the stock of every line, writes the order and empties the cart, as
/// the storefront's checkout does. Send a fresh `Idempotency-Key` per order and the same one
/// on every retry: a retry (even after a timeout, even concurrent) returns the order the
/// first request placed and never places a second.
#[utoipa::path(
    post,
    path = "/checkout",
    tag = "orders",
    security(("token" = [])),
    params(("Idempotency-Key" = String, Header, description = "16 to 64 letters, digits, `-` or `_`; the same on every retry of one checkout", min_length = 16, max_length = 64, pattern = "^[A-Za-z0-9_-]{16,64}$")),
    request_body = CheckoutRequest,
    responses(
        (status = 201, description = "The order, placed now or by an earlier request with the same key", body = ApiOrder,
            headers(("Location" = String, description = "The order's URL"))),
        (status = 400, description = "The `Idempotency-Key` header is missing or malformed", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cart is empty, a line is sold out or short, or the cart changed meanwhile; nothing was ordered", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "An address field is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn checkout(
    State(state): State<AppState>,
    customer: ApiCustomer,
    headers: HeaderMap,
    JsonBody(request): JsonBody<CheckoutRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let key = idempotency_key(&headers).map_err(|e| {
        ApiError::new(domain::refusal::Refusal {
            status: 400,
            message: "Send an `Idempotency-Key` header with every checkout.".to_owned(),
            fields: vec![e],
        })
    })?;
    let a = request.shipping_address;
    let address = ShippingAddress::parse(
        &a.name,
        &a.line1,
        &a.line2,
        &a.city,
        &a.postal_code,
        &a.country,
    )
    .map_err(|fields| {
        let named = fields
            .into_iter()
            .map(|e| FieldError::new(format!("shipping_address.{}", e.field), e.message))
            .collect();
        ApiError::invalid(named)
    })?;
    let account = customer.0.account();
    let order = state
        .services
        .orders
        .place(Checkout {
            customer: account.id.clone(),
            email: account.email.clone(),
            address,
            key,
        })
        .await?;
    let location = format!("{}/orders/{}", super::PREFIX, order.id.as_str());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ApiOrder::from(order)),
    ))
}

/// The caller's orders, newest first.
#[utoipa::path(
    get,
    path = "/orders",
    tag = "orders",
    security(("token" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the caller's orders", body = OrderPage),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_orders(
    State(state): State<AppState>,
    customer: ApiCustomer,
    Query(query): Query<PageQuery>,
) -> Result<Json<OrderPage>, ApiError> {
    let (limit, after) = query.parse()?;
    let (orders, next) = state
        .services
        .orders
        .page_for_customer(customer.0.id(), after.as_ref(), limit)
        .await?;
    Ok(Json(OrderPage::of(orders, next)))
}

/// One of the caller's orders.
#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "orders",
    security(("token" = [])),
    params(("id" = String, Path, description = "The order's id", format = "uuid")),
    responses(
        (status = 200, description = "The order", body = ApiOrder),
        (status = 404, description = "The caller has no order with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_order(
    State(state): State<AppState>,
    customer: ApiCustomer,
    Path(id): Path<String>,
) -> Result<Json<ApiOrder>, ApiError> {
    let id = order_id(&id)?;
    let order = state
        .services
        .orders
        .get_for_customer(customer.0.id(), &id)
        .await?;
    Ok(Json(order.into()))
}

/// Cancel one of the caller's orders, while it is pending or processing; its stock goes back
/// on sale.
#[utoipa::path(
    post,
    path = "/orders/{id}/cancel",
    tag = "orders",
    security(("token" = [])),
    params(("id" = String, Path, description = "The order's id", format = "uuid")),
    responses(
        (status = 200, description = "The cancelled order", body = ApiOrder),
        (status = 404, description = "The caller has no order with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order has shipped (or is cancelled) and can no longer be cancelled", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel_order(
    State(state): State<AppState>,
    customer: ApiCustomer,
    Path(id): Path<String>,
) -> Result<Json<ApiOrder>, ApiError> {
    let id = order_id(&id)?;
    let order = state
        .services
        .orders
        .cancel_for_customer(&customer.0, &id, domain::orders::CUSTOMER_CANCEL_REASON)
        .await?;
    Ok(Json(order.into()))
}
