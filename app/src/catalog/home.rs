//! `/`: the catalog listing with search, category filter, sort and pagination.

use super::components::{Pagination, TileGrid};
use domain::catalog::{CatalogPage, CatalogQuery, Category, SortOrder};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map().with_untracked(|m| CatalogQuery::from_params(|k| m.get_str(k)));
    let title = match (query.is_searching(), query.category) {
        (true, _) => format!("Search: {}", query.q),
        (false, Some(c)) => c.label().to_owned(),
        (false, None) => String::new(),
    };
    view! {
        <Title text=title />
        <Meta
            name="description"
            content="CloudMart: electronics, home and kitchen, outdoor gear, books, fashion, beauty, toys and sports gear, shipped fast."
        />
        {match listing(&query) {
            Some(page) => view! { <Listing page /> }.into_any(),
            None => view! { <LoadError /> }.into_any(),
        }}
    }
}

/// The listing for `query`, from this replica's in-memory catalog snapshot. Pages are rendered
/// only on the server (the browser hydrates islands, never a page), and reading the snapshot
/// does not wait on anything, so the page calls the catalog service directly: no resource to
/// await, nothing to serialise for hydration.
fn listing(query: &CatalogQuery) -> Option<CatalogPage> {
    #[cfg(feature = "ssr")]
    {
        crate::services().ok().map(|s| s.catalog.page(query))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = query;
        None
    }
}

#[component]
fn Listing(page: CatalogPage) -> impl IntoView {
    let query = page.query.clone();
    let heading = if query.is_searching() {
        format!("Results for “{}”", query.q)
    } else {
        query
            .category
            .map_or("All products", Category::label)
            .to_owned()
    };
    let count = match page.total {
        1 => "1 product".to_owned(),
        n => format!("{n} products"),
    };
    view! {
        <div class="flex flex-col gap-6 lg:flex-row">
            <CategoryFilter page=page.clone() />
            <section aria-labelledby="listing-title" class="min-w-0 flex-1">
                <div class="flex flex-wrap items-end justify-between gap-3">
                    <div>
                        <h1 id="listing-title" class="text-2xl font-bold tracking-tight">
                            {heading}
                        </h1>
                        <p class="text-sm text-slate-600" role="status">
                            {count}
                        </p>
                    </div>
                    <SortControl query=query.clone() />
                </div>
                {if page.items.is_empty() {
                    view! { <NoResults page=page.clone() /> }.into_any()
                } else {
                    view! {
                        <TileGrid
                            cards=page.items.clone()
                            first=0
                            class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 xl:grid-cols-4"
                        />
                    }
                        .into_any()
                }}
                <Pagination query=query page_count=page.page_count />
            </section>
        </div>
    }
}

/// Sort menu: a GET form that works without JavaScript (its button is shown only then);
/// with it, choosing an option applies it at once (`data-submit-on-change`, see
/// `bundle/forms.js`).
#[component]
fn SortControl(query: CatalogQuery) -> impl IntoView {
    let searching = query.is_searching();
    let current = query.sort;
    view! {
        <form method="get" action="/" data-submit-on-change="" class="flex items-center gap-2">
            {(!query.q.is_empty()).then(|| view! { <input type="hidden" name="q" value=query.q.clone() /> })}
            {query
                .category
                .map(|c| view! { <input type="hidden" name="category" value=c.slug() /> })}
            <label for="sort" class="text-sm font-medium text-slate-700">
                "Sort by"
            </label>
            <select
                id="sort"
                name="sort"
                class="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
            >
                {SortOrder::ALL
                    .into_iter()
                    .map(|s| {
                        view! {
                            <option value=s.param() selected=s == current>
                                {s.label(searching)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <noscript>
                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm">
                    "Apply"
                </button>
            </noscript>
        </form>
    }
}

/// Categories with how many products each has for the current search.
#[component]
fn CategoryFilter(page: CatalogPage) -> impl IntoView {
    let query = page.query.clone();
    let all_count: usize = page.categories.iter().map(|c| c.count).sum();
    let item_class = "flex justify-between gap-3 rounded-md px-3 py-1.5 hover:bg-indigo-50 aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white";
    view! {
        <aside aria-labelledby="filter-title" class="lg:w-56 lg:shrink-0">
            <h2 id="filter-title" class="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500">
                "Category"
            </h2>
            <ul class="flex gap-1 overflow-x-auto text-sm lg:flex-col">
                <li class="shrink-0">
                    <a
                        href=query.with_category(None).href()
                        aria-current=query.category.is_none().then_some("page")
                        class=item_class
                    >
                        <span>"All"</span>
                        <span>{all_count}</span>
                    </a>
                </li>
                {page
                    .categories
                    .iter()
                    .map(|c| {
                        view! {
                            <li class="shrink-0">
                                <a
                                    href=query.with_category(Some(c.category)).href()
                                    aria-current=(query.category == Some(c.category)).then_some("page")
                                    class=item_class
                                >
                                    <span>{c.category.label()}</span>
                                    <span>{c.count}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </aside>
    }
}

#[component]
fn NoResults(page: CatalogPage) -> impl IntoView {
    let query = page.query.clone();
    let suggestion = page.suggestion.clone().map(|s| {
        let href = query.with_search(&s).href();
        view! {
            <p class="mt-3">
                "Did you mean "
                <a href=href class="font-semibold text-indigo-700 underline">
                    {s}
                </a>
                "?"
            </p>
        }
    });
    let elsewhere = query
        .category
        .filter(|_| page.categories.iter().any(|c| c.count > 0))
        .map(|_| {
            view! {
                <p class="mt-3">
                    <a href=query.with_category(None).href() class="font-semibold text-indigo-700 underline">
                        "Search all categories"
                    </a>
                </p>
            }
        });
    view! {
        <div class="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
            <p class="text-lg font-semibold">
                {if query.is_searching() {
                    format!("No products match “{}”.", query.q)
                } else {
                    "There are no products here yet.".to_owned()
                }}
            </p>
            {suggestion}
            {elsewhere}
            <p class="mt-3 text-slate-600">"Or browse a category:"</p>
            <ul class="mt-2 flex flex-wrap justify-center gap-2">
                {Category::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                <a
                                    href=format!("/?category={}", c.slug())
                                    class="inline-block rounded-full border border-slate-300 px-3 py-1 text-sm hover:bg-indigo-50"
                                >
                                    {c.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// Shown when the catalog could not be loaded at all.
#[component]
pub fn LoadError() -> impl IntoView {
    view! {
        <div role="alert" class="rounded-lg border border-rose-200 bg-rose-50 p-6 text-rose-900">
            <h1 class="text-lg font-semibold">"The catalog is unavailable right now"</h1>
            <p class="mt-2">"Please try again in a moment."</p>
            <p class="mt-3">
                <a href="/" class="font-semibold underline">
                    "Reload"
                </a>
            </p>
        </div>
    }
}
