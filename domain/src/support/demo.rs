//! The demo desk: a dozen believable tickets of the demo customer, in every status, some
//! angry and some happy, so the queue is not empty on first start.

use super::service::SupportService;
use super::sla::SlaClock;
use super::ticket::{Ticket, TicketCustomer, TicketId};
use super::{
    table, Author, Channel, MessageBody, Priority, Rating, Subject, SupportError, Tag,
    TicketStatus, Visibility,
};
use crate::audit::ActedBy;
use crate::identity::{Admin, Customer, Staff};
use crate::store::Transaction;
use crate::time::Timestamp;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// One demo ticket: opened `hours_ago`, its turns (who, what, minutes after opening), the
/// status it ends in, and the customer's rating if any.
struct DemoTicket {
    subject: &'static str,
    priority: Priority,
    tags: &'static str,
    hours_ago: i64,
    turns: &'static [(Author, &'static str, i64)],
    status: TicketStatus,
    assigned: bool,
    rating: Option<(u8, &'static str)>,
}

use Author::{Agent as A, Customer as C};

const TICKETS: &[DemoTicket] = &[
    DemoTicket {
        subject: "Blender arrived broken",
        priority: Priority::High,
        tags: "damaged-item",
        hours_ago: 3,
        turns: &[(C, "The blender arrived with a CRACKED jug. This is the second time!! I am really angry and want a replacement today.", 0)],
        status: TicketStatus::New,
        assigned: false,
        rating: None,
    },
    DemoTicket {
        subject: "Where is my parcel?",
        priority: Priority::Normal,
        tags: "shipping",
        hours_ago: 30,
        turns: &[(C, "My order was meant to arrive on Monday and the tracking has not moved for four days. Nobody answers the phone. Terrible.", 0)],
        status: TicketStatus::New,
        assigned: false,
        rating: None,
    },
    DemoTicket {
        subject: "Gift wrapping",
        priority: Priority::Low,
        tags: "question",
        hours_ago: 5,
        turns: &[(C, "Hi! Do you offer gift wrapping for the headphones? It is for my brother's birthday.", 0)],
        status: TicketStatus::New,
        assigned: false,
        rating: None,
    },
    DemoTicket {
        subject: "Charged twice",
        priority: Priority::Urgent,
        tags: "billing",
        hours_ago: 20,
        turns: &[
            (C, "I was charged twice for the same order. Please refund the second payment.", 0),
            (A, "I am sorry about that. I have asked our payments team to check both charges.", 45),
            (C, "It has been a whole day and I still see both charges. This is unacceptable.", 900),
        ],
        status: TicketStatus::Open,
        assigned: true,
        rating: None,
    },
    DemoTicket {
        subject: "Running shoes size",
        priority: Priority::Normal,
        tags: "question, sizing",
        hours_ago: 10,
        turns: &[
            (C, "Do the trail running shoes run small? I am usually a 42.", 0),
            (A, "They fit true to size, but the toe box is narrow. Many customers go half a size up.", 60),
            (C, "Thanks, that helps. Can I still swap if they do not fit?", 120),
        ],
        status: TicketStatus::Open,
        assigned: true,
        rating: None,
    },
    DemoTicket {
        subject: "Lamp flickers",
        priority: Priority::Normal,
        tags: "faulty",
        hours_ago: 50,
        turns: &[
            (C, "The desk lamp flickers when it is on the lowest setting.", 0),
            (A, "Thanks for letting us know. Does it happen with another bulb too?", 240),
        ],
        status: TicketStatus::Open,
        assigned: false,
        rating: None,
    },
    DemoTicket {
        subject: "Change delivery address",
        priority: Priority::High,
        tags: "shipping",
        hours_ago: 26,
        turns: &[
            (C, "Can I still change the delivery address of my order? I am moving this week.", 0),
            (A, "Yes, as long as it has not shipped. Please send us the new address.", 30),
        ],
        status: TicketStatus::Pending,
        assigned: true,
        rating: None,
    },
    DemoTicket {
        subject: "Missing charger",
        priority: Priority::Normal,
        tags: "missing-item",
        hours_ago: 70,
        turns: &[
            (C, "The tablet box had no charger in it.", 0),
            (A, "Sorry about that! Could you send a photo of the box contents so we can ship one?", 90),
        ],
        status: TicketStatus::Pending,
        assigned: true,
        rating: None,
    },
    DemoTicket {
        subject: "Return label",
        priority: Priority::Low,
        tags: "returns",
        hours_ago: 120,
        turns: &[
            (C, "How do I get a return label for the jacket?", 0),
            (A, "I have emailed you a prepaid label. Drop the parcel at any post office.", 180),
            (C, "Got it, thank you so much! Super quick help.", 240),
        ],
        status: TicketStatus::Solved,
        assigned: true,
        rating: Some((5, "Fast and friendly.")),
    },
    DemoTicket {
        subject: "Coffee grinder noise",
        priority: Priority::Normal,
        tags: "faulty",
        hours_ago: 150,
        turns: &[
            (C, "The grinder makes a loud rattling noise. Not happy.", 0),
            (A, "That sounds like a loose burr. We are sending a replacement today.", 120),
            (C, "The new one works fine.", 2_000),
        ],
        status: TicketStatus::Solved,
        assigned: true,
        rating: None,
    },
    DemoTicket {
        subject: "Late delivery, again",
        priority: Priority::High,
        tags: "shipping",
        hours_ago: 300,
        turns: &[
            (C, "Third late delivery in a row. Awful service and nobody cares.", 0),
            (A, "I understand how frustrating this is. I have upgraded your shipping for free and refunded the delivery fee.", 60),
            (C, "OK, it finally arrived. Thanks for the refund.", 3_000),
        ],
        status: TicketStatus::Closed,
        assigned: true,
        rating: Some((3, "Fixed in the end, but it took too long.")),
    },
    DemoTicket {
        subject: "Love the tent",
        priority: Priority::Low,
        tags: "praise",
        hours_ago: 200,
        turns: &[
            (C, "Just wanted to say the tent was perfect for our trip. Great quality!", 0),
            (A, "Thank you for the kind words! Enjoy your next adventure.", 300),
        ],
        status: TicketStatus::Closed,
        assigned: true,
        rating: Some((5, "")),
    },
];

/// The demo's canned replies: `(title, text)`.
const CANNED: &[(&str, &str)] = &[
    (
        "Sorry about the damage",
        "Hi {first_name}, I am so sorry {order_number} arrived damaged. A replacement is on its way today, free of charge, and you can keep or recycle the damaged one. — {agent_email}",
    ),
    (
        "Where is my parcel",
        "Hi {first_name}, thanks for your patience. I have asked the courier about {order_number} and will write again within a day with news.",
    ),
    (
        "Glad we could help",
        "Thank you, {first_name}! I am marking {ticket_number} as solved; just reply if anything else comes up.",
    ),
];

impl SupportService {
    /// Writes the demo tickets of `customer`, worked by `agent`, unless the customer has
    /// tickets already. Returns how many it wrote.
    /// The demo's canned replies are written too, by `admin`, unless there are some.
    pub async fn seed_demo(
        &self,
        customer: &Customer,
        agent: &Staff,
        admin: Option<&Admin>,
    ) -> Result<usize, SupportError> {
        let (existing, _) = self.customer_tickets(customer, None, 1).await?;
        if !existing.is_empty() {
            return Ok(0);
        }
        let now = Timestamp::now();
        if self.canned_replies(agent).await?.is_empty() {
            if let Some(admin) = admin {
                for (title, body) in CANNED {
                    self.save_canned(admin, None, title, body).await?;
                }
            }
        }
        for demo in TICKETS {
            self.write_demo(customer, agent, demo, now).await?;
        }
        Ok(TICKETS.len())
    }

    async fn write_demo(
        &self,
        customer: &Customer,
        agent: &Staff,
        demo: &DemoTicket,
        now: Timestamp,
    ) -> Result<(), SupportError> {
        let store = self.store();
        let opened = Timestamp(now.millis() - demo.hours_ago * HOUR_MS);
        let account = customer.account();
        let mut ticket = Ticket {
            id: TicketId::generate(),
            number: table::next_number(store).await?,
            customer: TicketCustomer {
                id: account.id.clone(),
                email: account.email.clone(),
                name: account.name.as_str().to_owned(),
            },
            subject: Subject::parse(demo.subject)?,
            order: None,
            channel: Channel::Form,
            status: TicketStatus::New,
            priority: demo.priority,
            assignee: demo.assigned.then(|| ActedBy::from(agent)),
            tags: Tag::parse_list(demo.tags)?,
            created_at: opened,
            updated_at: opened,
            clock: SlaClock::start(opened),
            first_response_ms: None,
            resolution_ms: None,
            recent_scores: Vec::new(),
            recent_spend_cents: 0,
            messages: 0,
            unscored: 0,
            rating: None,
            follows: None,
            version: 1,
        };
        let mut tx = Transaction::<()>::new();
        for &(author, text, minutes) in demo.turns {
            let at = Timestamp(opened.millis() + minutes * 60_000);
            if author == Author::Agent && ticket.first_response_ms.is_none() {
                ticket.first_response_ms = Some(ticket.clock.elapsed_ms(at));
                ticket.move_to(TicketStatus::Open, at);
            }
            let name = match author {
                Author::Agent => agent.email().as_str().to_owned(),
                _ => ticket.customer.name.clone(),
            };
            let body = MessageBody::parse(text)?;
            let message = self.append(&mut ticket, author, &name, Visibility::Public, body, at);
            tx.push((), table::put_message(store, &message)?);
            ticket.updated_at = at;
        }
        let last = ticket.updated_at;
        match demo.status {
            TicketStatus::Closed => {
                ticket.move_to(TicketStatus::Solved, last);
                ticket.move_to(TicketStatus::Closed, last);
            }
            status if status != ticket.status => ticket.move_to(status, last),
            _ => {}
        }
        ticket.rating = demo
            .rating
            .map(|(score, comment)| Rating::parse(&score.to_string(), comment))
            .transpose()?;
        // Counted on the day of its last turn, as if it had been worked then.
        for (_, item) in self.ticket_writes(None, &ticket, last)? {
            tx.push((), item);
        }
        tx.push((), table::claim_number(store, ticket.number, &ticket.id)?);
        self.store()
            .commit(&tx)
            .await
            .map_err(|e| SupportError::Store(e.into()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_desk_has_every_status_and_both_moods() {
        for status in TicketStatus::ALL {
            assert!(TICKETS.iter().any(|t| t.status == status), "{status:?}");
        }
        let mood = |t: &DemoTicket| {
            let customer: Vec<i16> = t
                .turns
                .iter()
                .filter(|(a, _, _)| *a == Author::Customer)
                .map(|(_, text, _)| super::super::sentiment::offline::analyze(text).compound)
                .collect();
            super::super::sentiment::Mood::of(&customer)
                .unwrap()
                .compound
        };
        assert!(
            TICKETS.iter().filter(|t| mood(t) < -300).count() >= 3,
            "some angry"
        );
        assert!(
            TICKETS.iter().filter(|t| mood(t) > 300).count() >= 3,
            "some happy"
        );
        assert!(TICKETS.len() >= 12);
        for (title, body) in CANNED {
            assert!(super::super::canned::parse(title, body).is_ok(), "{title}");
        }
        for t in TICKETS {
            assert!(Subject::parse(t.subject).is_ok());
            assert!(Tag::parse_list(t.tags).is_ok());
            assert!(t
                .turns
                .iter()
                .all(|(_, text, _)| MessageBody::parse(text).is_ok()));
        }
    }
}
