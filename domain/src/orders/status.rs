//! The order status machine: Pending → Processing → Shipped → Delivered, and Pending or
//! Processing → Cancelled. Nothing else moves.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    Pending,
    Processing,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::Pending,
        OrderStatus::Processing,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Processing => "processing",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Pending => "Pending",
            OrderStatus::Processing => "Processing",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(text: &str) -> Result<Self, crate::FieldError> {
        OrderStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| {
                crate::FieldError::new(
                    "status",
                    "must be pending, processing, shipped, delivered or cancelled",
                )
            })
    }

    /// The statuses an order may move to from this one.
    pub fn next(self) -> &'static [OrderStatus] {
        match self {
            OrderStatus::Pending => &[OrderStatus::Processing, OrderStatus::Cancelled],
            OrderStatus::Processing => &[OrderStatus::Shipped, OrderStatus::Cancelled],
            OrderStatus::Shipped => &[OrderStatus::Delivered],
            OrderStatus::Delivered | OrderStatus::Cancelled => &[],
        }
    }

    pub fn can_become(self, to: OrderStatus) -> bool {
        self.next().contains(&to)
    }

    /// Cancelling returns the stock: only before the parcel has left.
    pub fn is_cancellable(self) -> bool {
        self.can_become(OrderStatus::Cancelled)
    }

    /// Whether `by` may move an order in this status to `to`. Staff may make every move the
    /// machine allows; a customer may only cancel, and only while nothing has been picked yet
    /// (the order is pending).
    pub fn allows(self, to: OrderStatus, by: Mover) -> bool {
        match by {
            Mover::Staff => self.can_become(to),
            Mover::Customer => to == OrderStatus::Cancelled && self == OrderStatus::Pending,
        }
    }

    /// Whether the order's customer may cancel it now (the order page's "Cancel").
    pub fn customer_can_cancel(self) -> bool {
        self.allows(OrderStatus::Cancelled, Mover::Customer)
    }
}

/// Who asks for a status move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// The order's own customer.
    Customer,
    Staff,
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    #[test]
    fn exactly_the_allowed_transitions_are_allowed() {
        let allowed = [
            (Pending, Processing),
            (Pending, Cancelled),
            (Processing, Shipped),
            (Processing, Cancelled),
            (Shipped, Delivered),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn delivered_and_cancelled_orders_are_final() {
        assert!(Delivered.next().is_empty());
        assert!(Cancelled.next().is_empty());
    }

    #[test]
    fn only_pending_and_processing_orders_can_be_cancelled() {
        let cancellable: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|s| s.is_cancellable())
            .collect();
        assert_eq!(cancellable, [Pending, Processing]);
    }

    #[test]
    fn a_customer_may_only_cancel_and_only_while_pending() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let expected = from == Pending && to == Cancelled;
                assert_eq!(
                    from.allows(to, super::Mover::Customer),
                    expected,
                    "{from:?} -> {to:?}"
                );
                assert_eq!(from.allows(to, super::Mover::Staff), from.can_become(to));
            }
        }
        assert!(Pending.customer_can_cancel());
        assert!(
            !Processing.customer_can_cancel(),
            "staff may still cancel it"
        );
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(s));
        }
        assert!(OrderStatus::parse("lost").is_err());
    }
}
