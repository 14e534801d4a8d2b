//! Customers' carts as this replica last read or wrote them, so placing an order usually
//! needs no read of the cart: the checkout page just loaded it, or the shopper just changed it
//! here.
//!
//! A copy may be stale (the shopper changed the cart through another replica). That is
//! harmless because the order's transaction writes the cart on condition of the version it
//! priced, and a customer's cart item is never deleted (an order empties it and moves its
//! version on), so one version of a cart names one content for good: a stale copy is refused
//! by the store, and the order reads the cart and prices it again. A guest's cart can be
//! deleted and started again at version 1, so guests' carts are never kept here.

use super::service::StoredCart;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Beyond this many carts the copies are dropped and kept afresh.
const MAX_CARTS: usize = 20_000;
/// A copy older than this is not used. Versions never repeat, so this bounds only what an
/// unusual history could do (a replica of an older release deleting a cart that another
/// replica still holds), not what correctness rests on.
const KEPT_FOR: Duration = Duration::from_secs(600);

#[derive(Debug, Default)]
pub(super) struct RecentCarts {
    carts: Mutex<HashMap<String, (StoredCart, Instant)>>,
}

impl RecentCarts {
    pub(super) fn get(&self, key: &str) -> Option<StoredCart> {
        let carts = self.carts.lock().ok()?;
        let (cart, kept) = carts.get(key)?;
        (kept.elapsed() < KEPT_FOR).then(|| cart.clone())
    }

    /// Keeps `cart` unless a copy of a later version is kept already.
    pub(super) fn put(&self, key: String, cart: StoredCart) {
        let Ok(mut carts) = self.carts.lock() else {
            return;
        };
        if carts
            .get(&key)
            .is_some_and(|(kept, _)| kept.version > cart.version)
        {
            return;
        }
        if carts.len() >= MAX_CARTS && !carts.contains_key(&key) {
            carts.clear();
        }
        carts.insert(key, (cart, Instant::now()));
    }

    pub(super) fn forget(&self, key: &str) {
        if let Ok(mut carts) = self.carts.lock() {
            carts.remove(key);
        }
    }
}
