//! The personal parts of a shared page: the header's account links and cart count.
//!
//! Catalog pages are the same for every visitor except this slot, so the server renders them
//! once (as for a visitor without cookies), caches them, and fills the slot for each shopper
//! from [`Personal`] without rendering the page again. The same [`slot_html`] makes the
//! slot in a full render, so both ways give byte-identical markup.

use domain::identity::{Account, Role};
use domain::markup::escape;
use serde::{Deserialize, Serialize};

/// Where the personal slot starts and ends in a rendered page.
pub const SLOT_START: &str = "<!--personal-->";
pub const SLOT_END: &str = "<!--/personal-->";

/// What the header shows one shopper.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personal {
    /// The signed-in account, if any.
    pub account: Option<Account>,
    /// Items in the shopper's cart.
    pub cart_count: u32,
}

/// "Cart", "Cart (1 item)", "Cart (3 items)".
pub fn cart_label(count: u32) -> String {
    match count {
        0 => "Cart".to_owned(),
        1 => "Cart (1 item)".to_owned(),
        n => format!("Cart ({n} items)"),
    }
}

const LINK: &str = "font-medium text-slate-700 hover:text-indigo-700";

/// The slot's markup, markers included: the contents of the header's account navigation.
pub fn slot_html(parts: &Personal, sign_out_url: &str) -> String {
    let mut html = String::with_capacity(640);
    html.push_str(SLOT_START);
    match &parts.account {
        Some(account) => {
            html.push_str(&format!(
                r#"<a href="/account/profile" class="hidden text-slate-700 hover:text-indigo-700 sm:inline">Hi, {}<span class="sr-only"> (your profile)</span></a>"#,
                escape(account.name.as_str())
            ));
            html.push_str(&format!(
                r#"<a href="/account/profile" class="{LINK} sm:hidden">Profile</a>"#
            ));
            if account.role == Role::Admin {
                html.push_str(&format!(r#"<a href="/admin" class="{LINK}">Admin</a>"#));
            }
            if matches!(account.role, Role::Admin | Role::Support) {
                html.push_str(&format!(
                    r#"<a href="/support" class="{LINK}">Support desk</a>"#
                ));
            }
            html.push_str(&format!(
                r#"<a href="/account/orders" class="{LINK}">My orders</a>"#
            ));
            html.push_str(&format!(
                r#"<form action="{}" method="post"><button type="submit" class="{LINK}">Sign out</button></form>"#,
                escape(sign_out_url)
            ));
        }
        None => html.push_str(&format!(
            r#"<a href="/account/sign-in" class="{LINK}">Sign in</a>"#
        )),
    }
    html.push_str(&format!(
        r#"<a href="/cart" class="{LINK}">{}</a>"#,
        cart_label(parts.cart_count)
    ));
    html.push_str(SLOT_END);
    html
}

/// The slot for `parts`, with this build's sign-out endpoint.
pub fn slot(parts: &Personal) -> String {
    use leptos::server_fn::ServerFn;
    slot_html(parts, crate::identity::SignOut::PATH)
}

/// The personal parts of a resolved caller. A cart count the store cannot give is left out
/// (the header says "Cart"), as a header is no reason to fail a page.
#[cfg(feature = "ssr")]
pub async fn of(
    caller: &domain::caller::Caller,
    services: &domain::services::Services,
) -> Personal {
    let cart_count = match caller.cart_owner() {
        Some(owner) => services.carts.count(&owner).await.unwrap_or_else(|e| {
            tracing::warn!(error = %domain::refusal::chain(&e), "the cart count could not be read");
            0
        }),
        None => 0,
    };
    Personal {
        account: caller.principal.account().cloned(),
        cart_count,
    }
}

/// The personal parts of a request without credentials (no session, no cart cookie): a
/// visitor's, known without looking anything up. `None` when there is something to resolve.
pub fn of_visitor_request() -> Option<Personal> {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        let parts = use_context::<http::request::Parts>()?;
        let caller = parts.extensions.get::<domain::caller::LazyCaller>()?;
        caller.credentials().is_empty().then(Personal::default)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The personal parts of the request being rendered.
#[leptos::server]
pub async fn personal_parts() -> Result<Personal, crate::forms::FormError> {
    let services = crate::services()?;
    let caller = crate::caller::caller().await?;
    Ok(of(&caller, &services).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::identity::{Email, PersonName, UserId};

    fn account(name: &str, role: Role) -> Account {
        Account {
            id: UserId::parse("0190a8b4-7c3e-7d21-9a55-3b2f1c0d4e5f").unwrap(),
            email: Email::parse("ada@example.com").unwrap(),
            name: PersonName::parse(name).unwrap(),
            role,
        }
    }

    #[test]
    fn a_visitor_is_offered_sign_in_and_an_empty_cart() {
        let html = slot_html(&Personal::default(), "/api/sign_out");
        assert!(html.starts_with(SLOT_START) && html.ends_with(SLOT_END));
        assert!(html.contains(">Sign in</a>"));
        assert!(html.contains(">Cart</a>"));
        assert!(!html.contains("Sign out"));
    }

    #[test]
    fn a_shopper_is_greeted_by_name_with_their_cart_count() {
        let parts = Personal {
            account: Some(account("Ada <b>", Role::Customer)),
            cart_count: 3,
        };
        let html = slot_html(&parts, "/api/sign_out");
        assert!(html.contains("Hi, Ada &lt;b&gt;<span"), "{html}");
        assert!(html.contains(">Cart (3 items)</a>"));
        assert!(html.contains(r#"<form action="/api/sign_out" method="post">"#));
        assert!(!html.contains("/admin"));
        assert!(!html.contains(r#"href="/support""#));
    }

    #[test]
    fn only_admins_see_the_console_link() {
        let parts = Personal {
            account: Some(account("Grace", Role::Admin)),
            cart_count: 1,
        };
        let html = slot_html(&parts, "/api/sign_out");
        assert!(html.contains(r#"<a href="/admin""#));
        assert!(html.contains(">Cart (1 item)</a>"));
    }

    #[test]
    fn support_agents_and_admins_see_the_desk_link_and_agents_not_the_console() {
        for (role, console) in [(Role::Support, false), (Role::Admin, true)] {
            let parts = Personal {
                account: Some(account("Sam", role)),
                cart_count: 0,
            };
            let html = slot_html(&parts, "/api/sign_out");
            assert!(html.contains(r#"<a href="/support""#), "{role:?}");
            assert_eq!(html.contains(r#"href="/admin""#), console, "{role:?}");
        }
    }
}
