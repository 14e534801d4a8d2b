//! The desk's side: reading tickets and the queue, and what agents do to a ticket (reply,
//! note, take, assign, classify, move). Every action is audited in the ticket's transaction.

use super::{target, Decision, Part, SupportService};
use crate::audit::{ActedBy, AuditEntry, Change};
use crate::identity::{Staff, UserId};
use crate::orders::OrderId;
use crate::support::counters;
use crate::support::queue::{AssigneeFilter, QueueFilter};
use crate::support::stats::DeskOverview;
use crate::support::table::{self, TicketCursor, TicketList};
use crate::support::ticket::{Conversation, Ticket, TicketId};
use crate::support::{
    Author, MessageBody, Priority, SupportError, Tag, TicketMover, TicketNumber, TicketStatus,
    Visibility,
};
use crate::time::Timestamp;
use crate::FieldError;

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

impl SupportService {
    /// The desk overview: open work, overdue, first responses, satisfaction and sentiment
    /// (see [`crate::support::stats`]), from counters and the due index.
    #[tracing::instrument(name = "support.overview", skip_all)]
    pub async fn overview(&self, _staff: &Staff) -> Result<DeskOverview, SupportError> {
        let now = Timestamp::now();
        let ((gauge, days), overdue) = tokio::try_join!(
            counters::read(&self.store, now),
            counters::overdue(&self.store, now)
        )?;
        Ok(DeskOverview::from_counters(&gauge, &days, overdue))
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
    /// rank, see [`crate::support::rank`]), read through an index.
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
                        let text =
                            crate::support::canned::render(&c.body, t, staff.email().as_str());
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
}
