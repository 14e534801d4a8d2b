//! Identity: who a visitor is. Accounts, roles, passwords and sessions.
//!
//! The values here parse at the edge and are shared with the browser; the service that
//! decides (sign-up, sign-in, sessions, throttling) lives behind `ssr`.

mod api_token;
mod profile;
mod values;

#[cfg(feature = "ssr")]
mod admin;
#[cfg(feature = "ssr")]
mod error;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
mod principal;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod session;
#[cfg(feature = "ssr")]
pub mod session_cache;
#[cfg(feature = "ssr")]
mod table;
pub mod throttle;
#[cfg(feature = "ssr")]
mod tokens;

#[cfg(feature = "ssr")]
pub use api_token::ApiToken;
pub use api_token::{NewApiToken, TokenName, TokenScope, TokenSummary};
pub use profile::{Phone, Profile, ProfileFields};
pub use values::{Account, Email, NewPassword, PersonName, Role, UserId, UserSummary};

#[cfg(feature = "ssr")]
pub use admin::{AccessChange, UserCursor};
#[cfg(feature = "ssr")]
pub use error::IdentityError;
#[cfg(feature = "ssr")]
pub use principal::{Admin, Customer, Grant, Principal, PrincipalKind, Staff};
#[cfg(feature = "ssr")]
pub use service::{IdentityService, SignIn, SignUp, SESSION_LIFETIME};
#[cfg(feature = "ssr")]
pub use session::SessionToken;
#[cfg(feature = "ssr")]
pub use tokens::{LAST_USE_PRECISION, MAX_TOKENS_PER_ACCOUNT};

/// What anyone but an admin is told by the console.
pub const ADMINS_ONLY: &str = "This part of the shop is for admins.";

/// The value of cookie `name` in a request's `Cookie` header values.
pub fn cookie_value<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cm_session";
/// The guest cart cookie's name.
pub const CART_COOKIE: &str = "cm_cart";
/// The cookie that carries a token just created to `/account/api-tokens` (and only there),
/// for the one page that shows it; that page clears it.
pub const NEW_TOKEN_COOKIE: &str = "cm_new_token";
/// The only path [`NEW_TOKEN_COOKIE`] is sent to.
pub const API_TOKENS_PATH: &str = "/account/api-tokens";
/// How long a new token waits in [`NEW_TOKEN_COOKIE`] to be shown, at most.
pub const NEW_TOKEN_SHOWN_FOR_SECS: u64 = 300;

#[cfg(test)]
mod tests {
    #[test]
    fn a_cookie_is_found_among_several_headers_and_pairs() {
        let headers = ["a=1; cm_session=tok", "cm_cart=c"];
        assert_eq!(super::cookie_value(headers, "cm_session"), Some("tok"));
        assert_eq!(super::cookie_value(headers, "cm_cart"), Some("c"));
        assert_eq!(super::cookie_value(headers, "missing"), None);
    }
}
