use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The page for anything that does not exist. On the server it sets the status to 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <Meta name="robots" content="noindex" />
        <section aria-labelledby="not-found-title" class="mx-auto max-w-xl py-16 text-center">
            <p class="text-sm font-semibold uppercase tracking-wide text-indigo-600">"404"</p>
            <h1 id="not-found-title" class="mt-2 text-3xl font-bold">
                "We couldn't find that page"
            </h1>
            <p class="mt-4 text-slate-600">
                "The product may have been removed, or the link may be mistyped. Try a search:"
            </p>
            <form method="get" action="/" role="search" class="mt-6 flex gap-2">
                <label for="not-found-search" class="sr-only">
                    "Search products"
                </label>
                <input
                    id="not-found-search"
                    name="q"
                    type="search"
                    maxlength="100"
                    class="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2"
                />
                <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white">
                    "Search"
                </button>
            </form>
            <p class="mt-6">
                <a href="/" class="font-medium text-indigo-700 underline">
                    "Back to all products"
                </a>
            </p>
        </section>
    }
}
