//! Points in time as Unix milliseconds: small, sortable, and the same on server and browser.

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    #[cfg(feature = "ssr")]
    pub fn now() -> Self {
        let elapsed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// The calendar date (`YYYY-MM-DD`, UTC), for sitemaps and receipts.
    pub fn date_utc(self) -> String {
        let days = self.0.div_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

impl Timestamp {
    /// Date and time to the minute (`YYYY-MM-DD HH:MM`, UTC), for logs people read.
    pub fn datetime_utc(self) -> String {
        let minutes = self.0.div_euclid(60_000).rem_euclid(24 * 60);
        format!(
            "{} {:02}:{:02}",
            self.date_utc(),
            minutes / 60,
            minutes % 60
        )
    }
}

impl Timestamp {
    /// RFC 3339 in UTC to the millisecond (`2026-11-26T09:05:03.042Z`), for APIs.
    pub fn rfc3339(self) -> String {
        let millis = self.0.rem_euclid(86_400_000);
        format!(
            "{}T{:02}:{:02}:{:02}.{:03}Z",
            self.date_utc(),
            millis / 3_600_000,
            millis / 60_000 % 60,
            millis / 1000 % 60,
            millis % 1000
        )
    }
}

/// The start (00:00 UTC) of a calendar date typed as `YYYY-MM-DD`.
pub fn parse_date(text: &str, field: &str) -> Result<Timestamp, crate::FieldError> {
    let invalid = || crate::FieldError::new(field, "must be a date like 2026-11-26");
    let text = text.trim();
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(invalid());
    }
    let (y, m, d): (i64, u32, u32) = (
        y.parse().map_err(|_| invalid())?,
        m.parse().map_err(|_| invalid())?,
        d.parse().map_err(|_| invalid())?,
    );
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return Err(invalid());
    }
    let days = days_from_civil(y, m, d);
    // A day past the month's end (2026-02-30) comes back as another date: refuse it.
    if civil_from_days(days) != (y, m, d) {
        return Err(invalid());
    }
    Ok(Timestamp(days * 86_400_000))
}

/// Howard Hinnant's civil-to-days algorithm, the inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm: proleptic Gregorian calendar, no dependencies.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_the_first_of_january_1970() {
        assert_eq!(Timestamp(0).date_utc(), "1970-01-01");
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn an_api_timestamp_is_rfc_3339_in_utc_to_the_millisecond() {
        // 2024-02-29T12:34:56.789Z
        assert_eq!(
            Timestamp(1_709_210_096_789).rfc3339(),
            "2024-02-29T12:34:56.789Z"
        );
    }

    #[test]
    fn a_leap_day_is_formatted_as_the_twenty_ninth_of_february() {
        // 2024-02-29T12:00:00Z
        assert_eq!(Timestamp(1_709_208_000_000).date_utc(), "2024-02-29");
    }

    #[test]
    fn typed_dates_parse_to_the_start_of_their_day_and_impossible_ones_are_refused() {
        let t = parse_date("2024-02-29", "from").unwrap();
        assert_eq!(t.date_utc(), "2024-02-29");
        assert_eq!(t.millis() % 86_400_000, 0);
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-1",
            "yesterday",
            "",
            "1969-12-31",
        ] {
            assert!(parse_date(bad, "from").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn date_and_time_are_shown_to_the_minute() {
        // 2024-02-29T12:34:56Z
        assert_eq!(
            Timestamp(1_709_210_096_000).datetime_utc(),
            "2024-02-29 12:34"
        );
        assert_eq!(Timestamp(-60_000).datetime_utc(), "1969-12-31 23:59");
    }

    #[test]
    fn a_time_before_the_epoch_gives_the_right_day() {
        assert_eq!(Timestamp(-1).date_utc(), "1969-12-31");
    }
}
