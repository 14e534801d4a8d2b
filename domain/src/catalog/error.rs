use crate::store::StoreError;
use crate::FieldError;

/// What can go wrong for a caller of the catalog service.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no such product")]
    NotFound,
    #[error("the slug {0} is already used by another product")]
    SlugTaken(String),
    #[error("the product changed since it was read")]
    Stale,
    #[error("the stock kept changing; try again")]
    Busy,
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("catalog storage failed")]
    Store(#[from] StoreError),
}
