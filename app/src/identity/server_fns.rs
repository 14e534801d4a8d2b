//! Thin server-function adapters over the identity service: read the session cookie, parse,
//! call, set or clear the cookie, and redirect.

use domain::identity::Account;
use domain::FieldError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

#[cfg(feature = "ssr")]
mod web {
    use domain::identity::{SessionToken, SESSION_COOKIE, SESSION_LIFETIME};
    use http::header::{COOKIE, SET_COOKIE};
    use http::HeaderValue;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    /// The session token in the request's cookie, if any.
    pub async fn session_token() -> Option<SessionToken> {
        let headers: http::HeaderMap = leptos_axum::extract().await.ok()?;
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .and_then(|(_, value)| SessionToken::parse(value))
    }

    /// The client's address, for throttling.
    pub async fn client_address() -> Option<String> {
        let info: axum::extract::ConnectInfo<std::net::SocketAddr> =
            leptos_axum::extract().await.ok()?;
        Some(info.0.ip().to_string())
    }

    fn secure() -> &'static str {
        let https = use_context::<crate::SiteUrl>().is_some_and(|u| u.0.starts_with("https://"));
        if https {
            "; Secure"
        } else {
            ""
        }
    }

    pub fn set_session_cookie(token: &SessionToken) {
        let cookie = format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            token.as_str(),
            SESSION_LIFETIME.as_secs(),
            secure()
        );
        if let (Some(response), Ok(value)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            response.append_header(SET_COOKIE, value);
        }
    }

    pub fn clear_session_cookie() {
        let cookie = format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            secure()
        );
        if let (Some(response), Ok(value)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            response.append_header(SET_COOKIE, value);
        }
    }
}

/// The signed-in account, or `None` for a visitor.
#[server]
pub async fn current_account() -> Result<Option<Account>, ServerFnError> {
    let services = crate::services()?;
    let Some(token) = web::session_token().await else {
        return Ok(None);
    };
    services.identity.account(&token).await.map_err(|e| {
        tracing::error!(error = ?e, "reading the session failed");
        ServerFnError::new("Your session could not be read. Please try again.")
    })
}

#[server]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
) -> Result<FormOutcome, ServerFnError> {
    use domain::identity::{IdentityError, SignUp};
    let services = crate::services()?;
    let form = match SignUp::parse(&name, &email, &password) {
        Ok(form) => form,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match services.identity.sign_up(form).await {
        Ok((_, token)) => {
            end_previous_session(&services).await;
            web::set_session_cookie(&token);
            leptos_axum::redirect("/");
            Ok(FormOutcome::Invalid(Vec::new()))
        }
        Err(IdentityError::EmailTaken) => Ok(FormOutcome::Invalid(vec![FieldError::new(
            "email",
            "An account with this email already exists. Sign in instead?",
        )])),
        Err(e) => Err(internal(e)),
    }
}

#[server]
pub async fn sign_in(email: String, password: String) -> Result<FormOutcome, ServerFnError> {
    use domain::identity::{IdentityError, SignIn};
    let services = crate::services()?;
    let attempt = SignIn {
        email,
        password,
        client: web::client_address().await,
    };
    match services.identity.sign_in(attempt).await {
        Ok((_, token)) => {
            end_previous_session(&services).await;
            web::set_session_cookie(&token);
            leptos_axum::redirect("/");
            Ok(FormOutcome::Invalid(Vec::new()))
        }
        Err(IdentityError::InvalidCredentials) | Err(IdentityError::Disabled) => Ok(
            FormOutcome::Refused("The email or password is not right.".into()),
        ),
        Err(IdentityError::Throttled { retry_after_secs }) => Ok(FormOutcome::Refused(format!(
            "Too many attempts. Please wait {retry_after_secs} seconds and try again."
        ))),
        Err(e) => Err(internal(e)),
    }
}

#[server]
pub async fn sign_out() -> Result<(), ServerFnError> {
    let services = crate::services()?;
    end_previous_session(&services).await;
    web::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends the session the request came with (the session id is rotated on sign-in).
#[cfg(feature = "ssr")]
async fn end_previous_session(services: &domain::services::Services) {
    if let Some(old) = web::session_token().await {
        if let Err(e) = services.identity.sign_out(&old).await {
            tracing::warn!(error = ?e, "could not end the previous session");
        }
    }
}

#[cfg(feature = "ssr")]
fn internal(e: domain::identity::IdentityError) -> ServerFnError {
    tracing::error!(error = ?e, "identity request failed");
    ServerFnError::new("Something went wrong on our side. Please try again.")
}
