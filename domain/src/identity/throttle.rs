//! Sign-in throttling policy: after a few failures, each further attempt waits longer.
//!
//! Failures are counted per account and per client address; the longer of the two waits
//! applies. A success clears the account's count.

/// Failures allowed before any wait.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait, in seconds.
pub const MAX_DELAY_SECS: u64 = 15 * 60;
/// Failures older than this are forgotten.
pub const WINDOW_SECS: u64 = 60 * 60;

/// How long after the latest failure the next attempt must wait, given `failures` so far:
/// none for the first five, then 1 s, 2 s, 4 s … up to 15 minutes.
pub fn delay_secs(failures: u32) -> u64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    (1u64 << doublings).min(MAX_DELAY_SECS)
}

/// Seconds still to wait at `now_ms`, after `failures` with the latest at `last_failure_ms`.
pub fn wait_secs(failures: u32, last_failure_ms: i64, now_ms: i64) -> u64 {
    let until = last_failure_ms.saturating_add((delay_secs(failures) * 1000) as i64);
    let remaining_ms = until.saturating_sub(now_ms).max(0) as u64;
    remaining_ms.div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_five_failures_cost_nothing() {
        for n in 0..FREE_FAILURES {
            assert_eq!(delay_secs(n), 0);
        }
    }

    #[test]
    fn further_failures_double_the_wait_up_to_fifteen_minutes() {
        assert_eq!(delay_secs(5), 1);
        assert_eq!(delay_secs(6), 2);
        assert_eq!(delay_secs(9), 16);
        assert_eq!(delay_secs(15), MAX_DELAY_SECS);
        assert_eq!(delay_secs(u32::MAX), MAX_DELAY_SECS);
    }

    #[test]
    fn the_wait_counts_down_from_the_latest_failure() {
        assert_eq!(wait_secs(6, 10_000, 10_000), 2);
        assert_eq!(wait_secs(6, 10_000, 11_500), 1);
        assert_eq!(wait_secs(6, 10_000, 12_000), 0);
        assert_eq!(wait_secs(3, 10_000, 10_000), 0);
    }
}
