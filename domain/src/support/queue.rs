//! The agents' queue filter, parsed from the queue page's query string or the API's.

use serde::{Deserialize, Serialize};

use super::sentiment::SentimentLabel;
use super::{Priority, Tag, TicketStatus};
use crate::FieldError;

/// Whose tickets the queue lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    /// The agent's own.
    Me,
    Unassigned,
}

impl AssigneeFilter {
    pub const ALL: [AssigneeFilter; 3] = [
        AssigneeFilter::Anyone,
        AssigneeFilter::Me,
        AssigneeFilter::Unassigned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssigneeFilter::Anyone => "anyone",
            AssigneeFilter::Me => "me",
            AssigneeFilter::Unassigned => "unassigned",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == text.trim())
            .ok_or_else(|| FieldError::new("assignee", "must be anyone, me or unassigned"))
    }
}

/// What the queue shows: by default, every new and open ticket, most urgent first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// `None`: new and open tickets (the work to do).
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub assignee: AssigneeFilter,
    pub tag: Option<Tag>,
    /// The customer's mood.
    pub mood: Option<SentimentLabel>,
}

/// The queue filter as text, each field as the query string gives it (absent or empty: no
/// filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilterText {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub assignee: Option<String>,
    pub tag: Option<String>,
    pub mood: Option<String>,
}

impl QueueFilter {
    /// Parses every field; each bad one is reported, naming it.
    pub fn parse(text: &QueueFilterText) -> Result<Self, Vec<FieldError>> {
        fn field<T>(
            value: &Option<String>,
            parse: impl Fn(&str) -> Result<T, FieldError>,
            errors: &mut Vec<FieldError>,
        ) -> Option<T> {
            let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            parse(value).map_err(|e| errors.push(e)).ok()
        }
        let mut errors = Vec::new();
        let filter = Self {
            status: field(&text.status, TicketStatus::parse, &mut errors),
            priority: field(&text.priority, Priority::parse, &mut errors),
            assignee: field(&text.assignee, AssigneeFilter::parse, &mut errors).unwrap_or_default(),
            tag: field(
                &text.tag,
                |t| Tag::parse(t).map_err(|e| FieldError::new("tag", e.message)),
                &mut errors,
            ),
            mood: field(
                &text.mood,
                |m| SentimentLabel::parse(m).map_err(|e| FieldError::new("mood", e.message)),
                &mut errors,
            ),
        };
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_is_the_work_to_do() {
        assert_eq!(
            QueueFilter::parse(&QueueFilterText::default()),
            Ok(QueueFilter::default())
        );
        let blank = QueueFilterText {
            status: Some(" ".into()),
            ..Default::default()
        };
        assert_eq!(QueueFilter::parse(&blank), Ok(QueueFilter::default()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let text = QueueFilterText {
            status: Some("lost".into()),
            priority: Some("asap".into()),
            assignee: Some("bob".into()),
            tag: Some("two words".into()),
            mood: Some("furious".into()),
        };
        let fields: Vec<_> = QueueFilter::parse(&text)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["status", "priority", "assignee", "tag", "mood"]);
    }

    #[test]
    fn good_fields_parse() {
        let text = QueueFilterText {
            status: Some("open".into()),
            priority: Some("urgent".into()),
            assignee: Some("me".into()),
            tag: Some("Shipping".into()),
            mood: Some("negative".into()),
        };
        let filter = QueueFilter::parse(&text).unwrap();
        assert_eq!(filter.status, Some(TicketStatus::Open));
        assert_eq!(filter.assignee, AssigneeFilter::Me);
        assert_eq!(filter.tag.unwrap().as_str(), "shipping");
        assert_eq!(filter.mood, Some(SentimentLabel::Negative));
    }
}
