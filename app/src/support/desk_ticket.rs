//! `/support/tickets/{id}`: one ticket with its conversation, the customer's recent orders
//! and what an agent can do to it (support agents and admins).

use super::desk_fns::{
    desk_ticket, DeskClassify, DeskRelease, DeskReply, DeskSetStatus, DeskTake, DeskTicketView,
    DESK_PATH,
};
use super::mood::{mood_badge, sentiment_badge};
use super::{status_badge, when};
use crate::forms::{
    field_error, form_message, PostedForm, SelectField, SendForm, SubmitButton, TextAreaField,
};
use crate::NotFound;
use domain::support::ticket::Message;
use domain::support::{Author, MessageBody, Priority, Tag, TicketMover, TicketStatus, Visibility};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn DeskTicketPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let ticket = Resource::new(id, desk_ticket);
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading the ticket…"</p> }>
            {move || Suspend::new(async move {
                match ticket.await {
                    Ok(Some(ticket)) => view! { <TicketView ticket /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()} " " <a href=format!("/account/sign-in?next={DESK_PATH}") class="underline">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketView(ticket: DeskTicketView) -> impl IntoView {
    let DeskTicketView {
        conversation,
        mood,
        score,
        boosts,
        first_response,
        resolution,
        overdue,
        orders,
        admin,
        me,
        canned,
    } = ticket;
    let t = conversation.ticket;
    let id = t.id.as_str().to_owned();
    let title = format!("{} · {}", t.number, t.subject.as_str());
    let mine = t.assignee.as_ref().is_some_and(|a| a.id.as_str() == me);
    let tags = t
        .tags
        .iter()
        .map(Tag::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <Title text=title.clone() />
        <Meta name="robots" content="noindex" />
        <p class="text-sm"><a href=DESK_PATH class="text-indigo-700 underline">"Support queue"</a></p>
        <h1 class="mt-2 text-2xl font-bold">{title}</h1>
        <p class="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
            {status_badge(t.status, t.status.desk_label())}
            <span>{format!("{} priority", t.priority.label())}</span>
            {mood_badge(mood)}
            <span>{format!("Opened {} via {}", when(t.created_at), t.channel.as_str())}</span>
            {t.follows.map(|n| view! { <span>{format!("Follows {n}")}</span> })}
        </p>
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <section aria-labelledby="conversation-title" class="lg:col-span-2">
                <h2 id="conversation-title" class="text-lg font-semibold">"Conversation"</h2>
                <ol class="mt-2 flex flex-col gap-3">
                    {conversation.messages.into_iter().map(|m| view! { <DeskMessage message=m /> }).collect_view()}
                </ol>
                {(t.status != TicketStatus::Closed).then(|| view! { <DeskReplyForm id=id.clone() status=t.status canned /> })}
            </section>
            <aside class="flex flex-col gap-4">
                <section aria-labelledby="customer-title" class="rounded-lg border border-slate-200 bg-white p-4">
                    <h2 id="customer-title" class="font-semibold">"Customer"</h2>
                    <p class="mt-1">{t.customer.name.clone()}</p>
                    <p class="text-sm text-slate-700">{t.customer.email.as_str().to_owned()}</p>
                    {t.order.as_ref().map(|o| view! { <p class="mt-2 text-sm">"About order " <strong>{o.number.clone()}</strong></p> })}
                    <h3 class="mt-3 text-sm font-semibold">"Recent orders"</h3>
                    {if orders.is_empty() {
                        view! { <p class="text-sm text-slate-600">"No orders."</p> }.into_any()
                    } else {
                        view! {
                            <ul role="list" class="mt-1 flex flex-col gap-1 text-sm">
                                {orders.into_iter().map(|(oid, number, date, status, total)| {
                                    let text = format!("{number} · {date} · {status} · {total}");
                                    if admin {
                                        view! { <li><a href=format!("/admin/orders/{oid}") class="text-indigo-700 underline">{text}</a></li> }.into_any()
                                    } else {
                                        view! { <li>{text}</li> }.into_any()
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section aria-labelledby="sla-title" class="rounded-lg border border-slate-200 bg-white p-4">
                    <h2 id="sla-title" class="font-semibold">"SLA and rank"</h2>
                    <dl class="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm" class:text-rose-700=overdue>
                        <dt>"First response"</dt><dd>{first_response}</dd>
                        <dt>"Resolution"</dt><dd>{resolution}</dd>
                    </dl>
                    <p class="mt-2 text-sm text-slate-700">
                        {format!("Score {score}: priority {:+}, mood {:+}, value {:+} minutes, plus the time past the target.", boosts.priority, boosts.mood, boosts.value)}
                    </p>
                </section>
                <AssignmentBox id=id.clone() assignee=t.assignee.as_ref().map(|a| a.email.as_str().to_owned()) mine />
                <ClassifyForm id=id.clone() priority=t.priority tags />
                <StatusForm id=id.clone() status=t.status />
                {t.rating.map(|r| view! {
                    <section aria-labelledby="csat-title" class="rounded-lg border border-slate-200 bg-white p-4">
                        <h2 id="csat-title" class="font-semibold">"Customer rating"</h2>
                        <p class="mt-1">{format!("{} / 5", r.score)}</p>
                        {r.comment.map(|c| view! { <p class="text-sm text-slate-700">{c}</p> })}
                    </section>
                })}
            </aside>
        </div>
    }
}

#[component]
fn DeskMessage(message: Message) -> impl IntoView {
    let internal = message.visibility == Visibility::Internal;
    let style = match (message.author, internal) {
        (_, true) => "rounded-lg border border-dashed border-amber-400 bg-amber-50 p-3",
        (Author::Customer, _) => "rounded-lg border border-slate-200 bg-white p-3",
        _ => "rounded-lg border border-indigo-200 bg-indigo-50 p-3",
    };
    let scored = message.author == Author::Customer;
    view! {
        <li class=style data-testid="desk-message">
            <p class="flex flex-wrap items-center gap-2 text-sm text-slate-600">
                <strong class="text-slate-900">{message.author_name.clone()}</strong>
                <span>{when(message.at)}</span>
                {internal.then(|| view! { <span class="rounded bg-amber-200 px-1 text-xs font-semibold text-amber-900">"Internal note"</span> })}
                {scored.then(|| sentiment_badge(message.sentiment))}
            </p>
            <p class="mt-1 whitespace-pre-line">{message.body.as_str().to_owned()}</p>
        </li>
    }
}

#[component]
fn DeskReplyForm(id: String, status: TicketStatus, canned: Vec<(String, String)>) -> impl IntoView {
    let form = PostedForm::<DeskReply>::new();
    let value = form.value();
    let mut then = vec![(
        String::new(),
        format!("Keep as {}", status.desk_label().to_lowercase()),
    )];
    then.extend(
        status
            .next()
            .iter()
            .filter(|s| status.allows(**s, TicketMover::Agent))
            .map(|s| {
                (
                    s.as_str().to_owned(),
                    format!("Set to {}", s.desk_label().to_lowercase()),
                )
            }),
    );
    view! {
        <SendForm form id="desk-reply-form">
            <div class="mt-6 flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4">
                {form_message(value)}
                <input type="hidden" name="id" value=id />
                {(!canned.is_empty()).then(|| {
                    let mut options = vec![(String::new(), "None: send what I write".to_owned())];
                    options.extend(canned);
                    view! {
                        <SelectField label="Canned reply (sent if you write nothing)" name="canned" options selected="" error=field_error(value, "canned") />
                    }
                })}
                <TextAreaField label="Message" name="message" value="" maxlength=MessageBody::MAX_CHARS as u32 error=field_error(value, "message") />
                <fieldset class="flex flex-wrap gap-4">
                    <legend class="font-medium">"Who sees it"</legend>
                    <label class="flex items-center gap-2"><input type="radio" name="visibility" value="public" checked /> "Reply to the customer"</label>
                    <label class="flex items-center gap-2"><input type="radio" name="visibility" value="internal" /> "Internal note (agents only)"</label>
                </fieldset>
                <SelectField label="Then" name="then" options=then selected="" error=field_error(value, "then") />
                <SubmitButton idle="Send" busy="Sending…" />
            </div>
        </SendForm>
    }
}

#[component]
fn AssignmentBox(id: String, assignee: Option<String>, mine: bool) -> impl IntoView {
    let take = PostedForm::<DeskTake>::new();
    let take_value = take.value();
    let release = PostedForm::<DeskRelease>::new();
    let release_value = release.value();
    view! {
        <section aria-labelledby="assignee-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="assignee-title" class="font-semibold">"Assignee"</h2>
            <p class="mt-1 text-sm" data-testid="assignee">{assignee.clone().unwrap_or_else(|| "Nobody yet".to_owned())}</p>
            {if assignee.is_none() {
                view! {
                    <SendForm form=take id="take-form">
                        {form_message(take_value)}
                        <input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="mt-2 w-full rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">"Take it"</button>
                    </SendForm>
                }.into_any()
            } else {
                let label = if mine { "Give it back" } else { "Unassign" };
                view! {
                    <SendForm form=release id="release-form">
                        {form_message(release_value)}
                        <input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="mt-2 w-full rounded-md border border-slate-300 px-4 py-2 font-semibold hover:bg-slate-50">{label}</button>
                    </SendForm>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ClassifyForm(id: String, priority: Priority, tags: String) -> impl IntoView {
    let form = PostedForm::<DeskClassify>::new();
    let value = form.value();
    let priorities = Priority::ALL
        .iter()
        .rev()
        .map(|p| (p.as_str().to_owned(), p.label().to_owned()))
        .collect();
    view! {
        <section aria-labelledby="classify-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="classify-title" class="font-semibold">"Priority and tags"</h2>
            <SendForm form id="classify-form">
                <div class="mt-2 flex flex-col gap-3">
                    {form_message(value)}
                    <input type="hidden" name="id" value=id />
                    <SelectField label="Priority" name="priority" options=priorities selected=priority.as_str() error=field_error(value, "priority") />
                    <div class="flex flex-col gap-1">
                        <label for="field-tags" class="font-medium">"Tags"</label>
                        <input id="field-tags" name="tags" value=tags aria-describedby="field-tags-hint" class="rounded-md border border-slate-300 px-3 py-2" />
                        <p id="field-tags-hint" class="text-sm text-slate-600">"Separated by commas, e.g. shipping, damaged-item."</p>
                        <p class="text-sm font-medium text-rose-700" role="alert">{field_error(value, "tags")}</p>
                    </div>
                    <SubmitButton idle="Save" busy="Saving…" />
                </div>
            </SendForm>
        </section>
    }
}

#[component]
fn StatusForm(id: String, status: TicketStatus) -> impl IntoView {
    let form = PostedForm::<DeskSetStatus>::new();
    let value = form.value();
    let moves: Vec<(String, String)> = status
        .next()
        .iter()
        .filter(|s| status.allows(**s, TicketMover::Agent))
        .map(|s| (s.as_str().to_owned(), s.desk_label().to_owned()))
        .collect();
    if moves.is_empty() {
        return view! { <p class="text-sm text-slate-600">"Closed tickets are final."</p> }
            .into_any();
    }
    view! {
        <section aria-labelledby="status-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="status-title" class="font-semibold">"Status"</h2>
            <SendForm form id="status-form">
                <div class="mt-2 flex flex-col gap-3">
                    {form_message(value)}
                    <input type="hidden" name="id" value=id />
                    <SelectField label="Move to" name="status" options=moves selected="" error=field_error(value, "status") />
                    <SubmitButton idle="Move" busy="Moving…" />
                </div>
            </SendForm>
        </section>
    }
    .into_any()
}
