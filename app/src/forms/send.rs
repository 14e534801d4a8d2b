//! How an island sends its form: exactly the body a browser without JavaScript posts
//! (`application/x-www-form-urlencoded`, from the form's own fields), to the server function's
//! URL, asking for JSON back.
//!
//! Leptos's `ActionForm` decodes the form into the server function's arguments and encodes
//! them again (serde_qs, both ways, for every form) before it sends them. The server decodes
//! the body either way, so the browser's encoding is sent as it is: each form island's code
//! is its fields and its answer, and a shopper's page downloads no query-string codec.

use super::FormError;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// A form's server function as an action: what the last submission answered, and whether one
/// is on its way. Built with [`FormAction::new`] inside an island and given to [`SendForm`].
pub struct FormAction<S: ServerFn> {
    action: Action<String, Result<S::Output, FormError>>,
    function: PhantomData<fn() -> S>,
}

impl<S: ServerFn> Clone for FormAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn> Copy for FormAction<S> {}

impl<S> FormAction<S>
where
    S: ServerFn<Error = FormError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// The action, holding the refusal the server put into the page's URL after this form was
    /// posted without JavaScript (see [`super::provide_url_error`]), so the island shows what
    /// the server rendered.
    pub fn new() -> Self {
        let from_url = use_context::<ServerActionError>()
            .filter(|error| error.path() == S::PATH)
            .map(|error| Err(ServerFnUrlError::<FormError>::decode_err(error.err())));
        Self {
            action: Action::new_with_value(from_url, |body: &String| {
                post::<S::Output>(S::url(), body.clone())
            }),
            function: PhantomData,
        }
    }

    /// The answer to the last submission, if there was one.
    pub fn value(&self) -> super::Submission<S::Output> {
        let action = self.action;
        Signal::derive(move || action.value().get())
    }

    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
}

/// The `<form>` of a [`FormAction`]: a plain POST to the server function without JavaScript;
/// with it, sent in place and answered into the action.
#[component]
pub fn SendForm<S>(action: FormAction<S>, children: Children) -> impl IntoView
where
    S: ServerFn<Error = FormError>,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let submit = move |ev: leptos::ev::SubmitEvent| {
        if let Some(body) = form_body(&ev) {
            ev.prevent_default();
            action.action.dispatch(body);
        }
    };
    view! {
        <form method="post" action=S::url() on:submit=submit>
            {children()}
        </form>
    }
}

/// The submitted form's fields (and the button that sent it, if named) as the browser would
/// post them; `None` leaves the submission to the browser.
#[cfg(feature = "hydrate")]
fn form_body(ev: &leptos::ev::SubmitEvent) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    if ev.default_prevented() {
        return None;
    }
    let form: web_sys::HtmlFormElement = ev.target()?.dyn_into().ok()?;
    let fields = web_sys::FormData::new_with_form(&form).ok()?;
    if let Some(button) = ev
        .submitter()
        .and_then(|s| s.dyn_into::<web_sys::HtmlButtonElement>().ok())
        .filter(|b| !b.name().is_empty())
    {
        fields
            .append_with_str(&button.name(), &button.value())
            .ok()?;
    }
    let encoded = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&fields).ok()?;
    encoded.to_string().as_string()
}

#[cfg(not(feature = "hydrate"))]
fn form_body(_: &leptos::ev::SubmitEvent) -> Option<String> {
    None // events only fire in the browser
}

/// Posts `body` to the server function at `url` and reads its answer: the output as JSON, or
/// (any 4xx or 5xx) the [`FormError`] it sent. A redirect the server function asked for (a
/// header, since the call asked for JSON) is followed by loading that page.
#[cfg(feature = "hydrate")]
fn post<T: DeserializeOwned + 'static>(
    url: &'static str,
    body: String,
) -> impl std::future::Future<Output = Result<T, FormError>> + Send {
    use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let unreachable =
        |e: JsValue| FormError::from_server_fn_error(ServerFnErrorErr::Request(format!("{e:?}")));
    let sent = async move {
        let window = web_sys::window().ok_or_else(|| unreachable(JsValue::NULL))?;
        let headers = web_sys::Headers::new().map_err(unreachable)?;
        headers
            .set("content-type", "application/x-www-form-urlencoded")
            .map_err(unreachable)?;
        headers
            .set("accept", "application/json")
            .map_err(unreachable)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(&body));
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(url, &init))
                .await
                .and_then(JsCast::dyn_into)
                .map_err(unreachable)?;
        let status = response.status();
        let redirect = response
            .headers()
            .get("location")
            .ok()
            .flatten()
            .filter(|_| {
                (300..400).contains(&status)
                    || response
                        .headers()
                        .has(leptos::server_fn::redirect::REDIRECT_HEADER)
                        .unwrap_or(false)
            });
        let text = JsFuture::from(response.text().map_err(unreachable)?)
            .await
            .map_err(unreachable)?
            .as_string()
            .unwrap_or_default();
        let answer = if (400..600).contains(&status) {
            Err(FormError::de(text.into()))
        } else {
            serde_json::from_str(&text).map_err(|e| {
                FormError::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string()))
            })
        };
        if let Some(location) = redirect {
            _ = window.location().set_href(&location);
        }
        answer
    };
    send_wrapper::SendWrapper::new(sent)
}

/// On the server an island is only rendered; nothing is ever submitted there.
#[cfg(not(feature = "hydrate"))]
fn post<T: Send + 'static>(
    _url: &'static str,
    _body: String,
) -> impl std::future::Future<Output = Result<T, FormError>> + Send {
    std::future::ready(Err(FormError::Failed(
        "A form can only be sent from a browser.".into(),
    )))
}
