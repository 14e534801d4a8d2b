//! The support service: the only code that opens, answers and moves tickets.
//!
//! Every change to a ticket is one transaction: the ticket, written only if it is still at
//! the version read (so a status move is conditional on the status read, and of two agents
//! taking a ticket one wins), together with what belongs to the change (the new message,
//! the audit entry). A change that lost a race reads the ticket again and is decided anew.
//!
//! This module holds what every change shares (creating a ticket, appending a message,
//! [`SupportService::change`]); the operations live by who calls them: [`customer`],
//! [`desk`], [`canned`] replies, sentiment [`scoring`] and the [`closing`] of solved tickets.

mod canned;
mod closing;
mod customer;
mod desk;
mod scoring;

pub use closing::{AutoClose, CLOSING_INTERVAL};
pub use customer::Replied;
pub use desk::{AgentReply, ReplyBody};
pub use scoring::SCORING_INTERVAL;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::counters;
use super::sentiment::provider::{Analyzer, SentimentAnalyzer};
use super::sla::{SlaClock, SlaPolicy};
use super::stats::CounterDelta;
use super::table::{self, TicketList};
use super::ticket::{Message, OrderRef, Ticket, TicketCustomer, TicketId};
use super::{
    Author, Channel, MessageBody, Priority, Subject, SupportError, TicketNumber, TicketStatus,
    Visibility,
};
use crate::audit::{AuditLog, Target, TargetKind};
use crate::identity::{Customer, IdentityService, UserId};
use crate::orders::{OrderId, OrderService, OrderStatus};
use crate::store::{Store, StoreError, TransactError, Transaction};
use crate::time::Timestamp;
use crate::FieldError;

/// How often a change that lost a race to another writer is decided again.
const CHANGE_ATTEMPTS: u32 = 8;
/// A customer may open this many tickets in [`OPEN_WINDOW_MS`].
pub const OPEN_PER_WINDOW: usize = 5;
pub const OPEN_WINDOW_MS: i64 = 60 * 60 * 1000;
/// The window of spending that raises a customer's place in the queue.
const SPEND_WINDOW_MS: i64 = 90 * 24 * 60 * 60 * 1000;
/// At most this many turns of a chat become messages of the ticket it hands over.
pub const MAX_TRANSCRIPT: usize = 40;

/// A part of a ticket transaction, to tell which condition failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Ticket,
    Message,
    Number,
    Audit,
    Counters,
}

/// What a change decides, besides the ticket itself.
struct Decision<T> {
    items: Vec<(Part, TransactWriteItem)>,
    out: T,
}

impl<T> Decision<T> {
    fn just(out: T) -> Self {
        Self {
            items: Vec::new(),
            out,
        }
    }
}

#[derive(Clone)]
pub struct SupportService {
    store: Store,
    orders: OrderService,
    identity: IdentityService,
    audit: AuditLog,
    analyzer: Analyzer,
    policy: SlaPolicy,
    auto_close: AutoClose,
}

impl std::fmt::Debug for SupportService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SupportService")
            .field("analyzer", &self.analyzer.name())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl SupportService {
    pub fn new(store: Store, orders: OrderService, identity: IdentityService) -> Self {
        Self {
            audit: AuditLog::new(store.clone()),
            store,
            orders,
            identity,
            analyzer: Analyzer::default(),
            policy: SlaPolicy::default(),
            auto_close: AutoClose::default(),
        }
    }

    /// The same service scoring with `analyzer`, working to `policy` and closing solved
    /// tickets after `auto_close`.
    pub fn configured(self, analyzer: Analyzer, policy: SlaPolicy, auto_close: AutoClose) -> Self {
        Self {
            analyzer,
            policy,
            auto_close,
            ..self
        }
    }

    pub fn policy(&self) -> &SlaPolicy {
        &self.policy
    }

    pub fn analyzer_name(&self) -> &'static str {
        self.analyzer.name()
    }

    async fn create(
        &self,
        customer: &Customer,
        subject: Subject,
        order: Option<OrderId>,
        channel: Channel,
        turns: Vec<(Author, MessageBody)>,
        follows: Option<TicketNumber>,
    ) -> Result<Ticket, SupportError> {
        let now = Timestamp::now();
        self.check_open_rate(customer, now).await?;
        let order = match order {
            None => None,
            Some(id) => Some(self.own_order(customer, &id).await?),
        };
        let recent_spend_cents = self.recent_spend(customer.id(), now).await?;
        let number = table::next_number(&self.store).await?;
        let account = customer.account();
        let mut ticket = Ticket {
            id: TicketId::generate(),
            number,
            customer: TicketCustomer {
                id: account.id.clone(),
                email: account.email.clone(),
                name: account.name.as_str().to_owned(),
            },
            subject,
            order,
            channel,
            status: TicketStatus::New,
            priority: Priority::Normal,
            assignee: None,
            tags: Vec::new(),
            created_at: now,
            updated_at: now,
            clock: SlaClock::start(now),
            first_response_ms: None,
            resolution_ms: None,
            recent_scores: Vec::new(),
            recent_spend_cents,
            messages: 0,
            unscored: 0,
            rating: None,
            follows,
            version: 1,
        };
        let mut tx = Transaction::new();
        for (author, body) in turns {
            let name = author_name(&ticket, author);
            let message = self.append(&mut ticket, author, &name, Visibility::Public, body, now);
            tx.push(Part::Message, table::put_message(&self.store, &message)?);
        }
        for (part, item) in self.ticket_writes(None, &ticket, now)? {
            tx.push(part, item);
        }
        tx.push(
            Part::Number,
            table::claim_number(&self.store, number, &ticket.id)?,
        );
        self.store.commit(&tx).await.map_err(|e| match e {
            TransactError::Contended => SupportError::Busy,
            other => SupportError::Store(other.into()),
        })?;
        tracing::info!(ticket = %ticket.number, channel = channel.as_str(), "ticket opened");
        self.score_later(&ticket);
        Ok(ticket)
    }

    /// The write of `ticket` (conditional on the version of `before`, or on being new) and
    /// of what it changes in the desk's counters, for one transaction.
    pub(super) fn ticket_writes(
        &self,
        before: Option<&Ticket>,
        ticket: &Ticket,
        now: Timestamp,
    ) -> Result<Vec<(Part, TransactWriteItem)>, StoreError> {
        let expected = before.map(|b| b.version);
        let mut items = vec![(
            Part::Ticket,
            table::put_ticket(&self.store, ticket, &self.policy, now, expected)?,
        )];
        let delta = CounterDelta::between(before, ticket);
        for item in counters::writes(&self.store, &ticket.id, &delta, now)? {
            items.push((Part::Counters, item));
        }
        Ok(items)
    }

    pub(super) fn store(&self) -> &Store {
        &self.store
    }

    /// Adds a message to `ticket` (numbering it, scoring a customer's at once when the
    /// analyzer is local) and returns it.
    pub(super) fn append(
        &self,
        ticket: &mut Ticket,
        author: Author,
        author_name: &str,
        visibility: Visibility,
        body: MessageBody,
        now: Timestamp,
    ) -> Message {
        ticket.messages += 1;
        let mut message = Message {
            ticket: ticket.id.clone(),
            seq: ticket.messages,
            author,
            author_name: author_name.to_owned(),
            visibility,
            body,
            at: now,
            sentiment: None,
        };
        if message.is_scored_kind() {
            match self.score_at_once(&message) {
                Some(sentiment) => {
                    message.sentiment = Some(sentiment);
                    ticket.record_score(message.seq, sentiment.compound);
                }
                None => ticket.unscored += 1,
            }
        }
        message
    }

    /// A customer may open [`OPEN_PER_WINDOW`] tickets an hour. (Read from their newest
    /// tickets: a burst of simultaneous submissions may pass it by a few, which the limit
    /// tolerates; it is a brake on floods, not an invariant.)
    async fn check_open_rate(
        &self,
        customer: &Customer,
        now: Timestamp,
    ) -> Result<(), SupportError> {
        let (newest, _) = table::page(
            &self.store,
            TicketList::Customer(customer.id().as_str()),
            None,
            None,
            OPEN_PER_WINDOW,
        )
        .await?;
        if newest.len() < OPEN_PER_WINDOW {
            return Ok(());
        }
        let oldest_in_window = newest
            .iter()
            .map(|t| t.created_at.millis())
            .min()
            .unwrap_or(0);
        let free_at = oldest_in_window + OPEN_WINDOW_MS;
        if free_at > now.millis() {
            let secs = (free_at - now.millis()).div_euclid(1000).max(1);
            return Err(SupportError::TooMany {
                retry_after_secs: u64::try_from(secs).unwrap_or(1),
            });
        }
        Ok(())
    }

    /// The customer's own order, or a refusal naming the field (another customer's order
    /// is not one of theirs).
    async fn own_order(&self, customer: &Customer, id: &OrderId) -> Result<OrderRef, SupportError> {
        match self.orders.get_for_customer(customer.id(), id).await {
            Ok(order) => Ok(OrderRef {
                id: order.id,
                number: order.number,
            }),
            Err(crate::orders::OrderError::NotFound) => {
                Err(FieldError::new("order", "is not one of your orders").into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// What the customer spent in the last 90 days, cancelled orders aside.
    async fn recent_spend(&self, customer: &UserId, now: Timestamp) -> Result<i64, SupportError> {
        let (orders, _) = self.orders.page_for_customer(customer, None, 50).await?;
        Ok(orders
            .iter()
            .filter(|o| o.created_at.millis() >= now.millis() - SPEND_WINDOW_MS)
            .filter(|o| o.status != OrderStatus::Cancelled)
            .map(|o| o.totals.total.cents())
            .sum())
    }

    /// Reads the ticket, lets `decide` change a copy, and writes it (with what `decide`
    /// adds) if no one else wrote it meanwhile; else decides again on a fresh read.
    async fn change<T>(
        &self,
        id: &TicketId,
        mut decide: impl FnMut(&mut Ticket, Timestamp) -> Result<Decision<T>, SupportError>,
    ) -> Result<(Ticket, T), SupportError> {
        for _ in 0..CHANGE_ATTEMPTS {
            let before = table::get_ticket(&self.store, id)
                .await?
                .ok_or(SupportError::NotFound)?;
            let now = Timestamp::now();
            let mut ticket = before.clone();
            let decision = decide(&mut ticket, now)?;
            if ticket == before && decision.items.is_empty() {
                return Ok((ticket, decision.out));
            }
            ticket.version = before.version + 1;
            ticket.updated_at = now;
            let mut tx = Transaction::new();
            for (part, item) in self.ticket_writes(Some(&before), &ticket, now)? {
                tx.push(part, item);
            }
            for (part, item) in decision.items {
                tx.push(part, item);
            }
            match self.store.commit(&tx).await {
                Ok(()) => return Ok((ticket, decision.out)),
                Err(e) if e.refused(Part::Ticket) || e.refused(Part::Message) => continue,
                Err(TransactError::Contended) => continue,
                Err(e) => return Err(SupportError::Store(e.into())),
            }
        }
        Err(SupportError::Busy)
    }
}

/// Who a message's author is, as shown.
fn author_name(ticket: &Ticket, author: Author) -> String {
    match author {
        Author::Customer => ticket.customer.name.clone(),
        Author::Assistant => "CloudMart assistant".to_owned(),
        Author::System => "CloudMart".to_owned(),
        Author::Agent => "Support".to_owned(),
    }
}

fn target(ticket: &Ticket) -> Target {
    Target {
        kind: TargetKind::Ticket,
        id: ticket.id.as_str().to_owned(),
        label: ticket.number.to_string(),
    }
}

/// "Re: <subject>", within the subject's length.
fn follow_up_subject(subject: &Subject) -> Subject {
    let text: String = format!("Re: {}", subject.as_str())
        .chars()
        .take(Subject::MAX_CHARS)
        .collect();
    Subject::parse(&text).unwrap_or_else(|_| subject.clone())
}
