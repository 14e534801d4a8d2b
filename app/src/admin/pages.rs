//! `/admin`: today and the last 7 days, low stock, recent orders.

use super::server_fns::{admin_overview, Overview};
use domain::{Currency, Money};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The shop sells in one currency; the demo catalog's.
const SHOP_CURRENCY: Currency = Currency::Usd;

/// The console's frame: a heading and its navigation.
#[component]
fn AdminFrame(children: Children) -> impl IntoView {
    view! {
        <Meta name="robots" content="noindex" />
        <div class="flex flex-col gap-6">
            <nav aria-label="Admin" class="flex flex-wrap items-center gap-4 border-b border-slate-200 pb-3">
                <span class="text-lg font-bold">"Admin"</span>
                <a href="/admin" class="font-medium text-indigo-700 underline">"Overview"</a>
            </nav>
            {children()}
        </div>
    }
}

#[component]
pub fn AdminOverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| admin_overview());
    view! {
        <Title text="Admin" />
        <AdminFrame>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <OverviewView o /> }.into_any(),
                        Err(e) => view! { <p role="alert" class="text-rose-800">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn OverviewView(o: Overview) -> impl IntoView {
    let today = o.days.first().cloned();
    let week_orders: i64 = o.days.iter().map(|d| d.orders).sum();
    let week_cents: i64 = o.days.iter().map(|d| d.revenue_cents).sum();
    let money = |cents| Money::format_total(cents, SHOP_CURRENCY);
    let stat = |label: &'static str, value: String| {
        view! {
            <div class="rounded-lg border border-slate-200 bg-white p-4">
                <dt class="text-sm text-slate-600">{label}</dt>
                <dd class="mt-1 text-2xl font-bold">{value}</dd>
            </div>
        }
    };
    view! {
        <h1 class="text-2xl font-bold">"Overview"</h1>
        <dl class="grid grid-cols-2 gap-4 lg:grid-cols-4">
            {stat("Orders today", today.as_ref().map_or(0, |d| d.orders).to_string())}
            {stat("Revenue today", money(today.as_ref().map_or(0, |d| d.revenue_cents)))}
            {stat("Orders, last 7 days", week_orders.to_string())}
            {stat("Revenue, last 7 days", money(week_cents))}
        </dl>
        <div class="grid gap-8 lg:grid-cols-2">
            <section aria-labelledby="low-stock-title">
                <h2 id="low-stock-title" class="text-lg font-semibold">"Low stock"</h2>
                {if o.low_stock.is_empty() {
                    view! { <p class="mt-2 text-slate-600">"Every product is well stocked."</p> }.into_any()
                } else {
                    view! {
                        <ul role="list" class="mt-2 flex flex-col gap-1">
                            {o.low_stock.iter().map(|p| view! {
                                <li class="flex justify-between gap-2 rounded border border-slate-200 bg-white p-2">
                                    <a href=format!("/products/{}", p.slug.as_str()) class="hover:text-indigo-700">{p.name.as_str().to_owned()}</a>
                                    <span class="font-semibold">{p.stock_state().label()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="recent-title">
                <h2 id="recent-title" class="text-lg font-semibold">"Recent orders"</h2>
                {if o.recent.is_empty() {
                    view! { <p class="mt-2 text-slate-600">"No orders yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="mt-2 w-full border-collapse text-sm">
                            <thead>
                                <tr class="text-left text-slate-600">
                                    <th scope="col" class="py-1">"Order"</th>
                                    <th scope="col">"Placed"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col" class="text-right">"Total"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {o.recent.iter().map(|order| view! {
                                    <tr class="border-t border-slate-200">
                                        <td class="py-1 font-medium">{order.number.clone()}</td>
                                        <td>{order.created_at.date_utc()}</td>
                                        <td>{order.status.label()}</td>
                                        <td class="text-right">{order.totals.total.format()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </div>
    }
}
