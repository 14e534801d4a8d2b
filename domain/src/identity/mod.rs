//! Identity: who a visitor is. Accounts, roles, passwords and sessions.
//!
//! The values here parse at the edge and are shared with the browser; the service that
//! decides (sign-up, sign-in, sessions, throttling) lives behind `ssr`.

mod profile;
mod values;

#[cfg(feature = "ssr")]
mod admin;
#[cfg(feature = "ssr")]
mod error;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod session;
#[cfg(feature = "ssr")]
mod table;
pub mod throttle;

pub use profile::{Phone, Profile, ProfileFields};
pub use values::{Account, Email, NewPassword, PersonName, Role, UserId, UserSummary};

#[cfg(feature = "ssr")]
pub use admin::{AccessChange, UserCursor};
#[cfg(feature = "ssr")]
pub use error::IdentityError;
#[cfg(feature = "ssr")]
pub use service::{IdentityService, SignIn, SignUp, SESSION_LIFETIME};
#[cfg(feature = "ssr")]
pub use session::SessionToken;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cm_session";
/// The guest cart cookie's name.
pub const CART_COOKIE: &str = "cm_cart";
