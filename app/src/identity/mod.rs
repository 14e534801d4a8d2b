//! Sign up, sign in, sign out, the profile, API tokens, and the account menu in the header.

mod api_tokens;
mod pages;
mod profile;
pub mod server_fns;

pub use api_tokens::{ApiTokensPage, CreateApiToken, MyApiTokens, RevokeApiToken};
pub use pages::{SignInPage, SignUpPage};
pub use profile::ProfilePage;
#[cfg(feature = "ssr")]
pub(crate) use server_fns::web;
pub use server_fns::{ChangePassword, SaveProfile, SignIn, SignOut, SignUp};
