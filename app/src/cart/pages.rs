//! `/cart`, the product page's add-to-cart form, and the header's cart link with its count.

use super::server_fns::{get_cart, AddToCart as AddAction, RemoveCartLine, UpdateCartLine};
use crate::forms::{form_message, PostedForm, SendForm, SubmitButton};
use domain::cart::{CartLine, CartView};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Quantity and "Add to cart". Without JavaScript it posts and lands on the cart; with it, a
/// refusal (not that many left) is shown here without leaving the page.
#[component]
pub fn AddToCart(product_id: String, max: u32) -> impl IntoView {
    let form = PostedForm::<AddAction>::new();
    let value = form.value();
    let max = max.clamp(1, domain::catalog::MOST_OFFERED_AT_ONCE);
    view! {
        <SendForm form id="add-to-cart-form">
            <div class="flex flex-wrap items-end gap-3">
                <input type="hidden" name="product_id" value=product_id />
                <div class="flex flex-col gap-1">
                    <label for="add-quantity" class="text-sm font-medium">"Quantity"</label>
                    <select id="add-quantity" name="quantity" class="rounded-md border border-slate-300 px-2 py-2">
                        {(1..=max).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                    </select>
                </div>
                <SubmitButton idle="Add to cart" busy="Adding…" />
            </div>
            <div class="mt-2">{form_message(value)}</div>
        </SendForm>
    }
}

/// `/cart`. Its forms are plain posts that come back to this page, with or without
/// JavaScript, so the lines, totals and header count are always rendered together.
#[component]
pub fn CartPage() -> impl IntoView {
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    let cart = Resource::new(|| (), |_| get_cart());
    let refusal = move || {
        let error = update
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| remove.value().get().and_then(|r| r.err()))?;
        Some(
            view! { <p role="alert" class="mt-4 rounded-md border border-rose-200 bg-rose-50 p-3 text-rose-900">{error.to_string()}</p> },
        )
    };
    view! {
        <Title text="Your cart" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"Your cart"</h1>
        {refusal}
        <Suspense fallback=|| view! { <p role="status">"Loading your cart…"</p> }>
            {move || Suspend::new(async move {
                match cart.await {
                    Ok(cart) if cart.lines.is_empty() => view! {
                        <div class="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
                            <p class="text-lg font-semibold">"Your cart is empty."</p>
                            <p class="mt-3"><a href="/" class="font-semibold text-indigo-700 underline">"Browse the shop"</a></p>
                        </div>
                    }.into_any(),
                    Ok(cart) => view! { <CartContents cart update remove /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-4 text-rose-800">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CartContents(
    cart: CartView,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let can_check_out = cart.can_check_out();
    let totals = cart.totals;
    view! {
        <div class="mt-6 grid gap-8 lg:grid-cols-3">
            <ul role="list" class="flex flex-col gap-4 lg:col-span-2">
                {cart.lines.into_iter().map(|line| view! { <Line line update remove /> }).collect_view()}
            </ul>
            <aside aria-labelledby="summary-title" class="h-fit rounded-lg border border-slate-200 bg-white p-4">
                <h2 id="summary-title" class="text-lg font-semibold">"Order summary"</h2>
                <dl class="mt-3 flex flex-col gap-2">
                    <div class="flex justify-between"><dt>"Subtotal"</dt><dd>{totals.subtotal.format()}</dd></div>
                    <div class="flex justify-between">
                        <dt>"Shipping"</dt>
                        <dd>{if totals.shipping.cents() == 0 { "Free".to_owned() } else { totals.shipping.format() }}</dd>
                    </div>
                    <div class="flex justify-between border-t border-slate-200 pt-2 text-lg font-bold">
                        <dt>"Total"</dt><dd data-testid="cart-total">{totals.total.format()}</dd>
                    </div>
                </dl>
                {if can_check_out {
                    view! { <a href="/checkout" class="mt-4 block rounded-md bg-indigo-600 px-4 py-2 text-center font-semibold text-white hover:bg-indigo-700">"Check out"</a> }.into_any()
                } else {
                    view! { <p class="mt-4 text-sm text-rose-800">"Fix the flagged lines to check out."</p> }.into_any()
                }}
            </aside>
        </div>
    }
}

#[component]
fn Line(
    line: CartLine,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let id = line.product_id.as_str().to_owned();
    let remove_id = id.clone();
    let quantity_label = format!("Quantity of {}", line.name);
    let remove_label = format!("Remove {}", line.name);
    let quantity_id = format!("qty-{id}");
    let max = line
        .max_quantity
        .max(u32::from(line.quantity.get()))
        .clamp(1, 99);
    let current = u32::from(line.quantity.get());
    view! {
        <li class="flex gap-4 rounded-lg border border-slate-200 bg-white p-3">
            {(!line.image.is_empty()).then(|| view! {
                <img src=line.image.clone() alt="" width="96" height="96" class="h-24 w-24 rounded object-cover" />
            })}
            <div class="flex flex-1 flex-col gap-1">
                <a href=format!("/products/{}", line.slug.as_str()) class="font-semibold hover:text-indigo-700">{line.name.clone()}</a>
                <p class="text-sm text-slate-600">{line.unit_price.format()} " each"</p>
                {line.issue.clone().map(|issue| view! {
                    <p class="text-sm font-medium text-amber-800" role="note">{issue.message()}</p>
                })}
                <div class="mt-1 flex flex-wrap items-end gap-3">
                    <ActionForm action=update>
                        <input type="hidden" name="product_id" value=id />
                        <label for=quantity_id.clone() class="sr-only">{quantity_label}</label>
                        <select id=quantity_id name="quantity" class="rounded-md border border-slate-300 px-2 py-1">
                            {(1..=max).map(|n| view! { <option value=n.to_string() selected=n == current>{n}</option> }).collect_view()}
                        </select>
                        <button type="submit" class="ml-2 rounded-md border border-slate-300 px-3 py-1 text-sm">"Update"</button>
                    </ActionForm>
                    <ActionForm action=remove>
                        <input type="hidden" name="product_id" value=remove_id />
                        <button type="submit" class="text-sm text-rose-700 underline" aria-label=remove_label>"Remove"</button>
                    </ActionForm>
                </div>
            </div>
            <p class="font-semibold">{line.line_total.format()}</p>
        </li>
    }
}
