//! Thin adapters over the cart service.

use domain::cart::CartView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn cart_failure(e: domain::cart::CartError) -> ServerFnError {
    use domain::cart::CartError;
    match e {
        CartError::Store(e) => {
            tracing::error!(error = ?e, "cart storage failed");
            ServerFnError::new("Your cart could not be updated. Please try again.")
        }
        other => ServerFnError::new(other.to_string()),
    }
}

#[cfg(feature = "ssr")]
fn parse_line(
    product_id: &str,
    quantity: &str,
) -> Result<(domain::catalog::ProductId, domain::orders::Quantity), ServerFnError> {
    let id = domain::catalog::ProductId::parse(product_id)
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    let q = domain::orders::Quantity::parse_text(quantity)
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok((id, q))
}

/// The visitor's cart, priced now. Empty for a visitor without one.
#[server]
pub async fn get_cart() -> Result<CartView, ServerFnError> {
    let services = crate::services()?;
    match crate::identity::web::cart_owner(&services, false).await? {
        Some(owner) => services.carts.view(&owner).await.map_err(cart_failure),
        None => Ok(services.carts.price(&Default::default())),
    }
}

#[server]
pub async fn add_to_cart(product_id: String, quantity: String) -> Result<(), ServerFnError> {
    let services = crate::services()?;
    let (id, quantity) = parse_line(&product_id, &quantity)?;
    let owner = crate::identity::web::cart_owner(&services, true)
        .await?
        .ok_or_else(|| ServerFnError::new("no cart"))?;
    services
        .carts
        .add(&owner, &id, quantity)
        .await
        .map_err(cart_failure)?;
    leptos_axum::redirect("/cart");
    Ok(())
}

#[server]
pub async fn update_cart_line(product_id: String, quantity: String) -> Result<(), ServerFnError> {
    let services = crate::services()?;
    let (id, quantity) = parse_line(&product_id, &quantity)?;
    if let Some(owner) = crate::identity::web::cart_owner(&services, false).await? {
        services
            .carts
            .set_quantity(&owner, &id, quantity)
            .await
            .map_err(cart_failure)?;
    }
    leptos_axum::redirect("/cart");
    Ok(())
}

#[server]
pub async fn remove_cart_line(product_id: String) -> Result<(), ServerFnError> {
    let services = crate::services()?;
    let id = domain::catalog::ProductId::parse(&product_id)
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    if let Some(owner) = crate::identity::web::cart_owner(&services, false).await? {
        services
            .carts
            .remove(&owner, &id)
            .await
            .map_err(cart_failure)?;
    }
    leptos_axum::redirect("/cart");
    Ok(())
}
