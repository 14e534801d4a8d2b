//! The queue's order: the unhappiest, most overdue, most valuable customers first.
//!
//! A ticket's **score** at a moment, in minutes, is
//!
//! ```text
//! score = minutes past its SLA due time (negative while time is left)
//!       + priority boost   urgent +240, high +120, normal 0, low -120
//!       + mood boost       an unhappy customer up to +240 (−compound × 240), +60 more if
//!                          their last message made it worse; a happy one down to −60
//!       + value boost      30 × log10(1 + dollars spent in the last 90 days), at most +120
//! ```
//!
//! Ties go to the older ticket. Every active ticket's SLA clock runs at the same pace, so the
//! order never changes by itself: sorting by `due − boosts` (the **rank time**) ascending is
//! sorting by score descending at every moment. The rank time changes only when the ticket
//! does (a message, a score, a priority), and is written with it, so the queue is a page of
//! an index sorted by a stored key, never a sort in memory.

use serde::{Deserialize, Serialize};

use super::sentiment::{Mood, Trend};
use super::Priority;
use crate::time::Timestamp;

const MINUTE_MS: i64 = 60_000;

/// What a ticket's place in the queue depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankInputs {
    pub priority: Priority,
    /// When the SLA target the desk is working to falls due (first response, else
    /// resolution).
    pub due: Timestamp,
    /// The customer's mood; `None` until a message is scored.
    pub mood: Option<Mood>,
    /// What the customer spent in the last 90 days, in cents.
    pub recent_spend_cents: i64,
}

/// A ticket's boosts, each in minutes, as the ticket view explains them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boosts {
    pub priority: i64,
    pub mood: i64,
    pub value: i64,
}

impl Boosts {
    pub fn of(inputs: &RankInputs) -> Self {
        Self {
            priority: priority_boost(inputs.priority),
            mood: inputs.mood.map_or(0, |m| mood_boost(&m)),
            value: value_boost(inputs.recent_spend_cents),
        }
    }

    pub fn total(&self) -> i64 {
        self.priority + self.mood + self.value
    }
}

fn priority_boost(priority: Priority) -> i64 {
    match priority {
        Priority::Low => -120,
        Priority::Normal => 0,
        Priority::High => 120,
        Priority::Urgent => 240,
    }
}

fn mood_boost(mood: &Mood) -> i64 {
    let compound = i64::from(mood.compound);
    let feeling = if compound < 0 {
        -compound * 240 / 1000
    } else {
        -compound * 60 / 1000
    };
    let worse = if mood.trend == Trend::Worsening {
        60
    } else {
        0
    };
    feeling + worse
}

fn value_boost(cents: i64) -> i64 {
    let dollars = cents.max(0) as f64 / 100.0;
    ((30.0 * (1.0 + dollars).log10()).round() as i64).clamp(0, 120)
}

/// The score at `now`, in minutes (see the module's documentation).
pub fn score_at(inputs: &RankInputs, now: Timestamp) -> i64 {
    (now.millis() - inputs.due.millis()).div_euclid(MINUTE_MS) + Boosts::of(inputs).total()
}

/// The stored, sortable form of a ticket's place: its rank time then its creation, both
/// zero-padded milliseconds, so the index's string order is the queue's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RankKey(String);

impl RankKey {
    pub fn of(inputs: &RankInputs, created: Timestamp) -> Self {
        let rank_time = inputs.due.millis() - Boosts::of(inputs).total() * MINUTE_MS;
        Self(format!(
            "{:015}#{:015}",
            rank_time.max(0),
            created.millis().max(0)
        ))
    }

    /// A key read back from the store.
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    fn at(minutes: i64) -> Timestamp {
        Timestamp(NOW.millis() + minutes * MINUTE_MS)
    }

    fn ticket(priority: Priority, due_in_minutes: i64) -> RankInputs {
        RankInputs {
            priority,
            due: at(due_in_minutes),
            mood: None,
            recent_spend_cents: 0,
        }
    }

    fn mood(compound: i16, trend: Trend) -> Option<Mood> {
        Some(Mood {
            compound,
            trend,
            scored: 2,
        })
    }

    #[test]
    fn the_score_adds_overdue_minutes_and_the_boosts() {
        let mut t = ticket(Priority::High, -30);
        assert_eq!(score_at(&t, NOW), 30 + 120);
        t.mood = mood(-1000, Trend::Worsening);
        assert_eq!(score_at(&t, NOW), 30 + 120 + 240 + 60);
        t.recent_spend_cents = 99_900; // $999
        assert_eq!(score_at(&t, NOW), 30 + 120 + 240 + 60 + 90);
        assert_eq!(score_at(&ticket(Priority::Low, 45), NOW), -45 - 120);
    }

    #[test]
    fn an_angry_customer_outranks_a_calm_one_with_the_same_ticket() {
        let calm = RankInputs {
            mood: mood(300, Trend::Steady),
            ..ticket(Priority::Normal, 60)
        };
        let angry = RankInputs {
            mood: mood(-700, Trend::Worsening),
            ..ticket(Priority::Normal, 60)
        };
        assert!(score_at(&angry, NOW) > score_at(&calm, NOW));
        assert!(RankKey::of(&angry, NOW) < RankKey::of(&calm, NOW));
    }

    #[test]
    fn the_boosts_are_bounded() {
        let b = |m: Option<Mood>, cents| {
            Boosts::of(&RankInputs {
                mood: m,
                recent_spend_cents: cents,
                ..ticket(Priority::Normal, 0)
            })
        };
        assert_eq!(b(mood(1000, Trend::Improving), 0).mood, -60);
        assert_eq!(b(mood(-1000, Trend::Worsening), 0).mood, 300);
        assert_eq!(
            b(None, 0),
            Boosts {
                priority: 0,
                mood: 0,
                value: 0
            }
        );
        assert_eq!(b(None, 900).value, 30); // $9
        assert_eq!(b(None, i64::MAX).value, 120);
        assert_eq!(b(None, -5).value, 0);
    }

    #[test]
    fn the_key_orders_tickets_as_the_score_does_at_every_moment() {
        let tickets = [
            ticket(Priority::Urgent, 200),
            ticket(Priority::Low, -300),
            RankInputs {
                mood: mood(-900, Trend::Worsening),
                recent_spend_cents: 50_000,
                ..ticket(Priority::Normal, 30)
            },
            ticket(Priority::High, 10),
            ticket(Priority::Normal, -5),
        ];
        let mut by_key: Vec<usize> = (0..tickets.len()).collect();
        by_key.sort_by_key(|&i| RankKey::of(&tickets[i], at(-1000)));
        for minutes in [-600, 0, 45, 10_000] {
            let mut by_score: Vec<usize> = (0..tickets.len()).collect();
            by_score.sort_by_key(|&i| std::cmp::Reverse(score_at(&tickets[i], at(minutes))));
            assert_eq!(by_key, by_score, "at {minutes} min");
        }
    }

    #[test]
    fn equal_scores_go_to_the_older_ticket() {
        let t = ticket(Priority::Normal, 60);
        assert!(RankKey::of(&t, at(-90)) < RankKey::of(&t, at(-10)));
    }
}
