//! Orders: what a shopper bought, at what price, and where the parcel is.

pub mod pricing;
mod status;

#[cfg(feature = "ssr")]
mod error;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod sales;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod table;

pub use crate::address::ShippingAddress;
pub use pricing::{Quantity, Totals};
pub use status::{Mover, OrderStatus};

#[cfg(feature = "ssr")]
pub use error::OrderError;
#[cfg(feature = "ssr")]
pub use service::{Checkout, OrderService};
#[cfg(feature = "ssr")]
pub use table::OrderCursor;

/// The reason recorded when customers cancel their own order, wherever they do it.
pub const CUSTOMER_CANCEL_REASON: &str = "Cancelled by the customer";

/// The reason staff give for moving an order to `to`: at most 200 characters of one line;
/// none given says who moved it where.
pub fn staff_move_reason(text: &str, to: OrderStatus) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > 200 || text.chars().any(char::is_control) {
        return Err(FieldError::new(
            "reason",
            "must be at most 200 characters of text",
        ));
    }
    Ok(if text.is_empty() {
        format!("Marked {} by staff", to.label().to_lowercase())
    } else {
        text.to_owned()
    })
}

use crate::catalog::{ProductId, Slug};
use crate::identity::{Email, UserId};
use crate::time::Timestamp;
use crate::{FieldError, Money};
use serde::{Deserialize, Serialize};

/// What the admin's order list is narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: OrderStatus,
    /// Placed at or after.
    pub from: Option<Timestamp>,
    /// Placed before.
    pub until: Option<Timestamp>,
    /// Only this customer's orders.
    pub customer: Option<UserId>,
    pub oldest_first: bool,
}

impl OrderFilter {
    pub fn status(status: OrderStatus) -> Self {
        Self {
            status,
            from: None,
            until: None,
            customer: None,
            oldest_first: false,
        }
    }
}

/// The admin's order filter as typed (URL parameters); see [`crate::services::Services::
/// resolve_order_filter`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilterText {
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub email: Option<String>,
    pub sort: Option<String>,
}

/// An order filter read from its text: what can be applied, and what could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFilter {
    pub filter: OrderFilter,
    /// Fields that could not be read, each with why; those filters are not applied.
    pub problems: Vec<FieldError>,
    /// An email was given that no account has: nothing matches.
    pub matches_nothing: bool,
}

/// One day's net sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySales {
    /// `yyyy-mm-dd`, UTC.
    pub day: String,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// A random (v4) UUID: order ids are not guessable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderId(String);

impl OrderId {
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        crate::catalog::ProductId::parse(text)
            .map(|id| Self(id.as_str().to_owned()))
            .map_err(|_| FieldError::new("order", "is not an order id"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A key the checkout form carries so that submitting it twice places one order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh key for a checkout form.
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let ok = (16..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(FieldError::new(
                "idempotency_key",
                "is missing or malformed; reload the checkout page",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_id: ProductId,
    pub slug: Slug,
    pub name: String,
    pub unit_price: Money,
    pub quantity: Quantity,
    pub line_total: Money,
}

/// Who changed an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Customer(UserId),
    Staff(UserId),
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub to: OrderStatus,
    pub at: Timestamp,
    pub actor: Actor,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    /// Short and human: `CM-7K3M9Q`.
    pub number: String,
    pub customer: UserId,
    pub email: Email,
    pub lines: Vec<OrderLine>,
    pub totals: Totals,
    pub address: ShippingAddress,
    pub payment: String,
    pub status: OrderStatus,
    pub history: Vec<StatusChange>,
    pub created_at: Timestamp,
}

/// A cart line that cannot be bought in the quantity asked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShortLine {
    pub name: String,
    pub wanted: u16,
    pub available: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_16_to_64_safe_characters() {
        assert!(IdempotencyKey::parse("3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b").is_ok());
        for bad in [
            "",
            "short",
            "has spaces in it here",
            "<script>alert(1)</script>x",
        ] {
            assert_eq!(
                IdempotencyKey::parse(bad).unwrap_err().field,
                "idempotency_key"
            );
        }
        assert!(IdempotencyKey::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn an_address_reports_every_missing_or_oversized_field() {
        let errors = ShippingAddress::parse("", "", "", "x", &"9".repeat(17), "U").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "line1", "postal_code", "country"]);
        assert!(ShippingAddress::parse("Ada", "1 Main St", "", "London", "N1", "UK").is_ok());
    }
}
