//! `/assistant` and `/account/support/chat`: the conversation (one per visitor, the same on
//! both pages), its proposals with their buttons, and the message form.

use super::server_fns::{
    assistant_turns, AskAssistant, ConfirmCancel, ShownProposal, ShownTurn, StartOver, TalkToPerson,
};
use crate::cart::AddToCartAction;
use crate::catalog::components::TileGrid;
use crate::forms::{field_error, form_message, PostedForm, SendForm, SubmitButton, TextAreaField};
use domain::assistant::conversation::ShopperMessage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `/assistant`: everyone's shopping assistant (with order help when signed in).
#[component]
pub fn AssistantPage() -> impl IntoView {
    view! {
        <Chat
            chat="shop"
            title="Shopping assistant"
            intro="Ask for ideas in your own words: who it is for, what they like, your budget. It recommends only what the shop sells; prices and stock on the cards are the shop's own, as they are now."
        />
    }
}

/// `/account/support/chat`: the same conversation for a signed-in customer, about their orders.
#[component]
pub fn SupportChatPage() -> impl IntoView {
    view! {
        <Chat
            chat="support"
            title="Support chat"
            intro="Ask about your orders (\u{201c}where is my order?\u{201d}, \u{201c}cancel order CM-\u{2026}\u{201d}) or for a person. The assistant sees only your own orders, and changes nothing until you press a button."
        />
    }
}

#[component]
fn Chat(chat: &'static str, title: &'static str, intro: &'static str) -> impl IntoView {
    let turns = Resource::new(|| (), move |_| assistant_turns(chat.to_owned()));
    view! {
        <Title text=title />
        <Meta name="robots" content="noindex" />
        <h1 class="text-2xl font-bold">{title}</h1>
        <p class="mt-1 max-w-prose text-sm text-slate-600">{intro}</p>
        <Suspense fallback=|| view! { <p role="status" class="mt-6">"Loading your conversation…"</p> }>
            {move || Suspend::new(async move {
                match turns.await {
                    Ok((turns, signed_in)) => view! { <Conversation turns signed_in chat /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="mt-6">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <AskForm chat />
    }
}

#[component]
fn Conversation(turns: Vec<ShownTurn>, signed_in: bool, chat: &'static str) -> impl IntoView {
    let person = signed_in.then(|| view! { <PersonButton chat /> });
    if turns.is_empty() {
        return view! {
            <p class="mt-6 text-slate-700">"Try \u{201c}a gift for a runner under $50\u{201d}, \u{201c}waterproof jacket\u{201d} or \u{201c}something for a 6 year old who likes science\u{201d}."</p>
            {person}
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
                            <ProposalCard proposal=p id=format!("assistant-proposal-{i}-{n}") chat />
                        }).collect_view()}
                    </li>
                }
            }).collect_view()}
        </ol>
        <div class="mt-3 flex flex-wrap items-center gap-4">
            <SendForm form=start_over id="start-over-form">
                <input type="hidden" name="chat" value=chat />
                <button type="submit" class="text-sm text-indigo-700 underline">"Start over"</button>
            </SendForm>
            {person}
        </div>
    }
    .into_any()
}

/// "Talk to a person": the conversation goes to the support team as a ticket.
#[component]
fn PersonButton(chat: &'static str) -> impl IntoView {
    let form = PostedForm::<TalkToPerson>::new();
    let value = form.value();
    view! {
        <SendForm form id="talk-to-person-form">
            <input type="hidden" name="chat" value=chat />
            <div class="flex flex-wrap items-center gap-3">
                <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 focus:outline-none focus:ring-2 focus:ring-indigo-300">
                    "Talk to a person"
                </button>
                {form_message(value)}
            </div>
        </SendForm>
    }
}

/// What the assistant proposes: nothing changes until the shopper presses the button.
#[component]
fn ProposalCard(proposal: ShownProposal, id: String, chat: &'static str) -> impl IntoView {
    let style = "mt-3 rounded-md border border-indigo-200 bg-indigo-50 p-3";
    match proposal {
        ShownProposal::AddToCart {
            product_id,
            card,
            quantity,
        } => {
            let form = PostedForm::<AddToCartAction>::new();
            let value = form.value();
            let what = ShownProposal::quantity_and_name(quantity, &card.name);
            view! {
                <div class=style data-testid="assistant-proposal">
                    <p class="text-sm">"Add to your cart? "<strong>{what}</strong>", "{card.price.format()}" each. "<span class="text-slate-600">{card.stock_state.label()}</span></p>
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
            .into_any()
        }
        ShownProposal::CancelOrder {
            number,
            items,
            total,
            cancellable,
            status,
        } => {
            let items = ShownProposal::items_label(items);
            if !cancellable {
                return view! {
                    <div class=style data-testid="assistant-proposal">
                        <p class="text-sm">"Order "<strong>{number}</strong>" is "{status}" and can no longer be cancelled."</p>
                    </div>
                }
                .into_any();
            }
            let form = PostedForm::<ConfirmCancel>::new();
            let value = form.value();
            view! {
                <div class=style data-testid="assistant-proposal">
                    <p class="text-sm">"Cancel order "<strong>{number.clone()}</strong>" with "{items}", "{total.format()}"?"</p>
                    <SendForm form id>
                        <input type="hidden" name="number" value=number />
                        <input type="hidden" name="chat" value=chat />
                        <div class="mt-2 flex flex-wrap items-center gap-3">
                            <SubmitButton idle="Cancel order" busy="Cancelling…" />
                            {form_message(value)}
                        </div>
                    </SendForm>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn AskForm(chat: &'static str) -> impl IntoView {
    let form = PostedForm::<AskAssistant>::new();
    let value = form.value();
    view! {
        <section aria-labelledby="ask" class="mt-6 max-w-2xl rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="ask" class="sr-only">"Ask the assistant"</h2>
            <SendForm form id="assistant-form">
                <input type="hidden" name="chat" value=chat />
                <div class="flex flex-col gap-3">
                    {form_message(value)}
                    <TextAreaField label="Your message" name="message" value="" maxlength=ShopperMessage::MAX_CHARS as u32 error=field_error(value, "message") />
                    <SubmitButton idle="Send" busy="Thinking…" />
                </div>
            </SendForm>
        </section>
    }
}
