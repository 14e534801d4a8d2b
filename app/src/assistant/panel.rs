//! The chat panel on every storefront page: an island holding the same conversation as
//! `/assistant` (kept on the server; the browser sends only its next message).
//!
//! Without JavaScript, or before the WebAssembly has loaded, its button is a link to
//! `/assistant`. The page loader (`bundle/islands.js`) fetches the WebAssembly only when the
//! shopper first presses it (`data-hydrate-on="press"`), so a page that shows the panel costs
//! nothing until it is used, and then presses it again: the panel opens.

use super::server_fns::{
    ask_assistant, assistant_turns, confirm_cancel, start_over, talk_to_person, ShownProposal,
    ShownTurn, ASSISTANT_PATH, PANEL_CHAT,
};
use crate::forms::FormError;
use domain::assistant::conversation::ShopperMessage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;

/// A server function the panel calls; the conversation is read again when it succeeds.
type Call = Pin<Box<dyn Future<Output = Result<(), FormError>>>>;

/// Where the panel is not shown: pages that are the conversation already, and staff work.
pub fn shown_on(path: &str) -> bool {
    let without = [
        ASSISTANT_PATH,
        super::server_fns::SUPPORT_CHAT_PATH,
        "/admin",
        "/support",
    ];
    !without
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// What the panel holds once it has asked the server.
#[derive(Clone, PartialEq)]
enum Loaded {
    Waiting,
    Turns {
        turns: Vec<ShownTurn>,
        signed_in: bool,
    },
    Failed(String),
}

#[island]
pub fn AssistantPanel() -> impl IntoView {
    let open = RwSignal::new(false);
    let loaded = RwSignal::new(Loaded::Waiting);
    let busy = RwSignal::new(false);
    let refusal = RwSignal::new(None::<FormError>);
    let draft = RwSignal::new(String::new());
    let message_box = NodeRef::<leptos::html::Textarea>::new();
    let toggle = NodeRef::<leptos::html::A>::new();
    let list = NodeRef::<leptos::html::Ol>::new();

    let reload = move || {
        spawn_local(async move {
            let next = match assistant_turns(PANEL_CHAT.into()).await {
                Ok((turns, signed_in)) => Loaded::Turns { turns, signed_in },
                Err(e) => Loaded::Failed(e.to_string()),
            };
            loaded.set(next);
            busy.set(false);
            if let Some(list) = list.get_untracked() {
                list.set_scroll_top(list.scroll_height());
            }
            // The Send button was disabled while waiting: the focus goes back to the message.
            if let Some(input) = message_box.get_untracked() {
                _ = input.focus();
            }
        })
    };
    // One action at a time: the server answers, then the conversation is read again.
    let act = move |call: Call| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        refusal.set(None);
        spawn_local(async move {
            match call.await {
                Ok(()) => reload(),
                Err(e) => {
                    refusal.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    let close = move || {
        open.set(false);
        if let Some(toggle) = toggle.get_untracked() {
            _ = toggle.focus();
        }
    };
    // Escape closes the panel wherever the focus is.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            close();
        }
    });
    on_cleanup(move || escape.remove());
    let on_toggle = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if open.get_untracked() {
            close();
            return;
        }
        open.set(true);
        // Read afresh each time: the conversation may have moved on in another tab.
        reload();
        request_animation_frame(move || {
            if let Some(input) = message_box.get_untracked() {
                _ = input.focus();
            }
        });
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if let Err(e) = ShopperMessage::parse(&text) {
            refusal.set(Some(FormError::Invalid(vec![e])));
            return;
        }
        draft.set(String::new());
        act(Box::pin(ask_assistant(text, PANEL_CHAT.into())));
    };
    let message_error = move || refusal.with(|r| r.as_ref().and_then(|r| r.field_error("message")));
    let form_message = move || refusal.with(|r| r.as_ref().and_then(FormError::form_message));

    view! {
        <div class="fixed bottom-4 right-4 z-40 flex flex-col items-end gap-3">
            <Show when=move || open.get()>
                <section
                    id="assistant-panel"
                    role="dialog"
                    aria-modal="false"
                    aria-labelledby="assistant-panel-title"
                    class="flex max-h-[75vh] w-[calc(100vw-2rem)] flex-col rounded-lg border border-slate-200 bg-white shadow-xl sm:w-96"
                >
                    <header class="flex items-center gap-2 border-b border-slate-200 px-4 py-3">
                        <h2 id="assistant-panel-title" class="font-semibold">"Shopping assistant"</h2>
                        <a href=ASSISTANT_PATH class="ml-auto text-sm text-indigo-700 underline">"Open as a page"</a>
                        <button
                            type="button"
                            class="rounded p-1 text-slate-500 hover:bg-slate-100 focus:outline-none focus:ring-2 focus:ring-indigo-300"
                            aria-label="Close the assistant"
                            on:click=move |_| close()
                        >
                            "\u{2715}"
                        </button>
                    </header>
                    <ol node_ref=list class="flex flex-1 flex-col gap-3 overflow-y-auto px-4 py-3" aria-label="Conversation" aria-live="polite" aria-busy=move || busy.get().to_string()>
                        {move || match loaded.get() {
                            Loaded::Waiting => view! { <li role="status">"Loading your conversation\u{2026}"</li> }.into_any(),
                            Loaded::Failed(message) => view! { <li role="alert">{message}</li> }.into_any(),
                            Loaded::Turns { turns, .. } if turns.is_empty() => view! {
                                <li class="text-sm text-slate-700">"Ask for ideas in your own words: \u{201c}a gift for a runner under $50\u{201d}, \u{201c}waterproof jacket\u{201d}, \u{201c}compare the two speakers\u{201d}."</li>
                            }.into_any(),
                            Loaded::Turns { turns, .. } => turns.into_iter().map(|turn| view! {
                                <PanelTurn turn act />
                            }).collect_view().into_any(),
                        }}
                        <Show when=move || busy.get()>
                            <li role="status" class="text-sm text-slate-500">"Thinking\u{2026}"</li>
                        </Show>
                    </ol>
                    <form class="border-t border-slate-200 px-4 py-3" on:submit=send>
                        {move || form_message().map(|m| view! { <p role="alert" class="mb-2 text-sm text-red-700">{m}</p> })}
                        <label for="assistant-panel-message" class="text-sm font-medium">"Your message"</label>
                        <textarea
                            id="assistant-panel-message"
                            node_ref=message_box
                            name="message"
                            rows="2"
                            maxlength=ShopperMessage::MAX_CHARS.to_string()
                            class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
                            aria-invalid=move || message_error().is_some().to_string()
                            aria-describedby="assistant-panel-message-error"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        ></textarea>
                        <p id="assistant-panel-message-error" class="mt-1 text-sm text-red-700">{message_error}</p>
                        <div class="mt-2 flex flex-wrap items-center gap-3">
                            <button
                                type="submit"
                                class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-300 disabled:opacity-60"
                                disabled=move || busy.get()
                            >
                                {move || if busy.get() { "Thinking\u{2026}" } else { "Send" }}
                            </button>
                            <button type="button" class="text-sm text-indigo-700 underline" on:click=move |_| act(Box::pin(start_over(PANEL_CHAT.into())))>
                                "Start over"
                            </button>
                            {move || matches!(loaded.get(), Loaded::Turns { signed_in: true, .. }).then(|| view! {
                                <button type="button" class="text-sm text-indigo-700 underline" on:click=move |_| act(Box::pin(talk_to_person(PANEL_CHAT.into())))>
                                    "Talk to a person"
                                </button>
                            })}
                        </div>
                    </form>
                </section>
            </Show>
            <a
                href=ASSISTANT_PATH
                node_ref=toggle
                id="assistant-panel-toggle"
                data-hydrate-on="press"
                aria-controls="assistant-panel"
                aria-expanded=move || open.get().to_string()
                class="rounded-full bg-indigo-600 px-5 py-3 text-sm font-semibold text-white shadow-lg hover:bg-indigo-700 focus:outline-none focus:ring-4 focus:ring-indigo-300"
                on:click=on_toggle
            >
                "Ask the assistant"
            </a>
        </div>
    }
}

/// One turn in the panel: the words, the products as links with the shop's own price and
/// stock, and a proposal's button.
#[component]
fn PanelTurn(turn: ShownTurn, act: impl Fn(Call) + Copy + 'static) -> impl IntoView {
    let (who, style) = if turn.mine {
        ("You", "self-end max-w-[85%] rounded-lg bg-indigo-50 p-2")
    } else {
        ("Assistant", "rounded-lg border border-slate-200 p-2")
    };
    view! {
        <li class=style data-testid="assistant-panel-turn">
            <p class="text-xs font-semibold uppercase tracking-wide text-slate-500">{who}</p>
            <p class="mt-1 whitespace-pre-line text-sm">{turn.text}</p>
            {(!turn.cards.is_empty()).then(|| view! {
                <ul class="mt-2 flex flex-col gap-1 text-sm">
                    {turn.cards.into_iter().map(|card| view! {
                        <li>
                            <a href=format!("/products/{}", card.slug.as_str()) class="font-medium text-indigo-700 underline">{card.name}</a>
                            " \u{b7} "{card.price.format()}" \u{b7} "<span class="text-slate-600">{card.stock_state.label()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {turn.proposals.into_iter().map(|proposal| view! { <PanelProposal proposal act /> }).collect_view()}
        </li>
    }
}

#[component]
fn PanelProposal(proposal: ShownProposal, act: impl Fn(Call) + Copy + 'static) -> impl IntoView {
    let style = "mt-2 rounded-md border border-indigo-200 bg-indigo-50 p-2 text-sm";
    let button = "mt-1 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-300";
    match proposal {
        ShownProposal::AddToCart {
            product_id,
            card,
            quantity,
        } => {
            let what = ShownProposal::quantity_and_name(quantity, &card.name);
            view! {
                <div class=style data-testid="assistant-panel-proposal">
                    <p>"Add to your cart? "<strong>{what}</strong>", "{card.price.format()}" each."</p>
                    <button type="button" class=button on:click=move |_| {
                        act(Box::pin(crate::cart::server_fns::add_to_cart(product_id.clone(), quantity.to_string())))
                    }>"Add to cart"</button>
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
            if !cancellable {
                return view! {
                    <div class=style data-testid="assistant-panel-proposal">
                        <p>"Order "<strong>{number}</strong>" is "{status}" and can no longer be cancelled."</p>
                    </div>
                }
                .into_any();
            }
            let items = ShownProposal::items_label(items);
            view! {
                <div class=style data-testid="assistant-panel-proposal">
                    <p>"Cancel order "<strong>{number.clone()}</strong>" with "{items}", "{total.format()}"?"</p>
                    <button type="button" class=button on:click=move |_| {
                        act(Box::pin(confirm_cancel(number.clone(), PANEL_CHAT.into())))
                    }>"Cancel order"</button>
                </div>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_is_on_storefront_pages_and_not_on_the_conversation_or_staff_pages() {
        for path in [
            "/",
            "/products/aurora-wireless-headphones",
            "/cart",
            "/account/orders",
            "/account/support",
        ] {
            assert!(shown_on(path), "{path}");
        }
        for path in [
            "/assistant",
            "/account/support/chat",
            "/admin",
            "/admin/orders/1",
            "/support",
            "/support/overview",
        ] {
            assert!(!shown_on(path), "{path}");
        }
        assert!(shown_on("/supporters"), "a prefix is a whole segment");
    }
}
