//! The customer's side: opening tickets (the form, the API, the assistant's hand-off),
//! replying, marking solved, rating, and reading their own tickets.

use super::{author_name, follow_up_subject, Decision, Part, SupportService, MAX_TRANSCRIPT};
use crate::identity::Customer;
use crate::support::table::{self, TicketCursor, TicketList};
use crate::support::ticket::{Conversation, HandOff, NewTicket, Ticket, TicketId};
use crate::support::{
    Author, Channel, MessageBody, Rating, SupportError, TicketMover, TicketStatus, Visibility,
};
use crate::time::Timestamp;
use crate::FieldError;

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

impl SupportService {
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
}
