//! Answering one message: the model's answer when a model is configured and answers, else
//! the offline assistant's (saying so when the model failed); either way through the tools of
//! the asker (a visitor's shopping tools, or a customer's with their orders and support) and
//! then the grounding check.

use std::sync::atomic::Ordering;

use super::{Asker, AssistantService, Reply};
use crate::assistant::agent::{self, ShoppingTools, Toolbox};
use crate::assistant::conversation::{Conversation, Proposal, Speaker, Turn};
use crate::assistant::grounding::{ground, Known};
use crate::assistant::intent::{self, Intent};
use crate::assistant::model::Message;
use crate::assistant::offline::{self, CatalogView};
use crate::assistant::support_chat::{self, CustomerTools, Transcript};
use crate::time::Timestamp;

/// The shopping assistant's instructions to a model.
const SHOPPING_PROMPT: &str = include_str!("../prompts/shopping.md");
/// A signed-in customer's: the shopping instructions and the support chat's.
const CUSTOMER_PROMPT: &str = concat!(
    include_str!("../prompts/shopping.md"),
    "\n",
    include_str!("../prompts/support.md")
);
/// Turns of the conversation a model reads before the new message.
const HISTORY_TURNS: usize = 12;
/// What leads the offline answer when the model gave none.
const MODEL_FAILED: &str =
    "The assistant is not answering right now, so here is what the shop's own search found.";
/// What the assistant tells a visitor who asks about orders.
const SIGN_IN_FOR_ORDERS: &str = "I can help you find and compare products here. For your orders, sign in and ask me again (or open the support chat under your account), or write to the support team from Contact us at the bottom of every page.";

/// What a model's try came to.
enum Drafted {
    /// No model is configured: the offline assistant answers.
    NoModel,
    Answered(String),
    /// The model failed: the offline assistant answers, saying so.
    Failed,
}

impl AssistantService {
    /// The assistant's turn for `message`.
    pub(super) async fn answer(
        &self,
        asker: Asker<'_>,
        conversation: &Conversation,
        message: &str,
    ) -> Reply {
        let snapshot = self.catalog.snapshot();
        let mut order = conversation.order.clone();
        let (text, returned, proposals) = match asker {
            Asker::Visitor(_) => {
                let mut tools = ShoppingTools::new(&*snapshot);
                let drafted = self
                    .ask_model(&mut tools, SHOPPING_PROMPT, conversation, message)
                    .await;
                let text = match drafted {
                    Drafted::Answered(text) => text,
                    other => {
                        tools.proposals.clear();
                        let (text, products) = offline_shopping(&*snapshot, message);
                        tools.returned = products;
                        lead(other, text)
                    }
                };
                (text, tools.returned, tools.proposals)
            }
            Asker::Customer(customer) => {
                let mut tools = CustomerTools::new(
                    &*snapshot,
                    customer,
                    &self.orders,
                    &self.support,
                    transcript(conversation, message),
                    conversation.order.clone(),
                );
                let drafted = self
                    .ask_model(&mut tools, CUSTOMER_PROMPT, conversation, message)
                    .await;
                let text = match drafted {
                    Drafted::Answered(text) => text,
                    other => {
                        tools.shopping.returned.clear();
                        tools.shopping.proposals.clear();
                        let text = match intent::read(message) {
                            intent @ (Intent::OrderStatus(_)
                            | Intent::Cancel(_)
                            | Intent::Person) => {
                                support_chat::offline_answer(&mut tools, &intent).await
                            }
                            _ => {
                                let (text, products) = offline_shopping(&*snapshot, message);
                                tools.shopping.returned = products;
                                text
                            }
                        };
                        lead(other, text)
                    }
                };
                order = tools.order_number();
                (text, tools.shopping.returned, tools.shopping.proposals)
            }
        };
        let known: Vec<Known> = conversation
            .seen
            .iter()
            .chain(&returned)
            .filter_map(|slug| snapshot.by_slug(slug))
            .map(Known::on_sale)
            .collect();
        let grounded = ground(&text, &known);
        if grounded.removed_products > 0 || grounded.removed_claims > 0 {
            self.counts
                .removed_products
                .fetch_add(grounded.removed_products as u64, Ordering::Relaxed);
            self.counts
                .removed_claims
                .fetch_add(grounded.removed_claims as u64, Ordering::Relaxed);
            tracing::warn!(
                removed_products = grounded.removed_products,
                removed_claims = grounded.removed_claims,
                "an answer named products the shop does not sell or stated prices or stock; they were taken out"
            );
        }
        let proposals = proposals
            .into_iter()
            .filter(|p| match p {
                Proposal::AddToCart { slug, .. } => snapshot.by_slug(slug).is_some(),
                Proposal::CancelOrder { .. } => true,
            })
            .collect();
        Reply {
            turn: Turn {
                from: Speaker::Assistant,
                text: grounded.text,
                cards: grounded.cards,
                proposals,
                at: Timestamp::now(),
            },
            returned,
            order,
        }
    }

    /// Asks the configured model, if any, with `tools`; counts who answered.
    async fn ask_model<T: Toolbox>(
        &self,
        tools: &mut T,
        prompt: &str,
        conversation: &Conversation,
        message: &str,
    ) -> Drafted {
        let Some(setup) = &self.model else {
            self.counts.offline.fetch_add(1, Ordering::Relaxed);
            return Drafted::NoModel;
        };
        let messages = history(conversation, message);
        match agent::answer(&*setup.model, &setup.limits, prompt, messages, tools).await {
            Ok(answer) => {
                self.counts.model.fetch_add(1, Ordering::Relaxed);
                Drafted::Answered(answer.text)
            }
            Err(error) => {
                self.counts.fallback.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%error, model = setup.model.name(), "the model gave no answer; the offline assistant answers");
                Drafted::Failed
            }
        }
    }
}

/// The offline answer, led by a word on the model when it failed.
fn lead(drafted: Drafted, text: String) -> String {
    match drafted {
        Drafted::Failed => format!("{MODEL_FAILED} {text}"),
        _ => text,
    }
}

/// The offline assistant's shopping answer and the products it shows; for what only the
/// support chat answers, a word on where to ask.
fn offline_shopping(catalog: &dyn CatalogView, message: &str) -> (String, Vec<String>) {
    match offline::answer(catalog, message) {
        Some(a) => (
            a.text,
            a.products
                .iter()
                .map(|p| p.slug.as_str().to_owned())
                .collect(),
        ),
        None => (SIGN_IN_FOR_ORDERS.to_owned(), Vec::new()),
    }
}

/// The conversation as a model reads it: its last turns, then the new message.
fn history(conversation: &Conversation, message: &str) -> Vec<Message> {
    let from = conversation.turns.len().saturating_sub(HISTORY_TURNS);
    let mut messages: Vec<Message> = conversation.turns[from..]
        .iter()
        .map(|t| match t.from {
            Speaker::Shopper => Message::User(t.text.clone()),
            Speaker::Assistant => Message::Assistant {
                text: t.text.clone(),
                calls: Vec::new(),
            },
        })
        .collect();
    messages.push(Message::User(message.to_owned()));
    messages
}

/// The conversation with the new message, as the desk reads a hand-off.
pub(super) fn transcript(conversation: &Conversation, message: &str) -> Transcript {
    let mut transcript: Transcript = conversation
        .turns
        .iter()
        .map(|t| (t.from, t.text.clone()))
        .collect();
    if !message.is_empty() {
        transcript.push((Speaker::Shopper, message.to_owned()));
    }
    transcript
}
