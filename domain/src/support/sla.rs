//! Service-level targets: how long the desk may take to first answer a ticket and to solve
//! it, per priority, counting only the time the desk owes the customer an answer (a ticket
//! waiting on the customer, or solved, stops the clock).

use serde::{Deserialize, Serialize};

use super::Priority;
use crate::time::Timestamp;
use crate::FieldError;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The two targets of one priority, in milliseconds of working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTarget {
    pub first_response_ms: i64,
    pub resolution_ms: i64,
}

/// The targets of every priority (`CLOUDMART_SUPPORT_SLA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    /// Indexed by [`Priority::index`].
    targets: [SlaTarget; 4],
}

impl Default for SlaPolicy {
    /// Urgent 1 h / 4 h, high 4 h / 1 d, normal 8 h / 2 d, low 1 d / 5 d.
    fn default() -> Self {
        let t = |first: i64, resolution: i64| SlaTarget {
            first_response_ms: first,
            resolution_ms: resolution,
        };
        Self {
            targets: [
                t(DAY_MS, 5 * DAY_MS),
                t(8 * HOUR_MS, 2 * DAY_MS),
                t(4 * HOUR_MS, DAY_MS),
                t(HOUR_MS, 4 * HOUR_MS),
            ],
        }
    }
}

impl SlaPolicy {
    pub const ENV: &'static str = "CLOUDMART_SUPPORT_SLA";

    pub fn target(&self, priority: Priority) -> SlaTarget {
        self.targets[priority.index()]
    }

    /// Parses `urgent=1h/4h,high=4h/1d`: a priority, its first-response and resolution
    /// targets as a number and a unit (`m`, `h`, `d`). Priorities left out keep their
    /// defaults; a resolution target shorter than the first response is refused.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let invalid = |message: String| FieldError::new(Self::ENV, message);
        let mut policy = Self::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, targets) = part
                .split_once('=')
                .ok_or_else(|| invalid(format!("{part:?} must look like urgent=1h/4h")))?;
            let priority = Priority::parse(name).map_err(|e| invalid(e.message))?;
            let (first, resolution) = targets
                .split_once('/')
                .ok_or_else(|| invalid(format!("{part:?} must give two targets, like 1h/4h")))?;
            let first = parse_span(first).ok_or_else(|| invalid(span_help(first)))?;
            let resolution =
                parse_span(resolution).ok_or_else(|| invalid(span_help(resolution)))?;
            if resolution < first {
                return Err(invalid(format!(
                    "{}: the resolution target must not be shorter than the first response",
                    priority.as_str()
                )));
            }
            policy.targets[priority.index()] = SlaTarget {
                first_response_ms: first,
                resolution_ms: resolution,
            };
        }
        Ok(policy)
    }
}

fn span_help(text: &str) -> String {
    format!("{:?} must be a whole number of minutes, hours or days, like 30m, 4h or 2d (at most 365 days)", text.trim())
}

/// `30m`, `4h`, `2d` as milliseconds; from one minute to a year.
fn parse_span(text: &str) -> Option<i64> {
    let text = text.trim();
    let unit = match text.chars().last()? {
        'm' => MINUTE_MS,
        'h' => HOUR_MS,
        'd' => DAY_MS,
        _ => return None,
    };
    let n: i64 = text[..text.len() - 1].parse().ok()?;
    let ms = n.checked_mul(unit)?;
    (MINUTE_MS..=365 * DAY_MS).contains(&ms).then_some(ms)
}

/// The working time of a ticket: the time since it was opened minus every stretch it spent
/// waiting on the customer or solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    pub started: Timestamp,
    /// The stopped time before the current stretch.
    pub paused_ms: i64,
    /// When the clock stopped, while it is stopped.
    pub paused_since: Option<Timestamp>,
}

impl SlaClock {
    pub fn start(at: Timestamp) -> Self {
        Self {
            started: at,
            paused_ms: 0,
            paused_since: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.paused_since.is_none()
    }

    /// Stops the clock (the ticket waits on the customer or is solved); stopping a stopped
    /// clock changes nothing.
    pub fn pause(&mut self, at: Timestamp) {
        if self.paused_since.is_none() {
            self.paused_since = Some(at);
        }
    }

    /// Runs the clock again; the stopped stretch no longer counts.
    pub fn resume(&mut self, at: Timestamp) {
        if let Some(since) = self.paused_since.take() {
            self.paused_ms += (at.millis() - since.millis()).max(0);
        }
    }

    /// Working time so far.
    pub fn elapsed_ms(&self, now: Timestamp) -> i64 {
        let until = self.paused_since.unwrap_or(now);
        (until.millis() - self.started.millis() - self.paused_ms).max(0)
    }

    /// When `target_ms` of working time is used up if the clock keeps running: fixed while
    /// it runs, which is what lets the queue's rank live in an index.
    pub fn due(&self, target_ms: i64, now: Timestamp) -> Timestamp {
        let left = target_ms - self.elapsed_ms(now);
        match self.paused_since {
            None => Timestamp(self.started.millis() + self.paused_ms + target_ms),
            Some(_) => Timestamp(now.millis() + left),
        }
    }
}

/// Where one target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlaState {
    /// Met after this much working time.
    Met { after_ms: i64 },
    /// Not met yet: time left (negative once overdue); `running` is false while the ticket
    /// waits on the customer.
    Due { left_ms: i64, running: bool },
}

impl SlaState {
    /// A target that is met at `done` (if it is), else due against the clock.
    pub fn of(clock: &SlaClock, target_ms: i64, done: Option<i64>, now: Timestamp) -> Self {
        match done {
            Some(after_ms) => SlaState::Met { after_ms },
            None => SlaState::Due {
                left_ms: target_ms - clock.elapsed_ms(now),
                running: clock.is_running(),
            },
        }
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self, SlaState::Due { left_ms, .. } if *left_ms < 0)
    }

    /// "2 h 5 min left", "overdue by 20 min", "met in 12 min", "paused, 1 h left".
    pub fn describe(&self) -> String {
        match *self {
            SlaState::Met { after_ms } => format!("met in {}", format_span(after_ms)),
            SlaState::Due { left_ms, .. } if left_ms < 0 => {
                format!("overdue by {}", format_span(-left_ms))
            }
            SlaState::Due { left_ms, running } => {
                let left = format!("{} left", format_span(left_ms));
                if running {
                    left
                } else {
                    format!("paused, {left}")
                }
            }
        }
    }
}

/// A span to the minute, in its two largest units: "under 1 min", "45 min", "2 h 5 min",
/// "3 d 4 h".
pub fn format_span(ms: i64) -> String {
    let minutes = ms.max(0) / MINUTE_MS;
    let (days, hours, mins) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "under 1 min".to_owned(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp(1_800_000_000_000 + minutes * MINUTE_MS)
    }

    #[test]
    fn waiting_on_the_customer_does_not_count() {
        let mut clock = SlaClock::start(at(0));
        assert_eq!(clock.elapsed_ms(at(30)), 30 * MINUTE_MS);
        clock.pause(at(30));
        assert_eq!(clock.elapsed_ms(at(500)), 30 * MINUTE_MS, "stopped");
        clock.pause(at(400)); // stopping again moves nothing
        clock.resume(at(500));
        assert_eq!(clock.elapsed_ms(at(510)), 40 * MINUTE_MS);
        clock.resume(at(600)); // resuming a running clock moves nothing
        assert_eq!(clock.elapsed_ms(at(610)), 140 * MINUTE_MS);
    }

    #[test]
    fn the_due_time_is_fixed_while_the_clock_runs_and_moves_while_it_waits() {
        let mut clock = SlaClock::start(at(0));
        let target = 60 * MINUTE_MS;
        assert_eq!(clock.due(target, at(10)), at(60));
        assert_eq!(clock.due(target, at(50)), at(60));
        clock.pause(at(20));
        assert_eq!(clock.due(target, at(100)), at(140), "40 min left from now");
        clock.resume(at(100));
        assert_eq!(clock.due(target, at(100)), at(140));
        assert_eq!(clock.due(target, at(130)), at(140));
    }

    #[test]
    fn a_target_is_met_due_or_overdue() {
        let clock = SlaClock::start(at(0));
        let hour = 60 * MINUTE_MS;
        let met = SlaState::of(&clock, hour, Some(12 * MINUTE_MS), at(300));
        assert_eq!(met.describe(), "met in 12 min");
        assert!(!met.is_overdue());
        let due = SlaState::of(&clock, hour, None, at(15));
        assert_eq!(due.describe(), "45 min left");
        let late = SlaState::of(&clock, hour, None, at(80));
        assert!(late.is_overdue());
        assert_eq!(late.describe(), "overdue by 20 min");
        let mut waiting = clock;
        waiting.pause(at(5));
        assert_eq!(
            SlaState::of(&waiting, hour, None, at(999)).describe(),
            "paused, 55 min left"
        );
    }

    #[test]
    fn spans_read_in_their_two_largest_units() {
        assert_eq!(format_span(30_000), "under 1 min");
        assert_eq!(format_span(45 * MINUTE_MS), "45 min");
        assert_eq!(format_span(2 * HOUR_MS), "2 h");
        assert_eq!(format_span(125 * MINUTE_MS), "2 h 5 min");
        assert_eq!(
            format_span(3 * DAY_MS + 4 * HOUR_MS + 9 * MINUTE_MS),
            "3 d 4 h"
        );
        assert_eq!(format_span(2 * DAY_MS), "2 d");
        assert_eq!(format_span(-5), "under 1 min");
    }

    #[test]
    fn the_policy_parses_per_priority_and_keeps_the_defaults_of_the_others() {
        let policy = SlaPolicy::parse("urgent=30m/2h, low=2d/10d").unwrap();
        assert_eq!(
            policy.target(Priority::Urgent),
            SlaTarget {
                first_response_ms: 30 * MINUTE_MS,
                resolution_ms: 2 * HOUR_MS
            }
        );
        assert_eq!(policy.target(Priority::Low).resolution_ms, 10 * DAY_MS);
        assert_eq!(
            policy.target(Priority::High),
            SlaPolicy::default().target(Priority::High)
        );
        assert_eq!(SlaPolicy::parse("").unwrap(), SlaPolicy::default());
    }

    #[test]
    fn a_bad_policy_is_refused_naming_the_setting() {
        for bad in [
            "urgent",
            "urgent=1h",
            "urgent=1h/0h",
            "urgent=4h/1h",
            "soon=1h/2h",
            "urgent=1x/2h",
            "urgent=-1h/2h",
            "urgent=400d/500d",
            "urgent=h/2h",
        ] {
            let error = SlaPolicy::parse(bad).unwrap_err();
            assert_eq!(error.field, SlaPolicy::ENV, "{bad}");
        }
    }

    #[test]
    fn more_urgent_priorities_have_shorter_default_targets() {
        let policy = SlaPolicy::default();
        for pair in Priority::ALL.windows(2) {
            let (less, more) = (policy.target(pair[0]), policy.target(pair[1]));
            assert!(more.first_response_ms < less.first_response_ms);
            assert!(more.resolution_ms < less.resolution_ms);
        }
    }
}
