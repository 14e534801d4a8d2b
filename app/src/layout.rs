//! The frame around every page: skip link, header with search and categories, footer.

use domain::catalog::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let panel = crate::assistant::panel::shown_on(&path)
        .then(|| view! { <crate::assistant::AssistantPanel /> });
    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:shadow"
        >
            "Skip to content"
        </a>
        <Header />
        <main id="main" tabindex="-1" class="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 lg:px-8">
            {children()}
        </main>
        <Footer />
        {panel}
    }
}

#[component]
fn Header() -> impl IntoView {
    let query = use_query_map();
    let current_q = move || query.with(|m| m.get("q").unwrap_or_default());
    view! {
        <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-3 sm:px-6 lg:px-8">
                <a href="/" class="flex items-center gap-2 text-xl font-extrabold tracking-tight text-indigo-700">
                    <img src="/favicon.svg" alt="" width="28" height="28" />
                    "CloudMart"
                </a>
                <form
                    method="get"
                    action="/"
                    role="search"
                    class="order-last flex w-full gap-2 sm:order-none sm:ml-4 sm:w-auto sm:flex-1"
                >
                    <label for="site-search" class="sr-only">
                        "Search products"
                    </label>
                    <input
                        id="site-search"
                        name="q"
                        type="search"
                        maxlength="100"
                        placeholder="Search products"
                        prop:value=current_q
                        class="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
                    />
                    <button
                        type="submit"
                        class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-300"
                    >
                        "Search"
                    </button>
                </form>
                <AccountNav />
            </div>
            <CategoryMenu />
        </header>
    }
}

/// The account links and the cart count: the page's personal slot (see `personal`). A visitor's
/// is known at once; a shopper's waits for the caller and the cart count.
#[component]
fn AccountNav() -> impl IntoView {
    let nav = |parts: crate::personal::Personal| {
        view! {
            <nav
                aria-label="Account"
                class="ml-auto flex items-center gap-4 sm:ml-0"
                inner_html=crate::personal::slot(&parts)
            />
        }
    };
    if let Some(visitor) = crate::personal::of_visitor_request() {
        return nav(visitor).into_any();
    }
    let parts = Resource::new(|| (), |_| crate::personal::personal_parts());
    view! {
        <Suspense fallback=move || nav(Default::default())>
            {move || Suspend::new(async move { nav(parts.await.unwrap_or_default()) })}
        </Suspense>
    }
    .into_any()
}

/// Category links; on narrow screens they scroll sideways instead of wrapping.
#[component]
fn CategoryMenu() -> impl IntoView {
    let query = use_query_map();
    let active = move || query.with(|m| m.get("category"));
    view! {
        <nav aria-label="Categories" class="border-t border-slate-100">
            <ul class="mx-auto flex max-w-7xl gap-1 overflow-x-auto px-4 py-2 text-sm sm:px-6 lg:px-8">
                {Category::ALL
                    .into_iter()
                    .map(|c| {
                        let href = format!("/?category={}", c.slug());
                        let current = move || active().as_deref() == Some(c.slug());
                        view! {
                            <li class="shrink-0">
                                <a
                                    href=href
                                    aria-current=move || current().then_some("page")
                                    class="block rounded-full px-3 py-1 text-slate-700 hover:bg-indigo-50 hover:text-indigo-700 aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white"
                                >
                                    {c.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="mt-12 border-t border-slate-200 bg-white">
            <div class="mx-auto flex max-w-7xl flex-col gap-2 px-4 py-6 text-sm text-slate-600 sm:flex-row sm:justify-between sm:px-6 lg:px-8">
                <p>"CloudMart — an open-source storefront in Rust."</p>
                <nav aria-label="Footer">
                    <ul class="flex flex-wrap gap-4">
                        <li>
                            <a href="/" class="hover:text-indigo-700">"All products"</a>
                        </li>
                        <li>
                            <a href="/assistant" class="hover:text-indigo-700">"Shopping assistant"</a>
                        </li>
                        <li>
                            <a href="/account/support/new" class="hover:text-indigo-700">"Contact us"</a>
                        </li>
                        <li>
                            <a href="/sitemap.xml" class="hover:text-indigo-700">"Sitemap"</a>
                        </li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
