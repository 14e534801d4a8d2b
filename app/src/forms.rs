//! Form building blocks: labelled fields with their errors, and the outcome of a submission.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use domain::FieldError;

/// What a form submission came to, when it did not redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormOutcome {
    /// Fields to correct, each shown next to its input.
    Invalid(Vec<FieldError>),
    /// A message about the whole form.
    Refused(String),
}

impl FormOutcome {
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            FormOutcome::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            FormOutcome::Refused(_) => None,
        }
    }
}

/// A labelled input with its error shown below it and announced with it.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    error: Signal<Option<String>>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
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
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                class="rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-rose-500"
            />
            {hint.map(|h| view! { <p id=hint_id class="text-sm text-slate-600">{h}</p> })}
            <p id=error_id class="text-sm font-medium text-rose-700" role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

pub fn field_error(
    value: Signal<Option<Result<FormOutcome, ServerFnError>>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        value
            .get()
            .and_then(|r| r.ok())
            .and_then(|o| o.field_error(field))
    })
}

/// A message for the whole form: a refusal, or a failure to reach the server.
pub fn form_message(value: Signal<Option<Result<FormOutcome, ServerFnError>>>) -> impl IntoView {
    move || {
        let message = match value.get()? {
            Ok(FormOutcome::Refused(message)) => message,
            Ok(FormOutcome::Invalid(_)) => return None,
            Err(e) => e.to_string(),
        };
        Some(view! {
            <p role="alert" class="rounded-md border border-rose-200 bg-rose-50 p-3 text-rose-900">
                {message}
            </p>
        })
    }
}
