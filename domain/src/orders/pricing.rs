//! Prices and totals: decided on the server; the same functions let the browser preview them.

use crate::{FieldError, Money};
use serde::{Deserialize, Serialize};

/// How many of one product a line may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quantity(u16);

impl Quantity {
    pub const MAX_PER_LINE: u16 = 99;

    pub fn parse(n: i64) -> Result<Self, FieldError> {
        match u16::try_from(n) {
            Ok(q) if (1..=Self::MAX_PER_LINE).contains(&q) => Ok(Self(q)),
            _ => Err(FieldError::new("quantity", "must be between 1 and 99")),
        }
    }

    /// Parses a form value such as `"3"`.
    pub fn parse_text(text: &str) -> Result<Self, FieldError> {
        text.trim()
            .parse::<i64>()
            .map_err(|_| FieldError::new("quantity", "must be a whole number between 1 and 99"))
            .and_then(Self::parse)
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

/// Orders at or above this subtotal ship free.
pub const FREE_SHIPPING_FROM_CENTS: i64 = 5_000;
/// Shipping below that.
pub const SHIPPING_CENTS: i64 = 499;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub shipping: Money,
    pub total: Money,
}

/// `unit × quantity`.
pub fn line_total(unit: Money, quantity: Quantity) -> Money {
    Money::new(unit.cents() * i64::from(quantity.get()), unit.currency()).unwrap_or(unit)
}

/// Subtotal, shipping and total for lines of `(unit price, quantity)` in one currency.
/// An empty order costs nothing and ships nothing.
pub fn totals(lines: &[(Money, Quantity)]) -> Totals {
    let currency = lines
        .first()
        .map_or(crate::Currency::Usd, |(m, _)| m.currency());
    let subtotal: i64 = lines
        .iter()
        .map(|(unit, q)| unit.cents() * i64::from(q.get()))
        .sum();
    let shipping = if subtotal == 0 || subtotal >= FREE_SHIPPING_FROM_CENTS {
        0
    } else {
        SHIPPING_CENTS
    };
    let money = |cents: i64| {
        Money::new(cents.min(Money::MAX_CENTS), currency).unwrap_or(Money::zero(currency))
    };
    Totals {
        subtotal: money(subtotal),
        shipping: money(shipping),
        total: money(subtotal + shipping),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn usd(c: i64) -> Money {
        Money::new(c, Currency::Usd).unwrap()
    }

    fn q(n: i64) -> Quantity {
        Quantity::parse(n).unwrap()
    }

    #[test]
    fn quantities_are_one_to_ninety_nine() {
        for bad in [-1, 0, 100, 70_000, i64::MAX] {
            assert_eq!(Quantity::parse(bad).unwrap_err().field, "quantity", "{bad}");
        }
        assert_eq!(q(99).get(), 99);
        assert!(Quantity::parse_text("2.5").is_err());
        assert_eq!(Quantity::parse_text(" 3 ").unwrap().get(), 3);
    }

    #[test]
    fn a_line_costs_its_unit_price_times_its_quantity() {
        assert_eq!(line_total(usd(1999), q(3)), usd(5997));
    }

    #[test]
    fn small_orders_pay_shipping_and_larger_ones_ship_free() {
        let small = totals(&[(usd(1999), q(2))]);
        assert_eq!(
            (small.subtotal, small.shipping, small.total),
            (usd(3998), usd(499), usd(4497))
        );
        let large = totals(&[(usd(2500), q(2))]);
        assert_eq!((large.shipping, large.total), (usd(0), usd(5000)));
        let empty = totals(&[]);
        assert_eq!(empty.total, usd(0));
    }
}
