//! The one place a service error becomes what a page, a form or an island shows: through the
//! domain's [`explain`](domain::refusal::explain) mapping, with the response status set.
//! Every server function returns [`FormError`], so `?` on any service error maps it here and
//! never shows an internal cause.

use crate::forms::FormError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod mapping {
    use super::FormError;
    use domain::refusal::{explain, Explain, Refusal};

    /// What the caller sees of `error`, with the response status set (its cause is logged by
    /// [`explain`] when it is ours).
    pub fn refused(error: &dyn Explain) -> FormError {
        shown(explain(error))
    }

    /// A refusal as the form or page shows it.
    pub fn shown(refusal: Refusal) -> FormError {
        let status =
            http::StatusCode::from_u16(refusal.status).unwrap_or(http::StatusCode::BAD_REQUEST);
        let error = if !refusal.fields.is_empty() {
            FormError::Invalid(refusal.fields)
        } else if refusal.is_internal() {
            FormError::Failed(refusal.message)
        } else {
            FormError::Refused(refusal.message)
        };
        crate::forms::reject(error, status)
    }

    macro_rules! mapped_once {
        ($($error:ty),* $(,)?) => {$(
            impl From<$error> for FormError {
                fn from(e: $error) -> Self {
                    refused(&e)
                }
            }
        )*};
    }

    mapped_once!(
        domain::assistant::AssistantError,
        domain::caller::CallerUnavailable,
        domain::cart::CartError,
        domain::catalog::CatalogError,
        domain::identity::IdentityError,
        domain::media::MediaError,
        domain::orders::OrderError,
        domain::store::StoreError,
        domain::support::SupportError,
        domain::FieldError,
    );

    impl From<Vec<domain::FieldError>> for FormError {
        fn from(fields: Vec<domain::FieldError>) -> Self {
            shown(Refusal::invalid(fields))
        }
    }
}

/// Rendered where a page's data could not be loaded: the message, announced.
#[component]
pub fn Failure(error: FormError) -> impl IntoView {
    view! { <p role="alert" class="text-rose-800">{error.to_string()}</p> }
}
