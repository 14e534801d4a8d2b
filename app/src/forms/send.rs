//! How a form is sent: a plain POST of its own fields
//! (`application/x-www-form-urlencoded`) to its server function, with or without JavaScript.
//!
//! The server answers a form the same way either way: a redirect to the next page, or back to
//! the form's page with the refusal in its URL, where the form is rendered with each error
//! next to its field. With JavaScript, the page's script (`bundle/forms.js`) sends a
//! `data-enhance` form in place and shows the form of the page that comes back, so a shopper
//! sees the refusal without a reload and without downloading any WebAssembly: the errors are
//! rendered once, here, for both.

use super::{FormError, Refusal, FAILED, UNREACHABLE};
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use std::marker::PhantomData;

/// A form's server function, and what it refused the last time this form was posted (the
/// refusal the server put into the page's URL, see [`SendForm`]).
pub struct PostedForm<S: ServerFn> {
    refusal: Option<FormError>,
    function: PhantomData<fn() -> S>,
}

impl<S> PostedForm<S>
where
    S: ServerFn<Error = FormError>,
{
    /// The form of the page being rendered, with the refusal the request's URL carries for
    /// this server function, if any.
    pub fn new() -> Self {
        let refusal = use_context::<ServerActionError>()
            .filter(|error| error.path() == S::PATH)
            .map(|error| ServerFnUrlError::<FormError>::decode_err(error.err()));
        Self {
            refusal,
            function: PhantomData,
        }
    }

    /// The refusal of the last submission, if it was refused, for the form's fields.
    pub fn value(&self) -> Refusal {
        StoredValue::new(self.refusal.clone())
    }
}

impl<S> Default for PostedForm<S>
where
    S: ServerFn<Error = FormError>,
{
    fn default() -> Self {
        Self::new()
    }
}

/// The `<form>` of a [`PostedForm`]. `id` names it on the page, so the script finds this
/// form again in the page the server answers with.
#[component]
pub fn SendForm<S>(
    form: PostedForm<S>,
    #[prop(into)] id: String,
    children: Children,
) -> impl IntoView
where
    S: ServerFn<Error = FormError>,
{
    let PostedForm { .. } = form; // the form names its server function by its type
    view! {
        <form
            id=id
            method="post"
            action=S::url()
            data-enhance=""
            data-unreachable=UNREACHABLE
            data-failed=FAILED
        >
            {children()}
        </form>
    }
}
