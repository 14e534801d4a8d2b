//! Sign up, sign in, sign out, and the account menu in the header.

mod pages;
mod server_fns;

pub use pages::{AccountMenu, SignInPage, SignUpPage};
#[cfg(feature = "ssr")]
pub(crate) use server_fns::web;
pub use server_fns::{current_account, FormOutcome};
