//! Thin adapters over the cart service: caller, parse, call; errors map through `FormError`.

use crate::forms::FormError;
use domain::cart::CartView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn parse_line(
    product_id: &str,
    quantity: &str,
) -> Result<(domain::catalog::ProductId, domain::orders::Quantity), FormError> {
    let id = parse_product(product_id)?;
    let q = domain::orders::Quantity::parse_text(quantity)?;
    Ok((id, q))
}

/// A product id from a form; a malformed one is refused as a whole, not as a field to fix.
#[cfg(feature = "ssr")]
fn parse_product(product_id: &str) -> Result<domain::catalog::ProductId, FormError> {
    domain::catalog::ProductId::parse(product_id).map_err(|e| {
        crate::forms::reject(
            FormError::Refused(e.to_string()),
            http::StatusCode::UNPROCESSABLE_ENTITY,
        )
    })
}

/// The visitor's cart, priced now. Empty for a visitor without one.
#[server]
pub async fn get_cart() -> Result<CartView, FormError> {
    let services = crate::services()?;
    match crate::identity::web::cart_owner(false).await? {
        Some(owner) => Ok(services.carts.view(&owner).await?),
        None => Ok(services.carts.price(&Default::default())),
    }
}

#[server]
pub async fn add_to_cart(product_id: String, quantity: String) -> Result<(), FormError> {
    let services = crate::services()?;
    let (id, quantity) = parse_line(&product_id, &quantity)?;
    let owner = crate::identity::web::cart_owner(true)
        .await?
        .ok_or_else(|| {
            FormError::Failed("Your cart could not be created. Please try again.".into())
        })?;
    services.carts.add(&owner, &id, quantity).await?;
    leptos_axum::redirect("/cart");
    Ok(())
}

#[server]
pub async fn update_cart_line(product_id: String, quantity: String) -> Result<(), FormError> {
    let services = crate::services()?;
    let (id, quantity) = parse_line(&product_id, &quantity)?;
    if let Some(owner) = crate::identity::web::cart_owner(false).await? {
        match services.carts.set_quantity(&owner, &id, quantity).await {
            // Removed meanwhile (another tab): the cart page shows it gone.
            Ok(()) | Err(domain::cart::CartError::NotInCart) => {}
            Err(e) => return Err(e.into()),
        }
    }
    leptos_axum::redirect("/cart");
    Ok(())
}

#[server]
pub async fn remove_cart_line(product_id: String) -> Result<(), FormError> {
    let services = crate::services()?;
    let id = parse_product(&product_id)?;
    if let Some(owner) = crate::identity::web::cart_owner(false).await? {
        services.carts.remove(&owner, &id).await?;
    }
    leptos_axum::redirect("/cart");
    Ok(())
}
