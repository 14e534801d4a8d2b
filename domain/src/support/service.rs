//! The support service: the only code that opens, answers and moves tickets.
//!
//! Every change to a ticket is one transaction: the ticket, written only if it is still at
//! the version read (so a status move is conditional on the status read, and of two agents
//! taking a ticket one wins), together with what belongs to the change (the new message,
//! the audit entry). A change that lost a race reads the ticket again and is decided anew.

use std::time::Duration;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::canned::CannedReply;
use super::queue::{AssigneeFilter, QueueFilter};
use super::sentiment::provider::{Analyzer, SentimentAnalyzer};
use super::sentiment::Sentiment;
use super::sla::{SlaClock, SlaPolicy};
use super::table::{self, TicketCursor, TicketList};
use super::ticket::{
    Conversation, HandOff, Message, NewTicket, OrderRef, Ticket, TicketCustomer, TicketId,
};
use super::{
    Author, Channel, MessageBody, Priority, Rating, Subject, SupportError, Tag, TicketMover,
    TicketNumber, TicketStatus, Visibility,
};
use crate::audit::{ActedBy, AuditEntry, AuditLog, Change, Target, TargetKind};
use crate::identity::{Admin, Customer, IdentityService, Staff, UserId};
use crate::orders::{OrderId, OrderService, OrderStatus};
use crate::store::{Store, TransactError, Transaction};
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
enum Part {
    Ticket,
    Message,
    Number,
    Audit,
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

/// What a customer's reply came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replied {
    /// Added to the ticket (reopening it if it waited on them or was solved).
    Added(Box<Ticket>),
    /// The ticket was closed: the reply opened this new ticket, which follows it.
    FollowUp(Box<Ticket>),
}

impl Replied {
    pub fn ticket(&self) -> &Ticket {
        match self {
            Replied::Added(t) | Replied::FollowUp(t) => t,
        }
    }
}

/// What an agent sends: their own words, or a canned reply (by id) filled in for the ticket.
#[derive(Debug, Clone)]
pub enum ReplyBody {
    Written(MessageBody),
    Canned(String),
}

impl ReplyBody {
    /// The reply form's text and canned choice: what the agent wrote, if anything, else the
    /// canned reply they chose; neither is a refusal of the message.
    pub fn parse(message: &str, canned: Option<&str>) -> Result<Self, FieldError> {
        match canned.map(str::trim).filter(|c| !c.is_empty()) {
            Some(choice) if message.trim().is_empty() => Ok(ReplyBody::Canned(choice.to_owned())),
            _ => MessageBody::parse(message).map(ReplyBody::Written),
        }
    }
}

/// An agent's reply: what they wrote, whether the customer sees it, and the status it leaves
/// the ticket in (`None`: open if it was new, else as it is).
#[derive(Debug, Clone)]
pub struct AgentReply {
    pub body: ReplyBody,
    pub visibility: Visibility,
    pub then: Option<TicketStatus>,
}

#[derive(Clone)]
pub struct SupportService {
    store: Store,
    orders: OrderService,
    identity: IdentityService,
    audit: AuditLog,
    analyzer: Analyzer,
    policy: SlaPolicy,
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
        }
    }

    /// The same service scoring with `analyzer` and working to `policy`.
    pub fn configured(self, analyzer: Analyzer, policy: SlaPolicy) -> Self {
        Self {
            analyzer,
            policy,
            ..self
        }
    }

    pub fn policy(&self) -> &SlaPolicy {
        &self.policy
    }

    pub fn analyzer_name(&self) -> &'static str {
        self.analyzer.name()
    }

    /// Opens a ticket from the "Contact us" form (or the API: `new.channel`).
    #[tracing::instrument(name = "support.open", skip_all)]
    pub async fn open(&self, customer: &Customer, new: NewTicket) -> Result<Ticket, SupportError> {
        let turns = vec![(Author::Customer, new.body)];
        self.create(customer, new.subject, new.order, new.channel, turns, None)
            .await
    }

    /// Opens a ticket from a conversation the assistant hands over: its transcript becomes
    /// the ticket's first messages, and the order the chat was about (the customer's own)
    /// is the ticket's.
    #[tracing::instrument(name = "support.open_from_chat", skip_all)]
    pub async fn open_from_chat(
        &self,
        customer: &Customer,
        handoff: HandOff,
    ) -> Result<Ticket, SupportError> {
        if handoff.transcript.is_empty() || handoff.transcript.len() > MAX_TRANSCRIPT {
            return Err(FieldError::new(
                "transcript",
                format!("must hold 1 to {MAX_TRANSCRIPT} turns"),
            )
            .into());
        }
        if handoff
            .transcript
            .iter()
            .any(|(a, _)| !matches!(a, Author::Customer | Author::Assistant))
        {
            return Err(FieldError::new(
                "transcript",
                "holds only the customer's and the assistant's turns",
            )
            .into());
        }
        self.create(
            customer,
            handoff.subject,
            handoff.order,
            Channel::Chat,
            handoff.transcript,
            None,
        )
        .await
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
        let rank = ticket.rank_key(&self.policy, now);
        tx.push(
            Part::Ticket,
            table::put_ticket(&self.store, &ticket, rank.as_str(), None)?,
        );
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

    /// A local analyzer scores in the write itself; a remote one is asked afterwards, so it
    /// never holds the message up.
    fn score_at_once(&self, message: &Message) -> Option<Sentiment> {
        match &self.analyzer {
            Analyzer::Offline(_) => Some(super::sentiment::offline::analyze(message.body.as_str())),
            Analyzer::Azure(_) => None,
        }
    }

    /// Asks a remote analyzer for the ticket's unscored messages in the background; what it
    /// cannot score now, the scoring worker asks again.
    fn score_later(&self, ticket: &Ticket) {
        if ticket.unscored == 0 {
            return;
        }
        let service = self.clone();
        let id = ticket.id.clone();
        tokio::spawn(async move {
            if let Err(error) = service.score_ticket(&id).await {
                tracing::warn!(%error, ticket = id.as_str(), "sentiment not scored yet; the worker will retry");
            }
        });
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
            let rank = ticket.rank_key(&self.policy, now);
            let mut tx = Transaction::new();
            tx.push(
                Part::Ticket,
                table::put_ticket(&self.store, &ticket, rank.as_str(), Some(before.version))?,
            );
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

    /// The customer's own ticket; another customer's is not found.
    async fn own_ticket(&self, customer: &Customer, id: &TicketId) -> Result<Ticket, SupportError> {
        table::get_ticket(&self.store, id)
            .await?
            .filter(|t| &t.customer.id == customer.id())
            .ok_or(SupportError::NotFound)
    }

    /// The customer writes again. A ticket waiting on them or solved opens again; a closed
    /// one stays closed and the reply starts a new ticket that follows it.
    #[tracing::instrument(name = "support.customer_reply", skip_all)]
    pub async fn customer_reply(
        &self,
        customer: &Customer,
        id: &TicketId,
        body: MessageBody,
    ) -> Result<Replied, SupportError> {
        let current = self.own_ticket(customer, id).await?;
        if current.status == TicketStatus::Closed {
            let subject = follow_up_subject(&current.subject);
            let order = current.order.as_ref().map(|o| o.id.clone());
            let turns = vec![(Author::Customer, body)];
            let ticket = self
                .create(
                    customer,
                    subject,
                    order,
                    current.channel,
                    turns,
                    Some(current.number),
                )
                .await?;
            return Ok(Replied::FollowUp(Box::new(ticket)));
        }
        let spend = self.recent_spend(customer.id(), Timestamp::now()).await?;
        let (ticket, ()) = self
            .change(id, |t, now| {
                let next = t
                    .status
                    .after_customer_reply()
                    .ok_or(SupportError::Closed)?;
                if next != t.status {
                    t.move_to(next, now);
                }
                t.recent_spend_cents = spend;
                let name = author_name(t, Author::Customer);
                let message = self.append(
                    t,
                    Author::Customer,
                    &name,
                    Visibility::Public,
                    body.clone(),
                    now,
                );
                Ok(Decision {
                    items: vec![(Part::Message, table::put_message(&self.store, &message)?)],
                    out: (),
                })
            })
            .await?;
        self.score_later(&ticket);
        Ok(Replied::Added(Box::new(ticket)))
    }

    /// The customer says their problem is solved.
    #[tracing::instrument(name = "support.customer_solve", skip_all)]
    pub async fn customer_solve(
        &self,
        customer: &Customer,
        id: &TicketId,
    ) -> Result<Ticket, SupportError> {
        self.own_ticket(customer, id).await?;
        let (ticket, ()) = self
            .change(id, |t, now| {
                if t.status == TicketStatus::Solved {
                    return Ok(Decision::just(()));
                }
                if !t.status.allows(TicketStatus::Solved, TicketMover::Customer) {
                    return Err(SupportError::InvalidTransition {
                        from: t.status,
                        to: TicketStatus::Solved,
                    });
                }
                t.move_to(TicketStatus::Solved, now);
                Ok(Decision::just(()))
            })
            .await?;
        Ok(ticket)
    }

    /// The customer rates the help of a solved ticket, once.
    #[tracing::instrument(name = "support.rate", skip_all)]
    pub async fn rate(
        &self,
        customer: &Customer,
        id: &TicketId,
        rating: Rating,
    ) -> Result<Ticket, SupportError> {
        self.own_ticket(customer, id).await?;
        let (ticket, ()) = self
            .change(id, |t, _| {
                if !t.status.can_be_rated() {
                    return Err(SupportError::NotRatable);
                }
                if t.rating.is_some() {
                    return Err(SupportError::AlreadyRated);
                }
                t.rating = Some(rating.clone());
                Ok(Decision::just(()))
            })
            .await?;
        Ok(ticket)
    }

    /// One of the customer's tickets with its conversation, internal notes left out.
    pub async fn conversation_for_customer(
        &self,
        customer: &Customer,
        id: &TicketId,
    ) -> Result<Conversation, SupportError> {
        let ticket = self.own_ticket(customer, id).await?;
        let messages = table::messages(&self.store, id)
            .await?
            .into_iter()
            .filter(|m| m.visibility == Visibility::Public)
            .collect();
        Ok(Conversation { ticket, messages })
    }

    /// The customer's tickets, newest first.
    pub async fn customer_tickets(
        &self,
        customer: &Customer,
        after: Option<&TicketCursor>,
        limit: usize,
    ) -> Result<(Vec<Ticket>, Option<TicketCursor>), SupportError> {
        Ok(table::page(
            &self.store,
            TicketList::Customer(customer.id().as_str()),
            None,
            after,
            limit,
        )
        .await?)
    }

    /// A ticket with its whole conversation, internal notes included, for the desk.
    pub async fn conversation_for_desk(
        &self,
        _staff: &Staff,
        id: &TicketId,
    ) -> Result<Conversation, SupportError> {
        let ticket = table::get_ticket(&self.store, id)
            .await?
            .ok_or(SupportError::NotFound)?;
        let messages = table::messages(&self.store, id).await?;
        Ok(Conversation { ticket, messages })
    }

    /// The desk's search: a ticket number (`#1042`) finds that ticket, a customer's email
    /// their newest tickets.
    #[tracing::instrument(name = "support.search", skip_all)]
    pub async fn search(&self, _staff: &Staff, text: &str) -> Result<Vec<Ticket>, SupportError> {
        let text = text.trim();
        if let Ok(number) = TicketNumber::parse(text) {
            return Ok(table::ticket_by_number(&self.store, number)
                .await?
                .into_iter()
                .collect());
        }
        let email = crate::identity::Email::parse(text).map_err(|_| {
            FieldError::new(
                "q",
                "must be a ticket number like #1042 or a customer's email",
            )
        })?;
        let Some(user) = self.identity.find_by_email(&email).await? else {
            return Ok(Vec::new());
        };
        let list = TicketList::Customer(user.account.id.as_str());
        let (tickets, _) = table::page(&self.store, list, None, None, 50).await?;
        Ok(tickets)
    }

    /// The tickets about an order, newest first (the admin's order page).
    pub async fn tickets_about(
        &self,
        _staff: &Staff,
        order: &OrderId,
    ) -> Result<Vec<Ticket>, SupportError> {
        let (tickets, _) = table::page(
            &self.store,
            TicketList::Order(order.as_str()),
            None,
            None,
            50,
        )
        .await?;
        Ok(tickets)
    }

    /// The customer's most recent orders, for the ticket view.
    pub async fn recent_orders_of(
        &self,
        _staff: &Staff,
        ticket: &Ticket,
    ) -> Result<Vec<crate::orders::Order>, SupportError> {
        let (orders, _) = self
            .orders
            .page_for_customer(&ticket.customer.id, None, 5)
            .await?;
        Ok(orders)
    }

    /// One page of the queue: the tickets matching `filter`, most urgent first (by the stored
    /// rank, see [`super::rank`]), read through an index.
    #[tracing::instrument(name = "support.queue", skip_all)]
    pub async fn queue(
        &self,
        staff: &Staff,
        filter: &QueueFilter,
        after: Option<&TicketCursor>,
        limit: usize,
    ) -> Result<(Vec<Ticket>, Option<TicketCursor>), SupportError> {
        let state = filter.status.map_or(table::ACTIVE, table::desk_state);
        let mut conditions = Vec::new();
        let mut values: Vec<(&str, String)> = Vec::new();
        let list = match filter.assignee {
            AssigneeFilter::Me => {
                conditions.push("desk_state = :state");
                values.push((":state", state.to_owned()));
                TicketList::Assignee(staff.id().as_str())
            }
            AssigneeFilter::Unassigned => {
                conditions.push("attribute_not_exists(assignee_id)");
                TicketList::State(state)
            }
            AssigneeFilter::Anyone => TicketList::State(state),
        };
        if let Some(status) = filter.status {
            conditions.push("ticket_status = :status");
            values.push((":status", status.as_str().to_owned()));
        }
        if let Some(priority) = filter.priority {
            conditions.push("ticket_priority = :priority");
            values.push((":priority", priority.as_str().to_owned()));
        }
        if let Some(tag) = &filter.tag {
            conditions.push("contains(ticket_tags, :tag)");
            values.push((":tag", tag.as_str().to_owned()));
        }
        if let Some(mood) = filter.mood {
            conditions.push("customer_mood = :mood");
            values.push((":mood", mood.as_str().to_owned()));
        }
        let filter = (!conditions.is_empty()).then(|| (conditions.join(" AND "), values));
        Ok(table::page(&self.store, list, filter, after, limit).await?)
    }

    /// An agent's reply or internal note. A public reply is the desk's first response if
    /// there was none yet, and leaves the ticket in `then` (see [`AgentReply`]).
    #[tracing::instrument(name = "support.agent_reply", skip_all)]
    pub async fn agent_reply(
        &self,
        staff: &Staff,
        id: &TicketId,
        reply: AgentReply,
    ) -> Result<Ticket, SupportError> {
        let canned =
            match &reply.body {
                ReplyBody::Written(_) => None,
                ReplyBody::Canned(choice) => {
                    let (replies, _) = table::canned(&self.store).await?;
                    let found = replies.into_iter().find(|r| &r.id == choice);
                    Some(found.ok_or_else(|| {
                        FieldError::new("canned", "is not one of the canned replies")
                    })?)
                }
            };
        let (ticket, ()) = self
            .change(id, |t, now| {
                let from = t.status;
                if from == TicketStatus::Closed {
                    return Err(SupportError::Closed);
                }
                let mut changes = Vec::new();
                if reply.visibility == Visibility::Public {
                    let to = reply.then.or(from.after_agent_reply()).unwrap_or(from);
                    if to != from {
                        if !from.allows(to, TicketMover::Agent) {
                            return Err(SupportError::InvalidTransition { from, to });
                        }
                        t.move_to(to, now);
                        changes.push(Change::new("status", from.as_str(), to.as_str()));
                    }
                    if t.first_response_ms.is_none() {
                        t.first_response_ms = Some(t.clock.elapsed_ms(now));
                    }
                }
                let body = match (&reply.body, &canned) {
                    (ReplyBody::Written(body), _) => body.clone(),
                    (ReplyBody::Canned(_), Some(c)) => {
                        let text = super::canned::render(&c.body, t, staff.email().as_str());
                        MessageBody::parse(&text)
                            .map_err(|e| FieldError::new("canned", e.message))?
                    }
                    (ReplyBody::Canned(_), None) => return Err(SupportError::NotFound),
                };
                let message = self.append(
                    t,
                    Author::Agent,
                    staff.email().as_str(),
                    reply.visibility,
                    body,
                    now,
                );
                let action = match reply.visibility {
                    Visibility::Public => "ticket.replied",
                    Visibility::Internal => "ticket.noted",
                };
                let entry = AuditEntry::new(staff, action, target(t), changes);
                Ok(Decision {
                    items: vec![
                        (Part::Message, table::put_message(&self.store, &message)?),
                        (Part::Audit, self.audit.put(&entry)?),
                    ],
                    out: (),
                })
            })
            .await?;
        Ok(ticket)
    }

    /// The canned replies, in the order admins keep them.
    pub async fn canned_replies(&self, _staff: &Staff) -> Result<Vec<CannedReply>, SupportError> {
        Ok(table::canned(&self.store).await?.0)
    }

    /// Adds a canned reply (`id` `None`) or replaces the one with `id`, keeping its place.
    #[tracing::instrument(name = "support.save_canned", skip_all)]
    pub async fn save_canned(
        &self,
        _admin: &Admin,
        id: Option<&str>,
        title: &str,
        body: &str,
    ) -> Result<CannedReply, SupportError> {
        let (title, body) = super::canned::parse(title, body)?;
        self.change_canned(|replies| {
            let reply = CannedReply {
                id: id.map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned),
                title: title.clone(),
                body: body.clone(),
            };
            let full = replies.len() >= super::canned::MAX_CANNED;
            match replies.iter_mut().find(|r| r.id == reply.id) {
                Some(existing) => *existing = reply.clone(),
                None if id.is_some() => return Err(SupportError::NotFound),
                None if full => {
                    return Err(FieldError::new(
                        "title",
                        format!(
                            "there are {} canned replies already; remove one first",
                            super::canned::MAX_CANNED
                        ),
                    )
                    .into())
                }
                None => replies.push(reply.clone()),
            }
            Ok(reply)
        })
        .await
    }

    /// Removes a canned reply (removing one that is gone changes nothing).
    #[tracing::instrument(name = "support.delete_canned", skip_all)]
    pub async fn delete_canned(&self, _admin: &Admin, id: &str) -> Result<(), SupportError> {
        self.change_canned(|replies| {
            replies.retain(|r| r.id != id);
            Ok(())
        })
        .await
    }

    /// Reads the canned replies, lets `change` edit them, and writes them if no one else did
    /// meanwhile; else edits again on a fresh read.
    async fn change_canned<T>(
        &self,
        mut change: impl FnMut(&mut Vec<CannedReply>) -> Result<T, SupportError>,
    ) -> Result<T, SupportError> {
        for _ in 0..CHANGE_ATTEMPTS {
            let (mut replies, version) = table::canned(&self.store).await?;
            let out = change(&mut replies)?;
            if table::put_canned(&self.store, &replies, version).await? {
                return Ok(out);
            }
        }
        Err(SupportError::Busy)
    }

    /// The agent takes an unassigned ticket. Of two agents taking one ticket, one has it and
    /// the other is told who.
    #[tracing::instrument(name = "support.take", skip_all)]
    pub async fn take(&self, staff: &Staff, id: &TicketId) -> Result<Ticket, SupportError> {
        let (ticket, ()) = self
            .change(id, |t, _| match &t.assignee {
                Some(a) if &a.id == staff.id() => Ok(Decision::just(())),
                Some(a) => Err(SupportError::AlreadyTaken {
                    by: a.email.as_str().to_owned(),
                }),
                None => {
                    t.assignee = Some(ActedBy::from(staff));
                    let change = Change::created("assignee", staff.email().as_str());
                    let entry = AuditEntry::new(staff, "ticket.taken", target(t), vec![change]);
                    Ok(Decision {
                        items: vec![(Part::Audit, self.audit.put(&entry)?)],
                        out: (),
                    })
                }
            })
            .await?;
        Ok(ticket)
    }

    /// Assigns the ticket to a support agent or an admin (`None`: nobody).
    #[tracing::instrument(name = "support.assign", skip_all)]
    pub async fn assign(
        &self,
        staff: &Staff,
        id: &TicketId,
        to: Option<&UserId>,
    ) -> Result<Ticket, SupportError> {
        let assignee = match to {
            None => None,
            Some(user) => {
                let principal = self.identity.principal_of(user).await?;
                let agent = principal
                    .staff()
                    .ok_or_else(|| FieldError::new("assignee", "is not a support agent"))?;
                Some(ActedBy::from(&agent))
            }
        };
        let (ticket, ()) = self
            .change(id, |t, _| {
                if t.assignee == assignee {
                    return Ok(Decision::just(()));
                }
                let email = |a: &Option<ActedBy>| {
                    a.as_ref()
                        .map(|a| a.email.as_str().to_owned())
                        .unwrap_or_default()
                };
                let change = Change::new("assignee", email(&t.assignee), email(&assignee));
                t.assignee = assignee.clone();
                let entry = AuditEntry::new(staff, "ticket.assigned", target(t), vec![change]);
                Ok(Decision {
                    items: vec![(Part::Audit, self.audit.put(&entry)?)],
                    out: (),
                })
            })
            .await?;
        Ok(ticket)
    }

    /// Moves the ticket to `to`, if the status machine allows it from the status it is in
    /// when written.
    #[tracing::instrument(name = "support.set_status", skip_all, fields(to = to.as_str()))]
    pub async fn set_status(
        &self,
        staff: &Staff,
        id: &TicketId,
        to: TicketStatus,
    ) -> Result<Ticket, SupportError> {
        let (ticket, ()) = self
            .change(id, |t, now| {
                let from = t.status;
                if from == to {
                    return Ok(Decision::just(()));
                }
                if !from.allows(to, TicketMover::Agent) {
                    return Err(SupportError::InvalidTransition { from, to });
                }
                t.move_to(to, now);
                let entry = AuditEntry::new(
                    staff,
                    "ticket.status_changed",
                    target(t),
                    vec![Change::new("status", from.as_str(), to.as_str())],
                );
                Ok(Decision {
                    items: vec![(Part::Audit, self.audit.put(&entry)?)],
                    out: (),
                })
            })
            .await?;
        Ok(ticket)
    }

    /// Sets the ticket's priority and tags.
    #[tracing::instrument(name = "support.classify", skip_all)]
    pub async fn classify(
        &self,
        staff: &Staff,
        id: &TicketId,
        priority: Priority,
        tags: Vec<Tag>,
    ) -> Result<Ticket, SupportError> {
        let (ticket, ()) = self
            .change(id, |t, _| {
                let tag_text =
                    |tags: &[Tag]| tags.iter().map(Tag::as_str).collect::<Vec<_>>().join(", ");
                let changes = crate::audit::changes(&[
                    (
                        "priority",
                        t.priority.as_str().to_owned(),
                        priority.as_str().to_owned(),
                    ),
                    ("tags", tag_text(&t.tags), tag_text(&tags)),
                ]);
                if changes.is_empty() {
                    return Ok(Decision::just(()));
                }
                t.priority = priority;
                t.tags = tags.clone();
                let entry = AuditEntry::new(staff, "ticket.classified", target(t), changes);
                Ok(Decision {
                    items: vec![(Part::Audit, self.audit.put(&entry)?)],
                    out: (),
                })
            })
            .await?;
        Ok(ticket)
    }

    /// Scores the ticket's customer messages that wait for a score.
    pub async fn score_ticket(&self, id: &TicketId) -> Result<usize, SupportError> {
        let waiting: Vec<Message> = table::messages(&self.store, id)
            .await?
            .into_iter()
            .filter(|m| m.is_scored_kind() && m.sentiment.is_none())
            .collect();
        self.score(waiting).await
    }

    /// One round of the scoring worker: up to `limit` of the oldest unscored messages.
    /// Returns how many were scored; a provider that is down is an error, and the messages
    /// wait for the next round.
    #[tracing::instrument(name = "support.score_waiting", skip(self))]
    pub async fn score_waiting(&self, limit: usize) -> Result<usize, SupportError> {
        let waiting = table::unscored(&self.store, limit).await?;
        self.score(waiting).await
    }

    async fn score(&self, waiting: Vec<Message>) -> Result<usize, SupportError> {
        if waiting.is_empty() {
            return Ok(0);
        }
        let texts: Vec<String> = waiting.iter().map(|m| m.body.as_str().to_owned()).collect();
        let scores = self.analyzer.analyze(&texts).await?;
        let mut scored = 0;
        for (message, score) in waiting.into_iter().zip(scores) {
            // A text the provider refuses for good is scored offline, so it does not wait
            // for ever.
            let sentiment = score.unwrap_or_else(|refused| {
                tracing::warn!(code = %refused.code, message = %refused.message, "sentiment provider refused a message; scored offline");
                super::sentiment::offline::analyze(message.body.as_str())
            });
            if self.record(message, sentiment).await? {
                scored += 1;
            }
        }
        Ok(scored)
    }

    /// Stores a message's score and takes it into its ticket's mood and rank, in one
    /// transaction. `false` if it was scored meanwhile.
    async fn record(&self, message: Message, sentiment: Sentiment) -> Result<bool, SupportError> {
        let ticket_id = message.ticket.clone();
        let (_, recorded) = self
            .change(&ticket_id, |t, _| {
                if t.recent_scores.iter().any(|(seq, _)| *seq == message.seq) {
                    return Ok(Decision::just(false));
                }
                t.record_score(message.seq, sentiment.compound);
                t.unscored = t.unscored.saturating_sub(1);
                let scored = Message {
                    sentiment: Some(sentiment),
                    ..message.clone()
                };
                Ok(Decision {
                    items: vec![(Part::Message, table::replace_message(&self.store, &scored)?)],
                    out: true,
                })
            })
            .await?;
        Ok(recorded)
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

/// How long the scoring worker waits between rounds when nothing failed.
pub const SCORING_INTERVAL: Duration = Duration::from_secs(5);
/// Messages the scoring worker takes per round.
const SCORING_BATCH: usize = 50;

impl SupportService {
    /// The `sentiment-scoring` worker: scores customer messages a remote provider has not
    /// scored yet, backing off while it is down, until `stop`.
    pub async fn keep_scoring(self, every: Duration, mut stop: crate::worker::StopSignal) {
        let mut outage = crate::worker::Outage::new("sentiment-scoring");
        let mut delay = every;
        while stop.sleep(delay).await {
            delay = match self.score_waiting(SCORING_BATCH).await {
                Ok(n) => {
                    outage.succeeded();
                    // A full round may have left more: go on at once.
                    if n == SCORING_BATCH {
                        Duration::ZERO
                    } else {
                        every
                    }
                }
                Err(e) => outage.failed(every, &e),
            };
        }
    }
}
