//! A conversation with the assistant, as the server keeps it: the browser never sends the
//! history, only its next message.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;
use crate::FieldError;

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speaker {
    Shopper,
    Assistant,
}

/// One turn: its text and, for the assistant's, the products it is about (by slug; their
/// cards are rendered from the catalog as it is when shown) and what it proposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub from: Speaker,
    pub text: String,
    pub cards: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<Proposal>,
    pub at: Timestamp,
}

/// Something the assistant proposes and only the shopper can do, by pressing its card's
/// button: the assistant itself never changes a cart or an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposal {
    AddToCart {
        slug: String,
        quantity: u16,
    },
    /// Cancelling one of the signed-in customer's orders, by its number.
    CancelOrder {
        number: String,
    },
}

/// A conversation: its turns (the last [`Conversation::MAX_TURNS`]) and the products the
/// tools have returned in it (what the answers may name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub turns: Vec<Turn>,
    pub seen: Vec<String>,
    /// The number of the signed-in customer's order the chat is about (the last one a tool
    /// read), for a hand-off to the desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Every write is conditional on it.
    pub version: u64,
}

impl Conversation {
    pub const MAX_TURNS: usize = 40;
    const MAX_SEEN: usize = 200;

    /// Adds a turn, letting the oldest go past [`Self::MAX_TURNS`].
    pub fn push(&mut self, turn: Turn) {
        self.turns.push(turn);
        let over = self.turns.len().saturating_sub(Self::MAX_TURNS);
        self.turns.drain(..over);
    }

    /// Remembers products a tool returned.
    pub fn saw(&mut self, slugs: impl IntoIterator<Item = String>) {
        for slug in slugs {
            if !self.seen.contains(&slug) {
                self.seen.push(slug);
            }
        }
        let over = self.seen.len().saturating_sub(Self::MAX_SEEN);
        self.seen.drain(..over);
    }

    /// How many messages the shopper sent since `since`.
    pub fn sent_since(&self, since: Timestamp) -> usize {
        self.turns
            .iter()
            .filter(|t| t.from == Speaker::Shopper && t.at.millis() >= since.millis())
            .count()
    }
}

/// A shopper's message: 1 to [`ShopperMessage::MAX_CHARS`] characters, one paragraph or more,
/// no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopperMessage(String);

impl ShopperMessage {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(FieldError::new("message", "Write a message first"));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(
                "message",
                format!("A message is at most {} characters", Self::MAX_CHARS),
            ));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                "message",
                "The message has characters that cannot be shown",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_one_to_five_hundred_printable_characters() {
        assert!(ShopperMessage::parse("  a tent  ").is_ok());
        for bad in ["", "   ", "\u{0007}bell", &"x".repeat(501)] {
            assert_eq!(
                ShopperMessage::parse(bad).unwrap_err().field,
                "message",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_conversation_keeps_its_last_turns() {
        let mut c = Conversation::default();
        for i in 0..45 {
            c.push(Turn {
                from: Speaker::Shopper,
                text: i.to_string(),
                cards: Vec::new(),
                proposals: Vec::new(),
                at: Timestamp(i),
            });
        }
        assert_eq!(c.turns.len(), Conversation::MAX_TURNS);
        assert_eq!(c.turns[0].text, "5");
        assert_eq!(c.sent_since(Timestamp(40)), 5);
    }
}
