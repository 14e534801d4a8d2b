//! Thin adapters for the console: check the admin, call the services, shape the answer.

use domain::catalog::Product;
use domain::orders::Order;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What `/admin` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Net orders and revenue per day, newest (today) first, for the last 7 days.
    pub days: Vec<domain::orders::DaySales>,
    pub low_stock: Vec<Product>,
    pub recent: Vec<Order>,
}

/// Only checks that the visitor is an admin: for console pages that load nothing else.
#[server(prefix = "/api/admin")]
pub async fn admin_gate(return_to: String) -> Result<(), ServerFnError> {
    let services = crate::services()?;
    let return_to = if return_to.starts_with("/admin") {
        return_to
    } else {
        "/admin".into()
    };
    crate::identity::web::require_admin(&services, &return_to).await?;
    Ok(())
}

#[server(prefix = "/api/admin")]
pub async fn admin_overview() -> Result<Overview, ServerFnError> {
    let services = crate::services()?;
    crate::identity::web::require_admin(&services, "/admin").await?;
    Ok(Overview {
        days: services.orders.sales(7).await.map_err(order_failure)?,
        low_stock: services.catalog.low_stock(10),
        recent: services.orders.recent(10).await.map_err(order_failure)?,
    })
}

/// One page of the admin's order list, with the filter it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderList {
    pub status: domain::orders::OrderStatus,
    /// The filter as typed, to refill the form: from, to, email.
    pub from: String,
    pub to: String,
    pub email: String,
    pub oldest_first: bool,
    /// Filter fields that could not be read, each with why; those filters are not applied.
    pub problems: Vec<domain::FieldError>,
    pub orders: Vec<Order>,
    pub next: Option<String>,
}

impl OrderList {
    /// This list's URL, continuing after `after` when given.
    pub fn href(&self, after: Option<&str>) -> String {
        use domain::catalog::percent_encode;
        let mut url = format!(
            "/admin/orders?status={}&from={}&to={}&email={}&sort={}",
            self.status.as_str(),
            percent_encode(&self.from),
            percent_encode(&self.to),
            percent_encode(&self.email),
            if self.oldest_first {
                "oldest"
            } else {
                "newest"
            }
        );
        if let Some(after) = after {
            url.push_str(&format!("&after={}", percent_encode(after)));
        }
        url
    }
}

#[cfg(feature = "ssr")]
fn order_failure(e: domain::orders::OrderError) -> ServerFnError {
    tracing::error!(error = ?e, "admin order request failed");
    ServerFnError::new("The orders could not be loaded. Please try again.")
}

/// Orders in one status (pending when the status is unknown), newest or oldest first,
/// optionally placed between two dates (inclusive) and by one customer (by email).
#[server(prefix = "/api/admin")]
pub async fn admin_orders(
    status: Option<String>,
    after: Option<String>,
    from: Option<String>,
    to: Option<String>,
    email: Option<String>,
    sort: Option<String>,
) -> Result<OrderList, ServerFnError> {
    use domain::orders::{OrderCursor, OrderFilterText};
    let services = crate::services()?;
    crate::identity::web::require_admin(&services, "/admin/orders").await?;
    let text = OrderFilterText {
        status,
        from,
        to,
        email,
        sort,
    };
    let resolved = services.resolve_order_filter(&text).await.map_err(|e| {
        tracing::error!(error = ?e, "looking up a customer failed");
        ServerFnError::new("The orders could not be loaded. Please try again.")
    })?;
    let after = after.as_deref().and_then(OrderCursor::parse);
    let (orders, next) = if resolved.matches_nothing {
        (Vec::new(), None)
    } else {
        services
            .orders
            .page_matching(&resolved.filter, after.as_ref(), 25)
            .await
            .map_err(order_failure)?
    };
    let shown =
        |v: Option<String>| -> String { v.unwrap_or_default().trim().chars().take(254).collect() };
    let filter = resolved.filter;
    Ok(OrderList {
        status: filter.status,
        from: shown(text.from),
        to: shown(text.to),
        email: shown(text.email),
        oldest_first: filter.oldest_first,
        problems: resolved.problems,
        orders,
        next: next.map(|c| c.encode()),
    })
}

/// Any order, for the admin; `None` when there is none with this id.
#[server(prefix = "/api/admin")]
pub async fn admin_order(id: String) -> Result<Option<Order>, ServerFnError> {
    use domain::orders::{OrderError, OrderId};
    let services = crate::services()?;
    crate::identity::web::require_admin(&services, "/admin/orders").await?;
    let Ok(id) = OrderId::parse(&id) else {
        return Ok(None);
    };
    match services.orders.get(&id).await {
        Ok(order) => Ok(Some(order)),
        Err(OrderError::NotFound) => Ok(None),
        Err(e) => Err(order_failure(e)),
    }
}

/// Moves an order to a status the status machine allows; cancelling returns the stock.
#[server(prefix = "/api/admin")]
pub async fn admin_move_order(
    id: String,
    to: String,
    reason: Option<String>,
) -> Result<(), crate::forms::FormError> {
    use crate::forms::{invalid, reject, FormError};
    use domain::orders::{OrderError, OrderId, OrderStatus};
    use domain::FieldError;
    let services = crate::services()?;
    let admin = crate::identity::web::require_admin(&services, "/admin/orders").await?;
    let id = OrderId::parse(&id).map_err(|e| invalid(vec![e]))?;
    let to = OrderStatus::parse(&to).map_err(|e| invalid(vec![e]))?;
    let reason = reason.unwrap_or_default();
    let reason = reason.trim();
    if reason.chars().count() > 200 || reason.chars().any(char::is_control) {
        return Err(invalid(vec![FieldError::new(
            "reason",
            "must be at most 200 characters of text",
        )]));
    }
    let reason = if reason.is_empty() {
        format!("Marked {} by staff", to.label().to_lowercase())
    } else {
        reason.to_owned()
    };
    match services
        .orders
        .advance(&id, to, &domain::audit::Staff::from(&admin), &reason)
        .await
    {
        Ok(_) => {
            leptos_axum::redirect(&format!("/admin/orders/{}", id.as_str()));
            Ok(())
        }
        Err(OrderError::InvalidTransition { from, to }) => Err(reject(
            FormError::Refused(format!(
                "This order is {} now, so it cannot become {}.",
                from.label(),
                to.label()
            )),
            http::StatusCode::CONFLICT,
        )),
        Err(OrderError::NotFound) => Err(reject(
            FormError::Refused("There is no such order.".into()),
            http::StatusCode::NOT_FOUND,
        )),
        Err(e) => Err(order_failure(e).into()),
    }
}
