//! Thin adapters over the order service: auth, parse, call, map the error.

use crate::forms::FormError;
use domain::cart::CartView;
use domain::orders::Order;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the checkout page needs: the priced cart, the form's defaults and its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutDetails {
    pub cart: CartView,
    /// The name and default address from the customer's profile.
    pub prefill: domain::identity::ProfileFields,
    pub email: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdersPage {
    pub orders: Vec<Order>,
    pub next: Option<String>,
}

#[cfg(feature = "ssr")]
fn failure(e: domain::orders::OrderError) -> ServerFnError {
    tracing::error!(error = ?e, "order request failed");
    ServerFnError::new("Something went wrong on our side. Please try again.")
}

#[server]
pub async fn get_checkout() -> Result<CheckoutDetails, ServerFnError> {
    let services = crate::services()?;
    let account = crate::identity::web::require_account(&services, "/checkout").await?;
    let cart = services
        .carts
        .view(&domain::cart::CartOwner::Customer(account.id.clone()))
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    let prefill = match services.identity.profile(&account.id).await {
        Ok(profile) => profile.fields(),
        Err(e) => {
            // The form still works, only empty: not a reason to refuse the checkout page.
            tracing::warn!(error = ?e, "could not read the profile for checkout");
            domain::identity::ProfileFields {
                name: account.name.as_str().to_owned(),
                ..Default::default()
            }
        }
    };
    Ok(CheckoutDetails {
        cart,
        prefill,
        email: account.email.as_str().to_owned(),
        key: domain::orders::IdempotencyKey::generate()
            .as_str()
            .to_owned(),
    })
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn place_order(
    key: String,
    name: String,
    line1: String,
    line2: Option<String>,
    city: String,
    postal_code: String,
    country: String,
) -> Result<(), FormError> {
    use crate::forms::reject;
    use domain::orders::{Checkout, IdempotencyKey, OrderError, ShippingAddress};
    use http::StatusCode;
    let services = crate::services()?;
    let account = crate::identity::web::require_account(&services, "/checkout").await?;
    let address = ShippingAddress::parse(
        &name,
        &line1,
        line2.as_deref().unwrap_or(""),
        &city,
        &postal_code,
        &country,
    );
    let key = IdempotencyKey::parse(&key);
    let (address, key) = match (address, key) {
        (Ok(a), Ok(k)) => (a, k),
        (a, k) => {
            let mut errors = a.err().unwrap_or_default();
            errors.extend(k.err());
            return Err(crate::forms::invalid(errors));
        }
    };
    let checkout = Checkout {
        customer: account.id,
        email: account.email,
        address,
        key,
    };
    match services.orders.place(checkout).await {
        Ok(order) => {
            leptos_axum::redirect(&format!("/account/orders/{}", order.id.as_str()));
            Ok(())
        }
        Err(OrderError::OutOfStock(lines)) => {
            let detail: Vec<String> = lines
                .iter()
                .map(|l| match l.available {
                    0 => format!("{} is sold out", l.name),
                    n => format!("{}: only {n} left (you asked for {})", l.name, l.wanted),
                })
                .collect();
            Err(reject(
                FormError::Refused(format!(
                    "Nothing was ordered: {}. Please update your cart.",
                    detail.join("; ")
                )),
                StatusCode::CONFLICT,
            ))
        }
        Err(OrderError::EmptyCart) => Err(reject(
            FormError::Refused("Your cart is empty.".into()),
            StatusCode::CONFLICT,
        )),
        Err(OrderError::Busy) | Err(OrderError::CartChanged) => Err(reject(
            FormError::Refused(
                "Your cart changed or the shop is busy; nothing was ordered. Please try again."
                    .into(),
            ),
            StatusCode::CONFLICT,
        )),
        Err(e) => Err(failure(e).into()),
    }
}

#[server]
pub async fn my_orders(after: Option<String>) -> Result<OrdersPage, ServerFnError> {
    use domain::orders::OrderCursor;
    let services = crate::services()?;
    let account = crate::identity::web::require_account(&services, "/account/orders").await?;
    let cursor = after.as_deref().and_then(OrderCursor::parse);
    let (orders, next) = services
        .orders
        .page_for_customer(&account.id, cursor.as_ref(), 10)
        .await
        .map_err(failure)?;
    Ok(OrdersPage {
        orders,
        next: next.map(|c| c.encode()),
    })
}

#[server]
pub async fn my_order(id: String) -> Result<Option<Order>, ServerFnError> {
    use domain::orders::{OrderError, OrderId};
    let services = crate::services()?;
    let account = crate::identity::web::require_account(&services, "/account/orders").await?;
    let Ok(id) = OrderId::parse(&id) else {
        return Ok(None);
    };
    match services.orders.get_for_customer(&account.id, &id).await {
        Ok(order) => Ok(Some(order)),
        Err(OrderError::NotFound) => Ok(None),
        Err(e) => Err(failure(e)),
    }
}

#[server]
pub async fn cancel_my_order(id: String) -> Result<(), ServerFnError> {
    use domain::orders::{Actor, OrderError, OrderId};
    let services = crate::services()?;
    let account = crate::identity::web::require_account(&services, "/account/orders").await?;
    let order_id = OrderId::parse(&id).map_err(|e| ServerFnError::new(e.to_string()))?;
    match services
        .orders
        .cancel(
            &order_id,
            Actor::Customer(account.id),
            "Cancelled by the customer",
        )
        .await
    {
        Ok(_) => {
            leptos_axum::redirect(&format!("/account/orders/{}", order_id.as_str()));
            Ok(())
        }
        Err(OrderError::InvalidTransition { from, .. }) => Err(ServerFnError::new(format!(
            "This order is {} and can no longer be cancelled.",
            from.label().to_lowercase()
        ))),
        Err(OrderError::NotFound) => Err(ServerFnError::new("No such order.")),
        Err(e) => Err(failure(e)),
    }
}
