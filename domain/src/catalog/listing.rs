//! The catalog as the REST API lists it: pages of up to [`MAX_LIMIT`] products in a sort
//! order, each page ending with an opaque cursor that continues after its last product.
//!
//! A cursor remembers what the sort order compares of that last product (and the search,
//! category and sort it was made for), not a position: products added, sold out or removed
//! between two requests neither repeat nor skip the products after it. Pure, like `browse`.

use super::browse::{compare, in_category, scored, SortFields};
use super::search::{self, SearchDoc};
use super::{CatalogQuery, Category, Product, SortOrder};
use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::cmp::Ordering;

/// The most products one page holds.
pub const MAX_LIMIT: usize = 100;
/// Products per page when the client does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// The longest cursor: far above any this API gives out (a product name is at most a few
/// hundred bytes), and short enough for any URL.
pub const MAX_CURSOR_CHARS: usize = 2048;

/// One request for a page of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRequest {
    /// Search, category and sort (its page number is not used).
    pub query: CatalogQuery,
    pub limit: usize,
    pub after: Option<Cursor>,
}

/// The REST listing's parameters as a client sent them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListingParams<'a> {
    pub q: Option<&'a str>,
    pub category: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
}

impl ListingRequest {
    /// From the REST query parameters, strictly (unlike the storefront's lenient URLs): every
    /// bad parameter is reported, naming it.
    pub fn parse(params: ListingParams) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let q = params.q.unwrap_or_default();
        if q.chars().count() > CatalogQuery::MAX_SEARCH_CHARS {
            errors.push(FieldError::new("q", "must be at most 100 characters"));
        }
        // A parameter that is sent must be valid: an empty `category=` is not "any category".
        let category = match params.category {
            None => None,
            Some(slug) => Category::parse(slug)
                .map_err(|_| {
                    let slugs: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
                    errors.push(FieldError::new(
                        "category",
                        format!("must be one of {}", slugs.join(", ")),
                    ));
                })
                .ok(),
        };
        let sort = match params.sort {
            None => SortOrder::default(),
            Some(text) => SortOrder::from_param(text).unwrap_or_else(|| {
                let sorts: Vec<&str> = SortOrder::ALL.iter().map(|s| s.param()).collect();
                errors.push(FieldError::new(
                    "sort",
                    format!("must be one of {}", sorts.join(", ")),
                ));
                SortOrder::default()
            }),
        };
        // The storefront's reading of the search text (whitespace collapsed, controls dropped).
        let mut query = CatalogQuery::from_params(|key| (key == "q").then_some(q));
        query.category = category;
        query.sort = sort;
        let limit = crate::field_error::parse_limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)
            .unwrap_or_else(|e| {
                errors.push(e);
                DEFAULT_LIMIT
            });
        let after = match params.cursor {
            None => None,
            Some(text) => match Cursor::decode(text) {
                Ok(cursor) if cursor.query == fingerprint(&query) => Some(cursor),
                Ok(_) => {
                    errors.push(FieldError::new(
                        "cursor",
                        "belongs to another search, category or sort; start again without it",
                    ));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            query,
            limit,
            after,
        })
    }
}

/// One page of the listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub items: Vec<Product>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
    /// Matching products over all pages.
    pub total: usize,
}

/// Where a page ends: the sort fields of its last product, and the query it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    query: String,
    score: u32,
    featured: bool,
    available: bool,
    created_at: i64,
    cents: i64,
    name: String,
    id: String,
}

impl Cursor {
    /// The text a client sends back: opaque, URL-safe.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(json)
    }

    pub fn decode(text: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("cursor", "is not a cursor this API gave out");
        if text.len() > MAX_CURSOR_CHARS {
            return Err(invalid());
        }
        let json = hex::decode(text).map_err(|_| invalid())?;
        serde_json::from_slice(&json).map_err(|_| invalid())
    }

    fn after(query: &CatalogQuery, (product, score): (&Product, u32)) -> Self {
        Self {
            query: fingerprint(query),
            score,
            featured: product.featured,
            available: product.stock_state().is_available(),
            created_at: product.created_at.millis(),
            cents: product.price.cents(),
            name: product.name.clone(),
            id: product.id.as_str().to_owned(),
        }
    }
}

impl SortFields for Cursor {
    fn score(&self) -> u32 {
        self.score
    }
    fn featured(&self) -> bool {
        self.featured
    }
    fn available(&self) -> bool {
        self.available
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn cents(&self) -> i64 {
        self.cents
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// What a cursor is tied to: the search, category and sort (their canonical form, hashed so
/// a long search does not lengthen every cursor).
fn fingerprint(query: &CatalogQuery) -> String {
    use sha2::{Digest, Sha256};
    let canonical = CatalogQuery {
        page: 1,
        ..query.clone()
    }
    .to_query_string();
    hex::encode(&Sha256::digest(canonical.as_bytes())[..12])
}

/// The page `request` asks for, over the shop's active `products` (`docs[i]` indexing
/// `products[i]`).
pub fn list<P: Borrow<Product>, D: Borrow<SearchDoc>>(
    products: &[P],
    docs: &[D],
    request: &ListingRequest,
) -> Listing {
    let sort: SortOrder = request.query.sort;
    let terms = search::terms(&request.query.q);
    let hits = in_category(scored(products, docs, &terms), &request.query);
    let total = hits.len();
    let mut rest: Vec<_> = match &request.after {
        Some(cursor) => hits
            .into_iter()
            .filter(|hit| compare(sort, hit, cursor) == Ordering::Greater)
            .collect(),
        None => hits,
    };
    // One more than the page, to know whether another page follows.
    let wanted = request.limit + 1;
    if rest.len() > wanted {
        rest.select_nth_unstable_by(wanted, |a, b| compare(sort, a, b));
        rest.truncate(wanted);
    }
    rest.sort_unstable_by(|a, b| compare(sort, a, b));
    let more = rest.len() > request.limit;
    rest.truncate(request.limit);
    let next = more
        .then(|| rest.last().map(|&hit| Cursor::after(&request.query, hit)))
        .flatten();
    Listing {
        items: rest.into_iter().map(|(p, _)| p.clone()).collect(),
        next,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::search::SearchDoc;
    use crate::catalog::{Category, ProductId, ProductStatus, Slug};
    use crate::time::Timestamp;
    use crate::{Currency, Money};

    fn catalog(n: u32) -> (Vec<Product>, Vec<SearchDoc>) {
        let products: Vec<Product> = (1..=n)
            .map(|i| Product {
                id: ProductId::parse(&format!("01936b2e-7c4a-7b3e-9f1d-{i:012}")).unwrap(),
                slug: Slug::from_name(&format!("Lamp {i}")),
                name: format!("Lamp {i}"),
                description: "A lamp.".into(),
                // Few distinct prices, so ties are broken by name and id.
                price: Money::new(i64::from(i % 4) * 100 + 500, Currency::Usd).unwrap(),
                category: Category::ALL[(i % 3) as usize],
                image: String::new(),
                stock: i % 5,
                status: ProductStatus::Active,
                featured: i % 7 == 0,
                created_at: Timestamp(i64::from(i % 9)),
                updated_at: Timestamp(0),
            })
            .collect();
        let docs = products.iter().map(SearchDoc::of).collect();
        (products, docs)
    }

    fn request(query: CatalogQuery, limit: usize, after: Option<Cursor>) -> ListingRequest {
        ListingRequest {
            query,
            limit,
            after,
        }
    }

    #[test]
    fn paging_with_the_cursor_gives_every_product_once_in_the_sort_order() {
        let (products, docs) = catalog(53);
        for sort in SortOrder::ALL {
            let query = CatalogQuery {
                sort,
                ..Default::default()
            };
            let everything = list(&products, &docs, &request(query.clone(), 100, None));
            assert!(everything.next.is_none());
            let mut paged = Vec::new();
            let mut after = None;
            loop {
                let page = list(&products, &docs, &request(query.clone(), 7, after));
                assert_eq!(page.total, 53);
                paged.extend(page.items.iter().map(|p| p.id.clone()));
                match page.next {
                    Some(next) => after = Some(Cursor::decode(&next.encode()).unwrap()),
                    None => break,
                }
            }
            let all: Vec<_> = everything.items.iter().map(|p| p.id.clone()).collect();
            assert_eq!(paged, all, "{sort:?}");
        }
    }

    #[test]
    fn a_product_removed_between_pages_skips_nothing_after_it() {
        let (products, docs) = catalog(20);
        let query = CatalogQuery {
            sort: SortOrder::PriceAsc,
            ..Default::default()
        };
        let first = list(&products, &docs, &request(query.clone(), 5, None));
        let last_given = first.items.last().unwrap().id.clone();
        let (kept, kept_docs): (Vec<_>, Vec<_>) = products
            .iter()
            .cloned()
            .zip(docs.iter().cloned())
            .filter(|(p, _)| p.id != last_given)
            .unzip();
        let second = list(&kept, &kept_docs, &request(query.clone(), 5, first.next));
        let everything = list(&products, &docs, &request(query, 100, None));
        let expected: Vec<_> = everything.items[5..10].iter().map(|p| &p.id).collect();
        let got: Vec<_> = second.items.iter().map(|p| &p.id).collect();
        assert_eq!(got, expected);
    }

    /// The request, or the names of the fields refused.
    fn parse(params: ListingParams) -> Result<ListingRequest, Vec<String>> {
        ListingRequest::parse(params)
            .map_err(|errors| errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn every_bad_parameter_is_refused_naming_it() {
        for limit in ["0", "101", "-3", "ten"] {
            let params = ListingParams {
                limit: Some(limit),
                ..Default::default()
            };
            assert_eq!(parse(params).unwrap_err(), ["limit"], "{limit}");
        }
        for cursor in ["zz", "00", &"ab".repeat(MAX_CURSOR_CHARS)] {
            let params = ListingParams {
                cursor: Some(cursor),
                ..Default::default()
            };
            assert_eq!(parse(params).unwrap_err(), ["cursor"]);
        }
        let empty = ListingParams {
            category: Some(""),
            sort: Some(""),
            limit: Some(""),
            cursor: Some(""),
            ..Default::default()
        };
        assert_eq!(
            parse(empty).unwrap_err(),
            ["category", "sort", "limit", "cursor"],
            "a parameter that is sent must be valid"
        );
        let long = "a".repeat(101);
        let params = ListingParams {
            q: Some(&long),
            category: Some("gadgets"),
            sort: Some("cheapest"),
            ..Default::default()
        };
        assert_eq!(parse(params).unwrap_err(), ["q", "category", "sort"]);
        let fine = ListingParams {
            q: Some("  desk   lamp "),
            category: Some("electronics"),
            sort: Some("price-asc"),
            limit: Some("5"),
            cursor: None,
        };
        let request = parse(fine).unwrap();
        assert_eq!(request.query.q, "desk lamp");
        assert_eq!(request.query.category, Some(Category::Electronics));
        assert_eq!(
            (request.query.sort, request.limit),
            (SortOrder::PriceAsc, 5)
        );
        assert_eq!(
            parse(ListingParams::default()).unwrap().limit,
            DEFAULT_LIMIT
        );
    }

    #[test]
    fn a_cursor_continues_only_the_query_it_was_made_for() {
        let (products, docs) = catalog(10);
        let page = list(&products, &docs, &request(CatalogQuery::default(), 3, None));
        let cursor = page.next.unwrap().encode();
        let same = ListingParams {
            cursor: Some(&cursor),
            ..Default::default()
        };
        assert!(parse(same).is_ok());
        let other = ListingParams {
            sort: Some("name"),
            cursor: Some(&cursor),
            ..Default::default()
        };
        assert_eq!(parse(other).unwrap_err(), ["cursor"]);
    }
}
