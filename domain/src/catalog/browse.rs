//! Turning the catalog and a [`CatalogQuery`] into one page of results. Pure: the service runs
//! it over its in-memory snapshot, tests run it over plain vectors.

use super::search::{self, SearchDoc};
use super::{CatalogQuery, Category, Product, ProductCard, SortOrder};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub items: Vec<ProductCard>,
    /// Matching products over all pages.
    pub total: usize,
    /// The query as answered: its page is clamped to the pages that exist.
    pub query: CatalogQuery,
    pub page_count: u32,
    /// For a search that found nothing: a corrected search that finds something.
    pub suggestion: Option<String>,
    /// How many products each category has for this search, ignoring the category filter.
    pub categories: Vec<CategoryCount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub category: Category,
    pub count: usize,
}

/// One page of `products` (the shop's active products, with `docs[i]` indexing
/// `products[i]`, owned or shared) for `query`.
pub fn browse<P: Borrow<Product>, D: Borrow<SearchDoc>>(
    products: &[P],
    docs: &[D],
    query: &CatalogQuery,
) -> CatalogPage {
    debug_assert_eq!(products.len(), docs.len());
    let terms = search::terms(&query.q);
    let matching = scored(products, docs, &terms);

    let categories = Category::ALL
        .into_iter()
        .map(|category| CategoryCount {
            category,
            count: matching
                .iter()
                .filter(|(p, _)| p.category == category)
                .count(),
        })
        .collect();

    let mut hits = in_category(matching, query);
    let total = hits.len();
    let (range, page, page_count) = page_bounds(total, query.page, CatalogQuery::PAGE_SIZE);
    let (start, end) = (range.start, range.end);
    // Only the hits up to this page's end need ordering: with a large catalog, sorting them
    // all would cost most of the render.
    let order = ordering(query.sort);
    if end < total {
        hits.select_nth_unstable_by(end, &order);
    }
    hits[..end].sort_unstable_by(&order);
    let items = hits[start..end].iter().map(|(p, _)| p.card()).collect();

    let suggestion = if total == 0 && !terms.is_empty() {
        let docs = || docs.iter().map(Borrow::borrow);
        // Each word once: a large catalog repeats its words many times over.
        let vocabulary: std::collections::HashSet<&str> =
            docs().flat_map(SearchDoc::vocabulary).collect();
        let mut vocabulary: Vec<&str> = vocabulary.into_iter().collect();
        vocabulary.sort_unstable();
        search::suggest(&terms, vocabulary.iter().copied()).filter(|better| {
            let better_terms = search::terms(better);
            docs().any(|d| d.score(&better_terms).is_some())
        })
    } else {
        None
    };

    CatalogPage {
        items,
        total,
        query: query.with_page(page),
        page_count,
        suggestion,
        categories,
    }
}

/// The products that match `query`'s search and category, in its sort order.
pub fn select<'a, P: Borrow<Product>, D: Borrow<SearchDoc>>(
    products: &'a [P],
    docs: &[D],
    query: &CatalogQuery,
) -> Vec<&'a Product> {
    in_order(scored(products, docs, &search::terms(&query.q)), query)
}

/// The products matching every term, with their relevance.
pub(super) fn scored<'a, P: Borrow<Product>, D: Borrow<SearchDoc>>(
    products: &'a [P],
    docs: &[D],
    terms: &[String],
) -> Vec<(&'a Product, u32)> {
    products
        .iter()
        .zip(docs)
        .filter_map(|(p, d)| d.borrow().score(terms).map(|s| (p.borrow(), s)))
        .collect()
}

pub(super) fn in_category<'a>(
    matching: Vec<(&'a Product, u32)>,
    query: &CatalogQuery,
) -> Vec<(&'a Product, u32)> {
    matching
        .into_iter()
        .filter(|(p, _)| query.category.is_none_or(|c| p.category == c))
        .collect()
}

fn in_order<'a>(matching: Vec<(&'a Product, u32)>, query: &CatalogQuery) -> Vec<&'a Product> {
    let mut hits = in_category(matching, query);
    hits.sort_unstable_by(ordering(query.sort));
    hits.into_iter().map(|(p, _)| p).collect()
}

/// Page `page` (1-based, clamped to the pages that exist) of `items`: the slice, the page
/// number answered and the page count (at least 1).
pub fn paginate<T>(items: &[T], page: u32, size: usize) -> (&[T], u32, u32) {
    let (range, page, page_count) = page_bounds(items.len(), page, size);
    (&items[range], page, page_count)
}

/// Where page `page` (1-based, clamped) of `total` items lies, the page answered and the page
/// count (at least 1).
fn page_bounds(total: usize, page: u32, size: usize) -> (std::ops::Range<usize>, u32, u32) {
    let page_count = u32::try_from(total.div_ceil(size).max(1)).unwrap_or(u32::MAX);
    let page = page.clamp(1, page_count);
    let start = ((page as usize - 1) * size).min(total);
    let end = (start + size).min(total);
    (start..end, page, page_count)
}

type Hit<'a> = (&'a Product, u32);

/// What the sort orders compare: a hit (a product and its relevance), or the REST listing's
/// cursor, which remembers these of the last product it gave.
pub(super) trait SortFields {
    fn score(&self) -> u32;
    fn featured(&self) -> bool;
    fn available(&self) -> bool;
    fn created_at(&self) -> i64;
    fn cents(&self) -> i64;
    fn name(&self) -> &str;
    fn id(&self) -> &str;
}

impl SortFields for Hit<'_> {
    fn score(&self) -> u32 {
        self.1
    }
    fn featured(&self) -> bool {
        self.0.featured
    }
    fn available(&self) -> bool {
        self.0.stock_state().is_available()
    }
    fn created_at(&self) -> i64 {
        self.0.created_at.millis()
    }
    fn cents(&self) -> i64 {
        self.0.price.cents()
    }
    fn name(&self) -> &str {
        &self.0.name
    }
    fn id(&self) -> &str {
        self.0.id.as_str()
    }
}

/// The order of `sort`: a total order, the id breaking ties, comparing without allocating.
pub(super) fn compare(sort: SortOrder, a: &impl SortFields, b: &impl SortFields) -> Ordering {
    let by_name = || lowercase(a.name()).cmp(lowercase(b.name()));
    match sort {
        SortOrder::Featured => b
            .score()
            .cmp(&a.score())
            .then(b.featured().cmp(&a.featured()))
            .then(b.available().cmp(&a.available()))
            .then(b.created_at().cmp(&a.created_at())),
        SortOrder::PriceAsc => a.cents().cmp(&b.cents()).then_with(by_name),
        SortOrder::PriceDesc => b.cents().cmp(&a.cents()).then_with(by_name),
        SortOrder::Newest => b.created_at().cmp(&a.created_at()),
        SortOrder::Name => by_name(),
    }
    .then_with(|| a.id().cmp(b.id()))
}

/// [`compare`] over hits.
fn ordering(sort: SortOrder) -> impl Fn(&Hit, &Hit) -> Ordering {
    move |a, b| compare(sort, a, b)
}

fn lowercase(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ProductId, ProductStatus, Slug};
    use crate::time::Timestamp;
    use crate::{Currency, Money};

    fn product(n: u32, name: &str, category: Category, cents: i64, stock: u32) -> Product {
        Product {
            id: ProductId::parse(&format!("01936b2e-7c4a-7b3e-9f1d-{n:012}")).unwrap(),
            slug: Slug::from_name(name),
            name: name.into(),
            description: format!("Description of {name}."),
            price: Money::new(cents, Currency::Usd).unwrap(),
            category,
            image: String::new(),
            stock,
            status: ProductStatus::Active,
            featured: n.is_multiple_of(7),
            created_at: Timestamp(i64::from(n)),
            updated_at: Timestamp(i64::from(n)),
        }
    }

    fn catalog(n: u32) -> (Vec<Product>, Vec<SearchDoc>) {
        let products: Vec<Product> = (1..=n)
            .map(|i| {
                let category = Category::ALL[i as usize % Category::ALL.len()];
                product(i, &format!("Item {i}"), category, i64::from(i) * 100, i % 4)
            })
            .collect();
        let docs = products.iter().map(SearchDoc::of).collect();
        (products, docs)
    }

    fn run(products: &[Product], docs: &[SearchDoc], query: CatalogQuery) -> CatalogPage {
        browse(products, docs, &query)
    }

    #[test]
    fn pages_hold_page_size_items_and_the_last_page_holds_the_rest() {
        let (p, d) = catalog(30);
        let q = CatalogQuery {
            page: 1,
            ..Default::default()
        };
        let first = run(&p, &d, q.clone());
        assert_eq!(first.items.len(), CatalogQuery::PAGE_SIZE);
        assert_eq!(first.total, 30);
        assert_eq!(first.page_count, 3);
        let last = run(&p, &d, q.with_page(3));
        assert_eq!(last.items.len(), 30 - 2 * CatalogQuery::PAGE_SIZE);
    }

    #[test]
    fn a_page_past_the_end_shows_the_last_page() {
        let (p, d) = catalog(30);
        let page = run(
            &p,
            &d,
            CatalogQuery {
                page: 99,
                ..Default::default()
            },
        );
        assert_eq!(page.query.page, 3);
        assert!(!page.items.is_empty());
    }

    #[test]
    fn an_empty_catalog_has_one_empty_page() {
        let page = run(
            &[],
            &[],
            CatalogQuery {
                page: 5,
                ..Default::default()
            },
        );
        assert_eq!((page.total, page.page_count, page.query.page), (0, 1, 1));
    }

    #[test]
    fn featured_products_lead_the_default_order_and_sold_out_ones_trail() {
        let (p, d) = catalog(28);
        let page = run(
            &p,
            &d,
            CatalogQuery {
                page: 1,
                ..Default::default()
            },
        );
        // Featured: 7, 14, 21, 28; item 28 is sold out (28 % 4 == 0), so it trails them.
        let names: Vec<&str> = page.items.iter().take(4).map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Item 21", "Item 14", "Item 7", "Item 28"]);
        let all = run(
            &p,
            &d,
            CatalogQuery {
                page: 3,
                ..Default::default()
            },
        );
        let last = all.items.last().unwrap();
        assert!(!last.stock_state.is_available(), "{last:?}");
    }

    #[test]
    fn price_sorts_order_by_cents_both_ways() {
        let (p, d) = catalog(20);
        let up = run(
            &p,
            &d,
            CatalogQuery {
                sort: SortOrder::PriceAsc,
                page: 1,
                ..Default::default()
            },
        );
        let cents: Vec<i64> = up.items.iter().map(|c| c.price.cents()).collect();
        assert!(cents.windows(2).all(|w| w[0] <= w[1]), "{cents:?}");
        let down = run(
            &p,
            &d,
            CatalogQuery {
                sort: SortOrder::PriceDesc,
                page: 1,
                ..Default::default()
            },
        );
        assert_eq!(down.items[0].price.cents(), 2000);
    }

    #[test]
    fn name_sort_is_alphabetical_ignoring_case() {
        let products = vec![
            product(1, "banana Stand", Category::Books, 100, 9),
            product(2, "Apple Crate", Category::Books, 100, 9),
            product(3, "cherry Pit", Category::Books, 100, 9),
        ];
        let docs: Vec<SearchDoc> = products.iter().map(SearchDoc::of).collect();
        let page = run(
            &products,
            &docs,
            CatalogQuery {
                sort: SortOrder::Name,
                page: 1,
                ..Default::default()
            },
        );
        let names: Vec<&str> = page.items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Apple Crate", "banana Stand", "cherry Pit"]);
    }

    #[test]
    fn the_category_filter_keeps_only_that_category_and_counts_ignore_it() {
        let (p, d) = catalog(40);
        let q = CatalogQuery {
            category: Some(Category::Books),
            page: 1,
            ..Default::default()
        };
        let page = run(&p, &d, q);
        assert!(page.items.iter().all(|c| c.category == Category::Books));
        assert_eq!(page.total, 5);
        let counted: usize = page.categories.iter().map(|c| c.count).sum();
        assert_eq!(counted, 40);
    }

    #[test]
    fn a_search_ranks_name_matches_first() {
        let products = vec![
            product(1, "Trail Mix", Category::Outdoor, 100, 9),
            product(2, "Camp Lantern", Category::Outdoor, 100, 9),
        ];
        let mut products = products;
        products[0].description = "Great with a lantern at camp.".into();
        let docs: Vec<SearchDoc> = products.iter().map(SearchDoc::of).collect();
        let page = run(
            &products,
            &docs,
            CatalogQuery {
                q: "lantern".into(),
                page: 1,
                ..Default::default()
            },
        );
        let names: Vec<&str> = page.items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Camp Lantern", "Trail Mix"]);
    }

    #[test]
    fn a_search_with_no_results_suggests_a_corrected_search_that_finds_something() {
        let products = vec![product(
            1,
            "Wireless Headphones",
            Category::Electronics,
            100,
            9,
        )];
        let docs: Vec<SearchDoc> = products.iter().map(SearchDoc::of).collect();
        let page = run(
            &products,
            &docs,
            CatalogQuery {
                q: "wirelss".into(),
                page: 1,
                ..Default::default()
            },
        );
        assert_eq!(page.total, 0);
        assert_eq!(page.suggestion.as_deref(), Some("wireless"));
        let nothing = run(
            &products,
            &docs,
            CatalogQuery {
                q: "zzzzzz".into(),
                page: 1,
                ..Default::default()
            },
        );
        assert_eq!(nothing.suggestion, None);
    }
}
