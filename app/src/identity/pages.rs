//! `/account/sign-in`, `/account/sign-up`, and the header's account menu.

use super::server_fns::{SignIn, SignUp};
use crate::forms::{field_error, form_message, Field, PostedForm, SendForm, SubmitButton};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_else(|| "/".to_owned()));
    view! {
        <Title text="Sign in" />
        <Meta name="robots" content="noindex" />
        <section aria-labelledby="sign-in-title" class="mx-auto max-w-md py-8">
            <h1 id="sign-in-title" class="text-2xl font-bold">"Sign in"</h1>
            <SignInForm next />
            <p class="mt-6 text-slate-700">
                "New here? " <a href="/account/sign-up" class="font-semibold text-indigo-700 underline">"Create an account"</a>
            </p>
        </section>
    }
}

#[component]
fn SignInForm(next: String) -> impl IntoView {
    let form = PostedForm::<SignIn>::new();
    let value = form.value();
    view! {
        <SendForm form id="sign-in-form">
            <div class="mt-6 flex flex-col gap-4">
                {form_message(value)}
                <input type="hidden" name="next" value=next />
                <Field label="Email" name="email" kind="email" autocomplete="email" error=None />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" error=None />
                <SubmitButton idle="Sign in" busy="Signing in…" />
            </div>
        </SendForm>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <Title text="Create an account" />
        <Meta name="robots" content="noindex" />
        <section aria-labelledby="sign-up-title" class="mx-auto max-w-md py-8">
            <h1 id="sign-up-title" class="text-2xl font-bold">"Create an account"</h1>
            <SignUpForm />
            <p class="mt-6 text-slate-700">
                "Already have an account? " <a href="/account/sign-in" class="font-semibold text-indigo-700 underline">"Sign in"</a>
            </p>
        </section>
    }
}

#[component]
fn SignUpForm() -> impl IntoView {
    let form = PostedForm::<SignUp>::new();
    let value = form.value();
    view! {
        <SendForm form id="sign-up-form">
            <div class="mt-6 flex flex-col gap-4">
                {form_message(value)}
                <Field label="Name" name="name" autocomplete="name" maxlength=100 error=field_error(value, "name") />
                <Field label="Email" name="email" kind="email" autocomplete="email" maxlength=254 error=field_error(value, "email") />
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="8 to 128 characters."
                    error=field_error(value, "password")
                />
                <SubmitButton idle="Create account" busy="Creating your account…" />
            </div>
        </SendForm>
    }
}
