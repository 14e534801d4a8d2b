//! The audit log: who changed what in the shop, when, and what it was before and after.
//!
//! Each entry is written in the same DynamoDB transaction as the change it records, so the
//! log never misses a change and never records one that did not happen.

#[cfg(feature = "ssr")]
mod table;

#[cfg(feature = "ssr")]
pub use table::{AuditCursor, AuditLog};

use crate::identity::{Email, UserId};
use crate::time::Timestamp;
use crate::FieldError;
use serde::{Deserialize, Serialize};

/// The staff member who acted, as the log records and shows them. (The capability to act as
/// staff is [`crate::identity::Staff`]; this is only its record.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActedBy {
    pub id: UserId,
    pub email: Email,
}

#[cfg(feature = "ssr")]
impl From<&crate::identity::Staff> for ActedBy {
    fn from(staff: &crate::identity::Staff) -> Self {
        Self {
            id: staff.id().clone(),
            email: staff.email().clone(),
        }
    }
}

/// What kind of thing an entry is about; the log's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetKind {
    Product,
    Order,
    User,
    Ticket,
}

impl TargetKind {
    pub const ALL: [TargetKind; 4] = [
        TargetKind::Product,
        TargetKind::Order,
        TargetKind::User,
        TargetKind::Ticket,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Product => "product",
            TargetKind::Order => "order",
            TargetKind::User => "user",
            TargetKind::Ticket => "ticket",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Product => "Products",
            TargetKind::Order => "Orders",
            TargetKind::User => "Users",
            TargetKind::Ticket => "Tickets",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
            .ok_or_else(|| FieldError::new("kind", "must be product, order, user or ticket"))
    }
}

/// The thing an entry is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub kind: TargetKind,
    pub id: String,
    /// What a person calls it: a product name, an order number, an email.
    pub label: String,
}

impl Target {
    /// The key of this thing's history in the log.
    pub fn key(&self) -> String {
        format!("{}#{}", self.kind.as_str(), self.id)
    }
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    /// Empty when the thing did not exist before.
    pub before: String,
    pub after: String,
}

impl Change {
    pub fn new(field: &str, before: impl ToString, after: impl ToString) -> Self {
        Self {
            field: field.to_owned(),
            before: before.to_string(),
            after: after.to_string(),
        }
    }

    /// The change of a field that was set for the first time.
    pub fn created(field: &str, after: impl ToString) -> Self {
        Self::new(field, "", after)
    }
}

/// The fields that differ between two versions, in the order given.
pub fn changes(fields: &[(&str, String, String)]) -> Vec<Change> {
    fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| Change::new(field, before, after))
        .collect()
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// A time-ordered UUID.
    pub id: String,
    pub at: Timestamp,
    pub actor: ActedBy,
    /// What was done, as a short stable name: `product.created`, `stock.adjusted`…
    pub action: String,
    pub target: Target,
    pub changes: Vec<Change>,
    /// Why, in the actor's words; may be empty.
    pub reason: String,
}

impl AuditEntry {
    #[cfg(feature = "ssr")]
    pub fn new(
        actor: &crate::identity::Staff,
        action: &str,
        target: Target,
        changes: Vec<Change>,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            at: Timestamp::now(),
            actor: ActedBy::from(actor),
            action: action.to_owned(),
            target,
            changes,
            reason: String::new(),
        }
    }

    pub fn with_reason(mut self, reason: &str) -> Self {
        self.reason = reason.to_owned();
        self
    }

    /// The calendar month (`yyyy-mm`, UTC) the entry belongs to.
    pub fn month(&self) -> String {
        month_of(self.at)
    }
}

/// The calendar month (`yyyy-mm`, UTC) of a moment.
pub fn month_of(at: Timestamp) -> String {
    at.date_utc()[..7].to_owned()
}

/// A month as the log's filter takes it: `yyyy-mm`.
pub fn parse_month(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    let ok = text.len() == 7
        && text.as_bytes()[4] == b'-'
        && text[..4].bytes().all(|b| b.is_ascii_digit())
        && text[5..]
            .parse::<u32>()
            .is_ok_and(|m| (1..=12).contains(&m));
    if ok {
        Ok(text.to_owned())
    } else {
        Err(FieldError::new("month", "must be a month like 2026-11"))
    }
}

/// The month before `month` (`yyyy-mm`); `month` must be valid.
pub fn previous_month(month: &str) -> String {
    let year: i32 = month[..4].parse().unwrap_or(1970);
    let m: u32 = month[5..].parse().unwrap_or(1);
    if m == 1 {
        format!("{:04}-12", year - 1)
    } else {
        format!("{year:04}-{:02}", m - 1)
    }
}

/// What the log browser filters on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub kind: Option<TargetKind>,
    /// A fragment of the actor's email.
    pub actor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fields_that_differ_are_changes() {
        let found = changes(&[
            ("name", "Tent".into(), "Tent".into()),
            ("price", "$10.00".into(), "$12.00".into()),
        ]);
        assert_eq!(found, vec![Change::new("price", "$10.00", "$12.00")]);
    }

    #[test]
    fn months_parse_only_as_year_dash_month() {
        assert_eq!(parse_month(" 2026-11 ").as_deref(), Ok("2026-11"));
        for bad in [
            "2026-13", "2026-00", "2026/11", "26-11", "2026-1", "abcd-ef",
        ] {
            assert!(parse_month(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_month_before_january_is_december_of_the_year_before() {
        assert_eq!(previous_month("2026-01"), "2025-12");
        assert_eq!(previous_month("2026-11"), "2026-10");
        assert_eq!(month_of(Timestamp(1_709_208_000_000)), "2024-02");
    }

    #[test]
    fn target_kinds_round_trip_through_text() {
        for kind in TargetKind::ALL {
            assert_eq!(TargetKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(TargetKind::parse("cart").is_err());
    }
}
