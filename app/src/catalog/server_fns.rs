//! Thin server-function adapters over the catalog service. Parameters arrive as the raw
//! strings of the URL and are parsed here, at the edge, exactly like a server render does.

use domain::catalog::{CatalogPage, ProductDetail};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A product page's data, with the absolute URLs its meta tags need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductPageData {
    pub detail: ProductDetail,
    pub canonical_url: String,
    pub image_url: String,
}

#[server]
pub async fn get_catalog_page(
    q: Option<String>,
    category: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<CatalogPage, ServerFnError> {
    use domain::catalog::CatalogQuery;
    let services = crate::services()?;
    let query = CatalogQuery::from_params(|key| match key {
        "q" => q.as_deref(),
        "category" => category.as_deref(),
        "sort" => sort.as_deref(),
        "page" => page.as_deref(),
        _ => None,
    });
    Ok(services.catalog.page(&query))
}

#[server]
pub async fn get_product_page(slug: String) -> Result<Option<ProductPageData>, ServerFnError> {
    let services = crate::services()?;
    let site = use_context::<crate::SiteUrl>()
        .map(|s| s.0)
        .unwrap_or_default();
    Ok(services
        .catalog
        .detail(&slug)
        .map(|detail| ProductPageData {
            canonical_url: format!("{site}/products/{}", detail.product.slug.as_str()),
            image_url: format!("{site}{}", detail.product.image),
            detail,
        }))
}
