//! Canned replies: answers admins write once and agents send with one choice, with the
//! ticket's details filled in (`Hi {first_name}, about {order_number}…`).

use serde::{Deserialize, Serialize};

use super::ticket::Ticket;
use super::MessageBody;
use crate::FieldError;

/// One canned reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    /// Stable while it is edited (a UUIDv7).
    pub id: String,
    /// What agents pick it by.
    pub title: String,
    /// The text, with placeholders.
    pub body: String,
}

/// The placeholders a canned reply may hold, and what each becomes.
pub const PLACEHOLDERS: [(&str, &str); 5] = [
    ("first_name", "the customer's first name"),
    ("customer_name", "the customer's full name"),
    ("ticket_number", "the ticket's number, like #1042"),
    (
        "order_number",
        "the number of the order the ticket is about, or “your order”",
    ),
    ("agent_email", "the sending agent's email"),
];

/// At most this many canned replies.
pub const MAX_CANNED: usize = 100;
pub const MAX_TITLE_CHARS: usize = 60;

/// A canned reply's title and text from the admin's form: both required, and every
/// `{placeholder}` one of [`PLACEHOLDERS`]. Every bad field is reported.
pub fn parse(title: &str, body: &str) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty()
        || title.chars().count() > MAX_TITLE_CHARS
        || title.chars().any(char::is_control)
    {
        errors.push(FieldError::new(
            "title",
            format!("must be 1 to {MAX_TITLE_CHARS} characters on one line"),
        ));
    }
    match MessageBody::parse(body) {
        Err(e) => errors.push(FieldError::new("body", e.message)),
        Ok(text) => {
            if let Some(unknown) =
                placeholders(text.as_str()).find(|p| !PLACEHOLDERS.iter().any(|(k, _)| k == p))
            {
                let known: Vec<String> = PLACEHOLDERS
                    .iter()
                    .map(|(k, _)| format!("{{{k}}}"))
                    .collect();
                errors.push(FieldError::new(
                    "body",
                    format!(
                        "{{{unknown}}} is not a placeholder; use {}",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok((title.to_owned(), body.trim().to_owned()))
    } else {
        Err(errors)
    }
}

/// The names inside `{…}` in `text`.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// The reply's text for `ticket`, sent by `agent_email`, with its placeholders filled in.
pub fn render(body: &str, ticket: &Ticket, agent_email: &str) -> String {
    let order = ticket
        .order
        .as_ref()
        .map_or_else(|| "your order".to_owned(), |o| o.number.clone());
    body.replace("{first_name}", ticket.customer.first_name())
        .replace("{customer_name}", &ticket.customer.name)
        .replace("{ticket_number}", &ticket.number.to_string())
        .replace("{order_number}", &order)
        .replace("{agent_email}", agent_email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_placeholders_are_accepted_and_every_bad_field_is_named() {
        assert!(parse(
            "Late parcel",
            "Hi {first_name}, about {order_number}: sorry!"
        )
        .is_ok());
        let errors = parse(" ", "Dear {firstname}").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "body"]);
        assert!(errors[1]
            .message
            .contains("{firstname} is not a placeholder"));
        assert_eq!(parse("Empty", "  ").unwrap_err()[0].field, "body");
        assert!(parse(&"t".repeat(61), "text").is_err());
    }

    #[test]
    fn placeholders_are_found_between_braces() {
        let found: Vec<_> = placeholders("a {x} b {y}} {z").collect();
        assert_eq!(found, ["x", "y"]);
    }
}
