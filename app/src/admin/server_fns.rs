//! Thin adapters for the console: check the admin, call the services, shape the answer.

use crate::forms::FormError;
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
pub async fn admin_gate(return_to: String) -> Result<(), FormError> {
    let return_to = if return_to.starts_with("/admin") {
        return_to
    } else {
        "/admin".into()
    };
    crate::caller::require_admin(&return_to).await?;
    Ok(())
}

#[server(prefix = "/api/admin")]
pub async fn admin_overview() -> Result<Overview, FormError> {
    let services = crate::services()?;
    crate::caller::require_admin("/admin").await?;
    Ok(Overview {
        days: services.orders.sales(7).await?,
        low_stock: services.catalog.low_stock(10),
        recent: services.orders.recent(10).await?,
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
) -> Result<OrderList, FormError> {
    use domain::orders::{OrderCursor, OrderFilterText};
    let services = crate::services()?;
    crate::caller::require_admin("/admin/orders").await?;
    let text = OrderFilterText {
        status,
        from,
        to,
        email,
        sort,
    };
    let resolved = services.resolve_order_filter(&text).await?;
    let after = after.as_deref().and_then(OrderCursor::parse);
    let (orders, next) = if resolved.matches_nothing {
        (Vec::new(), None)
    } else {
        services
            .orders
            .page_matching(&resolved.filter, after.as_ref(), 25)
            .await?
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
pub async fn admin_order(id: String) -> Result<Option<AdminOrderDetail>, FormError> {
    use domain::orders::{OrderError, OrderId};
    let services = crate::services()?;
    let admin = crate::caller::require_admin("/admin/orders").await?;
    let Ok(id) = OrderId::parse(&id) else {
        return Ok(None);
    };
    let order = match services.orders.get(&id).await {
        Ok(order) => order,
        Err(OrderError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let tickets = services
        .support
        .tickets_about(admin.staff(), &id)
        .await?
        .into_iter()
        .map(|t| OrderTicket {
            id: t.id.as_str().to_owned(),
            title: format!("{} · {}", t.number, t.subject.as_str()),
            status: t.status.desk_label().to_owned(),
        })
        .collect();
    Ok(Some(AdminOrderDetail { order, tickets }))
}

/// An order as its console page shows it, with the support tickets about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOrderDetail {
    pub order: Order,
    pub tickets: Vec<OrderTicket>,
}

/// A support ticket about an order: where it is, what it is, its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTicket {
    pub id: String,
    /// `#1042 · Broken on arrival`.
    pub title: String,
    pub status: String,
}

/// Moves an order to a status the status machine allows; cancelling returns the stock.
#[server(prefix = "/api/admin")]
pub async fn admin_move_order(
    id: String,
    to: String,
    reason: Option<String>,
) -> Result<(), FormError> {
    use domain::orders::{OrderId, OrderStatus};
    let services = crate::services()?;
    let admin = crate::caller::require_admin("/admin/orders").await?;
    let id = OrderId::parse(&id)?;
    let to = OrderStatus::parse(&to)?;
    let reason = domain::orders::staff_move_reason(reason.as_deref().unwrap_or_default(), to)?;
    services
        .orders
        .advance(&id, to, admin.staff(), &reason)
        .await?;
    leptos_axum::redirect(&format!("/admin/orders/{}", id.as_str()));
    Ok(())
}
