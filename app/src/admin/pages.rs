//! `/admin`: today and the last 7 days, low stock, recent orders.

use super::server_fns::{
    admin_order, admin_orders, admin_overview, AdminMoveOrder, OrderTicket, Overview,
};
use crate::orders::{OrderContents, ShippingTo};
use domain::orders::{Order, OrderStatus};
use domain::{Currency, Money};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The shop sells in one currency; the demo catalog's.
const SHOP_CURRENCY: Currency = Currency::Usd;

/// While a console page loads.
#[component]
pub(super) fn Loading() -> impl IntoView {
    view! { <p role="status">"Loading…"</p> }
}

pub(super) use crate::errors::Failure;

/// The console's frame: a heading and its navigation.
#[component]
pub(super) fn AdminFrame(children: Children) -> impl IntoView {
    view! {
        <Meta name="robots" content="noindex" />
        <div class="flex flex-col gap-6">
            <nav aria-label="Admin" class="flex flex-wrap items-center gap-4 border-b border-slate-200 pb-3">
                <span class="text-lg font-bold">"Admin"</span>
                <a href="/admin" class="font-medium text-indigo-700 underline">"Overview"</a>
                <a href="/admin/orders" class="font-medium text-indigo-700 underline">"Orders"</a>
                <a href="/admin/products" class="font-medium text-indigo-700 underline">"Products"</a>
                <a href="/admin/users" class="font-medium text-indigo-700 underline">"Users"</a>
                <a href="/admin/canned-replies" class="font-medium text-indigo-700 underline">"Canned replies"</a>
                <a href="/admin/audit" class="font-medium text-indigo-700 underline">"Audit log"</a>
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
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <OverviewView o /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
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
                    view! { <OrderTable orders=o.recent.clone() /> }.into_any()
                }}
            </section>
        </div>
    }
}

/// `/admin/orders?status=…`: one status at a time, newest first, paged through `by_status`.
#[component]
pub fn AdminOrderListPage() -> impl IntoView {
    let query = use_query_map();
    let params = query.with_untracked(|q| {
        ["status", "after", "from", "to", "email", "sort"].map(|name| q.get(name))
    });
    let list = Resource::new(
        move || (),
        move |_| {
            let [status, after, from, to, email, sort] = params.clone();
            admin_orders(status, after, from, to, email, sort)
        },
    );
    view! {
        <Title text="Orders · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"Orders"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => {
                            let current = list.status;
                            view! {
                                <nav aria-label="Order status" class="flex flex-wrap gap-2">
                                    {OrderStatus::ALL.into_iter().map(|s| view! {
                                        <a
                                            href=format!("/admin/orders?status={}", s.as_str())
                                            aria-current=(s == current).then_some("page")
                                            class="rounded-full border border-slate-300 px-3 py-1 text-sm aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white"
                                        >
                                            {s.label()}
                                        </a>
                                    }).collect_view()}
                                </nav>
                                <OrderFilterForm list=list.clone() />
                                {if list.orders.is_empty() {
                                    view! { <p class="text-slate-600">{format!("No {} orders.", current.label().to_lowercase())}</p> }.into_any()
                                } else {
                                    view! { <OrderTable orders=list.orders.clone() /> }.into_any()
                                }}
                                <p><a href=list.href(None).replacen("/admin/orders?", "/admin/orders.csv?", 1) download class="font-semibold text-indigo-700 underline">"Download these orders as CSV"</a></p>
                                {list.next.as_deref().map(|next| view! {
                                    <p><a href=list.href(Some(next)) rel="next" class="font-semibold text-indigo-700 underline">"More orders"</a></p>
                                })}
                            }.into_any()
                        }
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

/// Date range, customer and order of the list; each unreadable field says why next to it.
#[component]
fn OrderFilterForm(list: super::server_fns::OrderList) -> impl IntoView {
    let problem = |field: &str| {
        list.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| view! { <p id=format!("filter-{}-error", p.field) role="alert" class="text-sm font-medium text-rose-700">{p.message.clone()}</p> })
    };
    let input = "rounded-md border border-slate-300 px-2 py-1.5";
    view! {
        <form method="get" action="/admin/orders" role="search" aria-label="Filter orders" class="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
            <input type="hidden" name="status" value=list.status.as_str() />
            <div class="flex flex-col gap-1">
                <label for="filter-from" class="text-sm font-medium">"Placed from"</label>
                <input id="filter-from" type="date" name="from" value=list.from.clone() class=input />
                {problem("from")}
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-to" class="text-sm font-medium">"to"</label>
                <input id="filter-to" type="date" name="to" value=list.to.clone() class=input />
                {problem("to")}
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-email" class="text-sm font-medium">"Customer email"</label>
                <input id="filter-email" type="email" name="email" value=list.email.clone() maxlength="254" class=input />
                {problem("email")}
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-sort" class="text-sm font-medium">"Order"</label>
                <select id="filter-sort" name="sort" class="rounded-md border border-slate-300 bg-white px-2 py-1.5">
                    <option value="newest" selected=!list.oldest_first>"Newest first"</option>
                    <option value="oldest" selected=list.oldest_first>"Oldest first"</option>
                </select>
            </div>
            <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">"Apply"</button>
        </form>
    }
}

#[component]
fn OrderTable(orders: Vec<Order>) -> impl IntoView {
    view! {
        <table class="mt-2 w-full border-collapse text-sm">
            <thead>
                <tr class="text-left text-slate-600">
                    <th scope="col" class="py-1">"Order"</th>
                    <th scope="col">"Placed"</th>
                    <th scope="col">"Customer"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="text-right">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {orders.into_iter().map(|o| view! {
                    <tr class="border-t border-slate-200">
                        <td class="py-1"><a href=format!("/admin/orders/{}", o.id.as_str()) class="font-medium text-indigo-700 underline">{o.number.clone()}</a></td>
                        <td>{o.created_at.date_utc()}</td>
                        <td>{o.email.as_str().to_owned()}</td>
                        <td>{o.status.label()}</td>
                        <td class="text-right">{o.totals.total.format()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/admin/orders/{id}`: the order, its customer and history, and the moves allowed from its
/// status.
#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let order = Resource::new(move || (), move |_| admin_order(id.clone()));
    let moving = ServerAction::<AdminMoveOrder>::new();
    let refusal = move || {
        let e = moving.value().get()?.err()?;
        Some(
            view! { <p role="alert" class="rounded-md border border-rose-200 bg-rose-50 p-3 text-rose-900">{e.to_string()}</p> },
        )
    };
    view! {
        <AdminFrame>
            {refusal}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(Some(detail)) => view! { <AdminOrderView order=detail.order tickets=detail.tickets moving /> }.into_any(),
                        Ok(None) => view! { <crate::NotFound /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn AdminOrderView(
    order: Order,
    tickets: Vec<OrderTicket>,
    moving: ServerAction<AdminMoveOrder>,
) -> impl IntoView {
    let title = format!("Order {}", order.number);
    let id = order.id.as_str().to_owned();
    view! {
        <Title text=format!("{title} · Admin") />
        <h1 class="text-2xl font-bold">{title}</h1>
        <p class="text-slate-700">
            {format!("Placed on {} by {} · ", order.created_at.date_utc(), order.email.as_str())}
            <strong data-testid="order-status">{order.status.label()}</strong>
        </p>
        <div class="grid gap-8 lg:grid-cols-3">
            <OrderContents order=order.clone() />
            <aside class="flex flex-col gap-4">
                <ShippingTo order=order.clone() />
                <section aria-labelledby="order-tickets-title" class="rounded-lg border border-slate-200 bg-white p-4">
                    <h2 id="order-tickets-title" class="font-semibold">"Support tickets"</h2>
                    {if tickets.is_empty() {
                        view! { <p class="mt-1 text-sm text-slate-600">"None about this order."</p> }.into_any()
                    } else {
                        view! {
                            <ul role="list" class="mt-1 flex flex-col gap-1 text-sm">
                                {tickets.into_iter().map(|t| view! {
                                    <li>
                                        <a href=format!("/support/tickets/{}", t.id) class="text-indigo-700 underline">{t.title}</a>
                                        {format!(" · {}", t.status)}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                {order.status.next().iter().map(|to| {
                    let label = match to {
                        OrderStatus::Cancelled => "Cancel order".to_owned(),
                        other => format!("Mark as {}", other.label().to_lowercase()),
                    };
                    let reason_id = format!("reason-{}", to.as_str());
                    let id = id.clone();
                    view! {
                        <ActionForm action=moving>
                            <div class="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="to" value=to.as_str() />
                                <label for=reason_id.clone() class="text-sm font-medium">{format!("Note for “{label}” (optional)")}</label>
                                <input id=reason_id name="reason" maxlength="200" class="rounded-md border border-slate-300 px-2 py-1" />
                                <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">{label}</button>
                            </div>
                        </ActionForm>
                    }
                }).collect_view()}
            </aside>
        </div>
    }
}
