use crate::store::StoreError;
use crate::FieldError;

/// What can go wrong for a caller of the identity service.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("an account with this email already exists")]
    EmailTaken,
    /// Unknown email and wrong password look the same, on purpose.
    #[error("the email or password is wrong")]
    InvalidCredentials,
    #[error("too many sign-in attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("this account is disabled")]
    Disabled,
    #[error("not signed in")]
    NotSignedIn,
    #[error("no such account")]
    NotFound,
    #[error("the account changed since it was read")]
    Changed,
    #[error("the shop must keep at least one active admin")]
    LastAdmin,
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("identity storage failed")]
    Store(#[from] StoreError),
}
