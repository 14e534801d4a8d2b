//! CloudMart's user interface: pages rendered on the server, and the server functions they
//! call. Every page is plain HTML and works without JavaScript. With it, a small script sends
//! forms in place and applies the sort menu at once (`bundle`), so no page needs WebAssembly
//! for its forms; the islands build (`#[island]`, hydrated by `frontend`) is kept for parts
//! that need code in the browser, and a page downloads it only if it shows one.
//! Every route renders in `SsrMode::Async`: the page is sent complete, never a fallback.

// The server functions' futures nest the caller, the service and Leptos' own wrappers
// deeper than the default limit lets rustc compute their layout.
#![recursion_limit = "256"]

pub mod admin;
pub mod assistant;
mod bundle;
#[cfg(feature = "ssr")]
pub mod caller;
pub mod cart;
pub mod catalog;
mod errors;
mod forms;
pub mod identity;
mod layout;
mod not_found;
pub mod orders;
pub mod personal;
pub mod support;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

pub use not_found::NotFound;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let files = bundle::Files::of(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#4338ca" />
                <AutoReload options />
                <bundle::Stylesheet files />
                <bundle::PageScript files />
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
                    <Route path=StaticSegment("admin") view=admin::AdminOverviewPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("orders"))
                        view=admin::AdminOrderListPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("orders"), ParamSegment("id"))
                        view=admin::AdminOrderPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("products"))
                        view=admin::AdminProductListPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("products"), StaticSegment("new"))
                        view=admin::AdminNewProductPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("products"), ParamSegment("id"))
                        view=admin::AdminProductPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("users"))
                        view=admin::AdminUserListPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("users"), ParamSegment("id"))
                        view=admin::AdminUserPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("catalog"))
                        view=admin::AdminCatalogPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("catalog"), StaticSegment("import"), ParamSegment("id"))
                        view=admin::AdminImportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("canned-replies"))
                        view=admin::AdminCannedRepliesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view=admin::AdminAuditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("sign-in"))
                        view=identity::SignInPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("sign-up"))
                        view=identity::SignUpPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("profile"))
                        view=identity::ProfilePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("api-tokens"))
                        view=identity::ApiTokensPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("support"))
                        view=support::MyTicketsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("support"), StaticSegment("new"))
                        view=support::ContactPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("support"), StaticSegment("chat"))
                        view=assistant::SupportChatPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("support"), ParamSegment("id"))
                        view=support::MyTicketPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("support") view=support::DeskQueuePage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("support"), StaticSegment("overview"))
                        view=support::DeskOverviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("support"), StaticSegment("tickets"), ParamSegment("id"))
                        view=support::DeskTicketPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("assistant") view=assistant::AssistantPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("cart") view=cart::CartPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("checkout") view=orders::CheckoutPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("account"), StaticSegment("orders"))
                        view=orders::MyOrdersPage
                        ssr=SsrMode::Async
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

/// In the browser: readies the page's islands; the loader in `bundle` then hands each island
/// its element. Calling this from the entry point is also what links this crate, and so every
/// island's hydration function, into the WASM.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    // A server function that redirects (after signing in, placing an order…) loads the new
    // page, exactly as the same form does when it is posted without JavaScript.
    _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Some(window) = leptos::web_sys::window() {
            _ = window.location().assign(location);
        }
    });
    leptos::mount::hydrate_islands();
}

/// The shop's services, provided by the server to every render and server function (shared:
/// a request's copy is one reference count).
#[cfg(feature = "ssr")]
pub fn services() -> Result<std::sync::Arc<domain::services::Services>, ServerFnError> {
    use_context::<std::sync::Arc<domain::services::Services>>()
        .ok_or_else(|| ServerFnError::new("the shop's services are not available"))
}

/// The public base URL (`https://shop.example.com`), for canonical links, OpenGraph tags and
/// the sitemap. Provided by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteUrl(pub String);
