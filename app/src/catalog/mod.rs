//! Storefront catalog pages: the listing at `/` and the product page.

pub(crate) mod components;
mod home;
mod product;
pub mod server_fns;

pub use home::HomePage;
pub use product::ProductPage;
pub use server_fns::{
    get_catalog_page, get_product_page, GetCatalogPage, GetProductPage, ProductPageData,
};
