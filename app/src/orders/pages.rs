//! `/checkout`, `/account/orders` and `/account/orders/{id}`.

use super::server_fns::{
    get_checkout, my_order, my_orders, CancelMyOrder, CheckoutDetails, PlaceOrder,
};
use crate::forms::{
    field_error, form_message, AddressFields, Field, PostedForm, SendForm, SubmitButton,
};
use crate::NotFound;
use domain::identity::ProfileFields;
use domain::orders::Order;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

fn date(order: &Order) -> String {
    order.created_at.date_utc()
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_checkout());
    view! {
        <Title text="Checkout" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"Checkout"</h1>
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) if data.cart.lines.is_empty() => view! {
                        <p class="mt-6">"Your cart is empty. " <a href="/" class="font-semibold text-indigo-700 underline">"Browse the shop"</a></p>
                    }.into_any(),
                    Ok(data) => view! { <CheckoutView data /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-4">{e.to_string()} " " <a href="/account/sign-in?next=/checkout" class="underline">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CheckoutView(data: CheckoutDetails) -> impl IntoView {
    let totals = data.cart.totals;
    view! {
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <CheckoutForm key=data.key email=data.email prefill=data.prefill />
            </div>
            <aside aria-labelledby="checkout-summary" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
                <h2 id="checkout-summary" class="text-lg font-semibold">"Order summary"</h2>
                <ul role="list" class="mt-3 flex flex-col gap-2 text-sm">
                    {data.cart.lines.iter().map(|l| view! {
                        <li class="flex justify-between gap-2">
                            <span>{format!("{} × {}", l.name, l.quantity.get())}</span>
                            <span>{l.line_total.format()}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <dl class="mt-3 flex flex-col gap-1 border-t border-slate-200 pt-2">
                    <div class="flex justify-between"><dt>"Shipping"</dt><dd>{if totals.shipping.cents() == 0 { "Free".to_owned() } else { totals.shipping.format() }}</dd></div>
                    <div class="flex justify-between font-bold"><dt>"Total"</dt><dd>{totals.total.format()}</dd></div>
                </dl>
            </aside>
        </div>
    }
}

/// The address form. Its idempotency key makes a double submit, a retry or a refresh place
/// one order.
#[component]
fn CheckoutForm(key: String, email: String, prefill: ProfileFields) -> impl IntoView {
    let form = PostedForm::<PlaceOrder>::new();
    let value = form.value();
    view! {
        <SendForm form id="checkout-form">
            <div class="flex flex-col gap-4">
                {form_message(value)}
                <input type="hidden" name="key" value=key />
                <p class="text-slate-700">"Order confirmation goes to " <strong>{email}</strong></p>
                <fieldset class="flex flex-col gap-4">
                    <legend class="mb-2 text-lg font-semibold">"Shipping address"</legend>
                    <Field label="Full name" name="name" autocomplete="name" maxlength=100 value=prefill.name.clone() error=field_error(value, "name") />
                    <AddressFields prefill value required=true />
                </fieldset>
                <p class="text-slate-700">"Payment: pay on delivery. No card details are needed."</p>
                <SubmitButton idle="Place order" busy="Placing your order…" />
            </div>
        </SendForm>
    }
}

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let after = move || query.with(|q| q.get("after"));
    let page = Resource::new(after, my_orders);
    view! {
        <Title text="My orders" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"My orders"</h1>
        <Suspense fallback=|| view! { <p role="status">"Loading your orders…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.orders.is_empty() => view! {
                        <p class="mt-6">"You have no orders yet. " <a href="/" class="font-semibold text-indigo-700 underline">"Start shopping"</a></p>
                    }.into_any(),
                    Ok(page) => view! {
                        <ul role="list" class="mt-6 flex flex-col gap-3">
                            {page.orders.iter().map(|o| view! {
                                <li class="rounded-lg border border-slate-200 bg-white p-4">
                                    <a href=format!("/account/orders/{}", o.id.as_str()) class="flex flex-wrap justify-between gap-2 hover:text-indigo-700">
                                        <span class="font-semibold">{format!("Order {}", o.number)}</span>
                                        <span>{date(o)}</span>
                                        <span>{o.status.label()}</span>
                                        <span class="font-semibold">{o.totals.total.format()}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                        {page.next.map(|next| view! {
                            <p class="mt-4"><a href=format!("/account/orders?after={next}") rel="next" class="font-semibold text-indigo-700 underline">"Older orders"</a></p>
                        })}
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-4">{e.to_string()} " " <a href="/account/sign-in?next=/account/orders" class="underline">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let cancel = ServerAction::<CancelMyOrder>::new();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let order = Resource::new(id, my_order);
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading the order…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(Some(order)) => view! { <OrderView order cancel /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderView(order: Order, cancel: ServerAction<CancelMyOrder>) -> impl IntoView {
    let title = format!("Order {}", order.number);
    let ask = format!("/account/support/new?order={}", order.id.as_str());
    view! {
        <Title text=title.clone() />
        <Meta name="robots" content="noindex" />
        <p class="text-sm"><a href="/account/orders" class="text-indigo-700 underline">"My orders"</a></p>
        <h1 class="mt-2 text-2xl font-bold">{title}</h1>
        <p class="mt-1 text-slate-700">{format!("Placed on {} · ", date(&order))} <strong data-testid="order-status">{order.status.label()}</strong></p>
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <OrderContents order=order.clone() />
            <aside class="flex flex-col gap-4">
                <ShippingTo order=order.clone() />
                {order.status.customer_can_cancel().then(|| view! {
                    <ActionForm action=cancel>
                        <input type="hidden" name="id" value=order.id.as_str().to_owned() />
                        <button type="submit" class="w-full rounded-md border border-rose-300 bg-white px-4 py-2 font-semibold text-rose-800 hover:bg-rose-50">"Cancel order"</button>
                    </ActionForm>
                })}
                {move || cancel.value().get().and_then(|r| r.err()).map(|e| view! {
                    <p role="alert" class="text-sm text-rose-800">{e.to_string()}</p>
                })}
                <a href=ask class="text-center font-semibold text-indigo-700 underline">"Ask us about this order"</a>
            </aside>
        </div>
    }
}

/// An order's items, totals and status history: the main column of its page, for the
/// customer and for staff.
#[component]
pub fn OrderContents(order: Order) -> impl IntoView {
    view! {
        <section aria-labelledby="lines-title" class="lg:col-span-2">
            <h2 id="lines-title" class="text-lg font-semibold">"Items"</h2>
            <ul role="list" class="mt-2 flex flex-col gap-2">
                {order.lines.iter().map(|l| view! {
                    <li class="flex justify-between gap-2 rounded border border-slate-200 bg-white p-3">
                        <a href=format!("/products/{}", l.slug.as_str()) class="hover:text-indigo-700">{format!("{} × {}", l.name, l.quantity.get())}</a>
                        <span>{l.line_total.format()}</span>
                    </li>
                }).collect_view()}
            </ul>
            <dl class="mt-3 flex flex-col gap-1">
                <div class="flex justify-between"><dt>"Subtotal"</dt><dd>{order.totals.subtotal.format()}</dd></div>
                <div class="flex justify-between"><dt>"Shipping"</dt><dd>{order.totals.shipping.format()}</dd></div>
                <div class="flex justify-between font-bold"><dt>"Total"</dt><dd>{order.totals.total.format()}</dd></div>
            </dl>
            <h2 class="mt-6 text-lg font-semibold">"History"</h2>
            <ol class="mt-2 flex flex-col gap-1 text-sm">
                {order.history.iter().map(|c| view! {
                    <li>{format!("{} — {}: {}", c.at.date_utc(), c.to.label(), c.reason)}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Where an order goes, and how it is paid.
#[component]
pub fn ShippingTo(order: Order) -> impl IntoView {
    let a = order.address;
    view! {
        <section aria-labelledby="address-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="address-title" class="font-semibold">"Shipping to"</h2>
            <address class="mt-1 not-italic text-slate-700">
                {a.name.as_str().to_owned()}<br />{a.line1}<br />
                {(!a.line2.is_empty()).then(|| view! { {a.line2.clone()}<br /> })}
                {format!("{} {}", a.postal_code, a.city)}<br />{a.country}
            </address>
            <p class="mt-2 text-sm text-slate-600">{order.payment.clone()}</p>
        </section>
    }
}
