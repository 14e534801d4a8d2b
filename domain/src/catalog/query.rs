//! What a shopper asked the catalog for, read leniently from a query string.
//!
//! Browsing must never fail on a bad URL: anything unusable falls back to its default, a
//! search text is cut to [`CatalogQuery::MAX_SEARCH_CHARS`]. The canonical form
//! ([`CatalogQuery::to_query_string`]) is what links and the page cache use.

use super::Category;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum SortOrder {
    /// Featured first (or best match, when searching), then what is in stock, then newest.
    #[default]
    Featured,
    PriceAsc,
    PriceDesc,
    Newest,
    Name,
}

impl SortOrder {
    pub const ALL: [SortOrder; 5] = [
        SortOrder::Featured,
        SortOrder::PriceAsc,
        SortOrder::PriceDesc,
        SortOrder::Newest,
        SortOrder::Name,
    ];

    pub fn param(self) -> &'static str {
        match self {
            SortOrder::Featured => "featured",
            SortOrder::PriceAsc => "price-asc",
            SortOrder::PriceDesc => "price-desc",
            SortOrder::Newest => "newest",
            SortOrder::Name => "name",
        }
    }

    /// The label in the sort menu; "featured" reads as "best match" while searching.
    pub fn label(self, searching: bool) -> &'static str {
        match self {
            SortOrder::Featured if searching => "Best match",
            SortOrder::Featured => "Featured",
            SortOrder::PriceAsc => "Price: low to high",
            SortOrder::PriceDesc => "Price: high to low",
            SortOrder::Newest => "Newest",
            SortOrder::Name => "Name: A to Z",
        }
    }

    pub fn from_param(text: &str) -> Option<Self> {
        SortOrder::ALL.into_iter().find(|s| s.param() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct CatalogQuery {
    /// Search text, whitespace-collapsed; empty when not searching.
    pub q: String,
    pub category: Option<Category>,
    pub sort: SortOrder,
    /// 1-based.
    pub page: u32,
}

impl CatalogQuery {
    pub const PAGE_SIZE: usize = 12;
    pub const MAX_SEARCH_CHARS: usize = 100;
    /// No catalog has this many pages; larger numbers are someone poking at the URL.
    pub const MAX_PAGE: u32 = 10_000;

    /// Reads the query from named parameters, e.g. a URL's query map.
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let q: String = get("q")
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .take(Self::MAX_SEARCH_CHARS)
            .collect();
        let category = get("category").and_then(|c| Category::parse(c).ok());
        let sort = get("sort")
            .and_then(SortOrder::from_param)
            .unwrap_or_default();
        let page = get("page")
            .and_then(|p| p.trim().parse::<u32>().ok())
            .map(|p| p.clamp(1, Self::MAX_PAGE))
            .unwrap_or(1);
        Self {
            q: q.trim().to_owned(),
            category,
            sort,
            page,
        }
    }

    pub fn is_searching(&self) -> bool {
        !self.q.is_empty()
    }

    /// The canonical query string, defaults omitted, without the leading `?`.
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::with_capacity(4);
        if !self.q.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.q)));
        }
        if let Some(c) = self.category {
            parts.push(format!("category={}", c.slug()));
        }
        if self.sort != SortOrder::Featured {
            parts.push(format!("sort={}", self.sort.param()));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        parts.join("&")
    }

    /// A link to this listing.
    pub fn href(&self) -> String {
        let qs = self.to_query_string();
        if qs.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{qs}")
        }
    }

    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    /// The same search in another category, from its first page.
    pub fn with_category(&self, category: Option<Category>) -> Self {
        Self {
            category,
            page: 1,
            ..self.clone()
        }
    }

    pub fn with_search(&self, q: &str) -> Self {
        Self {
            q: q.to_owned(),
            page: 1,
            ..self.clone()
        }
    }
}

/// Percent-encodes a query-string component (everything but RFC 3986's unreserved set).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> CatalogQuery {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        CatalogQuery::from_params(|k| map.get(k).copied())
    }

    #[test]
    fn an_empty_query_string_means_the_first_page_of_featured_products() {
        assert_eq!(
            parse(&[]),
            CatalogQuery {
                page: 1,
                ..Default::default()
            }
        );
        assert_eq!(parse(&[]).href(), "/");
    }

    #[test]
    fn garbage_parameters_fall_back_to_defaults() {
        let q = parse(&[("page", "-1"), ("sort", "evil"), ("category", "<script>")]);
        assert_eq!(q.page, 1);
        assert_eq!(q.sort, SortOrder::Featured);
        assert_eq!(q.category, None);
        assert_eq!(parse(&[("page", "99999999999")]).page, 1);
        assert_eq!(parse(&[("page", "4000000")]).page, CatalogQuery::MAX_PAGE);
    }

    #[test]
    fn a_huge_search_text_is_cut_to_the_maximum() {
        let long = "a".repeat(10_000);
        assert_eq!(
            parse(&[("q", &long)]).q.chars().count(),
            CatalogQuery::MAX_SEARCH_CHARS
        );
    }

    #[test]
    fn search_text_has_its_whitespace_collapsed_and_control_characters_removed() {
        assert_eq!(
            parse(&[("q", "  wireless \t\n headphones\u{7} ")]).q,
            "wireless headphones"
        );
    }

    #[test]
    fn the_canonical_query_string_round_trips() {
        let q = CatalogQuery {
            q: "cast iron & co".into(),
            category: Some(Category::HomeKitchen),
            sort: SortOrder::PriceDesc,
            page: 3,
        };
        assert_eq!(
            q.to_query_string(),
            "q=cast%20iron%20%26%20co&category=home-kitchen&sort=price-desc&page=3"
        );
        let again = parse(&[
            ("q", "cast iron & co"),
            ("category", "home-kitchen"),
            ("sort", "price-desc"),
            ("page", "3"),
        ]);
        assert_eq!(again, q);
    }

    #[test]
    fn changing_category_or_search_goes_back_to_the_first_page() {
        let q = parse(&[("page", "4")]);
        assert_eq!(q.with_category(Some(Category::Books)).page, 1);
        assert_eq!(q.with_search("tent").page, 1);
    }
}
