//! `/account/support` (the customer's tickets), `/account/support/new` ("Contact us") and
//! `/account/support/{id}` (one conversation: reply, mark solved, rate).

use super::customer_fns::{
    contact_form, my_ticket, my_tickets, OpenTicket, RateMyTicket, ReplyToTicket, SolveMyTicket,
    SUPPORT_PATH,
};
use super::{status_badge, when};
use crate::forms::{
    field_error, form_message, Field, PostedForm, SelectField, SendForm, SubmitButton,
    TextAreaField,
};
use crate::NotFound;
use domain::catalog::percent_encode;
use domain::support::ticket::{Conversation, Message};
use domain::support::{Author, MessageBody, Rating, Subject, TicketMover, TicketStatus};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let query = use_query_map();
    let after = move || query.with(|q| q.get("after"));
    let page = Resource::new(after, my_tickets);
    view! {
        <Title text="Support" />
        <Meta name="robots" content="noindex" />
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-2xl font-bold">"Support"</h1>
            <a href=format!("{SUPPORT_PATH}/new") class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">"Contact us"</a>
        </div>
        <Suspense fallback=|| view! { <p role="status">"Loading your tickets…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.tickets.is_empty() => view! {
                        <p class="mt-6">"You have not contacted us yet. If something is wrong with an order, we are here to help."</p>
                    }.into_any(),
                    Ok(page) => view! {
                        <ul role="list" class="mt-6 flex flex-col gap-3">
                            {page.tickets.iter().map(|t| view! {
                                <li class="rounded-lg border border-slate-200 bg-white p-4">
                                    <a href=format!("{SUPPORT_PATH}/{}", t.id.as_str()) class="flex flex-wrap items-center justify-between gap-2 hover:text-indigo-700">
                                        <span class="font-semibold">{format!("{} · {}", t.number, t.subject.as_str())}</span>
                                        <span class="text-sm text-slate-600">{format!("Updated {}", when(t.updated_at))}</span>
                                        {status_badge(t.status, t.status.label())}
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                        {page.next.map(|next| view! {
                            <p class="mt-4"><a href=format!("{SUPPORT_PATH}?after={}", percent_encode(&next)) rel="next" class="font-semibold text-indigo-700 underline">"Older tickets"</a></p>
                        })}
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-4">{e.to_string()} " " <a href=format!("/account/sign-in?next={SUPPORT_PATH}") class="underline">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| contact_form());
    let order = use_query_map()
        .with_untracked(|q| q.get("order"))
        .unwrap_or_default();
    view! {
        <Title text="Contact us" />
        <Meta name="robots" content="noindex" />
        <p class="text-sm"><a href=SUPPORT_PATH class="text-indigo-700 underline">"Support"</a></p>
        <h1 class="mt-2 text-2xl font-bold">"Contact us"</h1>
        <p class="mt-2 max-w-prose text-slate-700">"Tell us what happened. We answer every message, the most urgent first."</p>
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || {
                let order = order.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <ContactFormView orders=data.orders selected=order /> }.into_any(),
                        Err(e) => view! { <p role="alert" class="mt-4">{e.to_string()} " " <a href=format!("/account/sign-in?next={SUPPORT_PATH}/new") class="underline">"Sign in"</a></p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ContactFormView(orders: Vec<(String, String)>, selected: String) -> impl IntoView {
    let form = PostedForm::<OpenTicket>::new();
    let value = form.value();
    let mut options = vec![(String::new(), "No order".to_owned())];
    options.extend(orders);
    view! {
        <div class="mt-6 max-w-2xl rounded-lg border border-slate-200 bg-white p-4">
            <SendForm form id="contact-form">
                <div class="flex flex-col gap-4">
                    {form_message(value)}
                    <Field label="Subject" name="subject" autocomplete="off" maxlength=Subject::MAX_CHARS as u32 error=field_error(value, "subject") />
                    <SelectField label="About an order (optional)" name="order" options selected error=field_error(value, "order") />
                    <TextAreaField label="Message" name="message" value="" maxlength=MessageBody::MAX_CHARS as u32 error=field_error(value, "message") />
                    <SubmitButton idle="Send" busy="Sending…" />
                </div>
            </SendForm>
        </div>
    }
}

#[component]
pub fn MyTicketPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let conversation = Resource::new(id, my_ticket);
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading the conversation…"</p> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(Some(conversation)) => view! { <TicketView conversation /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketView(conversation: Conversation) -> impl IntoView {
    let Conversation { ticket, messages } = conversation;
    let query = use_query_map();
    let notice = query.with_untracked(|q| {
        if q.get("opened").is_some() {
            Some("Thank you: we have your message and will answer soon.")
        } else if q.get("follows").is_some() {
            Some("That ticket was closed, so your message started this new one.")
        } else if q.get("rated").is_some() {
            Some("Thank you for rating our help.")
        } else {
            None
        }
    });
    let title = format!("{} · {}", ticket.number, ticket.subject.as_str());
    let id = ticket.id.as_str().to_owned();
    let can_solve = ticket
        .status
        .allows(TicketStatus::Solved, TicketMover::Customer);
    let can_rate = ticket.status.can_be_rated() && ticket.rating.is_none();
    let open = ticket.status != TicketStatus::Closed;
    view! {
        <Title text=title.clone() />
        <Meta name="robots" content="noindex" />
        <p class="text-sm"><a href=SUPPORT_PATH class="text-indigo-700 underline">"Support"</a></p>
        <h1 class="mt-2 text-2xl font-bold">{title}</h1>
        <p class="mt-1 flex flex-wrap items-center gap-2 text-slate-700">
            {status_badge(ticket.status, ticket.status.label())}
            {ticket.order.as_ref().map(|o| view! {
                <span>"About order " <a href=format!("/account/orders/{}", o.id.as_str()) class="text-indigo-700 underline">{o.number.clone()}</a></span>
            })}
            {ticket.follows.map(|n| view! { <span>{format!("Follows {n}")}</span> })}
        </p>
        {notice.map(|n| view! {
            <p role="status" class="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">{n}</p>
        })}
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <section aria-labelledby="conversation-title" class="lg:col-span-2">
                <h2 id="conversation-title" class="sr-only">"Conversation"</h2>
                <ol class="flex flex-col gap-3">
                    {messages.into_iter().map(|m| view! { <MessageItem message=m /> }).collect_view()}
                </ol>
                {open.then(|| view! { <ReplyForm id=id.clone() /> })}
            </section>
            <aside class="flex flex-col gap-4">
                {can_solve.then(|| view! { <SolveForm id=id.clone() /> })}
                {can_rate.then(|| view! { <RateForm id=id.clone() /> })}
                {ticket.rating.map(|r| view! {
                    <section aria-labelledby="rating-title" class="rounded-lg border border-slate-200 bg-white p-4">
                        <h2 id="rating-title" class="font-semibold">"Your rating"</h2>
                        <p class="mt-1" aria-label=format!("{} out of 5", r.score)>{"★".repeat(usize::from(r.score))}{"☆".repeat(5 - usize::from(r.score))}</p>
                        {r.comment.map(|c| view! { <p class="mt-1 text-slate-700">{c}</p> })}
                    </section>
                })}
            </aside>
        </div>
    }
}

/// One message as the customer sees it.
#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let mine = message.author == Author::Customer;
    let who = if mine {
        "You".to_owned()
    } else {
        message.author_name.clone()
    };
    let style = if mine {
        "rounded-lg border border-slate-200 bg-white p-3"
    } else {
        "rounded-lg border border-indigo-200 bg-indigo-50 p-3"
    };
    view! {
        <li class=style data-testid="message">
            <p class="text-sm text-slate-600"><strong class="text-slate-900">{who}</strong> " · " {when(message.at)}</p>
            <p class="mt-1 whitespace-pre-line">{message.body.as_str().to_owned()}</p>
        </li>
    }
}

#[component]
fn ReplyForm(id: String) -> impl IntoView {
    let form = PostedForm::<ReplyToTicket>::new();
    let value = form.value();
    view! {
        <SendForm form id="reply-form">
            <div class="mt-6 flex flex-col gap-3">
                {form_message(value)}
                <input type="hidden" name="id" value=id />
                <TextAreaField label="Reply" name="message" value="" maxlength=MessageBody::MAX_CHARS as u32 error=field_error(value, "message") />
                <SubmitButton idle="Send reply" busy="Sending…" />
            </div>
        </SendForm>
    }
}

#[component]
fn SolveForm(id: String) -> impl IntoView {
    let form = PostedForm::<SolveMyTicket>::new();
    let value = form.value();
    view! {
        <section aria-labelledby="solve-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="solve-title" class="font-semibold">"All sorted?"</h2>
            <SendForm form id="solve-form">
                {form_message(value)}
                <input type="hidden" name="id" value=id />
                <button type="submit" class="mt-2 w-full rounded-md border border-emerald-400 bg-white px-4 py-2 font-semibold text-emerald-800 hover:bg-emerald-50">"Mark as solved"</button>
            </SendForm>
        </section>
    }
}

#[component]
fn RateForm(id: String) -> impl IntoView {
    let form = PostedForm::<RateMyTicket>::new();
    let value = form.value();
    let scores = (1..=5)
        .rev()
        .map(|s: u8| {
            let label = match s {
                5 => "5 — great",
                4 => "4 — good",
                3 => "3 — all right",
                2 => "2 — poor",
                _ => "1 — very poor",
            };
            (s.to_string(), label.to_owned())
        })
        .collect();
    view! {
        <section aria-labelledby="rate-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="rate-title" class="font-semibold">"How did we do?"</h2>
            <SendForm form id="rate-form">
                <div class="mt-2 flex flex-col gap-3">
                    {form_message(value)}
                    <input type="hidden" name="id" value=id />
                    <SelectField label="Rating" name="rating" options=scores selected="5" error=field_error(value, "rating") />
                    <TextAreaField label="Comment (optional)" name="comment" value="" maxlength=Rating::MAX_COMMENT_CHARS as u32 error=field_error(value, "comment") />
                    <SubmitButton idle="Rate" busy="Sending…" />
                </div>
            </SendForm>
        </section>
    }
}
