//! Money as the API shows it: integer minor units, the currency, and the amount for people.

use serde::Serialize;
use utoipa::ToSchema;

/// An amount of money.
#[derive(Debug, Serialize, ToSchema)]
pub struct Price {
    /// In the currency's minor unit (cents): money is never a float.
    #[schema(example = 1999)]
    pub amount_cents: i64,
    /// ISO 4217 code.
    #[schema(example = "USD")]
    pub currency: &'static str,
    /// For people: `$19.99`.
    #[schema(example = "$19.99")]
    pub formatted: String,
}

impl From<domain::Money> for Price {
    fn from(money: domain::Money) -> Self {
        Self {
            amount_cents: money.cents(),
            currency: money.currency().code(),
            formatted: money.format(),
        }
    }
}

/// What an order or a cart costs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTotals {
    pub subtotal: Price,
    /// Nothing once the subtotal reaches the free-shipping threshold.
    pub shipping: Price,
    pub total: Price,
}

impl From<domain::orders::Totals> for ApiTotals {
    fn from(totals: domain::orders::Totals) -> Self {
        Self {
            subtotal: totals.subtotal.into(),
            shipping: totals.shipping.into(),
            total: totals.total.into(),
        }
    }
}
