//! `/admin/canned-replies`: the answers agents send with one choice, with placeholders for
//! the ticket's details. One form adds a reply or edits the one picked (`?edit=<id>`).

use super::pages::{AdminFrame, Failure, Loading};
use crate::forms::{
    field_error, form_message, Field, PostedForm, SendForm, SubmitButton, TextAreaField,
};
use domain::support::canned::{CannedReply, MAX_TITLE_CHARS, PLACEHOLDERS};
use domain::support::MessageBody;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PAGE: &str = "/admin/canned-replies";

#[server(prefix = "/api/admin")]
pub async fn admin_canned_replies() -> Result<Vec<CannedReply>, crate::forms::FormError> {
    let services = crate::services()?;
    let admin = crate::caller::require_admin(PAGE).await?;
    Ok(services.support.canned_replies(admin.staff()).await?)
}

#[server(prefix = "/api/admin")]
pub async fn admin_save_canned_reply(
    id: Option<String>,
    title: String,
    body: String,
) -> Result<(), crate::forms::FormError> {
    let services = crate::services()?;
    let admin = crate::caller::require_admin(PAGE).await?;
    let id = id.as_deref().map(str::trim).filter(|i| !i.is_empty());
    services
        .support
        .save_canned(&admin, id, &title, &body)
        .await?;
    leptos_axum::redirect(&format!("{PAGE}?saved=1"));
    Ok(())
}

#[server(prefix = "/api/admin")]
pub async fn admin_delete_canned_reply(id: String) -> Result<(), crate::forms::FormError> {
    let services = crate::services()?;
    let admin = crate::caller::require_admin(PAGE).await?;
    services.support.delete_canned(&admin, id.trim()).await?;
    leptos_axum::redirect(&format!("{PAGE}?deleted=1"));
    Ok(())
}

#[component]
pub fn AdminCannedRepliesPage() -> impl IntoView {
    let replies = Resource::new(|| (), |_| admin_canned_replies());
    let query = use_query_map();
    let editing = query.with_untracked(|q| q.get("edit"));
    let notice = query.with_untracked(|q| {
        if q.get("saved").is_some() {
            Some("The canned reply is saved.")
        } else if q.get("deleted").is_some() {
            Some("The canned reply is removed.")
        } else {
            None
        }
    });
    view! {
        <Title text="Canned replies · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"Canned replies"</h1>
            {notice.map(|n| view! {
                <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">{n}</p>
            })}
            <Suspense fallback=Loading>
                {move || {
                    let editing = editing.clone();
                    Suspend::new(async move {
                        match replies.await {
                            Ok(replies) => view! { <CannedView replies editing /> }.into_any(),
                            Err(e) => view! { <Failure error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn CannedView(replies: Vec<CannedReply>, editing: Option<String>) -> impl IntoView {
    let current = editing.and_then(|id| replies.iter().find(|r| r.id == id).cloned());
    let delete = ServerAction::<AdminDeleteCannedReply>::new();
    view! {
        <div class="grid gap-8 lg:grid-cols-2">
            <section aria-labelledby="canned-list-title">
                <h2 id="canned-list-title" class="text-lg font-semibold">"Replies agents can send"</h2>
                {if replies.is_empty() {
                    view! { <p class="mt-2 text-slate-600">"None yet."</p> }.into_any()
                } else {
                    view! {
                        <ul role="list" class="mt-2 flex flex-col gap-3">
                            {replies.into_iter().map(|r| {
                                let remove = format!("Remove {}", r.title);
                                view! {
                                    <li class="rounded-lg border border-slate-200 bg-white p-3">
                                        <p class="font-semibold">{r.title.clone()}</p>
                                        <p class="mt-1 whitespace-pre-line text-sm text-slate-700">{r.body.clone()}</p>
                                        <div class="mt-2 flex gap-3">
                                            <a href=format!("{PAGE}?edit={}", r.id) class="text-sm font-semibold text-indigo-700 underline">"Edit"</a>
                                            <ActionForm action=delete>
                                                <input type="hidden" name="id" value=r.id.clone() />
                                                <button type="submit" aria-label=remove class="text-sm font-medium text-rose-700 underline">"Remove"</button>
                                            </ActionForm>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <CannedForm current />
        </div>
    }
}

#[component]
fn CannedForm(current: Option<CannedReply>) -> impl IntoView {
    let form = PostedForm::<AdminSaveCannedReply>::new();
    let value = form.value();
    let heading = if current.is_some() {
        "Edit the canned reply"
    } else {
        "Add a canned reply"
    };
    let (id, title, body) = current.map_or_else(Default::default, |c| (c.id, c.title, c.body));
    view! {
        <section aria-labelledby="canned-form-title" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="canned-form-title" class="text-lg font-semibold">{heading}</h2>
            <SendForm form id="canned-form">
                <div class="mt-3 flex flex-col gap-4">
                    {form_message(value)}
                    <input type="hidden" name="id" value=id />
                    <Field label="Title" name="title" autocomplete="off" maxlength=MAX_TITLE_CHARS as u32 value=title error=field_error(value, "title") />
                    <TextAreaField label="Text" name="body" value=body maxlength=MessageBody::MAX_CHARS as u32 error=field_error(value, "body") />
                    <div class="text-sm text-slate-700">
                        <p class="font-medium">"Placeholders, filled in for each ticket:"</p>
                        <ul class="mt-1 list-disc pl-5">
                            {PLACEHOLDERS.iter().map(|(name, what)| view! { <li><code>{format!("{{{name}}}")}</code> " — " {*what}</li> }).collect_view()}
                        </ul>
                    </div>
                    <SubmitButton idle="Save" busy="Saving…" />
                </div>
            </SendForm>
        </section>
    }
}
