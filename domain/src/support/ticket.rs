//! A ticket and its messages as the desk keeps them, and the views the pages render.

use serde::{Deserialize, Serialize};

use super::rank::{RankInputs, RankKey};
use super::sentiment::{Mood, Sentiment};
use super::sla::{SlaClock, SlaPolicy, SlaState};
use super::{
    Author, Channel, MessageBody, Priority, Rating, Subject, Tag, TicketNumber, TicketStatus,
    Visibility,
};
use crate::audit::ActedBy;
use crate::identity::{Email, UserId};
use crate::orders::OrderId;
use crate::time::Timestamp;
use crate::FieldError;

/// A time-ordered UUID (v7).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TicketId(String);

impl TicketId {
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        crate::catalog::ProductId::parse(text)
            .map(|id| Self(id.as_str().to_owned()))
            .map_err(|_| FieldError::new("ticket", "is not a ticket id"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The order a ticket is about: always one of the ticket's customer's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRef {
    pub id: OrderId,
    pub number: String,
}

/// The customer a ticket belongs to, as the desk shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCustomer {
    pub id: UserId,
    pub email: Email,
    pub name: String,
}

impl TicketCustomer {
    /// The first word of the name, for a canned reply's `{first_name}`.
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or("there")
    }
}

/// How many scored customer messages a ticket keeps for its mood: with each message
/// weighing as much as all before it, older ones no longer move it.
pub const MOOD_WINDOW: usize = 20;

/// A ticket: everything but its messages' texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub number: TicketNumber,
    pub customer: TicketCustomer,
    pub subject: Subject,
    pub order: Option<OrderRef>,
    pub channel: Channel,
    pub status: TicketStatus,
    pub priority: Priority,
    pub assignee: Option<ActedBy>,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The desk's working time on it (stopped while pending or solved).
    pub clock: SlaClock,
    /// Working time until the desk's first public reply, once there was one.
    pub first_response_ms: Option<i64>,
    /// Working time until it was last solved, while it is solved or closed.
    pub resolution_ms: Option<i64>,
    /// The compounds of the last [`MOOD_WINDOW`] scored customer messages, by message
    /// number.
    pub recent_scores: Vec<(u32, i16)>,
    /// What the customer spent in the 90 days before they last wrote, in cents.
    pub recent_spend_cents: i64,
    /// Messages so far (each is numbered 1, 2, …).
    pub messages: u32,
    /// Customer messages not scored yet.
    pub unscored: u32,
    pub rating: Option<Rating>,
    /// The closed ticket this one follows up.
    pub follows: Option<TicketNumber>,
    /// Bumped by every write: each write is conditional on the version it read.
    pub version: u64,
}

impl Ticket {
    /// The customer's mood over their scored messages.
    pub fn mood(&self) -> Option<Mood> {
        let compounds: Vec<i16> = self.recent_scores.iter().map(|(_, c)| *c).collect();
        Mood::of(&compounds)
    }

    /// Takes a message's score into the mood, in message order.
    pub fn record_score(&mut self, seq: u32, compound: i16) {
        if self.recent_scores.iter().any(|(s, _)| *s == seq) {
            return;
        }
        let at = self.recent_scores.partition_point(|(s, _)| *s < seq);
        self.recent_scores.insert(at, (seq, compound));
        if self.recent_scores.len() > MOOD_WINDOW {
            self.recent_scores.remove(0);
        }
    }

    /// Whether the desk works to the first response now (until there is one), else to the
    /// resolution.
    fn awaits_first_response(&self) -> bool {
        self.first_response_ms.is_none()
    }

    /// When the SLA target the desk works to now falls due.
    pub fn due(&self, policy: &SlaPolicy, now: Timestamp) -> Timestamp {
        let target = policy.target(self.priority);
        let ms = if self.awaits_first_response() {
            target.first_response_ms
        } else {
            target.resolution_ms
        };
        self.clock.due(ms, now)
    }

    /// Where the SLA target the desk works to now stands (the queue's SLA column).
    pub fn current_sla_state(&self, policy: &SlaPolicy, now: Timestamp) -> SlaState {
        if self.awaits_first_response() {
            self.first_response_state(policy, now)
        } else {
            self.resolution_state(policy, now)
        }
    }

    pub fn first_response_state(&self, policy: &SlaPolicy, now: Timestamp) -> SlaState {
        let target = policy.target(self.priority).first_response_ms;
        SlaState::of(&self.clock, target, self.first_response_ms, now)
    }

    pub fn resolution_state(&self, policy: &SlaPolicy, now: Timestamp) -> SlaState {
        let target = policy.target(self.priority).resolution_ms;
        SlaState::of(&self.clock, target, self.resolution_ms, now)
    }

    pub fn rank_inputs(&self, policy: &SlaPolicy, now: Timestamp) -> RankInputs {
        RankInputs {
            priority: self.priority,
            due: self.due(policy, now),
            mood: self.mood(),
            recent_spend_cents: self.recent_spend_cents,
        }
    }

    /// Its place in the queue, as stored.
    pub fn rank_key(&self, policy: &SlaPolicy, now: Timestamp) -> RankKey {
        RankKey::of(&self.rank_inputs(policy, now), self.created_at)
    }

    /// Moves it to `to`, keeping the SLA clock: it runs while the desk owes an answer and
    /// stops while the ticket waits on the customer or is solved. The caller has checked the
    /// move is allowed.
    pub fn move_to(&mut self, to: TicketStatus, now: Timestamp) {
        if to.is_active() {
            self.clock.resume(now);
            self.resolution_ms = None;
        } else {
            if to == TicketStatus::Solved && self.resolution_ms.is_none() {
                self.resolution_ms = Some(self.clock.elapsed_ms(now));
            }
            self.clock.pause(now);
        }
        self.status = to;
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub ticket: TicketId,
    /// 1 for the first message, then 2, 3, …
    pub seq: u32,
    pub author: Author,
    /// The author's name as shown: the customer's name, the agent's email, "Assistant".
    pub author_name: String,
    pub visibility: Visibility,
    pub body: MessageBody,
    pub at: Timestamp,
    /// A customer message's score; `None` until it is scored (and for other messages).
    pub sentiment: Option<Sentiment>,
}

impl Message {
    /// Whether its sentiment is measured: only the customer's own words are.
    pub fn is_scored_kind(&self) -> bool {
        self.author == Author::Customer
    }
}

/// A ticket and its conversation as one reader may see it: a customer never receives
/// internal notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
}

/// How a customer opens a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub subject: Subject,
    pub body: MessageBody,
    pub order: Option<OrderId>,
    pub channel: Channel,
}

impl NewTicket {
    /// The "Contact us" form's fields, each parsed; every bad field is reported.
    pub fn parse(subject: &str, body: &str, order: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let subject = Subject::parse(subject);
        let body = MessageBody::parse(body);
        let order = match order.map(str::trim).filter(|o| !o.is_empty()) {
            None => Ok(None),
            Some(o) => OrderId::parse(o)
                .map(Some)
                .map_err(|_| FieldError::new("order", "is not one of your orders")),
        };
        match (subject, body, order) {
            (Ok(subject), Ok(body), Ok(order)) => Ok(Self {
                subject,
                body,
                order,
                channel: Channel::Form,
            }),
            (s, b, o) => Err([s.err(), b.err(), o.err()].into_iter().flatten().collect()),
        }
    }
}

/// A conversation the assistant hands over to the desk: the next issue's chat calls
/// [`crate::support::SupportService::open_from_chat`] with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOff {
    pub subject: Subject,
    /// The chat so far, oldest first: the customer's and the assistant's turns.
    pub transcript: Vec<(Author, MessageBody)>,
    /// The customer's own order the chat was about, if any.
    pub order: Option<OrderId>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_contact_form_reports_every_bad_field() {
        let errors = NewTicket::parse(" ", "", Some("not-an-order")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["subject", "message", "order"]);
        let ok = NewTicket::parse("Late parcel", "Where is it?", Some("  ")).unwrap();
        assert_eq!(ok.order, None);
        assert_eq!(ok.channel, Channel::Form);
    }

    #[test]
    fn a_first_name_is_the_first_word_of_the_name() {
        let c = |name: &str| TicketCustomer {
            id: UserId::parse("0192f5a4-7a2b-7c3d-8e4f-5a6b7c8d9e0f").unwrap(),
            email: Email::parse("ada@example.com").unwrap(),
            name: name.to_owned(),
        };
        assert_eq!(c("Ada Lovelace").first_name(), "Ada");
        assert_eq!(c("  ").first_name(), "there");
    }

    pub(crate) fn sample(at: Timestamp) -> Ticket {
        Ticket {
            id: TicketId::parse("0192f5a4-7a2b-7c3d-8e4f-5a6b7c8d9e01").unwrap(),
            number: TicketNumber::new(1001),
            customer: TicketCustomer {
                id: UserId::parse("0192f5a4-7a2b-7c3d-8e4f-5a6b7c8d9e0f").unwrap(),
                email: Email::parse("ada@example.com").unwrap(),
                name: "Ada".into(),
            },
            subject: Subject::parse("Late parcel").unwrap(),
            order: None,
            channel: Channel::Form,
            status: TicketStatus::New,
            priority: Priority::Normal,
            assignee: None,
            tags: Vec::new(),
            created_at: at,
            updated_at: at,
            clock: SlaClock::start(at),
            first_response_ms: None,
            resolution_ms: None,
            recent_scores: Vec::new(),
            recent_spend_cents: 0,
            messages: 1,
            unscored: 1,
            rating: None,
            follows: None,
            version: 1,
        }
    }

    const MINUTE: i64 = 60_000;

    #[test]
    fn scores_enter_the_mood_in_message_order_and_only_once() {
        let mut t = sample(Timestamp(0));
        t.record_score(3, -900);
        t.record_score(1, 500);
        t.record_score(3, 900); // a second score of one message is ignored
        assert_eq!(t.recent_scores, [(1, 500), (3, -900)]);
        assert_eq!(t.mood().unwrap().compound, -200);
        for seq in 10..40 {
            t.record_score(seq, 0);
        }
        assert_eq!(t.recent_scores.len(), MOOD_WINDOW);
        assert_eq!(t.recent_scores[0].0, 20, "the oldest fall out");
    }

    #[test]
    fn solving_stops_the_clock_and_a_reopen_runs_it_again() {
        let mut t = sample(Timestamp(0));
        t.move_to(TicketStatus::Open, Timestamp(10 * MINUTE));
        t.move_to(TicketStatus::Solved, Timestamp(30 * MINUTE));
        assert_eq!(t.resolution_ms, Some(30 * MINUTE));
        assert!(!t.clock.is_running());
        t.move_to(TicketStatus::Open, Timestamp(90 * MINUTE));
        assert_eq!(t.resolution_ms, None, "not solved any more");
        assert_eq!(t.clock.elapsed_ms(Timestamp(100 * MINUTE)), 40 * MINUTE);
        t.move_to(TicketStatus::Pending, Timestamp(100 * MINUTE));
        t.move_to(TicketStatus::Solved, Timestamp(200 * MINUTE));
        assert_eq!(
            t.resolution_ms,
            Some(40 * MINUTE),
            "pending time does not count"
        );
    }

    #[test]
    fn the_desk_works_to_the_first_response_then_to_the_resolution() {
        let policy = SlaPolicy::default();
        let mut t = sample(Timestamp(0));
        let target = policy.target(Priority::Normal);
        assert_eq!(
            t.due(&policy, Timestamp(0)),
            Timestamp(target.first_response_ms)
        );
        t.first_response_ms = Some(5 * MINUTE);
        assert_eq!(
            t.due(&policy, Timestamp(0)),
            Timestamp(target.resolution_ms)
        );
        assert!(matches!(
            t.first_response_state(&policy, Timestamp(0)),
            SlaState::Met { after_ms } if after_ms == 5 * MINUTE
        ));
    }
}
