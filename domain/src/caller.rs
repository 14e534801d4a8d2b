//! One request's caller: its credentials, read once at the edge, resolved at most once.
//!
//! The server reads a request's credentials in exactly one place ([`Credentials::from_cookies`]
//! over its `Cookie` headers for the storefront, [`Credentials::from_authorization`] over its
//! `Authorization` header for the REST API) and hands every adapter the same [`LazyCaller`]:
//! server functions, pages, raw endpoints and REST handlers all ask it, and the first one to
//! ask pays the one session or token lookup. No other code reads cookies or tokens.

use crate::cart::CartOwner;
use crate::identity::{
    cookie_value, ApiToken, IdentityError, IdentityService, Principal, SessionToken, CART_COOKIE,
    NEW_TOKEN_COOKIE, SESSION_COOKIE,
};
use crate::refusal::{Explain, Refusal};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// What a request presented, parsed: a session token and a guest cart id (the storefront's
/// cookies) or an API token (the REST API's bearer), each only if it has the shape of one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub session: Option<SessionToken>,
    pub guest_cart: Option<CartOwner>,
    pub api_token: Option<ApiToken>,
    /// A token just created, on its way to the page that shows it once: never a credential.
    pub new_api_token: Option<ApiToken>,
}

impl Credentials {
    /// From a request's `Cookie` header values.
    pub fn from_cookies<'a, I>(headers: I) -> Self
    where
        I: IntoIterator<Item = &'a str> + Clone,
    {
        Self {
            session: cookie_value(headers.clone(), SESSION_COOKIE).and_then(SessionToken::parse),
            guest_cart: cookie_value(headers.clone(), CART_COOKIE)
                .and_then(CartOwner::guest_from_cookie),
            api_token: None,
            new_api_token: cookie_value(headers, NEW_TOKEN_COOKIE).and_then(ApiToken::parse),
        }
    }

    /// From a request's `Authorization` header value (`Bearer <token>`); cookies are not read,
    /// so an API call never acts on a browser's session.
    pub fn from_authorization(header: Option<&str>) -> Self {
        Self {
            api_token: header.and_then(ApiToken::from_authorization),
            ..Self::default()
        }
    }

    /// Whether the request carries anything that could make its page personal.
    pub fn is_empty(&self) -> bool {
        self.session.is_none() && self.guest_cart.is_none() && self.api_token.is_none()
    }
}

/// The caller of one request, resolved.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// The session the request came with (valid or not), so signing in can end it.
    pub session: Option<SessionToken>,
    pub guest_cart: Option<CartOwner>,
    /// A token just created by this visitor, for the page that shows it once.
    pub new_api_token: Option<ApiToken>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self {
            principal: Principal::ANONYMOUS,
            session: None,
            guest_cart: None,
            new_api_token: None,
        }
    }

    /// Whose cart this request is about: the account's when signed in, else the guest's.
    pub fn cart_owner(&self) -> Option<CartOwner> {
        match self.principal.customer() {
            Some(customer) => Some(CartOwner::Customer(customer.id().clone())),
            None => self.guest_cart.clone(),
        }
    }
}

/// The caller could not be resolved: the session store did not answer. Already logged.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the session could not be read")]
pub struct CallerUnavailable;

impl Explain for CallerUnavailable {
    fn refusal(&self) -> Refusal {
        Refusal::new(503, "Your session could not be read. Please try again.")
    }
}

/// A request's caller, resolved the first time an adapter asks and then shared by every
/// later ask in the same request.
#[derive(Clone)]
pub struct LazyCaller {
    identity: IdentityService,
    credentials: Arc<Credentials>,
    resolved: Arc<OnceCell<Result<Arc<Caller>, CallerUnavailable>>>,
}

impl std::fmt::Debug for LazyCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyCaller")
            .field("resolved", &self.resolved.get().is_some())
            .finish()
    }
}

impl LazyCaller {
    pub fn new(identity: IdentityService, credentials: Credentials) -> Self {
        Self {
            identity,
            credentials: Arc::new(credentials),
            resolved: Arc::new(OnceCell::new()),
        }
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The caller; the session is looked up on the first call only.
    pub async fn get(&self) -> Result<Arc<Caller>, CallerUnavailable> {
        self.resolved
            .get_or_init(|| async {
                resolve(&self.identity, &self.credentials)
                    .await
                    .map(Arc::new)
                    .map_err(|e| {
                        tracing::error!(error = %crate::refusal::chain(&e), "reading the session failed");
                        CallerUnavailable
                    })
            })
            .await
            .clone()
    }
}

/// Turns credentials into a caller: the framework-free resolver every adapter goes through.
pub async fn resolve(
    identity: &IdentityService,
    credentials: &Credentials,
) -> Result<Caller, IdentityError> {
    let principal = match (&credentials.api_token, &credentials.session) {
        (Some(token), _) => identity.token_principal(token).await?,
        (None, Some(session)) => identity.principal(session).await?,
        (None, None) => Principal::ANONYMOUS,
    };
    Ok(Caller {
        principal,
        session: credentials.session.clone(),
        guest_cart: credentials.guest_cart.clone(),
        new_api_token: credentials.new_api_token.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_read_from_the_cookie_headers_and_must_have_their_shape() {
        let cart = "0123456789abcdef0123456789abcdef";
        let cookie = format!("theme=dark; cm_cart={cart}");
        let creds = Credentials::from_cookies([cookie.as_str(), "cm_session=not-a-token"]);
        assert_eq!(creds.guest_cart, CartOwner::guest_from_cookie(cart));
        assert!(creds.session.is_none(), "a malformed token is no token");
        assert!(Credentials::from_cookies(["theme=dark"]).is_empty());
    }
}
