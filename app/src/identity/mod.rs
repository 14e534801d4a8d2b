//! Sign up, sign in, sign out, and the account menu in the header.

mod pages;
mod server_fns;

pub use pages::{AccountMenu, SignInPage, SignUpPage};
pub use server_fns::{current_account, FormOutcome};
