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

#[server(prefix = "/api/admin")]
pub async fn admin_overview() -> Result<Overview, ServerFnError> {
    let services = crate::services()?;
    crate::identity::web::require_admin(&services, "/admin").await?;
    let failure = |e: domain::orders::OrderError| {
        tracing::error!(error = ?e, "admin overview failed");
        ServerFnError::new("The overview could not be loaded. Please try again.")
    };
    Ok(Overview {
        days: services.orders.sales(7).await.map_err(failure)?,
        low_stock: services.catalog.low_stock(10),
        recent: services.orders.recent(10).await.map_err(failure)?,
    })
}
