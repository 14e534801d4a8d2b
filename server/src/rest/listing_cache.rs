//! The product list's answers, kept ready to send: the public catalog is the API's busiest
//! read and the same for every caller, so each query string's JSON is made once per catalog
//! generation, like the storefront's page cache (`html_cache`). An answer is only served for
//! the exact query string it was made for and the generation it was made from; when the
//! generation moves, every kept answer goes. Sizes are bounded.

use bytes::Bytes;
use std::collections::HashMap;
use std::sync::RwLock;

/// The most answers kept; past it the cache starts afresh.
const MAX_ANSWERS: usize = 1024;
/// Longer query strings are answered but not kept.
const MAX_KEY_BYTES: usize = 512;

#[derive(Default)]
pub struct ListingCache {
    inner: RwLock<Kept>,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    answers: HashMap<Box<str>, Bytes>,
}

impl ListingCache {
    /// The answer kept for `query` at `generation`.
    pub fn get(&self, query: &str, generation: u64) -> Option<Bytes> {
        let kept = self.inner.read().ok()?;
        (kept.generation == generation)
            .then(|| kept.answers.get(query).cloned())
            .flatten()
    }

    /// Keeps `answer` for `query`, made from `generation`.
    pub fn put(&self, query: &str, generation: u64, answer: Bytes) {
        if query.len() > MAX_KEY_BYTES {
            return;
        }
        let Ok(mut kept) = self.inner.write() else {
            return;
        };
        if kept.generation != generation || kept.answers.len() >= MAX_ANSWERS {
            kept.answers.clear();
            kept.generation = generation;
        }
        kept.answers.insert(query.into(), answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_served_for_its_own_query_and_generation_only() {
        let cache = ListingCache::default();
        cache.put("sort=name", 3, Bytes::from_static(b"[names]"));
        assert_eq!(cache.get("sort=name", 3).as_deref(), Some(&b"[names]"[..]));
        assert_eq!(cache.get("sort=name&limit=5", 3), None);
        assert_eq!(cache.get("sort=name", 4), None, "a newer catalog");
        cache.put("q=lamp", 4, Bytes::from_static(b"[lamps]"));
        assert_eq!(
            cache.get("sort=name", 3),
            None,
            "the old generation is gone"
        );
        let long = "q=".to_owned() + &"x".repeat(MAX_KEY_BYTES);
        cache.put(&long, 4, Bytes::from_static(b"[]"));
        assert_eq!(cache.get(&long, 4), None, "overlong keys are not kept");
    }
}
