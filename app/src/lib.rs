//! CloudMart's user interface: pages and components rendered on the server and hydrated in
//! the browser, and the server functions they call.

pub mod cart;
pub mod catalog;
mod forms;
pub mod identity;
mod layout;
mod not_found;
pub mod orders;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

pub use not_found::NotFound;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#4338ca" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(cart::CartRevision::default());
    view! {
        <Title formatter=|page: String| {
            let title = if page.is_empty() {
                "CloudMart".to_owned()
            } else {
                format!("{page} · CloudMart")
            };
            title_text_for_render(title)
        } />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta property="og:site_name" content="CloudMart" />
        <Router>
            <layout::Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=catalog::HomePage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("sign-in"))
                        view=identity::SignInPage
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("sign-up"))
                        view=identity::SignUpPage
                    />
                    <Route path=StaticSegment("cart") view=cart::CartPage />
                    <Route path=StaticSegment("checkout") view=orders::CheckoutPage />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("orders"))
                        view=orders::MyOrdersPage
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("orders"), ParamSegment("id"))
                        view=orders::OrderPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("products"), ParamSegment("slug"))
                        view=catalog::ProductPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </layout::Layout>
        </Router>
    }
}

/// leptos_meta 0.8 writes `<title>` text into server-rendered HTML without escaping it, so a
/// search for `</title><script>…` would inject markup. On the server the text is escaped
/// here; in the browser it is assigned to `document.title`, which needs no escaping.
fn title_text_for_render(title: String) -> String {
    if cfg!(feature = "ssr") {
        domain::markup::escape(&title)
    } else {
        title
    }
}

/// The shop's services, provided by the server to every render and server function.
#[cfg(feature = "ssr")]
pub fn services() -> Result<domain::services::Services, ServerFnError> {
    use_context::<domain::services::Services>()
        .ok_or_else(|| ServerFnError::new("the shop's services are not available"))
}

/// The public base URL (`https://shop.example.com`), for canonical links, OpenGraph tags and
/// the sitemap. Provided by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteUrl(pub String);
