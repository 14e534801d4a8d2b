//! Thin adapters for the console's catalog pages: check the admin, parse the form, call the
//! catalog service, and map its errors to what the form shows.

// A server function's arguments are its form's fields, one each, and the `#[server]` macro
// generates the function an item-level `allow` would have to reach.
#![allow(clippy::too_many_arguments)]

use crate::forms::FormError;
use domain::audit::AuditEntry;
use domain::catalog::{AdminProductPage, Product};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A product as its edit page shows it: the product and its newest changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub product: Product,
    pub history: Vec<AuditEntry>,
}

/// One page of the product list; the parameters are the list's URL query, read leniently.
#[server(prefix = "/api/admin")]
pub async fn admin_products(
    q: Option<String>,
    status: Option<String>,
    category: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<AdminProductPage, FormError> {
    use domain::catalog::AdminProductQuery;
    let services = crate::services()?;
    crate::caller::require_admin("/admin/products").await?;
    let query = AdminProductQuery::from_params(|name| match name {
        "q" => q.as_deref(),
        "status" => status.as_deref(),
        "category" => category.as_deref(),
        "sort" => sort.as_deref(),
        "page" => page.as_deref(),
        _ => None,
    });
    services
        .catalog
        .admin_list(&query)
        .await
        .map_err(FormError::from)
}

/// A product in any status with its history; `None` when there is none with this id.
#[server(prefix = "/api/admin")]
pub async fn admin_product(id: String) -> Result<Option<ProductEditor>, FormError> {
    use domain::catalog::{CatalogError, ProductId};
    let services = crate::services()?;
    crate::caller::require_admin("/admin/products").await?;
    let Ok(id) = ProductId::parse(&id) else {
        return Ok(None);
    };
    let product = match services.catalog.get(&id).await {
        Ok(product) => product,
        Err(CatalogError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let history = services.catalog.history(&product, 50).await?;
    Ok(Some(ProductEditor { product, history }))
}

/// Creates a product (no `id`) or saves an edit of the product `id` as read at `read_at`.
#[server(prefix = "/api/admin")]
pub async fn admin_save_product(
    id: Option<String>,
    read_at: Option<String>,
    name: String,
    slug: String,
    description: String,
    price: String,
    category: String,
    status: String,
    featured: Option<String>,
    stock: Option<String>,
) -> Result<(), FormError> {
    use crate::forms::invalid;
    use domain::catalog::{ProductFields, ProductId, StockChange};
    use domain::time::Timestamp;
    use domain::FieldError;
    let services = crate::services()?;
    let admin = crate::caller::require_admin("/admin/products").await?;
    let fields = ProductFields {
        name,
        slug,
        description,
        price,
        category,
        status,
        featured,
    };
    let id = id.filter(|i| !i.trim().is_empty());
    let mut errors = Vec::new();
    let draft = fields.parse().map_err(|e| errors.extend(e)).ok();
    let saved = match id {
        None => {
            let stock = StockChange::parse("set", stock.as_deref().unwrap_or_default())
                .map_err(|_| FieldError::new("stock", "must be a whole number from 0 to 1,000,000"))
                .map_err(|e| errors.push(e))
                .ok();
            let (Some(draft), Some(StockChange::Set(stock))) = (draft, stock) else {
                return Err(invalid(errors));
            };
            services.catalog.create_by(&admin, draft, stock).await
        }
        Some(id) => {
            let id = ProductId::parse(&id).map_err(|e| invalid(vec![e]))?;
            let read_at = read_at
                .and_then(|t| t.trim().parse::<i64>().ok())
                .map(Timestamp)
                .ok_or_else(|| invalid(vec![FieldError::new("read_at", "is missing")]))?;
            let Some(draft) = draft else {
                return Err(invalid(errors));
            };
            services.catalog.edit(&admin, &id, read_at, draft).await
        }
    };
    let product = saved?;
    leptos_axum::redirect(&format!("/admin/products/{}?saved=1", product.id.as_str()));
    Ok(())
}

/// Sets or moves a product's stock, with the reason.
#[server(prefix = "/api/admin")]
pub async fn admin_adjust_stock(
    id: String,
    mode: String,
    amount: String,
    reason: String,
) -> Result<(), FormError> {
    use crate::forms::invalid;
    use domain::catalog::{parse_reason, ProductId, StockChange};
    let services = crate::services()?;
    let admin = crate::caller::require_admin("/admin/products").await?;
    let id = ProductId::parse(&id).map_err(|e| invalid(vec![e]))?;
    let change = StockChange::parse(&mode, &amount);
    let reason = parse_reason(&reason);
    let (change, reason) = match (change, reason) {
        (Ok(c), Ok(r)) => (c, r),
        (c, r) => return Err(invalid([c.err(), r.err()].into_iter().flatten().collect())),
    };
    services
        .catalog
        .adjust_stock(&admin, &id, change, &reason)
        .await?;
    leptos_axum::redirect(&format!("/admin/products/{}?saved=stock", id.as_str()));
    Ok(())
}
