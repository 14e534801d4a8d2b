//! `/assistant`: the conversation and the message form.

use super::server_fns::{assistant_turns, AskAssistant, ShownProposal, ShownTurn, StartOver};
use crate::cart::AddToCartAction;
use crate::catalog::components::TileGrid;
use crate::forms::{field_error, form_message, PostedForm, SendForm, SubmitButton, TextAreaField};
use domain::assistant::conversation::ShopperMessage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AssistantPage() -> impl IntoView {
    let turns = Resource::new(|| (), |_| assistant_turns());
    view! {
        <Title text="Shopping assistant" />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">"Shopping assistant"</h1>
        <p class="mt-1 max-w-prose text-sm text-slate-600">
            "Ask for ideas in your own words: who it is for, what they like, your budget. It recommends only what the shop sells; prices and stock on the cards are the shop's own, as they are now."
        </p>
        <Suspense fallback=|| view! { <p role="status" class="mt-6">"Loading your conversation…"</p> }>
            {move || Suspend::new(async move {
                match turns.await {
                    Ok(turns) => view! { <Conversation turns /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-6">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <AskForm />
    }
}

#[component]
fn Conversation(turns: Vec<ShownTurn>) -> impl IntoView {
    if turns.is_empty() {
        return view! {
            <p class="mt-6 text-slate-700">"Try \u{201c}a gift for a runner under $50\u{201d}, \u{201c}waterproof jacket\u{201d} or \u{201c}something for a 6 year old who likes science\u{201d}."</p>
        }
        .into_any();
    }
    let last = turns.len() - 1;
    let start_over = PostedForm::<StartOver>::new();
    view! {
        <ol class="mt-6 flex flex-col gap-4" aria-label="Conversation">
            {turns.into_iter().enumerate().map(|(i, turn)| {
                let (who, style) = if turn.mine {
                    ("You", "self-end max-w-xl rounded-lg bg-indigo-50 p-3")
                } else {
                    ("Assistant", "max-w-3xl rounded-lg border border-slate-200 bg-white p-3")
                };
                let id = (i == last).then_some("latest");
                view! {
                    <li class=style id=id data-testid="assistant-turn">
                        <p class="text-xs font-semibold uppercase tracking-wide text-slate-500">{who}</p>
                        <p class="mt-1 whitespace-pre-line">{turn.text}</p>
                        {(!turn.cards.is_empty()).then(|| view! {
                            <TileGrid cards=turn.cards first=4 class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3" />
                        })}
                        {turn.proposals.into_iter().enumerate().map(|(n, p)| view! {
                            <ProposalCard proposal=p id=format!("assistant-add-{i}-{n}") />
                        }).collect_view()}
                    </li>
                }
            }).collect_view()}
        </ol>
        <div class="mt-3">
            <SendForm form=start_over id="start-over-form">
                <button type="submit" class="text-sm text-indigo-700 underline">"Start over"</button>
            </SendForm>
        </div>
    }
    .into_any()
}

#[component]
fn AskForm() -> impl IntoView {
    let form = PostedForm::<AskAssistant>::new();
    let value = form.value();
    view! {
        <section aria-labelledby="ask" class="mt-6 max-w-2xl rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="ask" class="sr-only">"Ask the assistant"</h2>
            <SendForm form id="assistant-form">
                <div class="flex flex-col gap-3">
                    {form_message(value)}
                    <TextAreaField label="Your message" name="message" value="" maxlength=ShopperMessage::MAX_CHARS as u32 error=field_error(value, "message") />
                    <SubmitButton idle="Send" busy="Thinking…" />
                </div>
            </SendForm>
        </section>
    }
}

/// A product the assistant proposes for the cart: nothing changes until the shopper presses
/// the button.
#[component]
fn ProposalCard(proposal: ShownProposal, id: String) -> impl IntoView {
    let form = PostedForm::<AddToCartAction>::new();
    let value = form.value();
    let ShownProposal {
        product_id,
        card,
        quantity,
    } = proposal;
    let what = if quantity > 1 {
        format!("{quantity} \u{d7} {}", card.name)
    } else {
        card.name.clone()
    };
    let price = card.price.format();
    view! {
        <div class="mt-3 rounded-md border border-indigo-200 bg-indigo-50 p-3" data-testid="assistant-proposal">
            <p class="text-sm">"Add to your cart? "<strong>{what}</strong>", "{price}" each. "<span class="text-slate-600">{card.stock_state.label()}</span></p>
            <SendForm form id>
                <input type="hidden" name="product_id" value=product_id />
                <input type="hidden" name="quantity" value=quantity.to_string() />
                <div class="mt-2 flex flex-wrap items-center gap-3">
                    <SubmitButton idle="Add to cart" busy="Adding…" />
                    {form_message(value)}
                </div>
            </SendForm>
        </div>
    }
}
