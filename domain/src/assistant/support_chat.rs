//! The support chat: a signed-in customer's tools on top of the shopping tools, and the
//! offline assistant's answers to order questions.
//!
//! Every tool acts as the caller's [`Customer`] through the order and support services, so
//! only their own orders exist for it: another customer's order number is "not found",
//! exactly like a number no order has. `cancel_order` only proposes: the customer sees a
//! confirmation card and the order service cancels when they press it
//! ([`super::AssistantService::confirm_cancel`]). `open_ticket` hands the conversation over to
//! the desk ([`SupportService::open_from_chat`]).

use serde_json::{json, Value};

use super::agent::{ShoppingTools, ToolResult, Toolbox};
use super::conversation::{Proposal, Speaker};
use super::intent::Intent;
use super::model::ToolUse;
use super::offline::CatalogView;
use super::tools::{self, SupportCall, ToolSpec};
use crate::identity::Customer;
use crate::orders::{Order, OrderError, OrderService};
use crate::support::ticket::HandOff;
use crate::support::{Author, MessageBody, Subject, SupportError, SupportService, TicketNumber};

/// What the order history says of a cancel pressed on the assistant's card.
pub const ASSISTANT_CANCEL_REASON: &str =
    "Cancelled by the customer from the shopping assistant's confirmation card";

/// The chat so far, oldest first, as the desk will read it.
pub type Transcript = Vec<(Speaker, String)>;

/// A signed-in customer's tools: the shopping tools and their own orders and support.
pub struct CustomerTools<'a> {
    pub shopping: ShoppingTools<'a>,
    customer: &'a Customer,
    orders: &'a OrderService,
    support: &'a SupportService,
    specs: Vec<ToolSpec>,
    transcript: Transcript,
    /// The number of the order the conversation was about before this exchange.
    earlier_order: Option<String>,
    /// The order this exchange is about (the last one a tool read), for a hand-off.
    pub order_discussed: Option<Order>,
    /// The ticket this exchange opened, if it did.
    pub ticket: Option<TicketNumber>,
}

impl CustomerTools<'_> {
    /// The number of the order the conversation is about now.
    pub fn order_number(&self) -> Option<String> {
        self.order_discussed
            .as_ref()
            .map(|o| o.number.clone())
            .or_else(|| self.earlier_order.clone())
    }
}

impl<'a> CustomerTools<'a> {
    pub fn new(
        catalog: &'a (dyn CatalogView + Sync),
        customer: &'a Customer,
        orders: &'a OrderService,
        support: &'a SupportService,
        transcript: Transcript,
        earlier_order: Option<String>,
    ) -> Self {
        let mut specs = tools::shopping_tools();
        specs.extend(tools::support_tools());
        Self {
            shopping: ShoppingTools::new(catalog),
            customer,
            orders,
            support,
            specs,
            transcript,
            earlier_order,
            order_discussed: None,
            ticket: None,
        }
    }

    async fn own_order(&mut self, number: &str) -> Result<Order, ToolResult> {
        match self
            .orders
            .find_for_customer(self.customer.id(), number)
            .await
        {
            Ok(order) => {
                self.order_discussed = Some(order.clone());
                Ok(order)
            }
            Err(OrderError::NotFound) => Err(ToolResult::error(format!(
                "no order {number} among this customer's orders"
            ))),
            Err(e) => {
                tracing::warn!(error = %crate::refusal::chain(&e), "an order tool failed");
                Err(ToolResult::error("the orders could not be read just now"))
            }
        }
    }

    /// Runs a parsed support call.
    pub async fn run_support(&mut self, call: &SupportCall) -> ToolResult {
        match call {
            SupportCall::ListOrders { limit } => {
                let listed = self
                    .orders
                    .page_for_customer(self.customer.id(), None, *limit as i32)
                    .await;
                match listed {
                    Ok((orders, _)) => {
                        let list: Vec<Value> = orders.iter().map(order_summary).collect();
                        ToolResult::ok(json!({ "orders": list }))
                    }
                    Err(e) => {
                        tracing::warn!(error = %crate::refusal::chain(&e), "listing orders failed");
                        ToolResult::error("the orders could not be read just now")
                    }
                }
            }
            SupportCall::GetOrder { number } => match self.own_order(number).await {
                Ok(order) => ToolResult::ok(json!({ "order": order_detail(&order) })),
                Err(refusal) => refusal,
            },
            SupportCall::CancelOrder { number } => match self.own_order(number).await {
                Ok(order) if order.status.customer_can_cancel() => {
                    let proposal = Proposal::CancelOrder {
                        number: order.number.clone(),
                    };
                    if !self.shopping.proposals.contains(&proposal) {
                        self.shopping.proposals.push(proposal);
                    }
                    ToolResult::ok(json!({
                        "proposed_cancel": order_summary(&order),
                        "note": "Nothing is cancelled yet: the customer sees a confirmation card and the order is cancelled only when they press its button. Tell them so.",
                    }))
                }
                Ok(order) => ToolResult::error(format!(
                    "order {} is {} and can no longer be cancelled; only pending orders can",
                    order.number,
                    order.status.label().to_lowercase()
                )),
                Err(refusal) => refusal,
            },
            SupportCall::OpenTicket { summary } => match self.hand_over(summary.as_deref()).await {
                Ok(number) => ToolResult::ok(json!({
                    "ticket": number.to_string(),
                    "note": "The support team answers on the customer's Support page and by email.",
                })),
                Err(e) => ToolResult::error(crate::refusal::Explain::refusal(&e).message),
            },
        }
    }

    /// Hands the conversation over to the desk (once per exchange) and returns the ticket's
    /// number.
    pub async fn hand_over(&mut self, summary: Option<&str>) -> Result<TicketNumber, SupportError> {
        if let Some(number) = self.ticket {
            return Ok(number);
        }
        if self.order_discussed.is_none() {
            if let Some(number) = self.earlier_order.clone() {
                // Still theirs (it always is) and still there; if not, the ticket has none.
                self.order_discussed = self
                    .orders
                    .find_for_customer(self.customer.id(), &number)
                    .await
                    .ok();
            }
        }
        let handoff = self.handoff(summary)?;
        match self.support.open_from_chat(self.customer, handoff).await {
            Ok(ticket) => {
                self.ticket = Some(ticket.number);
                Ok(ticket.number)
            }
            Err(e) => {
                tracing::warn!(error = %crate::refusal::chain(&e), "the hand-off to the desk failed");
                Err(e)
            }
        }
    }

    fn handoff(&self, summary: Option<&str>) -> Result<HandOff, crate::FieldError> {
        let from = self
            .transcript
            .len()
            .saturating_sub(super::conversation::Conversation::MAX_TURNS);
        let transcript = self.transcript[from..]
            .iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(speaker, text)| {
                let author = match speaker {
                    Speaker::Shopper => Author::Customer,
                    Speaker::Assistant => Author::Assistant,
                };
                let text: String = text.chars().take(MessageBody::MAX_CHARS).collect();
                MessageBody::parse(&text).map(|body| (author, body))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let first_words = self
            .transcript
            .iter()
            .rev()
            .find(|(s, _)| *s == Speaker::Shopper)
            .map(|(_, t)| t.as_str())
            .unwrap_or("Chat with the assistant");
        let subject = summary.unwrap_or(first_words);
        let subject: String = format!("Chat: {subject}")
            .chars()
            .take(Subject::MAX_CHARS)
            .collect();
        Ok(HandOff {
            subject: Subject::parse(&subject)?,
            transcript,
            order: self.order_discussed.as_ref().map(|o| o.id.clone()),
        })
    }
}

impl Toolbox for CustomerTools<'_> {
    fn specs(&self) -> &[ToolSpec] {
        &self.specs
    }

    async fn run(&mut self, call: &ToolUse) -> ToolResult {
        match tools::parse_support_call(&call.name, &call.arguments) {
            Some(Ok(parsed)) => self.run_support(&parsed).await,
            Some(Err(tools::ToolError(message))) => ToolResult::error(message),
            None => self.shopping.run(call).await,
        }
    }
}

/// An order in a list, for the model and the offline answers.
fn order_summary(order: &Order) -> Value {
    json!({
        "number": order.number,
        "status": order.status.label(),
        "placed": order.created_at.date_utc(),
        "items": item_count(order),
        "total": order.totals.total.format(),
        "can_cancel": order.status.customer_can_cancel(),
    })
}

fn order_detail(order: &Order) -> Value {
    let mut detail = order_summary(order);
    detail["lines"] = order
        .lines
        .iter()
        .map(|l| json!({"name": l.name, "quantity": l.quantity.get()}))
        .collect();
    detail["history"] = order
        .history
        .iter()
        .map(|h| json!({"status": h.to.label(), "at": h.at.date_utc()}))
        .collect();
    detail
}

/// The number of items in an order.
pub fn item_count(order: &Order) -> u32 {
    order
        .lines
        .iter()
        .map(|l| u32::from(l.quantity.get()))
        .sum()
}

/// The offline assistant's answer to an order question, through the same tools.
pub async fn offline_answer(tools: &mut CustomerTools<'_>, intent: &Intent) -> String {
    match intent {
        Intent::OrderStatus(None) => {
            let orders = recent_orders(tools, 5).await;
            match orders {
                None => UNREADABLE.to_owned(),
                Some(orders) if orders.is_empty() => {
                    "You have no orders yet. When you place one, ask me about it here.".to_owned()
                }
                Some(orders) => {
                    let lines: Vec<String> = orders
                        .iter()
                        .map(|o| format!("{} ({}, placed {})", o.number, o.status.label().to_lowercase(), o.created_at.date_utc()))
                        .collect();
                    format!(
                        "Your latest orders: {}. Ask me about one by its number for its details.",
                        lines.join("; ")
                    )
                }
            }
        }
        Intent::OrderStatus(Some(number)) => {
            let call = SupportCall::GetOrder {
                number: number.clone(),
            };
            tools.run_support(&call).await;
            match &tools.order_discussed {
                Some(o) if &o.number == number => {
                    let when = o.history.last().map_or(o.created_at, |h| h.at);
                    let mut text = format!(
                        "Order {} is {} (since {}), with {} items.",
                        o.number,
                        o.status.label().to_lowercase(),
                        when.date_utc(),
                        item_count(o)
                    );
                    if o.status.customer_can_cancel() {
                        text.push_str(" It can still be cancelled if you wish.");
                    }
                    text
                }
                _ => not_yours(number),
            }
        }
        Intent::Cancel(Some(number)) => propose_cancel(tools, number).await,
        Intent::Cancel(None) => {
            let Some(orders) = recent_orders(tools, tools::MAX_ORDERS).await else {
                return UNREADABLE.to_owned();
            };
            let open: Vec<&Order> = orders
                .iter()
                .filter(|o| o.status.customer_can_cancel())
                .collect();
            match open.as_slice() {
                [] => "None of your orders can be cancelled now: only orders that are still pending can. For a return or a problem with an order, ask me for a person.".to_owned(),
                [only] => {
                    let number = only.number.clone();
                    propose_cancel(tools, &number).await
                }
                several => {
                    let numbers: Vec<&str> = several.iter().map(|o| o.number.as_str()).collect();
                    format!(
                        "These orders can still be cancelled: {}. Which one? Tell me its number.",
                        numbers.join(", ")
                    )
                }
            }
        }
        Intent::Person => match tools.hand_over(None).await {
            Ok(number) => format!(
                "I have passed our conversation to the support team as ticket {number}. A person will answer you on your Support page and by email."
            ),
            Err(e) => {
                format!(
                    "I could not reach the support team just now: {} You can also write to them from Contact us at the bottom of the page.",
                    crate::refusal::Explain::refusal(&e).message
                )
            }
        },
        Intent::Find(_) | Intent::Compare(_) | Intent::Hello => String::new(),
    }
}

const UNREADABLE: &str =
    "I cannot read your orders just now. Please try again in a moment, or see Your orders under your account.";

fn not_yours(number: &str) -> String {
    format!("I cannot find an order {number} among your orders. Your orders are listed under Your orders in your account.")
}

async fn recent_orders(tools: &mut CustomerTools<'_>, limit: usize) -> Option<Vec<Order>> {
    tools
        .orders
        .page_for_customer(tools.customer.id(), None, limit as i32)
        .await
        .map(|(orders, _)| orders)
        .ok()
}

async fn propose_cancel(tools: &mut CustomerTools<'_>, number: &str) -> String {
    let call = SupportCall::CancelOrder {
        number: number.to_owned(),
    };
    let result = tools.run_support(&call).await;
    match &tools.order_discussed {
        Some(o) if o.number == number && !result.is_error => format!(
            "Order {} can still be cancelled. Nothing changes until you press Cancel order on the card below.",
            o.number
        ),
        Some(o) if o.number == number => format!(
            "Order {} is {} and can no longer be cancelled: only pending orders can. For a return, ask me for a person.",
            o.number,
            o.status.label().to_lowercase()
        ),
        _ => not_yours(number),
    }
}
