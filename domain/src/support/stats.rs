//! The desk overview's figures, kept as counters in the same transaction as each ticket write
//! (never computed by reading the tickets).
//!
//! A write compares the ticket before and after ([`CounterDelta::between`]) and adds the
//! difference to two counter items:
//! - the **open work** gauge: tickets per status and priority (`open_<status>_<priority>`);
//! - the **day** it happened (UTC): first responses by how long they took, in the buckets of
//!   [`FIRST_RESPONSE_BOUNDS_MS`] (`fr_<i>`), ratings by score (`csat_<1..5>`), and customer
//!   messages scored, by label and with their compounds summed (`sent_<label>`, `sent_sum`).
//!
//! The overview ([`DeskOverview::from_counters`]) sums the last [`OVERVIEW_DAYS`] days. The
//! overdue count is the one figure that changes without a write (time passes); it is counted
//! from an index of running SLA clocks by due time, which holds only tickets the desk owes an
//! answer on.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::sentiment::SentimentLabel;
use super::ticket::Ticket;
use super::{Priority, TicketStatus};

/// The days the overview looks back over, today included.
pub const OVERVIEW_DAYS: usize = 14;

/// Upper bounds of the first-response buckets (Prometheus `le` style; a last bucket holds
/// everything slower): 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 1 day, 2 days, 1 week.
pub const FIRST_RESPONSE_BOUNDS_MS: [i64; 10] = [
    5 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    60 * MINUTE,
    2 * HOUR,
    4 * HOUR,
    8 * HOUR,
    24 * HOUR,
    48 * HOUR,
    7 * 24 * HOUR,
];
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
/// The number of first-response buckets, the open-ended one included.
pub const FIRST_RESPONSE_BUCKETS: usize = FIRST_RESPONSE_BOUNDS_MS.len() + 1;

/// The bucket a first response `ms` after the ticket opened falls in.
pub fn first_response_bucket(ms: i64) -> usize {
    FIRST_RESPONSE_BOUNDS_MS.partition_point(|bound| *bound < ms)
}

/// The name of the gauge counter of tickets in `status` at `priority`.
pub fn open_counter(status: TicketStatus, priority: Priority) -> String {
    format!("open_{}_{}", status.as_str(), priority.as_str())
}

fn first_response_counter(bucket: usize) -> String {
    format!("fr_{bucket}")
}

fn csat_counter(score: u8) -> String {
    format!("csat_{score}")
}

fn sentiment_counter(label: SentimentLabel) -> String {
    format!("sent_{}", label.as_str())
}

const SENTIMENT_SUM: &str = "sent_sum";

/// What one ticket write adds to the counters: to the gauge, and to the day it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterDelta {
    pub gauge: Vec<(String, i64)>,
    pub day: Vec<(String, i64)>,
}

impl CounterDelta {
    /// The difference between the ticket as it was (`None`: a new ticket) and as it is now.
    pub fn between(before: Option<&Ticket>, after: &Ticket) -> Self {
        let mut delta = Self::default();
        let was = before.map(|b| (b.status, b.priority));
        if was != Some((after.status, after.priority)) {
            if let Some((status, priority)) = was {
                delta.gauge.push((open_counter(status, priority), -1));
            }
            delta
                .gauge
                .push((open_counter(after.status, after.priority), 1));
        }
        let answered_before = before.and_then(|b| b.first_response_ms);
        if let (None, Some(ms)) = (answered_before, after.first_response_ms) {
            let bucket = first_response_bucket(ms);
            delta.day.push((first_response_counter(bucket), 1));
        }
        let rated_before = before.and_then(|b| b.rating.as_ref());
        if let (None, Some(rating)) = (rated_before, &after.rating) {
            delta.day.push((csat_counter(rating.score), 1));
        }
        let scored_before =
            |seq: u32| before.is_some_and(|b| b.recent_scores.iter().any(|(s, _)| *s == seq));
        let mut sum = 0;
        for &(_, compound) in after
            .recent_scores
            .iter()
            .filter(|(s, _)| !scored_before(*s))
        {
            let label = SentimentLabel::of_compound(compound);
            delta.day.push((sentiment_counter(label), 1));
            sum += i64::from(compound);
        }
        if sum != 0 {
            delta.day.push((SENTIMENT_SUM.to_owned(), sum));
        }
        delta
    }

    pub fn is_empty(&self) -> bool {
        self.gauge.is_empty() && self.day.is_empty()
    }
}

/// Counters read from the store, summed over their shards: name to value.
pub type Counters = HashMap<String, i64>;

/// Open work at one status: tickets per priority (in [`Priority::ALL`] order) and in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub status: TicketStatus,
    pub by_priority: Vec<u64>,
    pub total: u64,
}

/// First responses of the period: how many, and their median (estimated within its bucket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstResponses {
    pub count: u64,
    pub median_ms: Option<i64>,
}

/// Ratings of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// How many customers gave each score, 1 to 5.
    pub by_score: [u64; 5],
    pub count: u64,
    /// The average score in hundredths (`432`: 4.32); `None` with no ratings.
    pub average_hundredths: Option<u32>,
}

/// One day's customer messages scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub negative: u64,
    pub neutral: u64,
    pub positive: u64,
    /// The average compound in thousandths; `None` on a day with no messages.
    pub average: Option<i16>,
}

impl SentimentDay {
    pub fn messages(&self) -> u64 {
        self.negative + self.neutral + self.positive
    }
}

/// What the desk overview shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskOverview {
    /// New, open, pending and solved tickets (closed ones are done).
    pub open_work: Vec<StatusCounts>,
    /// Tickets whose current SLA target has passed while the desk owed an answer.
    pub overdue: u64,
    pub first_responses: FirstResponses,
    pub satisfaction: Satisfaction,
    /// Oldest day first, [`OVERVIEW_DAYS`] of them.
    pub sentiment: Vec<SentimentDay>,
}

/// The statuses the overview counts as work (closed is done).
const WORK: [TicketStatus; 4] = [
    TicketStatus::New,
    TicketStatus::Open,
    TicketStatus::Pending,
    TicketStatus::Solved,
];

impl DeskOverview {
    /// The overview from the gauge, the days (oldest first, each with its date) and the
    /// overdue count. A counter below zero (a ticket from before the counters) counts as 0.
    pub fn from_counters(gauge: &Counters, days: &[(String, Counters)], overdue: u64) -> Self {
        let get = |c: &Counters, name: &str| c.get(name).copied().unwrap_or(0).max(0) as u64;
        let open_work = WORK
            .iter()
            .map(|&status| {
                let by_priority: Vec<u64> = Priority::ALL
                    .iter()
                    .map(|&p| get(gauge, &open_counter(status, p)))
                    .collect();
                StatusCounts {
                    status,
                    total: by_priority.iter().sum(),
                    by_priority,
                }
            })
            .collect();
        let mut buckets = [0u64; FIRST_RESPONSE_BUCKETS];
        let mut by_score = [0u64; 5];
        let mut sentiment = Vec::with_capacity(days.len());
        for (day, counters) in days {
            for (i, b) in buckets.iter_mut().enumerate() {
                *b += get(counters, &first_response_counter(i));
            }
            for (i, n) in by_score.iter_mut().enumerate() {
                *n += get(counters, &csat_counter(i as u8 + 1));
            }
            let count = |label| get(counters, &sentiment_counter(label));
            let mut entry = SentimentDay {
                day: day.clone(),
                negative: count(SentimentLabel::Negative),
                neutral: count(SentimentLabel::Neutral),
                positive: count(SentimentLabel::Positive),
                average: None,
            };
            let messages = i64::try_from(entry.messages()).unwrap_or(i64::MAX);
            if messages > 0 {
                let sum = counters.get(SENTIMENT_SUM).copied().unwrap_or(0);
                entry.average = Some((sum / messages).clamp(-1000, 1000) as i16);
            }
            sentiment.push(entry);
        }
        let count: u64 = by_score.iter().sum();
        let points: u64 = by_score
            .iter()
            .enumerate()
            .map(|(i, n)| (i as u64 + 1) * n)
            .sum();
        Self {
            open_work,
            overdue,
            first_responses: FirstResponses {
                count: buckets.iter().sum(),
                median_ms: median_ms(&buckets),
            },
            satisfaction: Satisfaction {
                by_score,
                count,
                average_hundredths: (count > 0)
                    .then(|| u32::try_from(points * 100 / count).unwrap_or(u32::MAX)),
            },
            sentiment,
        }
    }

    /// Open work in all: new, open and pending tickets (solved ones wait only for closing).
    pub fn unsolved(&self) -> u64 {
        self.open_work
            .iter()
            .filter(|s| s.status != TicketStatus::Solved)
            .map(|s| s.total)
            .sum()
    }
}

/// The median of a first-response histogram, by linear interpolation inside the bucket that
/// holds it (as Prometheus' `histogram_quantile` does); in the open-ended bucket, its lower
/// bound. `None` for an empty histogram.
pub fn median_ms(buckets: &[u64; FIRST_RESPONSE_BUCKETS]) -> Option<i64> {
    let total: u64 = buckets.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = total as f64 / 2.0;
    let mut below = 0u64;
    for (i, &n) in buckets.iter().enumerate() {
        if n > 0 && (below + n) as f64 >= rank {
            let lower = if i == 0 {
                0
            } else {
                FIRST_RESPONSE_BOUNDS_MS[i - 1]
            };
            let Some(&upper) = FIRST_RESPONSE_BOUNDS_MS.get(i) else {
                return Some(lower);
            };
            let share = (rank - below as f64) / n as f64;
            return Some(lower + ((upper - lower) as f64 * share).round() as i64);
        }
        below += n;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::Rating;

    fn ticket() -> Ticket {
        crate::support::ticket::tests::sample(crate::time::Timestamp(1_764_000_000_000))
    }

    #[test]
    fn a_new_ticket_counts_once_in_its_status_and_priority() {
        let t = ticket();
        let delta = CounterDelta::between(None, &t);
        assert_eq!(delta.gauge, [(open_counter(t.status, t.priority), 1)]);
    }

    #[test]
    fn a_status_move_leaves_one_count_and_joins_another() {
        let before = ticket();
        let mut after = before.clone();
        after.status = TicketStatus::Pending;
        after.priority = Priority::Urgent;
        let delta = CounterDelta::between(Some(&before), &after);
        assert_eq!(
            delta.gauge,
            [
                (open_counter(before.status, before.priority), -1),
                (open_counter(TicketStatus::Pending, Priority::Urgent), 1)
            ]
        );
        assert!(delta.day.is_empty());
    }

    #[test]
    fn a_write_that_changes_nothing_counted_adds_nothing() {
        let before = ticket();
        let mut after = before.clone();
        after
            .tags
            .push(crate::support::Tag::parse("refund").unwrap());
        after.version += 1;
        assert!(CounterDelta::between(Some(&before), &after).is_empty());
    }

    #[test]
    fn the_first_response_counts_once_in_its_bucket() {
        let before = ticket();
        let mut after = before.clone();
        after.first_response_ms = Some(20 * MINUTE);
        let delta = CounterDelta::between(Some(&before), &after);
        assert_eq!(delta.day, [("fr_2".to_owned(), 1)]);
        let again = CounterDelta::between(Some(&after), &after);
        assert!(again.is_empty(), "a later reply is not a first response");
    }

    #[test]
    fn a_rating_counts_once_by_score() {
        let before = ticket();
        let mut after = before.clone();
        after.rating = Some(Rating::parse("4", "").unwrap());
        assert_eq!(
            CounterDelta::between(Some(&before), &after).day,
            [("csat_4".to_owned(), 1)]
        );
    }

    #[test]
    fn newly_scored_messages_count_by_label_with_their_compounds() {
        let mut before = ticket();
        before.record_score(1, -600);
        let mut after = before.clone();
        after.record_score(2, -400);
        after.record_score(3, 20);
        let delta = CounterDelta::between(Some(&before), &after);
        assert_eq!(
            delta.day,
            [
                ("sent_negative".to_owned(), 1),
                ("sent_neutral".to_owned(), 1),
                ("sent_sum".to_owned(), -380)
            ]
        );
    }

    #[test]
    fn buckets_are_upper_bounds_inclusive() {
        assert_eq!(first_response_bucket(0), 0);
        assert_eq!(first_response_bucket(5 * MINUTE), 0);
        assert_eq!(first_response_bucket(5 * MINUTE + 1), 1);
        assert_eq!(first_response_bucket(7 * 24 * HOUR), 9);
        assert_eq!(first_response_bucket(30 * 24 * HOUR), 10);
    }

    #[test]
    fn the_median_is_interpolated_in_its_bucket() {
        let mut buckets = [0; FIRST_RESPONSE_BUCKETS];
        assert_eq!(median_ms(&buckets), None);
        buckets[1] = 4; // 5..15 min
        assert_eq!(median_ms(&buckets), Some(10 * MINUTE));
        buckets[0] = 4; // now half are within 5 min
        assert_eq!(median_ms(&buckets), Some(5 * MINUTE));
        let mut slow = [0; FIRST_RESPONSE_BUCKETS];
        slow[10] = 3;
        assert_eq!(median_ms(&slow), Some(7 * 24 * HOUR), "the open bucket");
    }

    #[test]
    fn the_overview_sums_days_and_never_counts_below_zero() {
        let gauge = Counters::from([
            (open_counter(TicketStatus::New, Priority::High), 3),
            (open_counter(TicketStatus::Open, Priority::Low), 2),
            (open_counter(TicketStatus::Pending, Priority::Normal), -1),
        ]);
        let days = vec![
            (
                "2026-12-03".to_owned(),
                Counters::from([
                    ("csat_5".to_owned(), 2),
                    ("fr_1".to_owned(), 1),
                    ("sent_negative".to_owned(), 1),
                    ("sent_sum".to_owned(), -800),
                ]),
            ),
            (
                "2026-12-04".to_owned(),
                Counters::from([("csat_2".to_owned(), 1), ("fr_1".to_owned(), 1)]),
            ),
        ];
        let o = DeskOverview::from_counters(&gauge, &days, 4);
        assert_eq!(o.open_work[0].total, 3);
        assert_eq!(o.open_work[0].by_priority[Priority::High.index()], 3);
        assert_eq!(o.open_work[2].total, 0, "a negative gauge shows 0");
        assert_eq!(o.unsolved(), 5);
        assert_eq!(o.overdue, 4);
        assert_eq!(o.satisfaction.count, 3);
        assert_eq!(o.satisfaction.average_hundredths, Some(400));
        assert_eq!(o.first_responses.count, 2);
        assert_eq!(o.first_responses.median_ms, Some(10 * MINUTE));
        assert_eq!(o.sentiment[0].average, Some(-800));
        assert_eq!(o.sentiment[1].average, None);
        assert_eq!(o.sentiment[1].messages(), 0);
    }
}
