//! Money is integer minor units (cents) plus a currency; never a float.
//!
//! [`Money::format`] is the one formatter, used by the server and the browser alike.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    pub const ALL: [Currency; 3] = [Currency::Usd, Currency::Eur, Currency::Gbp];

    /// The ISO 4217 code, as stored and as schema.org wants it.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }

    pub fn parse(code: &str) -> Result<Self, FieldError> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| FieldError::new("currency", "must be one of USD, EUR, GBP"))
    }
}

/// A non-negative amount of money, at most [`Money::MAX_CENTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    cents: i64,
    currency: Currency,
}

impl Money {
    /// One million in major units: well above any price in the shop, far below overflow.
    pub const MAX_CENTS: i64 = 100_000_000;

    pub fn new(cents: i64, currency: Currency) -> Result<Self, FieldError> {
        if !(0..=Self::MAX_CENTS).contains(&cents) {
            return Err(FieldError::new(
                "price",
                "must be between 0.00 and 1,000,000.00",
            ));
        }
        Ok(Self { cents, currency })
    }

    /// Parses a decimal amount as people type it: `12`, `12.5`, `12.50`, `1,299.00`.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("price", "must be an amount like 12.99");
        let cleaned: String = text
            .trim()
            .trim_start_matches(currency.symbol())
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        if whole.is_empty()
            || whole.len() > 9
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let whole: i64 = whole.parse().map_err(|_| invalid())?;
        let fraction: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| invalid())? * 10,
            _ => fraction.parse().map_err(|_| invalid())?,
        };
        Self::new(whole * 100 + fraction, currency)
    }

    pub const fn zero(currency: Currency) -> Self {
        Self { cents: 0, currency }
    }

    pub fn cents(self) -> i64 {
        self.cents
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// `$1,234.50`: symbol, thousands separators, always two decimals.
    pub fn format(self) -> String {
        Self::format_total(self.cents, self.currency)
    }

    /// Formats a sum of amounts, which may exceed one amount's bounds or be negative (a
    /// day's revenue net of refunds): `-$1,234,567.50`.
    pub fn format_total(cents: i64, currency: Currency) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        let whole = cents / 100;
        let fraction = cents % 100;
        let digits = whole.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{sign}{}{grouped}.{fraction:02}", currency.symbol())
    }

    /// The amount as a plain decimal (`1234.50`), as schema.org offers want it.
    pub fn decimal(self) -> String {
        format!("{}.{:02}", self.cents / 100, self.cents % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_beyond_one_amount_and_below_zero_are_formatted() {
        assert_eq!(
            Money::format_total(123_456_789_050, Currency::Usd),
            "$1,234,567,890.50"
        );
        assert_eq!(Money::format_total(-2_999, Currency::Gbp), "-£29.99");
        assert_eq!(Money::format_total(0, Currency::Eur), "€0.00");
    }

    fn usd(cents: i64) -> Money {
        Money::new(cents, Currency::Usd).unwrap()
    }

    #[test]
    fn formatting_shows_symbol_two_decimals_and_thousands_separators() {
        assert_eq!(usd(0).format(), "$0.00");
        assert_eq!(usd(5).format(), "$0.05");
        assert_eq!(usd(1999).format(), "$19.99");
        assert_eq!(usd(123_456_789 / 10).format(), "$123,456.78");
        assert_eq!(usd(100_000_000).format(), "$1,000,000.00");
        assert_eq!(Money::new(1850, Currency::Eur).unwrap().format(), "€18.50");
    }

    #[test]
    fn negative_or_absurd_amounts_are_refused_naming_the_price_field() {
        assert_eq!(Money::new(-1, Currency::Usd).unwrap_err().field, "price");
        assert!(Money::new(Money::MAX_CENTS + 1, Currency::Usd).is_err());
    }

    #[test]
    fn decimal_text_parses_into_exact_cents() {
        let p = |s| Money::parse_decimal(s, Currency::Usd).map(Money::cents);
        assert_eq!(p("12"), Ok(1200));
        assert_eq!(p("12.5"), Ok(1250));
        assert_eq!(p("12.05"), Ok(1205));
        assert_eq!(p(" $1,299.00 "), Ok(129_900));
        for bad in ["", ".5", "12.345", "-3", "1e3", "12.x", "NaN", "9999999999"] {
            assert!(p(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn decimal_form_has_no_symbol_or_separators() {
        assert_eq!(usd(129_950).decimal(), "1299.50");
    }

    #[test]
    fn currency_codes_parse_case_insensitively() {
        assert_eq!(Currency::parse("eur"), Ok(Currency::Eur));
        assert!(Currency::parse("BTC").is_err());
    }
}
