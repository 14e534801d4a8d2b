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

impl crate::refusal::Explain for CatalogError {
    fn refusal(&self) -> crate::refusal::Refusal {
        use crate::refusal::Refusal;
        match self {
            CatalogError::NotFound => Refusal::not_found("There is no such product."),
            CatalogError::SlugTaken(slug) => Refusal::field(
                409,
                "slug",
                format!("{slug} is already used by another product"),
            ),
            CatalogError::Stale => Refusal::conflict(
                "Someone else saved this product since you opened it. Reload the page to see \
                 their changes, then make yours again.",
            ),
            CatalogError::Busy => Refusal::new(
                503,
                "The stock is changing fast right now. Please try again.",
            ),
            CatalogError::Invalid(field) => Refusal::invalid(vec![field.clone()]),
            CatalogError::Store(e) => e.refusal(),
        }
    }
}
