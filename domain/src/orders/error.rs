use super::OrderStatus;
use crate::store::StoreError;
use crate::FieldError;

/// A cart line that cannot be bought in the quantity asked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShortLine {
    pub name: String,
    pub wanted: u16,
    pub available: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no such order")]
    NotFound,
    #[error("the cart is empty")]
    EmptyCart,
    #[error("not enough stock for {0:?}")]
    OutOfStock(Vec<ShortLine>),
    #[error("the cart changed while the order was being placed")]
    CartChanged,
    #[error("an order cannot go from {from:?} to {to:?}")]
    InvalidTransition { from: OrderStatus, to: OrderStatus },
    #[error("the shop is busy; please try again")]
    Busy,
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("order storage failed")]
    Store(#[from] StoreError),
}
