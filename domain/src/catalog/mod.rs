//! The catalog: what the shop sells, and how shoppers find it.

mod admin_list;
mod browse;
mod category;
mod editing;
mod import_report;
mod product;
mod query;
pub mod search;

#[cfg(feature = "ssr")]
mod admin;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
mod error;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod import_jobs;
#[cfg(feature = "ssr")]
pub mod listing;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod table;

pub use admin_list::{admin_page, AdminProductPage, AdminProductQuery};
pub use browse::{browse, CatalogPage, CategoryCount};
pub use category::Category;
pub use editing::{parse_price, parse_reason, ProductDraft, ProductFields, StockChange, MAX_STOCK};
pub use import_report::{ImportProgress, RowError, CSV_COLUMNS};
pub use product::thumbnail_of;
pub use product::{
    NewProduct, Product, ProductCard, ProductDetail, ProductId, ProductName, ProductStatus, Slug,
    StockState, LOW_STOCK_THRESHOLD, MOST_OFFERED_AT_ONCE, STOCK_SHOWN_ALIKE_FROM,
};
pub use query::{percent_encode, CatalogQuery, SortOrder};

#[cfg(feature = "ssr")]
pub use error::CatalogError;
#[cfg(all(test, feature = "ssr"))]
pub(crate) use service::stored_product;
#[cfg(feature = "ssr")]
pub use service::{
    CatalogService, CatalogSnapshot, RefreshCounts, Refreshed, SitemapEntry, FEED_OVERLAP,
    FEED_SETTLE, FULL_CHECK_EVERY,
};
#[cfg(feature = "ssr")]
pub use table::ProductCursor;
#[cfg(feature = "ssr")]
pub(crate) use table::{bump_version_item, return_stock_item, take_stock_item};
