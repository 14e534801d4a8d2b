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

/// One product of a grid; `position` is its place in the grid, from 0.
#[component]
pub fn ProductTile(card: ProductCard, position: usize) -> impl IntoView {
    let href = format!("/products/{}", card.slug.as_str());
    let above_the_fold = position < TILES_ABOVE_THE_FOLD;
    view! {
        <li class="group relative flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm transition hover:shadow-md focus-within:ring-2 focus-within:ring-indigo-400">
            <img
                src=card.image.clone()
                alt=card.name.clone()
                width="400"
                height="400"
                loading=if above_the_fold { "eager" } else { "lazy" }
                fetchpriority=(position == 0).then_some("high")
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
    use super::visible_pages;

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
