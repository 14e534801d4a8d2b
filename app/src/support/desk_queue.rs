//! `/support`: the queue, most urgent first, with its filters and search (support agents
//! and admins).

use super::desk_fns::{desk_queue, QueuePage, QueueRow, DESK_PATH, OVERVIEW_PATH};
use super::mood::{mood_badge, mood_word};
use super::status_badge;
use crate::forms::SelectField;
use domain::catalog::percent_encode;
use domain::support::queue::AssigneeFilter;
use domain::support::sentiment::SentimentLabel;
use domain::support::{Priority, Tag, TicketStatus};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

const FILTERS: [&str; 6] = ["status", "priority", "assignee", "tag", "mood", "q"];

#[component]
pub fn DeskQueuePage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k);
            (
                get("status"),
                get("priority"),
                get("assignee"),
                get("tag"),
                get("mood"),
                get("q"),
                get("after"),
            )
        })
    };
    let page = Resource::new(args, |(s, p, a, t, m, q, after)| {
        desk_queue(s, p, a, t, m, q, after)
    });
    let current = query.with_untracked(|q| FILTERS.map(|k| q.get(k).unwrap_or_default()));
    view! {
        <Title text="Support queue" />
        <Meta name="robots" content="noindex" />
        <div class="flex flex-wrap items-baseline justify-between gap-2">
            <h1 class="text-2xl font-bold">"Support queue"</h1>
            <a href=OVERVIEW_PATH class="text-sm underline">"Desk overview"</a>
        </div>
        <p class="mt-1 max-w-prose text-sm text-slate-600">
            "Most urgent first: time past the SLA target, plus the priority, the customer's mood (an unhappy customer, or one getting unhappier, rises) and what they spent in the last 90 days."
        </p>
        <FilterForm current />
        <Suspense fallback=|| view! { <p role="status" class="mt-6">"Loading the queue…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <QueueView page /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-6">{e.to_string()} " " <a href=format!("/account/sign-in?next={DESK_PATH}") class="underline">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The queue's filters: a plain GET form, so they work without JavaScript and each view has
/// its own address.
#[component]
fn FilterForm(current: [String; 6]) -> impl IntoView {
    let [status, priority, assignee, tag, mood, q] = current;
    let any = || (String::new(), "Any".to_owned());
    let statuses = std::iter::once((String::new(), "New and open".to_owned()))
        .chain(TicketStatus::ALL.map(|s| (s.as_str().to_owned(), s.desk_label().to_owned())))
        .collect();
    let priorities = std::iter::once(any())
        .chain(
            Priority::ALL
                .iter()
                .rev()
                .map(|p| (p.as_str().to_owned(), p.label().to_owned())),
        )
        .collect();
    let assignees = AssigneeFilter::ALL
        .map(|a| {
            let label = match a {
                AssigneeFilter::Anyone => "Anyone",
                AssigneeFilter::Me => "Me",
                AssigneeFilter::Unassigned => "Unassigned",
            };
            (a.as_str().to_owned(), label.to_owned())
        })
        .to_vec();
    let moods = std::iter::once(any())
        .chain(
            [
                SentimentLabel::Negative,
                SentimentLabel::Neutral,
                SentimentLabel::Positive,
            ]
            .map(|m| (m.as_str().to_owned(), mood_word(m).to_owned())),
        )
        .collect();
    view! {
        <form method="get" action=DESK_PATH role="search" aria-label="Filter the queue" class="mt-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-7">
            <SelectField label="Status" name="status" options=statuses selected=status error=None />
            <SelectField label="Priority" name="priority" options=priorities selected=priority error=None />
            <SelectField label="Assignee" name="assignee" options=assignees selected=if assignee.is_empty() { "anyone".to_owned() } else { assignee } error=None />
            <SelectField label="Mood" name="mood" options=moods selected=mood error=None />
            <div class="flex flex-col gap-1">
                <label for="filter-tag" class="font-medium">"Tag"</label>
                <input id="filter-tag" name="tag" value=tag maxlength=Tag::MAX_CHARS as u32 class="rounded-md border border-slate-300 px-3 py-2" />
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-q" class="font-medium">"Ticket # or email"</label>
                <input id="filter-q" name="q" type="search" value=q maxlength="254" class="rounded-md border border-slate-300 px-3 py-2" />
            </div>
            <div class="flex items-end">
                <button type="submit" class="w-full rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">"Show"</button>
            </div>
        </form>
    }
}

#[component]
fn QueueView(page: QueuePage) -> impl IntoView {
    let QueuePage {
        rows,
        next,
        problems,
        searched,
    } = page;
    let next_href = next.map(|n| {
        let query = use_query_map().with_untracked(|q| {
            FILTERS
                .iter()
                .filter_map(|k| {
                    q.get(k)
                        .filter(|v| !v.is_empty())
                        .map(|v| format!("{k}={}", percent_encode(&v)))
                })
                .collect::<Vec<_>>()
                .join("&")
        });
        format!("{DESK_PATH}?{query}&after={}", percent_encode(&n))
    });
    view! {
        {(!problems.is_empty()).then(|| view! {
            <ul role="alert" class="mt-4 rounded-md border border-rose-200 bg-rose-50 p-3 text-rose-900">
                {problems.into_iter().map(|p| view! { <li>{format!("{}: {} (not applied)", p.field, p.message)}</li> }).collect_view()}
            </ul>
        })}
        {if rows.is_empty() {
            let text = if searched { "No ticket matches." } else { "Nothing to do here: the queue is empty." };
            view! { <p class="mt-6">{text}</p> }.into_any()
        } else {
            view! {
                <div class="mt-6 overflow-x-auto">
                    <table class="w-full min-w-[48rem] border-collapse text-left text-sm">
                        <caption class="sr-only">"Tickets, most urgent first"</caption>
                        <thead class="border-b border-slate-300 text-slate-600">
                            <tr>
                                <th scope="col" class="p-2">"Ticket"</th>
                                <th scope="col" class="p-2">"Customer"</th>
                                <th scope="col" class="p-2">"Status"</th>
                                <th scope="col" class="p-2">"Priority"</th>
                                <th scope="col" class="p-2">"Mood"</th>
                                <th scope="col" class="p-2">"SLA"</th>
                                <th scope="col" class="p-2">"Assignee"</th>
                                <th scope="col" class="p-2 text-right">"Score"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! { <QueueLine row=r /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {next_href.map(|href| view! {
            <p class="mt-4"><a href=href rel="next" class="font-semibold text-indigo-700 underline">"More tickets"</a></p>
        })}
    }
}

#[component]
fn QueueLine(row: QueueRow) -> impl IntoView {
    let QueueRow {
        ticket,
        mood,
        score,
        sla,
        overdue,
    } = row;
    let sla_class = if overdue {
        "p-2 font-semibold text-rose-700"
    } else {
        "p-2"
    };
    view! {
        <tr class="border-b border-slate-200 bg-white" data-testid="queue-row">
            <td class="p-2">
                <a href=format!("{DESK_PATH}/tickets/{}", ticket.id.as_str()) class="font-semibold text-indigo-700 underline">{ticket.number.to_string()}</a>
                <span class="block text-slate-700">{ticket.subject.as_str().to_owned()}</span>
            </td>
            <td class="p-2">{ticket.customer.email.as_str().to_owned()}</td>
            <td class="p-2">{status_badge(ticket.status, ticket.status.desk_label())}</td>
            <td class="p-2">{ticket.priority.label()}</td>
            <td class="p-2">{mood_badge(mood)}</td>
            <td class=sla_class>{sla}</td>
            <td class="p-2">{ticket.assignee.map_or_else(|| "—".to_owned(), |a| a.email.as_str().to_owned())}</td>
            <td class="p-2 text-right tabular-nums">{score}</td>
        </tr>
    }
}
