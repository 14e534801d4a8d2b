//! The cart: what a shopper means to buy. A guest's cart is keyed by an opaque cookie; a
//! signed-in shopper's by their account. Prices and availability are always the catalog's
//! current ones; the cart remembers the price it first showed, to flag changes.

#[cfg(feature = "ssr")]
mod counts;
mod quote;
#[cfg(feature = "ssr")]
mod recent;
#[cfg(feature = "ssr")]
mod service;

#[cfg(feature = "ssr")]
pub use counts::COUNT_FRESH_FOR;

pub use quote::{quote, StoredLine};

#[cfg(feature = "ssr")]
pub use service::{CartError, CartOwner, CartService, StoredCart, MAX_LINES};

use crate::catalog::{ProductId, Slug};
use crate::orders::{Quantity, Totals};
use crate::Money;
use serde::{Deserialize, Serialize};

/// Why a line cannot be bought as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineIssue {
    /// The price moved since the line was added.
    PriceChanged {
        was: Money,
    },
    /// Fewer left than the line asks for.
    OnlyLeft(u32),
    SoldOut,
    /// Withdrawn from sale.
    Unavailable,
}

impl LineIssue {
    pub fn message(&self) -> String {
        match self {
            LineIssue::PriceChanged { was } => format!("Price changed from {was}"),
            LineIssue::OnlyLeft(n) => format!("Only {n} left: lower the quantity"),
            LineIssue::SoldOut => "Sold out: remove it to check out".to_owned(),
            LineIssue::Unavailable => "No longer sold: remove it to check out".to_owned(),
        }
    }

    /// Whether the line blocks checkout (a price change only needs noticing).
    pub fn blocks_checkout(&self) -> bool {
        !matches!(self, LineIssue::PriceChanged { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub slug: Slug,
    pub name: String,
    pub image: String,
    pub unit_price: Money,
    pub quantity: Quantity,
    pub line_total: Money,
    /// The most that can be chosen now: stock, at most 99.
    pub max_quantity: u32,
    pub issue: Option<LineIssue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    pub totals: Totals,
    /// Units in the cart, for the header badge.
    pub count: u32,
}

impl CartView {
    pub fn can_check_out(&self) -> bool {
        !self.lines.is_empty()
            && self
                .lines
                .iter()
                .all(|l| l.issue.as_ref().is_none_or(|i| !i.blocks_checkout()))
    }
}
