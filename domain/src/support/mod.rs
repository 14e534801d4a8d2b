//! The support desk: tickets, their conversations, the agents' queue and how customers feel.
//!
//! - `status`: the ticket status machine.
//! - `sla`: first-response and resolution targets, and the clock that pauses while a ticket
//!   waits on the customer.
//! - `rank`: the queue's documented score and the stored key that orders it.
//! - `sentiment`: scores, moods, the offline analyzer and the Azure client.
//! - `ticket`: a ticket, its messages and the views of them.
//! - `queue`: the agents' queue filter.
//! - `canned`: canned replies and their placeholders.
//! - `stats`: the desk overview's counters, kept in the ticket writes.
//! - `service` and `table` (server only): the desk's writes and reads over DynamoDB.

use serde::{Deserialize, Serialize};

use crate::FieldError;

pub mod canned;
#[cfg(feature = "ssr")]
mod counters;
#[cfg(feature = "ssr")]
mod demo;
#[cfg(feature = "ssr")]
mod error;
pub mod queue;
pub mod rank;
pub mod sentiment;
#[cfg(feature = "ssr")]
mod service;
pub mod sla;
pub mod stats;
pub mod status;
#[cfg(feature = "ssr")]
pub mod table;
pub mod ticket;

#[cfg(feature = "ssr")]
pub use error::SupportError;
#[cfg(feature = "ssr")]
pub use service::{
    AgentReply, AutoClose, Replied, ReplyBody, SupportService, CLOSING_INTERVAL, OPEN_PER_WINDOW,
    SCORING_INTERVAL,
};
pub use status::{TicketMover, TicketStatus};

/// How urgent the desk considers a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// From the least to the most urgent.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Normal => "Normal",
            Priority::High => "High",
            Priority::Urgent => "Urgent",
        }
    }

    /// Its place in [`Priority::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == text.trim())
            .ok_or_else(|| FieldError::new("priority", "must be low, normal, high or urgent"))
    }
}

/// Where a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    /// "Contact us" on the storefront.
    Form,
    /// Handed over from the assistant's chat, with its transcript.
    Chat,
    /// The REST API.
    Api,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Form, Channel::Chat, Channel::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Form => "form",
            Channel::Chat => "chat",
            Channel::Api => "api",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim())
            .ok_or_else(|| FieldError::new("channel", "must be form, chat or api"))
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Author {
    Customer,
    Agent,
    /// The AI assistant, in a conversation handed over to the desk.
    Assistant,
    /// The desk itself ("ticket reopened", "closed after 7 days").
    System,
}

impl Author {
    pub const ALL: [Author; 4] = [
        Author::Customer,
        Author::Agent,
        Author::Assistant,
        Author::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Agent => "agent",
            Author::Assistant => "assistant",
            Author::System => "system",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Author::ALL
            .into_iter()
            .find(|a| a.as_str() == text.trim())
            .ok_or_else(|| {
                FieldError::new("author", "must be customer, agent, assistant or system")
            })
    }
}

/// Who may read a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Visibility {
    /// The customer and the desk.
    Public,
    /// An agents' note: never shown to the customer, never sent to them.
    Internal,
}

/// A ticket's short, human number (`#1042`), unique across the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TicketNumber(u64);

impl TicketNumber {
    /// The first number the desk hands out, so every number has four digits or more.
    pub const FIRST: u64 = 1001;

    pub fn new(n: u64) -> Self {
        Self(n)
    }

    /// `1042` or `#1042`.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let digits = text.trim().trim_start_matches('#');
        match digits.parse::<u64>() {
            Ok(n) if n >= Self::FIRST && !digits.starts_with('+') => Ok(Self(n)),
            _ => Err(FieldError::new(
                "ticket",
                "must be a ticket number like #1042",
            )),
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Text from outside, trimmed, non-empty and at most `max` characters, with control
/// characters other than line breaks and tabs refused.
fn bounded_text(text: &str, field: &str, what: &str, max: usize) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, format!("{what} must not be empty")));
    }
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("{what} must be at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            format!("{what} must not contain control characters"),
        ));
    }
    Ok(text.to_owned())
}

/// What a ticket is about, in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject(String);

impl Subject {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = bounded_text(text, "subject", "The subject", Self::MAX_CHARS)?;
        if text.contains(['\n', '\r']) {
            return Err(FieldError::new("subject", "The subject must be one line"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text of one message: never empty or only white space, so a score is always of
/// something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody(String);

impl MessageBody {
    pub const MAX_CHARS: usize = 5_000;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        bounded_text(text, "message", "The message", Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A label agents put on tickets (`shipping`, `damaged-item`): lower case letters, digits
/// and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag(String);

impl Tag {
    pub const MAX_CHARS: usize = 32;
    /// At most this many tags on a ticket.
    pub const MAX_PER_TICKET: usize = 10;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let tag = text.trim().to_lowercase();
        let valid = !tag.is_empty()
            && tag.len() <= Self::MAX_CHARS
            && tag
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !tag.starts_with('-')
            && !tag.ends_with('-');
        if valid {
            Ok(Self(tag))
        } else {
            Err(FieldError::new(
                "tags",
                format!(
                    "{:?} must be 1 to 32 letters, digits or inner dashes",
                    text.trim()
                ),
            ))
        }
    }

    /// Tags typed as `shipping, damaged-item`: each parsed, duplicates dropped, in order.
    pub fn parse_list(text: &str) -> Result<Vec<Tag>, FieldError> {
        let mut tags: Vec<Tag> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let tag = Tag::parse(part)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > Self::MAX_PER_TICKET {
            return Err(FieldError::new(
                "tags",
                format!("at most {} tags", Self::MAX_PER_TICKET),
            ));
        }
        Ok(tags)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the customer rated the help, once solved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 (poor) to 5 (great).
    pub score: u8,
    pub comment: Option<String>,
}

impl Rating {
    pub const MAX_COMMENT_CHARS: usize = 1_000;

    pub fn parse(score: &str, comment: &str) -> Result<Self, FieldError> {
        let score = match score.trim().parse::<u8>() {
            Ok(s @ 1..=5) => s,
            _ => {
                return Err(FieldError::new(
                    "rating",
                    "must be a whole number from 1 to 5",
                ))
            }
        };
        let comment = if comment.trim().is_empty() {
            None
        } else {
            Some(bounded_text(
                comment,
                "comment",
                "The comment",
                Self::MAX_COMMENT_CHARS,
            )?)
        };
        Ok(Self { score, comment })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_numbers_read_with_or_without_their_hash() {
        assert_eq!(TicketNumber::parse("#1042"), Ok(TicketNumber(1042)));
        assert_eq!(TicketNumber::parse(" 1042 "), Ok(TicketNumber(1042)));
        assert_eq!(TicketNumber(1042).to_string(), "#1042");
        for bad in ["", "#", "12", "+1042", "10.5", "abc", "##"] {
            assert_eq!(
                TicketNumber::parse(bad).unwrap_err().field,
                "ticket",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_empty_or_blank_message_is_refused_naming_the_field() {
        for blank in ["", "   ", "\n\t "] {
            let error = MessageBody::parse(blank).unwrap_err();
            assert_eq!(error.field, "message");
        }
        assert_eq!(MessageBody::parse("  hello\n").unwrap().as_str(), "hello");
        let long = "x".repeat(MessageBody::MAX_CHARS + 1);
        assert!(MessageBody::parse(&long).is_err());
        assert!(MessageBody::parse("bell\u{7}").is_err());
        assert!(MessageBody::parse("line one\nline two").is_ok());
    }

    #[test]
    fn a_subject_is_one_short_line() {
        assert!(Subject::parse("Where is my parcel?").is_ok());
        assert_eq!(Subject::parse(" ").unwrap_err().field, "subject");
        assert!(Subject::parse("two\nlines").is_err());
        assert!(Subject::parse(&"s".repeat(121)).is_err());
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let tags = Tag::parse_list("Shipping, damaged-item, shipping,,").unwrap();
        let names: Vec<_> = tags.iter().map(Tag::as_str).collect();
        assert_eq!(names, ["shipping", "damaged-item"]);
        for bad in ["two words", "-dash", "dash-", "émoji", &"t".repeat(33)] {
            assert_eq!(Tag::parse(bad).unwrap_err().field, "tags", "{bad:?}");
        }
        let many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(Tag::parse_list(&many.join(",")).is_err());
    }

    #[test]
    fn a_rating_is_one_to_five_with_an_optional_comment() {
        assert_eq!(
            Rating::parse("5", "  "),
            Ok(Rating {
                score: 5,
                comment: None
            })
        );
        assert_eq!(
            Rating::parse("2", " slow ").unwrap().comment.as_deref(),
            Some("slow")
        );
        for bad in ["0", "6", "", "four", "-1"] {
            assert_eq!(
                Rating::parse(bad, "").unwrap_err().field,
                "rating",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn enumerations_round_trip_through_text() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Ok(p));
            assert_eq!(Priority::ALL[p.index()], p);
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Ok(c));
        }
        for a in Author::ALL {
            assert_eq!(Author::parse(a.as_str()), Ok(a));
        }
        assert_eq!(Priority::parse("asap").unwrap_err().field, "priority");
    }
}
