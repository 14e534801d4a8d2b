//! The console's order work for admin tokens: every order by the console's filters, one
//! order, and status moves (audited in the move's own transaction; a cancel returns stock).

use super::auth::ApiAdmin;
use super::body::JsonBody;
use super::orders::{order_id, ApiOrder, ApiOrderStatus, OrderPage, PageQuery};
use super::problems::ApiError;
use crate::router::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use domain::orders::{OrderFilterText, OrderStatus};
use domain::FieldError;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Which orders: the console's filters. Every parameter is optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminOrdersQuery {
    /// Orders in this status; `pending` by default.
    #[param(value_type = Option<ApiOrderStatus>)]
    pub status: Option<String>,
    /// Placed on or after this day (`YYYY-MM-DD`, UTC).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Placed on or before this day (`YYYY-MM-DD`, UTC).
    #[param(format = Date)]
    pub to: Option<String>,
    /// Only this customer's orders.
    #[param(format = "email", max_length = 254)]
    pub email: Option<String>,
    /// `newest` (the default) or `oldest` first.
    #[param(pattern = "^(newest|oldest)$")]
    pub sort: Option<String>,
    /// Orders per page, 1 to 50; 20 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page, with the same filters.
    #[param(max_length = 128)]
    pub cursor: Option<String>,
}

/// List orders by status, date, customer.
#[utoipa::path(
    get,
    path = "/admin/orders",
    tag = "admin",
    security(("token" = ["admin"])),
    params(AdminOrdersQuery),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        (status = 403, description = "The token is not an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _: ApiAdmin,
    Query(query): Query<AdminOrdersQuery>,
) -> Result<Json<OrderPage>, ApiError> {
    let paging = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    let mut errors = super::problems::sent_empty(&[
        ("status", query.status.as_deref()),
        ("from", query.from.as_deref()),
        ("to", query.to.as_deref()),
        ("email", query.email.as_deref()),
        ("sort", query.sort.as_deref()),
    ]);
    let page = paging
        .parse()
        .map_err(|e| errors.extend(e.refusal().fields.clone()));
    // The console falls back to pending on an unknown status; a client is told.
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        OrderStatus::parse(status).map_err(|e| errors.push(e)).ok();
    }
    if query
        .sort
        .as_deref()
        .is_some_and(|s| !s.is_empty() && s != "newest" && s != "oldest")
    {
        errors.push(FieldError::new("sort", "must be newest or oldest"));
    }
    let text = OrderFilterText {
        status: query.status,
        from: query.from,
        to: query.to,
        email: query.email,
        sort: query.sort,
    };
    let resolved = state.services.resolve_order_filter(&text).await?;
    errors.extend(resolved.problems);
    let (limit, after) = match page {
        Ok(page) if errors.is_empty() => page,
        _ => return Err(ApiError::invalid(errors)),
    };
    if resolved.matches_nothing {
        return Ok(Json(OrderPage::of(Vec::new(), None)));
    }
    let (orders, next) = state
        .services
        .orders
        .page_matching(&resolved.filter, after.as_ref(), limit)
        .await?;
    Ok(Json(OrderPage::of(orders, next)))
}

/// Any order.
#[utoipa::path(
    get,
    path = "/admin/orders/{id}",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The order's id", format = "uuid")),
    responses(
        (status = 200, description = "The order", body = ApiOrder),
        (status = 403, description = "The token is not an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no order with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    _: ApiAdmin,
    Path(id): Path<String>,
) -> Result<Json<ApiOrder>, ApiError> {
    let order = state.services.orders.get(&order_id(&id)?).await?;
    Ok(Json(order.into()))
}

/// A status move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderMove {
    pub status: ApiOrderStatus,
    /// Why, for the order's history; "Marked shipped by staff" when left out.
    #[schema(max_length = 200)]
    pub reason: Option<String>,
}

/// Move an order to its next status.
///
/// Only the status machine's moves are taken: pending → processing → shipped → delivered,
/// and pending or processing → cancelled (which returns the stock). Of concurrent moves of
/// one order, one wins.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/status",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The order's id", format = "uuid")),
    request_body = OrderMove,
    responses(
        (status = 200, description = "The order in its new status", body = ApiOrder),
        (status = 404, description = "There is no order with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order's status does not allow this move (now)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn move_status(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<OrderMove>,
) -> Result<Json<ApiOrder>, ApiError> {
    let id = order_id(&id)?;
    let to = OrderStatus::from(change.status);
    let reason = domain::orders::staff_move_reason(change.reason.as_deref().unwrap_or(""), to)?;
    let order = state
        .services
        .orders
        .advance(&id, to, admin.staff(), &reason)
        .await?;
    Ok(Json(order.into()))
}
