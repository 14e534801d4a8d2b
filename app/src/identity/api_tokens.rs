//! `/account/api-tokens`: the signed-in user's REST API tokens. Create one (name, scope,
//! expiry) and see its secret once; list them with their last use; revoke one at once.
//!
//! The secret is shown once and never stored in clear: creating a token sets it in a cookie
//! that only this page's path receives, for at most a few minutes, and the page that shows it
//! clears it. Without JavaScript that is the page the form's redirect lands on; with it, the
//! same.

use crate::forms::{
    field_error, form_message, Field, PostedForm, SelectField, SendForm, SubmitButton,
};
use domain::identity::{TokenScope, TokenSummary, API_TOKENS_PATH};
use domain::time::Timestamp;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<TokenSummary>,
    /// The scopes this account may give a token.
    pub scopes: Vec<TokenScope>,
    /// A token created a moment ago, with its secret: shown this once.
    pub created: Option<CreatedToken>,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub name: String,
    pub secret: String,
}

#[cfg(feature = "ssr")]
fn set_new_token_cookie(value: &str, max_age_secs: u64) {
    use domain::identity::NEW_TOKEN_COOKIE;
    use http::header::SET_COOKIE;
    use http::HeaderValue;
    let https = use_context::<crate::SiteUrl>().is_some_and(|u| u.0.starts_with("https://"));
    let cookie = format!(
        "{NEW_TOKEN_COOKIE}={value}; Path={API_TOKENS_PATH}; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if https { "; Secure" } else { "" }
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

#[server]
pub async fn my_api_tokens() -> Result<TokensPage, crate::forms::FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer(API_TOKENS_PATH).await?;
    let tokens = services.identity.api_tokens(&customer).await?;
    let caller = crate::caller::caller().await?;
    // Shown once: the cookie goes now, whatever it held.
    let created = caller.new_api_token.as_ref().and_then(|secret| {
        set_new_token_cookie("", 0);
        let hint = secret.hint();
        tokens
            .iter()
            .find(|t| t.hint == hint)
            .map(|t| CreatedToken {
                name: t.name.as_str().to_owned(),
                secret: secret.expose().to_owned(),
            })
    });
    let scopes = TokenScope::ALL
        .into_iter()
        .filter(|s| s.allowed_for(customer.account().role))
        .collect();
    Ok(TokensPage {
        tokens,
        scopes,
        created,
        now: Timestamp::now().millis(),
    })
}

#[server]
pub async fn create_api_token(
    name: String,
    scope: String,
    days: String,
) -> Result<(), crate::forms::FormError> {
    use domain::identity::{NewApiToken, NEW_TOKEN_SHOWN_FOR_SECS};
    let services = crate::services()?;
    let customer = crate::caller::require_customer(API_TOKENS_PATH).await?;
    let new = NewApiToken::parse(&name, &scope, &days)?;
    let (_, secret) = services.identity.create_api_token(&customer, new).await?;
    set_new_token_cookie(secret.expose(), NEW_TOKEN_SHOWN_FOR_SECS);
    leptos_axum::redirect(&format!("{API_TOKENS_PATH}?created=1"));
    Ok(())
}

#[server]
pub async fn revoke_api_token(id: String) -> Result<(), crate::forms::FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer(API_TOKENS_PATH).await?;
    services
        .identity
        .revoke_api_token(&customer, id.trim())
        .await?;
    leptos_axum::redirect(&format!("{API_TOKENS_PATH}?revoked=1"));
    Ok(())
}

/// A time in the list, or what stands for none.
fn when(millis: Option<i64>, none: &'static str) -> String {
    millis.map_or_else(
        || none.to_owned(),
        |m| format!("{} UTC", Timestamp(m).datetime_utc()),
    )
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| my_api_tokens());
    let revoked = use_query_map().with_untracked(|q| q.get("revoked").is_some());
    view! {
        <Title text="API tokens" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"API tokens"</h1>
        <p class="mt-2 max-w-prose text-slate-700">
            "A token lets a script or another system use the CloudMart API as you: send it as "
            <code class="rounded bg-slate-100 px-1">"Authorization: Bearer <token>"</code>
            ". See the " <a href="/api/docs" class="font-semibold text-indigo-700 underline">"API reference"</a> "."
        </p>
        {revoked.then(|| view! {
            <p role="status" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">"The token is revoked: it no longer works."</p>
        })}
        <Suspense fallback=|| view! { <p role="status">"Loading your tokens…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <TokensView page /> }.into_any(),
                    Err(e) => view! {
                        <p role="alert" class="mt-4">{e.to_string()} " " <a href=format!("/account/sign-in?next={API_TOKENS_PATH}") class="underline">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TokensView(page: TokensPage) -> impl IntoView {
    let TokensPage {
        tokens,
        scopes,
        created,
        now,
    } = page;
    view! {
        {created.map(|token| view! {
            <section aria-labelledby="new-token-title" class="mt-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4">
                <h2 id="new-token-title" class="text-lg font-semibold text-emerald-900">
                    "Your new token “" {token.name} "”"
                </h2>
                <p class="mt-1 text-emerald-900">"Copy it now: it is not shown again. Keep it secret, as you would a password."</p>
                <label for="new-token" class="sr-only">"The new token"</label>
                <input
                    id="new-token"
                    readonly
                    value=token.secret
                    data-testid="new-token"
                    class="mt-3 w-full rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-sm"
                />
            </section>
        })}
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <section aria-labelledby="create-title" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
                <h2 id="create-title" class="text-lg font-semibold">"Create a token"</h2>
                <CreateForm scopes />
            </section>
            <section aria-labelledby="list-title" class="lg:col-span-2">
                <h2 id="list-title" class="text-lg font-semibold">"Your tokens"</h2>
                <TokenList tokens now />
            </section>
        </div>
    }
}

#[component]
fn CreateForm(scopes: Vec<TokenScope>) -> impl IntoView {
    let form = PostedForm::<CreateApiToken>::new();
    let value = form.value();
    let scope_options = scopes
        .into_iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect();
    let days = [7, 30, 90, 365]
        .map(|d| (d.to_string(), format!("{d} days")))
        .to_vec();
    view! {
        <SendForm form id="create-token-form">
            <div class="mt-4 flex flex-col gap-4">
                {form_message(value)}
                <Field
                    label="Name"
                    name="name"
                    autocomplete="off"
                    maxlength=60
                    hint="What will use it, e.g. “Nightly stock sync”."
                    error=field_error(value, "name")
                />
                <SelectField label="Access" name="scope" options=scope_options selected="read" error=field_error(value, "scope") />
                <SelectField label="Expires after" name="days" options=days selected="90" error=field_error(value, "days") />
                <SubmitButton idle="Create token" busy="Creating…" />
            </div>
        </SendForm>
    }
}

#[component]
fn TokenList(tokens: Vec<TokenSummary>, now: i64) -> impl IntoView {
    if tokens.is_empty() {
        return view! {
            <p class="mt-3 text-slate-600">"You have no API tokens yet."</p>
        }
        .into_any();
    }
    let revoke = ServerAction::<RevokeApiToken>::new();
    view! {
        <ul role="list" class="mt-3 flex flex-col gap-3">
            {tokens.into_iter().map(|token| {
                let expired = token.expired_at(now);
                let label = format!("Revoke {}", token.name.as_str());
                view! {
                    <li class="flex flex-wrap items-start justify-between gap-3 rounded-lg border border-slate-200 bg-white p-3">
                        <div>
                            <p class="font-semibold">{token.name.as_str().to_owned()}</p>
                            <p class="text-sm text-slate-600">
                                <code>{token.hint.clone()} "…"</code> " · " {token.scope.label()}
                            </p>
                            <dl class="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm text-slate-700">
                                <dt>"Created"</dt><dd>{when(Some(token.created_at), "")}</dd>
                                <dt>{if expired { "Expired" } else { "Expires" }}</dt>
                                <dd class:text-rose-700=expired>{when(Some(token.expires_at), "")}</dd>
                                <dt>"Last used"</dt><dd>{when(token.last_used_at, "Never")}</dd>
                            </dl>
                        </div>
                        <ActionForm action=revoke>
                            <input type="hidden" name="id" value=token.id.clone() />
                            <button type="submit" aria-label=label class="rounded-md border border-rose-300 px-3 py-1 text-sm font-medium text-rose-700 hover:bg-rose-50">"Revoke"</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
