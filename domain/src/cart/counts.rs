//! How many items each cart holds, as the header shows it, kept briefly in memory.
//!
//! A count is read from the store at most once per [`COUNT_FRESH_FOR`] per cart. Changes made
//! through this replica update its count at once; a change made through another replica shows
//! here within that bound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// The longest a count read from the store is shown without reading it again.
pub const COUNT_FRESH_FOR: Duration = Duration::from_secs(2);
const MAX_CARTS: usize = 200_000;

#[derive(Debug, Default)]
pub(super) struct CartCounts {
    counts: RwLock<HashMap<String, (u32, Instant)>>,
    /// Moves on every local change, so a count read before one is never stored after it.
    changes: AtomicU64,
}

/// Taken before a count is read from the store.
#[derive(Debug, Clone, Copy)]
pub(super) struct CountRead {
    changes: u64,
    began: Instant,
}

impl CartCounts {
    pub(super) fn get(&self, key: &str) -> Option<u32> {
        let counts = self.counts.read().ok()?;
        let (count, read) = counts.get(key)?;
        (read.elapsed() < COUNT_FRESH_FOR).then_some(*count)
    }

    pub(super) fn begin(&self) -> CountRead {
        CountRead {
            changes: self.changes.load(Ordering::SeqCst),
            began: Instant::now(),
        }
    }

    /// Stores a count read from the store, unless the cart changed here since `read` began.
    pub(super) fn put(&self, key: String, count: u32, read: CountRead) {
        let Ok(mut counts) = self.counts.write() else {
            return;
        };
        if self.changes.load(Ordering::SeqCst) != read.changes {
            return;
        }
        if counts.len() >= MAX_CARTS && !counts.contains_key(&key) {
            counts.retain(|_, (_, at)| at.elapsed() < COUNT_FRESH_FOR);
            if counts.len() >= MAX_CARTS {
                return;
            }
        }
        counts.insert(key, (count, read.began));
    }

    /// The cart was just changed here: its count is `count` now (`None`: read it again).
    pub(super) fn changed(&self, key: &str, count: Option<u32>) {
        let Ok(mut counts) = self.counts.write() else {
            return;
        };
        self.changes.fetch_add(1, Ordering::SeqCst);
        match count {
            Some(count) => counts.insert(key.to_owned(), (count, Instant::now())),
            None => counts.remove(key),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_change_replaces_the_count_at_once() {
        let counts = CartCounts::default();
        counts.put("c".into(), 2, counts.begin());
        assert_eq!(counts.get("c"), Some(2));
        counts.changed("c", Some(5));
        assert_eq!(counts.get("c"), Some(5));
        counts.changed("c", None);
        assert_eq!(counts.get("c"), None);
    }

    #[test]
    fn a_count_read_before_a_local_change_is_not_stored_after_it() {
        let counts = CartCounts::default();
        let read = counts.begin();
        counts.changed("c", Some(3));
        counts.put("c".into(), 1, read);
        assert_eq!(counts.get("c"), Some(3));
    }
}
