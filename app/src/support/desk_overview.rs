//! `/support/overview`: how the desk is doing (support agents and admins), from the counters
//! the ticket writes keep: open work by status and priority, overdue tickets, the median
//! first response, satisfaction and customer sentiment over the last 14 days.

use super::desk_fns::{desk_figures, DESK_PATH, OVERVIEW_PATH};
use domain::support::sla::format_span;
use domain::support::stats::{DeskOverview, SentimentDay, OVERVIEW_DAYS};
use domain::support::{Priority, TicketStatus};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn DeskOverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| desk_figures());
    view! {
        <Title text="Support overview" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"Support overview"</h1>
        <p class="mt-1 text-sm"><a href=DESK_PATH class="underline">"Back to the queue"</a></p>
        <Suspense fallback=|| view! { <p role="status" class="mt-6">"Loading the overview…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <OverviewView o /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-6">{e.to_string()} " " <a href=format!("/account/sign-in?next={OVERVIEW_PATH}") class="underline">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn status_word(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "New",
        TicketStatus::Open => "Open",
        TicketStatus::Pending => "Waiting on the customer",
        TicketStatus::Solved => "Solved",
        TicketStatus::Closed => "Closed",
    }
}

#[component]
fn OverviewView(o: DeskOverview) -> impl IntoView {
    let median = o
        .first_responses
        .median_ms
        .map_or_else(|| "no first responses yet".to_owned(), format_span);
    let csat = o.satisfaction.average_hundredths.map_or_else(
        || "no ratings yet".to_owned(),
        |h| format!("{}.{:02} / 5", h / 100, h % 100),
    );
    let figure = |label: &'static str, value: String, note: String, id: &'static str| {
        view! {
            <div class="rounded-lg border border-slate-200 p-4">
                <dt class="text-sm text-slate-600">{label}</dt>
                <dd class="mt-1 text-2xl font-semibold" data-testid=id>{value}</dd>
                <dd class="text-sm text-slate-600">{note}</dd>
            </div>
        }
    };
    let days = format!("last {OVERVIEW_DAYS} days");
    view! {
        <section aria-labelledby="figures" class="mt-6">
            <h2 id="figures" class="sr-only">"Figures"</h2>
            <dl class="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
                {figure("Unsolved tickets", o.unsolved().to_string(), "new, open or waiting on the customer".to_owned(), "unsolved")}
                {figure("Overdue", o.overdue.to_string(), "past their SLA target now".to_owned(), "overdue")}
                {figure("Median first response", median, format!("{} answered, {days}", o.first_responses.count), "median-first-response")}
                {figure("Satisfaction", csat, format!("{} ratings, {days}", o.satisfaction.count), "csat")}
            </dl>
        </section>
        <OpenWork o=o.clone() />
        <SentimentDays days=o.sentiment />
    }
}

#[component]
fn OpenWork(o: DeskOverview) -> impl IntoView {
    view! {
        <section aria-labelledby="open-work" class="mt-8">
            <h2 id="open-work" class="text-lg font-semibold">"Tickets by status and priority"</h2>
            <div class="mt-2 overflow-x-auto">
                <table class="min-w-full text-left text-sm">
                    <thead>
                        <tr class="border-b border-slate-300">
                            <th scope="col" class="py-2 pr-4">"Status"</th>
                            {Priority::ALL.iter().map(|p| view! { <th scope="col" class="py-2 pr-4 text-right">{p.label()}</th> }).collect_view()}
                            <th scope="col" class="py-2 text-right">"All"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {o.open_work.into_iter().map(|row| view! {
                            <tr class="border-b border-slate-100" data-testid=format!("open-{}", row.status.as_str())>
                                <th scope="row" class="py-2 pr-4 font-medium">{status_word(row.status)}</th>
                                {row.by_priority.iter().map(|n| view! { <td class="py-2 pr-4 text-right tabular-nums">{*n}</td> }).collect_view()}
                                <td class="py-2 text-right font-semibold tabular-nums">{row.total}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Each day's scored customer messages as a bar split by label, with the numbers in text
/// (the bar is decoration; the table cells carry the figures).
#[component]
fn SentimentDays(days: Vec<SentimentDay>) -> impl IntoView {
    let any = days.iter().any(|d| d.messages() > 0);
    view! {
        <section aria-labelledby="sentiment" class="mt-8">
            <h2 id="sentiment" class="text-lg font-semibold">{format!("Customer sentiment, last {OVERVIEW_DAYS} days")}</h2>
            {(!any).then(|| view! { <p class="mt-2 text-sm text-slate-600">"No customer messages scored in this period."</p> })}
            <div class="mt-2 overflow-x-auto">
                <table class="min-w-full text-left text-sm">
                    <thead>
                        <tr class="border-b border-slate-300">
                            <th scope="col" class="py-2 pr-4">"Day"</th>
                            <th scope="col" class="py-2 pr-4 text-right">"Unhappy"</th>
                            <th scope="col" class="py-2 pr-4 text-right">"Neutral"</th>
                            <th scope="col" class="py-2 pr-4 text-right">"Happy"</th>
                            <th scope="col" class="py-2 pr-4 text-right">"Average"</th>
                            <th scope="col" class="py-2"><span class="sr-only">"Share by mood"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {days.into_iter().map(|d| {
                            let total = d.messages().max(1) as f64;
                            let width = |n: u64| format!("width: {:.1}%", n as f64 * 100.0 / total);
                            let average = d.average.map_or_else(|| "–".to_owned(), |a| format!("{:+.2}", f64::from(a) / 1000.0));
                            view! {
                                <tr class="border-b border-slate-100" data-testid="sentiment-day">
                                    <th scope="row" class="py-2 pr-4 font-medium tabular-nums">{d.day.clone()}</th>
                                    <td class="py-2 pr-4 text-right tabular-nums">{d.negative}</td>
                                    <td class="py-2 pr-4 text-right tabular-nums">{d.neutral}</td>
                                    <td class="py-2 pr-4 text-right tabular-nums">{d.positive}</td>
                                    <td class="py-2 pr-4 text-right tabular-nums">{average}</td>
                                    <td class="w-1/3 py-2" aria-hidden="true">
                                        <div class="flex h-3 overflow-hidden rounded bg-slate-100">
                                            <div class="bg-rose-400" style=width(d.negative)></div>
                                            <div class="bg-slate-400" style=width(d.neutral)></div>
                                            <div class="bg-emerald-400" style=width(d.positive)></div>
                                        </div>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
