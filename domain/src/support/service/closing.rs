//! Closing solved tickets nobody has touched for a while (`CLOUDMART_SUPPORT_AUTO_CLOSE_DAYS`),
//! as help desks do: a solved ticket the customer does not come back to is done. Each close
//! is the usual conditional ticket write, decided on the ticket as it is then, so a customer
//! replying at the same moment wins (their reply reopens it; the close is not written), and
//! a round cut short by a crash is simply finished by the next.

use std::time::Duration;

use super::{Decision, SupportService};
use crate::support::table::{self, TicketList};
use crate::support::ticket::TicketId;
use crate::support::{SupportError, TicketMover, TicketStatus};
use crate::time::Timestamp;
use crate::FieldError;

/// How long a solved ticket waits before the desk closes it; `never` keeps it solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoClose(Option<Duration>);

impl AutoClose {
    pub const ENV: &'static str = "CLOUDMART_SUPPORT_AUTO_CLOSE_DAYS";
    /// Zendesk's and Zammad's usual wait.
    pub const DEFAULT_DAYS: u64 = 7;

    pub fn after(period: Duration) -> Self {
        Self(Some(period))
    }

    pub const fn never() -> Self {
        Self(None)
    }

    pub fn period(self) -> Option<Duration> {
        self.0
    }

    /// Days as text: 1 to 365, `0` for never, empty for the default.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let days = match text.trim() {
            "" => Self::DEFAULT_DAYS,
            other => other
                .parse::<u64>()
                .ok()
                .filter(|d| *d <= 365)
                .ok_or_else(|| {
                    FieldError::new(
                        Self::ENV,
                        "must be a whole number of days from 0 (never) to 365",
                    )
                })?,
        };
        Ok(if days == 0 {
            Self::never()
        } else {
            Self::after(Duration::from_secs(days * 86_400))
        })
    }
}

impl Default for AutoClose {
    fn default() -> Self {
        Self::after(Duration::from_secs(Self::DEFAULT_DAYS * 86_400))
    }
}

/// How often the closing worker looks for solved tickets to close.
pub const CLOSING_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Solved tickets read per page of a round.
const CLOSING_PAGE: usize = 100;

impl SupportService {
    /// Closes every solved ticket not changed for `period`, reading the solved tickets
    /// through their index. Returns how many it closed.
    #[tracing::instrument(name = "support.close_solved", skip(self))]
    pub async fn close_solved(&self, period: Duration) -> Result<usize, SupportError> {
        let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX);
        let cutoff = Timestamp(Timestamp::now().millis().saturating_sub(period_ms));
        let state = table::desk_state(TicketStatus::Solved);
        let mut after = None;
        let mut closed = 0;
        loop {
            let (tickets, next) = table::page(
                self.store(),
                TicketList::State(state),
                None,
                after.as_ref(),
                CLOSING_PAGE,
            )
            .await?;
            for ticket in tickets.iter().filter(|t| t.updated_at < cutoff) {
                if self.close_if_untouched(&ticket.id, cutoff).await? {
                    closed += 1;
                }
            }
            match next {
                Some(cursor) => after = Some(cursor),
                None => break,
            }
        }
        if closed > 0 {
            tracing::info!(closed, "solved tickets closed");
        }
        Ok(closed)
    }

    /// Closes the ticket if it is still solved and untouched since `cutoff` when written.
    async fn close_if_untouched(
        &self,
        id: &TicketId,
        cutoff: Timestamp,
    ) -> Result<bool, SupportError> {
        let (_, closed) = self
            .change(id, |t, now| {
                let due = t.status == TicketStatus::Solved && t.updated_at < cutoff;
                if !due || !t.status.allows(TicketStatus::Closed, TicketMover::System) {
                    return Ok(Decision::just(false));
                }
                t.move_to(TicketStatus::Closed, now);
                Ok(Decision::just(true))
            })
            .await?;
        Ok(closed)
    }

    /// The `ticket-closing` worker: every `every`, closes the solved tickets past the desk's
    /// auto-close period (none, if it never closes them), until `stop`.
    pub async fn keep_closing(self, every: Duration, mut stop: crate::worker::StopSignal) {
        let Some(period) = self.auto_close.period() else {
            return;
        };
        let mut outage = crate::worker::Outage::new("ticket-closing");
        let mut delay = every;
        while stop.sleep(delay).await {
            delay = match self.close_solved(period).await {
                Ok(_) => {
                    outage.succeeded();
                    every
                }
                Err(e) => outage.failed(every, &e),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auto_close_period_is_days_zero_for_never_and_a_week_by_default() {
        assert_eq!(AutoClose::parse(""), Ok(AutoClose::default()));
        assert_eq!(
            AutoClose::parse("3").unwrap().period(),
            Some(Duration::from_secs(3 * 86_400))
        );
        assert_eq!(AutoClose::parse("0"), Ok(AutoClose::never()));
        for bad in ["-1", "366", "a week", "1.5"] {
            let e = AutoClose::parse(bad).unwrap_err();
            assert_eq!(e.field, AutoClose::ENV, "{bad}");
        }
    }
}
