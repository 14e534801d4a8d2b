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

#[server]
pub async fn get_checkout() -> Result<CheckoutDetails, FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer("/checkout").await?;
    let account = customer.account();
    let cart = services
        .carts
        .view(&domain::cart::CartOwner::Customer(account.id.clone()))
        .await?;
    let prefill = match services.identity.profile(&account.id).await {
        Ok(profile) => profile.fields(),
        Err(e) => {
            // The form still works, only empty: not a reason to refuse the checkout page.
            tracing::warn!(error = %domain::refusal::chain(&e), "could not read the profile for checkout");
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
    use domain::orders::{Checkout, IdempotencyKey, ShippingAddress};
    let services = crate::services()?;
    let customer = crate::caller::require_customer("/checkout").await?;
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
            return Err(errors.into());
        }
    };
    let account = customer.account();
    let checkout = Checkout {
        customer: account.id.clone(),
        email: account.email.clone(),
        address,
        key,
    };
    let order = services.orders.place(checkout).await?;
    leptos_axum::redirect(&format!("/account/orders/{}", order.id.as_str()));
    Ok(())
}

#[server]
pub async fn my_orders(after: Option<String>) -> Result<OrdersPage, FormError> {
    use domain::orders::OrderCursor;
    let services = crate::services()?;
    let customer = crate::caller::require_customer("/account/orders").await?;
    let cursor = after.as_deref().and_then(OrderCursor::parse);
    let (orders, next) = services
        .orders
        .page_for_customer(customer.id(), cursor.as_ref(), 10)
        .await?;
    Ok(OrdersPage {
        orders,
        next: next.map(|c| c.encode()),
    })
}

#[server]
pub async fn my_order(id: String) -> Result<Option<Order>, FormError> {
    use domain::orders::{OrderError, OrderId};
    let services = crate::services()?;
    let customer = crate::caller::require_customer("/account/orders").await?;
    let Ok(id) = OrderId::parse(&id) else {
        return Ok(None);
    };
    match services.orders.get_for_customer(customer.id(), &id).await {
        Ok(order) => Ok(Some(order)),
        Err(OrderError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[server]
pub async fn cancel_my_order(id: String) -> Result<(), FormError> {
    use domain::orders::OrderId;
    let services = crate::services()?;
    let customer = crate::caller::require_customer("/account/orders").await?;
    let order_id = OrderId::parse(&id)?;
    services
        .orders
        .cancel_for_customer(&customer, &order_id, domain::orders::CUSTOMER_CANCEL_REASON)
        .await?;
    leptos_axum::redirect(&format!("/account/orders/{}", order_id.as_str()));
    Ok(())
}
