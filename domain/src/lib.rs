//! CloudMart's shared domain.
//!
//! Everything outside `ssr` compiles to WASM and is shared with the browser: the types the
//! pages render and the pure rules (money formatting, slugs, stock state, search ranking).
//! Behind the `ssr` feature live the services that decide (the only code that writes) and
//! their DynamoDB adapters.

pub mod address;
pub mod assistant;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod caller;
pub mod cart;
pub mod catalog;
pub mod field_error;
pub mod identity;
pub mod markup;
#[cfg(feature = "ssr")]
pub mod media;
pub mod money;
pub mod orders;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
pub mod random;
pub mod refusal;
pub mod support;
pub mod time;
#[cfg(feature = "ssr")]
pub mod worker;

#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod store;

pub use field_error::FieldError;
pub use money::{Currency, Money};
