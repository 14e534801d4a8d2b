use super::TicketStatus;
use crate::store::StoreError;
use crate::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    /// No such ticket, or another customer's: the two are the same to a customer.
    #[error("no such ticket")]
    NotFound,
    #[error("a ticket cannot go from {from:?} to {to:?}")]
    InvalidTransition {
        from: TicketStatus,
        to: TicketStatus,
    },
    #[error("the ticket is closed")]
    Closed,
    #[error("the ticket is already taken by {by}")]
    AlreadyTaken { by: String },
    #[error("the ticket is already rated")]
    AlreadyRated,
    #[error("only a solved ticket can be rated")]
    NotRatable,
    #[error("too many new tickets; retry in {retry_after_secs} s")]
    TooMany { retry_after_secs: u64 },
    #[error("the ticket kept changing while it was being written")]
    Busy,
    #[error("invalid fields: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("the sentiment provider gave no scores")]
    Sentiment(#[from] super::sentiment::provider::ProviderError),
    #[error("ticket storage failed")]
    Store(#[from] StoreError),
    #[error("reading the customer's orders failed")]
    Orders(#[from] crate::orders::OrderError),
    #[error("reading the accounts failed")]
    Identity(#[from] crate::identity::IdentityError),
}

impl From<FieldError> for SupportError {
    fn from(e: FieldError) -> Self {
        SupportError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for SupportError {
    fn from(e: Vec<FieldError>) -> Self {
        SupportError::Invalid(e)
    }
}

impl crate::refusal::Explain for SupportError {
    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            SupportError::TooMany { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    fn refusal(&self) -> crate::refusal::Refusal {
        use crate::refusal::Refusal;
        match self {
            SupportError::NotFound => Refusal::not_found("There is no such ticket."),
            SupportError::InvalidTransition { from, to } => Refusal::conflict(format!(
                "This ticket is {} now, so it cannot become {}.",
                from.desk_label().to_lowercase(),
                to.desk_label().to_lowercase()
            )),
            SupportError::Closed => {
                Refusal::conflict("This ticket is closed; a new message starts a new ticket.")
            }
            SupportError::AlreadyTaken { by } => {
                Refusal::conflict(format!("{by} has already taken this ticket."))
            }
            SupportError::AlreadyRated => Refusal::conflict("You have already rated this help."),
            SupportError::NotRatable => {
                Refusal::conflict("You can rate the help once the ticket is solved.")
            }
            SupportError::TooMany { retry_after_secs } => Refusal::new(
                429,
                format!(
                    "You have opened several tickets in a short time. Please add to an open one, or try again in {} minutes.",
                    retry_after_secs.div_ceil(60).max(1)
                ),
            ),
            SupportError::Busy => {
                Refusal::conflict("The ticket changed while you were writing. Please try again.")
            }
            SupportError::Invalid(fields) => Refusal::invalid(fields.clone()),
            SupportError::Sentiment(_) => Refusal::unavailable(),
            SupportError::Store(e) => e.refusal(),
            SupportError::Orders(e) => e.refusal(),
            SupportError::Identity(e) => e.refusal(),
        }
    }
}
