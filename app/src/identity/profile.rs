//! `/account/profile`: name, phone and default shipping address, and the password.

use super::server_fns::{my_profile, ChangePassword, SaveProfile};
use crate::forms::{
    field_error, form_message, AddressFields, Field, PostedForm, SendForm, SubmitButton,
};
use domain::identity::ProfileFields;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let page = Resource::new(|| (), |_| my_profile());
    let saved = use_query_map().with_untracked(|q| q.get("saved"));
    let notice = match saved.as_deref() {
        Some("profile") => Some("Your profile is saved."),
        Some("password") => Some("Your password is changed. You were signed out everywhere else."),
        _ => None,
    };
    view! {
        <Title text="Your profile" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"Your profile"</h1>
        {notice.map(|text| view! {
            <p role="status" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">{text}</p>
        })}
        <Suspense fallback=|| view! { <p role="status">"Loading your profile…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <div class="mt-6 grid gap-8 lg:grid-cols-2">
                            <section aria-labelledby="details-title" class="rounded-lg border border-slate-200 bg-white p-4">
                                <h2 id="details-title" class="text-lg font-semibold">"Details and default address"</h2>
                                <p class="mt-1 text-sm text-slate-600">"Signed in as " <strong>{page.email}</strong></p>
                                <ProfileForm prefill=page.fields />
                            </section>
                            <div class="flex flex-col gap-8">
                                <section aria-labelledby="password-title" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
                                    <h2 id="password-title" class="text-lg font-semibold">"Change password"</h2>
                                    <PasswordForm />
                                </section>
                                <section aria-labelledby="tokens-title" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
                                    <h2 id="tokens-title" class="text-lg font-semibold">"API tokens"</h2>
                                    <p class="mt-1 text-sm text-slate-600">"For scripts and other systems that use the CloudMart API as you."</p>
                                    <a href="/account/api-tokens" class="mt-3 inline-block font-semibold text-indigo-700 underline">"Manage API tokens"</a>
                                </section>
                                <section aria-labelledby="support-title" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
                                    <h2 id="support-title" class="text-lg font-semibold">"Support"</h2>
                                    <p class="mt-1 text-sm text-slate-600">"Your conversations with our team."</p>
                                    <a href="/account/support" class="mt-3 inline-block font-semibold text-indigo-700 underline">"Your support tickets"</a>
                                </section>
                            </div>
                        </div>
                    }.into_any(),
                    Err(e) => view! {
                        <p role="alert" class="mt-4">{e.to_string()} " " <a href="/account/sign-in?next=/account/profile" class="underline">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(prefill: ProfileFields) -> impl IntoView {
    let form = PostedForm::<SaveProfile>::new();
    let value = form.value();
    view! {
        <SendForm form id="profile-form">
            <div class="mt-4 flex flex-col gap-4">
                {form_message(value)}
                <Field label="Name" name="name" autocomplete="name" maxlength=100 value=prefill.name.clone() error=field_error(value, "name") />
                <Field
                    label="Phone (optional)"
                    name="phone"
                    kind="tel"
                    autocomplete="tel"
                    maxlength=24
                    required=false
                    hint="For the courier, if they need to reach you."
                    value=prefill.phone.clone()
                    error=field_error(value, "phone")
                />
                <fieldset class="flex flex-col gap-4">
                    <legend class="mb-1 font-semibold">"Default shipping address (optional)"</legend>
                    <p class="text-sm text-slate-600">"Checkout starts from it. Leave it empty to type it each time."</p>
                    <AddressFields prefill value required=false />
                </fieldset>
                <SubmitButton idle="Save profile" busy="Saving…" />
            </div>
        </SendForm>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let form = PostedForm::<ChangePassword>::new();
    let value = form.value();
    view! {
        <SendForm form id="password-form">
            <div class="mt-4 flex flex-col gap-4">
                {form_message(value)}
                <Field
                    label="Current password"
                    name="current_password"
                    kind="password"
                    autocomplete="current-password"
                    error=field_error(value, "current_password")
                />
                <Field
                    label="New password"
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    hint="8 to 128 characters. Every other device is signed out."
                    error=field_error(value, "new_password")
                />
                <SubmitButton idle="Change password" busy="Changing…" />
            </div>
        </SendForm>
    }
}
