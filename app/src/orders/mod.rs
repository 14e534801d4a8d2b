//! Checkout, "My orders" and an order's page.

mod pages;
pub mod server_fns;

pub use pages::{CheckoutPage, MyOrdersPage, OrderContents, OrderPage, ShippingTo};
