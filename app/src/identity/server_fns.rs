//! Thin server-function adapters over the identity service: read the session cookie, parse,
//! call, set or clear the cookie, and redirect.

use crate::forms::FormError;
use domain::identity::{Account, ProfileFields};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod web {
    use domain::cart::CartOwner;
    use domain::identity::{SessionToken, CART_COOKIE, SESSION_COOKIE, SESSION_LIFETIME};
    use http::header::{COOKIE, SET_COOKIE};
    use http::HeaderValue;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    /// A cookie's value in the request.
    async fn cookie(name: &str) -> Option<String> {
        let headers: http::HeaderMap = leptos_axum::extract().await.ok()?;
        let values = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        domain::identity::cookie_value(values, name).map(str::to_owned)
    }

    /// The session token in the request's cookie, if any.
    pub async fn session_token() -> Option<SessionToken> {
        SessionToken::parse(&cookie(SESSION_COOKIE).await?)
    }

    /// The signed-in account, if any.
    pub async fn signed_in(
        services: &domain::services::Services,
    ) -> Result<Option<domain::identity::Account>, ServerFnError> {
        let Some(token) = session_token().await else {
            return Ok(None);
        };
        services.identity.account(&token).await.map_err(|e| {
            tracing::error!(error = ?e, "reading the session failed");
            ServerFnError::new("Your session could not be read. Please try again.")
        })
    }

    /// The signed-in account; otherwise the visitor is sent to sign in and come back.
    pub async fn require_account(
        services: &domain::services::Services,
        return_to: &str,
    ) -> Result<domain::identity::Account, ServerFnError> {
        match signed_in(services).await? {
            Some(account) => Ok(account),
            None => {
                leptos_axum::redirect(&format!("/account/sign-in?next={return_to}"));
                Err(ServerFnError::new("Please sign in first."))
            }
        }
    }

    /// The signed-in admin. A visitor is sent to sign in and come back; anyone else gets 403.
    pub async fn require_admin(
        services: &domain::services::Services,
        return_to: &str,
    ) -> Result<domain::identity::Account, ServerFnError> {
        let account = require_account(services, return_to).await?;
        if account.role == domain::identity::Role::Admin {
            return Ok(account);
        }
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        Err(ServerFnError::new(domain::identity::ADMINS_ONLY))
    }

    /// The visitor's guest cart, from its cookie.
    pub async fn guest_cart() -> Option<CartOwner> {
        CartOwner::guest_from_cookie(&cookie(CART_COOKIE).await?)
    }

    /// Whose cart this request is about: the account's when signed in, else the guest cart
    /// (created, with its cookie, when `create` is set).
    pub async fn cart_owner(
        services: &domain::services::Services,
        create: bool,
    ) -> Result<Option<CartOwner>, ServerFnError> {
        if let Some(account) = signed_in(services).await? {
            return Ok(Some(CartOwner::Customer(account.id)));
        }
        if let Some(guest) = guest_cart().await {
            return Ok(Some(guest));
        }
        if !create {
            return Ok(None);
        }
        let owner = CartOwner::new_guest();
        if let CartOwner::Guest(id) = &owner {
            set_cookie(&format!(
                "{CART_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                30 * 24 * 3600,
                secure()
            ));
        }
        Ok(Some(owner))
    }

    /// Moves the visitor's guest cart into the account's cart and forgets the guest cart.
    pub async fn merge_guest_cart(
        services: &domain::services::Services,
        account: &domain::identity::UserId,
    ) {
        if let Some(guest) = guest_cart().await {
            if let Err(e) = services
                .carts
                .merge(&guest, &CartOwner::Customer(account.clone()))
                .await
            {
                tracing::warn!(error = ?e, "could not merge the guest cart");
            }
            set_cookie(&format!(
                "{CART_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
                secure()
            ));
        }
    }

    fn set_cookie(cookie: &str) {
        if let (Some(response), Ok(value)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(cookie),
        ) {
            response.append_header(SET_COOKIE, value);
        }
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
    web::signed_in(&services).await
}

#[server]
pub async fn sign_up(name: String, email: String, password: String) -> Result<(), FormError> {
    use domain::identity::SignUp;
    let services = crate::services()?;
    let form = SignUp::parse(&name, &email, &password).map_err(crate::forms::invalid)?;
    match services.identity.sign_up(form).await {
        Ok((account, token)) => {
            end_previous_session(&services).await;
            web::set_session_cookie(&token);
            web::merge_guest_cart(&services, &account.id).await;
            leptos_axum::redirect("/");
            Ok(())
        }
        Err(e) => Err(refusal(e)),
    }
}

#[server]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), FormError> {
    use domain::identity::SignIn;
    let services = crate::services()?;
    let attempt = SignIn {
        email,
        password,
        client: web::client_address().await,
    };
    match services.identity.sign_in(attempt).await {
        Ok((account, token)) => {
            end_previous_session(&services).await;
            web::set_session_cookie(&token);
            web::merge_guest_cart(&services, &account.id).await;
            leptos_axum::redirect(&safe_next(next));
            Ok(())
        }
        Err(e) => Err(refusal(e)),
    }
}

/// Where to go after signing in: only a path on this site, never an open redirect.
#[cfg(feature = "ssr")]
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

#[server]
pub async fn sign_out() -> Result<(), ServerFnError> {
    let services = crate::services()?;
    end_previous_session(&services).await;
    web::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}

/// What the profile page shows: the account's email and its profile as form fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProfilePage {
    pub email: String,
    pub fields: ProfileFields,
}

#[server]
pub async fn my_profile() -> Result<ProfilePage, ServerFnError> {
    let services = crate::services()?;
    let account = web::require_account(&services, "/account/profile").await?;
    let profile = services
        .identity
        .profile(&account.id)
        .await
        .map_err(internal)?;
    Ok(ProfilePage {
        email: account.email.as_str().to_owned(),
        fields: profile.fields(),
    })
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_profile(
    name: String,
    phone: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
) -> Result<(), FormError> {
    use domain::identity::Profile;
    let services = crate::services()?;
    let account = web::require_account(&services, "/account/profile").await?;
    let fields = ProfileFields {
        name,
        phone: phone.unwrap_or_default(),
        line1: line1.unwrap_or_default(),
        line2: line2.unwrap_or_default(),
        city: city.unwrap_or_default(),
        postal_code: postal_code.unwrap_or_default(),
        country: country.unwrap_or_default(),
    };
    let profile = Profile::parse(&fields).map_err(crate::forms::invalid)?;
    services
        .identity
        .update_profile(&account, &profile)
        .await
        .map_err(internal)?;
    leptos_axum::redirect("/account/profile?saved=profile");
    Ok(())
}

#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), FormError> {
    use domain::identity::NewPassword;
    let services = crate::services()?;
    let account = web::require_account(&services, "/account/profile").await?;
    let new = NewPassword::parse(&new_password).map_err(|e| {
        crate::forms::invalid(vec![domain::FieldError::new("new_password", e.message)])
    })?;
    match services
        .identity
        .change_password(&account.id, &current_password, &new)
        .await
    {
        Ok(token) => {
            web::set_session_cookie(&token);
            leptos_axum::redirect("/account/profile?saved=password");
            Ok(())
        }
        Err(e) => Err(refusal(e)),
    }
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
use crate::forms::reject;

/// What a form is told when the identity service refuses, with the response status.
#[cfg(feature = "ssr")]
fn refusal(e: domain::identity::IdentityError) -> FormError {
    use domain::identity::IdentityError;
    use http::StatusCode;
    match e {
        IdentityError::EmailTaken => reject(
            FormError::field(
                "email",
                "An account with this email already exists. Sign in instead?",
            ),
            StatusCode::CONFLICT,
        ),
        // Unknown email, wrong password and a disabled account read the same, on purpose.
        IdentityError::InvalidCredentials | IdentityError::Disabled => reject(
            FormError::Refused("The email or password is not right.".into()),
            StatusCode::UNAUTHORIZED,
        ),
        IdentityError::Throttled { retry_after_secs } => reject(
            FormError::Refused(format!(
                "Too many attempts. Please wait {retry_after_secs} seconds and try again."
            )),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        IdentityError::Invalid(e) => crate::forms::invalid(vec![e]),
        other => internal(other).into(),
    }
}

#[cfg(feature = "ssr")]
fn internal(e: domain::identity::IdentityError) -> ServerFnError {
    tracing::error!(error = ?e, "identity request failed");
    ServerFnError::new("Something went wrong on our side. Please try again.")
}
