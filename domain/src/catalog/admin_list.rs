//! The admin's product list: every status, searched, filtered, sorted and paged. Pure, so the
//! rules are tested without a store; the service feeds it the products read from the store.

use super::browse::{paginate, select};
use super::search::SearchDoc;
use super::{percent_encode, CatalogQuery, Product, ProductStatus, SortOrder};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductQuery {
    /// Search, category, sort and page, with the storefront's rules.
    pub listing: CatalogQuery,
    /// `None`: every status.
    pub status: Option<ProductStatus>,
}

impl AdminProductQuery {
    pub const PAGE_SIZE: usize = 25;

    /// Reads the query from URL parameters; anything unreadable falls back to its default
    /// (every status, newest first).
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<&'a str> + Copy) -> Self {
        let mut listing = CatalogQuery::from_params(get);
        if get("sort").and_then(SortOrder::from_param).is_none() {
            listing.sort = SortOrder::Newest;
        }
        let status = get("status").and_then(|s| ProductStatus::parse(s).ok());
        Self { listing, status }
    }

    /// This list's URL with `page` instead of its own.
    pub fn href_page(&self, page: u32) -> String {
        let mut parts = vec![format!("sort={}", self.listing.sort.param())];
        if !self.listing.q.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.listing.q)));
        }
        if let Some(c) = self.listing.category {
            parts.push(format!("category={}", c.slug()));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.as_str()));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/admin/products?{}", parts.join("&"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminProductPage {
    pub items: Vec<Product>,
    /// Matching products over all pages.
    pub total: usize,
    pub page: u32,
    pub page_count: u32,
    pub query: AdminProductQuery,
}

/// One page of `products` (any statuses) for `query`.
pub fn admin_page(products: &[Product], query: &AdminProductQuery) -> AdminProductPage {
    let wanted: Vec<Product> = products
        .iter()
        .filter(|p| query.status.is_none_or(|s| p.status == s))
        .cloned()
        .collect();
    let docs: Vec<SearchDoc> = wanted.iter().map(SearchDoc::of).collect();
    let hits = select(&wanted, &docs, &query.listing);
    let (items, page, page_count) =
        paginate(&hits, query.listing.page, AdminProductQuery::PAGE_SIZE);
    AdminProductPage {
        items: items.iter().map(|p| (*p).clone()).collect(),
        total: hits.len(),
        page,
        page_count,
        query: query.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Category, ProductId, Slug};
    use crate::time::Timestamp;
    use crate::{Currency, Money};

    fn product(n: u32, name: &str, status: ProductStatus) -> Product {
        Product {
            id: ProductId::parse(&format!("01936b2e-7c4a-7b3e-9f1d-{n:012}")).unwrap(),
            slug: Slug::from_name(name),
            name: name.into(),
            description: String::new(),
            price: Money::new(100 * i64::from(n), Currency::Usd).unwrap(),
            category: Category::Outdoor,
            image: String::new(),
            stock: n,
            status,
            featured: false,
            created_at: Timestamp(i64::from(n)),
            updated_at: Timestamp(i64::from(n)),
        }
    }

    fn query(params: &[(&str, &str)]) -> AdminProductQuery {
        AdminProductQuery::from_params(|k| params.iter().find(|(n, _)| *n == k).map(|(_, v)| *v))
    }

    #[test]
    fn the_list_shows_every_status_newest_first_by_default() {
        let all = [
            product(1, "Old Tent", ProductStatus::Active),
            product(2, "Draft Lamp", ProductStatus::Draft),
            product(3, "Gone Stove", ProductStatus::Archived),
        ];
        let page = admin_page(&all, &query(&[]));
        let names: Vec<&str> = page.items.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Gone Stove", "Draft Lamp", "Old Tent"]);
    }

    #[test]
    fn status_and_search_narrow_the_list() {
        let all = [
            product(1, "Trail Lamp", ProductStatus::Active),
            product(2, "Desk Lamp", ProductStatus::Draft),
            product(3, "Trail Stove", ProductStatus::Draft),
        ];
        let page = admin_page(&all, &query(&[("status", "draft"), ("q", "lamp")]));
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].name, "Desk Lamp");
    }

    #[test]
    fn pages_hold_twenty_five_and_a_page_past_the_end_shows_the_last() {
        let all: Vec<Product> = (1..=30)
            .map(|n| product(n, &format!("Item {n}"), ProductStatus::Active))
            .collect();
        let page = admin_page(&all, &query(&[("page", "9")]));
        assert_eq!((page.page, page.page_count, page.items.len()), (2, 2, 5));
        assert_eq!(
            page.query.href_page(2),
            "/admin/products?sort=newest&page=2"
        );
    }
}
