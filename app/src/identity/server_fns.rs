//! Thin server-function adapters over the identity service: read the session cookie, parse,
//! call, set or clear the cookie, and redirect.

use crate::forms::FormError;
use domain::identity::ProfileFields;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod web {
    //! Writing the identity cookies, and what signing in does to a guest's cart. Reading them
    //! is the server's caller middleware's job alone.
    use crate::forms::FormError;
    use domain::cart::CartOwner;
    use domain::identity::{SessionToken, UserId, CART_COOKIE, SESSION_COOKIE, SESSION_LIFETIME};
    use http::header::SET_COOKIE;
    use http::HeaderValue;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    /// Whose cart this request is about: the account's when signed in, else the guest cart
    /// (created, with its cookie, when `create` is set).
    pub async fn cart_owner(create: bool) -> Result<Option<CartOwner>, FormError> {
        if let Some(owner) = crate::caller::caller().await?.cart_owner() {
            return Ok(Some(owner));
        }
        if !create {
            return Ok(None);
        }
        let owner = CartOwner::new_guest();
        if let CartOwner::Guest(id) = &owner {
            set_cookie(CART_COOKIE, id, 30 * 24 * 3600);
        }
        Ok(Some(owner))
    }

    /// Moves the visitor's guest cart into the account's cart and forgets the guest cart.
    pub async fn merge_guest_cart(services: &domain::services::Services, account: &UserId) {
        let Ok(caller) = crate::caller::caller().await else {
            return;
        };
        if let Some(guest) = &caller.guest_cart {
            if let Err(e) = services
                .carts
                .merge(guest, &CartOwner::Customer(account.clone()))
                .await
            {
                tracing::warn!(error = %domain::refusal::chain(&e), "could not merge the guest cart");
            }
            set_cookie(CART_COOKIE, "", 0);
        }
    }

    /// Appends a `Set-Cookie` for an HttpOnly, SameSite=Lax cookie (Secure on https).
    fn set_cookie(name: &str, value: &str, max_age_secs: u64) {
        let https = use_context::<crate::SiteUrl>().is_some_and(|u| u.0.starts_with("https://"));
        let cookie = format!(
            "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
            if https { "; Secure" } else { "" }
        );
        if let (Some(response), Ok(value)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
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

    pub fn set_session_cookie(token: &SessionToken) {
        set_cookie(SESSION_COOKIE, token.as_str(), SESSION_LIFETIME.as_secs());
    }

    pub fn clear_session_cookie() {
        set_cookie(SESSION_COOKIE, "", 0);
    }
}

#[server]
pub async fn sign_up(name: String, email: String, password: String) -> Result<(), FormError> {
    use domain::identity::SignUp;
    let services = crate::services()?;
    let form = SignUp::parse(&name, &email, &password)?;
    let (account, token) = services.identity.sign_up(form).await?;
    end_previous_session(&services).await;
    web::set_session_cookie(&token);
    web::merge_guest_cart(&services, &account.id).await;
    leptos_axum::redirect("/");
    Ok(())
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
    let (account, token) = services.identity.sign_in(attempt).await?;
    end_previous_session(&services).await;
    web::set_session_cookie(&token);
    web::merge_guest_cart(&services, &account.id).await;
    leptos_axum::redirect(&safe_next(next));
    Ok(())
}

/// Where to go after signing in: only a path on this site, never an open redirect.
#[cfg(feature = "ssr")]
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

#[server]
pub async fn sign_out() -> Result<(), FormError> {
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
pub async fn my_profile() -> Result<ProfilePage, FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer("/account/profile").await?;
    let profile = services.identity.profile(customer.id()).await?;
    Ok(ProfilePage {
        email: customer.account().email.as_str().to_owned(),
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
    let customer = crate::caller::require_customer("/account/profile").await?;
    let fields = ProfileFields {
        name,
        phone: phone.unwrap_or_default(),
        line1: line1.unwrap_or_default(),
        line2: line2.unwrap_or_default(),
        city: city.unwrap_or_default(),
        postal_code: postal_code.unwrap_or_default(),
        country: country.unwrap_or_default(),
    };
    let profile = Profile::parse(&fields)?;
    services
        .identity
        .update_profile(customer.account(), &profile)
        .await?;
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
    let customer = crate::caller::require_customer("/account/profile").await?;
    let new = NewPassword::parse(&new_password)
        .map_err(|e| domain::FieldError::new("new_password", e.message))?;
    let token = services
        .identity
        .change_password(customer.id(), &current_password, &new)
        .await?;
    web::set_session_cookie(&token);
    leptos_axum::redirect("/account/profile?saved=password");
    Ok(())
}

/// Ends the session the request came with (the session id is rotated on sign-in).
#[cfg(feature = "ssr")]
async fn end_previous_session(services: &domain::services::Services) {
    let Ok(caller) = crate::caller::caller().await else {
        return;
    };
    if let Some(old) = &caller.session {
        if let Err(e) = services.identity.sign_out(old).await {
            tracing::warn!(error = %domain::refusal::chain(&e), "could not end the previous session");
        }
    }
}
