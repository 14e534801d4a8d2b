//! The cart page, the add-to-cart form and the header's cart link.

mod pages;
pub mod server_fns;

pub use pages::{AddToCart, CartPage};
pub use server_fns::{get_cart, AddToCart as AddToCartAction};
