//! Form building blocks: the error every form's server function answers with, labelled fields
//! that show their own error, and the message for the whole form.
//!
//! A form is a plain POST ([`SendForm`]), sent in place by the page's script when JavaScript
//! runs. Either way a rejected submission comes back as a [`FormError`], encoded by Leptos
//! into the URL of the form's page, where the server renders it next to the same fields.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

pub use domain::FieldError;
pub use send::{PostedForm, SendForm};

mod send;

/// What a shopper is told when the shop did not answer (network down, server away).
pub const UNREACHABLE: &str = "The shop could not be reached. Check your connection and try again.";
/// What a shopper is told when the shop failed without saying why.
pub const FAILED: &str = "Something went wrong on our side. Please try again.";

/// Why a form was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FormError {
    /// Fields to correct, each shown next to its input.
    #[error("Please correct the highlighted fields.")]
    Invalid(Vec<FieldError>),
    /// A message about the whole form ("the email or password is not right").
    #[error("{0}")]
    Refused(String),
    /// The request did not get an answer from the shop: network, server or plumbing.
    #[error("{0}")]
    Failed(String),
}

impl FormError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        FormError::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            FormError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The message shown above the form, if this error is not about single fields.
    pub fn form_message(&self) -> Option<String> {
        match self {
            FormError::Invalid(_) => None,
            FormError::Refused(m) | FormError::Failed(m) => Some(m.clone()),
        }
    }
}

impl FromServerFnError for FormError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A server function's own failure (a storage error, already logged) carries a
            // message written for shoppers.
            ServerFnErrorErr::ServerError(message) => FormError::Failed(message),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                FormError::Failed(UNREACHABLE.into())
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                let error = FormError::Refused(
                    "The form arrived incomplete. Please fill it in and send it again.".into(),
                );
                #[cfg(feature = "ssr")]
                let error = reject(error, http::StatusCode::BAD_REQUEST);
                error
            }
            _ => FormError::Failed(FAILED.into()),
        }
    }
}

impl From<ServerFnError> for FormError {
    fn from(e: ServerFnError) -> Self {
        match e {
            ServerFnError::ServerError(message) => FormError::Failed(message),
            other => {
                FormError::from_server_fn_error(ServerFnErrorErr::ServerError(other.to_string()))
            }
        }
    }
}

/// The refusal of a form's last submission, if it was refused: stored once per form, so each
/// field (and the form's `'static` children) can read its own error from it.
pub type Refusal = StoredValue<Option<FormError>>;

/// A labelled input with its error shown below it and announced with it.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    error: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = described_by(&error, &error_id, hint.map(|_| hint_id.as_str()));
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="font-medium">
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                value=value
                aria-invalid=invalid
                aria-describedby=described_by
                class="rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-rose-500"
            />
            {hint.map(|h| view! { <p id=hint_id class="text-sm text-slate-600">{h}</p> })}
            <ErrorText id=error_id error />
        </div>
    }
}

/// The ids a control is described by: its hint, and its error if it has one.
fn described_by(error: &Option<String>, error_id: &str, hint_id: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = hint_id
        .into_iter()
        .chain(error.is_some().then_some(error_id))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A control's error, announced when it appears.
#[component]
fn ErrorText(id: String, error: Option<String>) -> impl IntoView {
    view! { <p id=id class="text-sm font-medium text-rose-700" role="alert">{error}</p> }
}

/// A labelled choice with its error shown below it.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    /// `(value, label)` pairs, in order.
    options: Vec<(String, String)>,
    #[prop(into)] selected: String,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described_by = described_by(&error, &error_id, None);
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="font-medium">{label}</label>
            <select
                id=id
                name=name
                aria-invalid=invalid
                aria-describedby=described_by
                class="rounded-md border border-slate-300 bg-white px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-rose-500"
            >
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            <ErrorText id=error_id error />
        </div>
    }
}

/// A labelled multi-line text input with its error shown below it.
#[component]
pub fn TextAreaField(
    label: &'static str,
    name: &'static str,
    #[prop(into)] value: String,
    maxlength: u32,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described_by = described_by(&error, &error_id, None);
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="font-medium">{label}</label>
            <textarea
                id=id
                name=name
                rows="5"
                maxlength=maxlength
                aria-invalid=invalid
                aria-describedby=described_by
                class="rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-rose-500"
            >
                {value}
            </textarea>
            <ErrorText id=error_id error />
        </div>
    }
}

/// The postal address inputs shared by checkout and the profile, filled from `prefill`.
#[component]
pub fn AddressFields(
    prefill: domain::identity::ProfileFields,
    value: Refusal,
    /// Whether the address must be filled in (at checkout) or may stay empty (profile).
    required: bool,
) -> impl IntoView {
    let f = prefill;
    view! {
        <Field label="Address" name="line1" autocomplete="address-line1" maxlength=120 required value=f.line1 error=field_error(value, "line1") />
        <Field label="Apartment, suite (optional)" name="line2" autocomplete="address-line2" maxlength=120 required=false value=f.line2 error=field_error(value, "line2") />
        <Field label="City" name="city" autocomplete="address-level2" maxlength=80 required value=f.city error=field_error(value, "city") />
        <Field label="Postal code" name="postal_code" autocomplete="postal-code" maxlength=16 required value=f.postal_code error=field_error(value, "postal_code") />
        <Field label="Country" name="country" autocomplete="country-name" maxlength=56 required value=f.country error=field_error(value, "country") />
    }
}

/// A form's main button. While the page's script sends the form, it is disabled and says
/// `busy`.
#[component]
pub fn SubmitButton(idle: &'static str, busy: &'static str) -> impl IntoView {
    view! {
        <button
            type="submit"
            data-busy=busy
            class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-300 disabled:opacity-60"
        >
            {idle}
        </button>
    }
}

/// The error for one field, if the form was refused.
pub fn field_error(value: Refusal, field: &str) -> Option<String> {
    value.with_value(|refusal| refusal.as_ref()?.field_error(field))
}

/// The message for the whole form: a refusal, or (put there by the page's script) a failure
/// to reach the shop. Always rendered, hidden while empty, so the script has a place for it.
pub fn form_message(value: Refusal) -> impl IntoView {
    let message = value.with_value(|refusal| refusal.as_ref()?.form_message());
    view! {
        <p
            role="alert"
            tabindex="-1"
            data-form-message=""
            class="rounded-md border border-rose-200 bg-rose-50 p-3 text-rose-900 empty:hidden"
        >
            {message}
        </p>
    }
}

/// Whether the request accepts an HTML page (a browser navigating or posting a plain form),
/// rather than being an island's call that reads JSON.
#[cfg(feature = "ssr")]
pub fn accepts_html() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sets the response status of a refused request: an island's call, or a page being rendered.
/// A plain form post keeps its redirect back to the form's page instead.
#[cfg(feature = "ssr")]
pub fn reject(error: FormError, status: http::StatusCode) -> FormError {
    let plain_post = accepts_html()
        && use_context::<http::request::Parts>().is_some_and(|p| p.method == http::Method::POST);
    if !plain_post {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }
    error
}

/// Fields to correct, answered with 422 to an island.
#[cfg(feature = "ssr")]
pub fn invalid(errors: Vec<FieldError>) -> FormError {
    reject(
        FormError::Invalid(errors),
        http::StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_is_found_by_its_field_and_is_not_a_form_message() {
        let e = FormError::field("email", "Enter an email address.");
        assert_eq!(
            e.field_error("email").as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(e.field_error("name"), None);
        assert_eq!(e.form_message(), None);
    }

    #[test]
    fn a_refusal_is_a_form_message_and_survives_the_round_trip_through_a_url() {
        let e = FormError::Refused("The email or password is not right.".into());
        assert_eq!(
            e.form_message().as_deref(),
            Some("The email or password is not right.")
        );
        let back = FormError::de(e.ser());
        assert_eq!(back, e);
    }
}
