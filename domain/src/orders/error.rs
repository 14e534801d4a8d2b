use super::{OrderStatus, ShortLine};
use crate::store::StoreError;
use crate::FieldError;

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

impl crate::refusal::Explain for OrderError {
    fn refusal(&self) -> crate::refusal::Refusal {
        use crate::refusal::Refusal;
        match self {
            OrderError::NotFound => Refusal::not_found("There is no such order."),
            OrderError::EmptyCart => Refusal::conflict("Your cart is empty."),
            OrderError::OutOfStock(lines) => {
                let detail: Vec<String> = lines
                    .iter()
                    .map(|l| match l.available {
                        0 => format!("{} is sold out", l.name),
                        n => format!("{}: only {n} left (you asked for {})", l.name, l.wanted),
                    })
                    .collect();
                Refusal::conflict(format!(
                    "Nothing was ordered: {}. Please update your cart.",
                    detail.join("; ")
                ))
            }
            OrderError::CartChanged | OrderError::Busy => Refusal::conflict(
                "Your cart changed or the shop is busy; nothing was ordered. Please try again.",
            ),
            OrderError::InvalidTransition { from, to } if *to == OrderStatus::Cancelled => {
                Refusal::conflict(format!(
                    "This order is {} and can no longer be cancelled.",
                    from.label().to_lowercase()
                ))
            }
            OrderError::InvalidTransition { from, to } => Refusal::conflict(format!(
                "This order is {} now, so it cannot become {}.",
                from.label(),
                to.label()
            )),
            OrderError::Invalid(field) => Refusal::invalid(vec![field.clone()]),
            OrderError::Store(e) => e.refusal(),
        }
    }
}
