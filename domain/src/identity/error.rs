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
    #[error("the account holds as many API tokens as it may")]
    TooManyTokens,
    #[error("no such API token")]
    TokenNotFound,
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("identity storage failed")]
    Store(#[from] StoreError),
}

impl crate::refusal::Explain for IdentityError {
    fn refusal(&self) -> crate::refusal::Refusal {
        use crate::refusal::Refusal;
        match self {
            IdentityError::EmailTaken => Refusal::field(
                409,
                "email",
                "An account with this email already exists. Sign in instead?",
            ),
            // Unknown email, wrong password and a disabled account read the same, on purpose.
            IdentityError::InvalidCredentials | IdentityError::Disabled => {
                Refusal::new(401, "The email or password is not right.")
            }
            IdentityError::Throttled { retry_after_secs } => Refusal::new(
                429,
                format!("Too many attempts. Please wait {retry_after_secs} seconds and try again."),
            ),
            IdentityError::NotSignedIn => Refusal::new(401, "Please sign in first."),
            IdentityError::NotFound => Refusal::not_found("There is no such account."),
            IdentityError::Changed => Refusal::conflict(
                "Someone else changed this account just now. Reload the page and try again.",
            ),
            IdentityError::LastAdmin => Refusal::conflict(
                "This is the shop's last active admin. Make someone else an admin first.",
            ),
            IdentityError::TooManyTokens => Refusal::conflict(format!(
                "You hold {} API tokens, the most an account may. Revoke one you no longer use first.",
                super::MAX_TOKENS_PER_ACCOUNT
            )),
            IdentityError::TokenNotFound => Refusal::not_found("There is no such API token."),
            IdentityError::Invalid(field) => Refusal::invalid(vec![field.clone()]),
            IdentityError::Hashing(_) => Refusal::internal(),
            IdentityError::Store(e) => e.refusal(),
        }
    }
}
