//! Small catalog components shared by the listing and the product page.

use domain::catalog::{CatalogQuery, ProductCard, StockState};
use leptos::prelude::*;

#[component]
pub fn StockBadge(state: StockState) -> impl IntoView {
    let class = match state {
        StockState::InStock => "text-emerald-700",
        StockState::Low(_) => "text-amber-700",
        StockState::SoldOut => "text-rose-700",
    };
    view! { <p class=format!("text-sm font-medium {class}")>{state.label()}</p> }
}

/// How many tiles of a listing may be above the fold on a phone (two rows of two): their
/// images load at once, the first one first; the rest wait until they are scrolled near.
const TILES_ABOVE_THE_FOLD: usize = 4;
/// The first position of tiles that start below the fold (a product page's related products).
pub const BELOW_THE_FOLD: usize = TILES_ABOVE_THE_FOLD;

/// Where a tile sits in its grid, which decides how its image loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// The first tile: its image is likely the page's largest paint, fetched first.
    First,
    AboveTheFold,
    BelowTheFold,
}

impl Placement {
    const COUNT: usize = 3;

    fn of(position: usize) -> Self {
        match position {
            0 => Self::First,
            p if p < TILES_ABOVE_THE_FOLD => Self::AboveTheFold,
            _ => Self::BelowTheFold,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A grid of product tiles; `first` is the grid position of the first card, from 0.
///
/// Listings show the same few dozen products across their pages, sorts and searches, so each
/// tile is rendered once per card and placement and its markup kept (see [`kept_tiles`]).
#[component]
pub fn TileGrid(cards: Vec<ProductCard>, first: usize, class: &'static str) -> impl IntoView {
    view! { <ul role="list" class=class inner_html=kept_tiles::markup(&cards, first) /> }
}

/// One product of a grid.
fn tile(card: &ProductCard, placement: Placement) -> impl IntoView {
    let href = format!("/products/{}", card.slug.as_str());
    view! {
        <li class="group relative flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm transition hover:shadow-md focus-within:ring-2 focus-within:ring-indigo-400">
            <img
                src=card.image.clone()
                alt=card.name.clone()
                width="400"
                height="400"
                loading=if placement == Placement::BelowTheFold { "lazy" } else { "eager" }
                fetchpriority=(placement == Placement::First).then_some("high")
                decoding="async"
                class="aspect-square w-full bg-slate-100 object-cover"
            />
            <div class="flex flex-1 flex-col gap-1 p-3">
                <p class="text-xs uppercase tracking-wide text-slate-500">{card.category.label()}</p>
                <h2 class="font-semibold leading-snug">
                    <a href=href class="focus:outline-none">
                        <span class="absolute inset-0" aria-hidden="true"></span>
                        {card.name.clone()}
                    </a>
                </h2>
                <p class="mt-auto text-lg font-bold">{card.price.format()}</p>
                <StockBadge state=card.stock_state />
            </div>
        </li>
    }
}

/// The rendered markup of recently shown tiles, each with the card it was rendered from.
///
/// A kept tile is used only for an equal card, so a changed price, name, image or stock state
/// renders the tile again: nothing here can go stale. Memory is bounded: when
/// [`MAX_PRODUCTS`](kept_tiles::MAX_PRODUCTS) products are kept, the next new one starts the set
/// afresh (the tiles being shown are rendered again on their next request).
mod kept_tiles {
    use super::{tile, Placement, ProductCard};
    use leptos::prelude::RenderHtml;
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, RwLock};

    pub const MAX_PRODUCTS: usize = 4096;

    type Kept = [Option<(ProductCard, Arc<str>)>; Placement::COUNT];

    static KEPT: LazyLock<RwLock<HashMap<String, Kept>>> = LazyLock::new(Default::default);

    fn kept(card: &ProductCard, placement: Placement) -> Option<Arc<str>> {
        let kept = KEPT.read().ok()?;
        match &kept.get(card.slug.as_str())?[placement.index()] {
            Some((rendered_from, html)) if rendered_from == card => Some(html.clone()),
            _ => None,
        }
    }

    fn keep(card: &ProductCard, placement: Placement, html: Arc<str>) {
        let Ok(mut kept) = KEPT.write() else { return };
        if kept.len() >= MAX_PRODUCTS && !kept.contains_key(card.slug.as_str()) {
            kept.clear();
        }
        kept.entry(card.slug.as_str().to_owned()).or_default()[placement.index()] =
            Some((card.clone(), html));
    }

    /// The tiles of `cards`, the first at grid position `first`.
    pub fn markup(cards: &[ProductCard], first: usize) -> String {
        let mut out = String::with_capacity(cards.len() * 1024);
        for (i, card) in cards.iter().enumerate() {
            let placement = Placement::of(first + i);
            let html = kept(card, placement).unwrap_or_else(|| {
                let html: Arc<str> = tile(card, placement).to_html().into();
                keep(card, placement, html.clone());
                html
            });
            out.push_str(&html);
        }
        out
    }
}

/// Previous / numbered / next links. Plain links: they work without JavaScript.
#[component]
pub fn Pagination(query: CatalogQuery, page_count: u32) -> impl IntoView {
    let current = query.page;
    if page_count <= 1 {
        return None;
    }
    let pages = visible_pages(current, page_count);
    let link_class = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-indigo-50";
    Some(view! {
        <nav aria-label="Pagination" class="mt-8 flex flex-wrap items-center justify-center gap-2 text-sm">
            {(current > 1)
                .then(|| {
                    view! {
                        <a href=query.with_page(current - 1).href() rel="prev" class=link_class>
                            "Previous"
                        </a>
                    }
                })}
            {pages
                .into_iter()
                .map(|p| match p {
                    Some(p) if p == current => {
                        view! {
                            <a
                                href=query.with_page(p).href()
                                aria-current="page"
                                class="rounded-md bg-indigo-600 px-3 py-1.5 font-semibold text-white"
                            >
                                {p}
                            </a>
                        }
                            .into_any()
                    }
                    Some(p) => {
                        view! {
                            <a
                                href=query.with_page(p).href()
                                aria-label=format!("Page {p}")
                                class=link_class
                            >
                                {p}
                            </a>
                        }
                            .into_any()
                    }
                    None => view! { <span aria-hidden="true">"…"</span> }.into_any(),
                })
                .collect_view()}
            {(current < page_count)
                .then(|| {
                    view! {
                        <a href=query.with_page(current + 1).href() rel="next" class=link_class>
                            "Next"
                        </a>
                    }
                })}
        </nav>
    })
}

/// The page numbers to show: first, last, and two either side of the current; `None` is a gap.
fn visible_pages(current: u32, count: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=count {
        if p == 1 || p == count || p.abs_diff(current) <= 2 {
            if last != 0 && p > last + 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{kept_tiles, visible_pages, BELOW_THE_FOLD};
    use domain::catalog::{Category, ProductCard, Slug, StockState};
    use domain::money::{Currency, Money};

    fn card(slug: &str, cents: i64, stock_state: StockState) -> ProductCard {
        ProductCard {
            slug: Slug::parse(slug).unwrap(),
            name: format!("The {slug}"),
            price: Money::new(cents, Currency::Usd).unwrap(),
            category: Category::Electronics,
            image: format!("/images/{slug}.webp"),
            stock_state,
        }
    }

    #[test]
    fn a_kept_tile_is_rendered_again_when_its_card_changes() {
        let before = card("kept-tile-lamp", 1_999, StockState::InStock);
        assert!(kept_tiles::markup(std::slice::from_ref(&before), 0).contains("$19.99"));
        // Asked again unchanged, the kept markup is the same.
        assert!(kept_tiles::markup(std::slice::from_ref(&before), 0).contains("$19.99"));
        let sold_out = ProductCard {
            price: Money::new(2_499, Currency::Usd).unwrap(),
            stock_state: StockState::SoldOut,
            ..before
        };
        let html = kept_tiles::markup(&[sold_out], 0);
        assert!(
            html.contains("$24.99") && html.contains("Sold out"),
            "{html}"
        );
        assert!(!html.contains("$19.99"));
    }

    #[test]
    fn only_the_first_tile_is_fetched_first_and_tiles_below_the_fold_load_lazily() {
        let cards: Vec<_> = (0..6)
            .map(|i| card(&format!("fold-tile-{i}"), 100 + i, StockState::InStock))
            .collect();
        let html = kept_tiles::markup(&cards, 0);
        assert_eq!(html.matches(r#"fetchpriority="high""#).count(), 1);
        assert!(html.find(r#"fetchpriority="high""#) < html.find("fold-tile-1"));
        assert_eq!(html.matches(r#"loading="eager""#).count(), BELOW_THE_FOLD);
        assert_eq!(html.matches(r#"loading="lazy""#).count(), 2);
        // The same cards further down a page: all lazy, none first.
        let below = kept_tiles::markup(&cards[..2], BELOW_THE_FOLD);
        assert_eq!(below.matches(r#"loading="lazy""#).count(), 2);
        assert!(!below.contains("fetchpriority"));
        assert_eq!(html.matches("<li").count(), 6);
    }

    #[test]
    fn pagination_shows_the_ends_and_the_neighbourhood_of_the_current_page() {
        let shown = |c, n| {
            visible_pages(c, n)
                .into_iter()
                .map(|p| p.map_or("…".to_string(), |p| p.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 3), "1 2 3");
        assert_eq!(shown(1, 10), "1 2 3 … 10");
        assert_eq!(shown(6, 10), "1 … 4 5 6 7 8 … 10");
        assert_eq!(shown(10, 10), "1 … 8 9 10");
    }
}
