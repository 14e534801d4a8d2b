//! Sessions (and API tokens) this replica has looked up recently, so a page view or an API call
//! does not cost DynamoDB reads. A token is cached and revoked exactly as a session is, under
//! its own storage key.
//!
//! # Staleness bound
//! Every change that can end a session or change what it shows (sign-out, a new password, a
//! disabled account, a new role, a new name) does two things:
//! - it drops the affected entries here at once, so the replica that made the change never
//!   serves the old answer; and
//! - it appends an entry to the **revocation log** in the sessions table (`revocations`, a
//!   counter, and `revoked#<n>`, one item per change, kept an hour).
//!
//! Every replica's `session-revocations` worker reads the counter (one strongly consistent
//! `GetItem`) every [`REVOCATION_POLL`] and drops what the new entries name. Cached entries
//! are trusted only while the last successful poll began less than [`TRUSTED_FOR`] ago, so a
//! revocation reaches every replica within that bound even when polls fail: without a fresh
//! poll every lookup goes to DynamoDB again. An entry is also never used past
//! [`ENTRY_LIFETIME`] or its session's own expiry.
//!
//! A gap in the log (an entry that expired, or a crash between bumping the counter and writing
//! the entry) drops everything: the safe answer costs one re-read per active session.

use super::values::UserId;
use super::Principal;
use crate::store::attr::{n, s, Reader};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

/// How often every replica reads the revocation counter.
pub const REVOCATION_POLL: Duration = Duration::from_millis(500);
/// How long after the start of the last successful poll cached sessions are trusted. A
/// revocation is visible on every replica within this bound.
pub const TRUSTED_FOR: Duration = Duration::from_millis(1500);
/// The longest one cached answer is used, however fresh the polls.
pub const ENTRY_LIFETIME: Duration = Duration::from_secs(300);
/// The most sessions kept; beyond it new ones are looked up each time.
const MAX_ENTRIES: usize = 200_000;
/// How long a log entry is kept: far beyond any poll interval.
const LOG_ENTRY_SECS: i64 = 3_600;
/// The most log entries read in one poll; more than that drops everything.
const MAX_ENTRIES_PER_POLL: u64 = 100;

const COUNTER_PK: &str = "revocations";
const ENTRY_PREFIX: &str = "revoked#";

/// What one revocation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Revoked {
    /// One session, by its storage key.
    Session(String),
    /// Every session of an account.
    User(UserId),
}

impl Revoked {
    fn encode(&self) -> String {
        match self {
            Self::Session(key) => format!("session:{key}"),
            Self::User(id) => format!("user:{}", id.as_str()),
        }
    }

    fn decode(text: &str) -> Option<Self> {
        match text.split_once(':')? {
            ("session", key) => Some(Self::Session(key.to_owned())),
            ("user", id) => UserId::parse(id).ok().map(Self::User),
            _ => None,
        }
    }
}

/// One session's answer: who it signs in (anonymous: not signed in, or disabled).
#[derive(Debug, Clone)]
struct Entry {
    user: Option<UserId>,
    principal: Principal,
    /// The session's own expiry.
    expires_at: Timestamp,
    looked_up: Instant,
}

#[derive(Debug, Default)]
struct Polls {
    /// The log position this replica has applied; `None` before the first poll.
    applied: Option<u64>,
    /// When the last successful poll began.
    began: Option<Instant>,
}

#[derive(Debug, Default)]
pub(super) struct SessionCache {
    entries: RwLock<HashMap<String, Entry>>,
    polls: Mutex<Polls>,
    /// Moves on every forget, so an answer read before a revocation is never stored after it.
    forgets: AtomicU64,
}

/// Taken before a session is read from the store; storing its answer needs it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lookup {
    forgets: u64,
    began: Instant,
}

impl SessionCache {
    fn trusted(&self) -> bool {
        self.polls
            .lock()
            .ok()
            .and_then(|p| p.began)
            .is_some_and(|began| began.elapsed() < TRUSTED_FOR)
    }

    /// The cached answer for a session, if there is one that may be used now.
    pub(super) fn get(&self, key: &str) -> Option<Principal> {
        if !self.trusted() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let entry = entries.get(key)?;
        (entry.looked_up.elapsed() < ENTRY_LIFETIME && entry.expires_at > Timestamp::now())
            .then(|| entry.principal.clone())
    }

    /// Starts a lookup in the store.
    pub(super) fn lookup(&self) -> Lookup {
        Lookup {
            forgets: self.forgets.load(Ordering::SeqCst),
            began: Instant::now(),
        }
    }

    /// Remembers a session's answer, unless something was forgotten since `lookup` began (the
    /// answer may predate that revocation).
    pub(super) fn put(
        &self,
        key: String,
        user: Option<UserId>,
        principal: Principal,
        expires_at: Timestamp,
        lookup: Lookup,
    ) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if self.forgets.load(Ordering::SeqCst) != lookup.forgets {
            return;
        }
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, e| e.looked_up.elapsed() < ENTRY_LIFETIME);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(
            key,
            Entry {
                user,
                principal,
                expires_at,
                looked_up: lookup.began,
            },
        );
    }

    /// Drops what `revoked` names.
    pub(super) fn forget(&self, revoked: &Revoked) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        self.forgets.fetch_add(1, Ordering::SeqCst);
        match revoked {
            Revoked::Session(key) => {
                entries.remove(key);
            }
            Revoked::User(id) => entries.retain(|_, e| e.user.as_ref() != Some(id)),
        }
    }

    fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.write() {
            self.forgets.fetch_add(1, Ordering::SeqCst);
            entries.clear();
        }
    }

    /// One poll of the revocation log: applies what it names and, on success, renews trust.
    pub(super) async fn poll(&self, log: &RevocationLog) -> Result<(), StoreError> {
        let began = Instant::now();
        let position = log.position().await?;
        let applied = self.polls.lock().ok().and_then(|p| p.applied);
        match applied {
            Some(applied) if position == applied => {}
            Some(applied) if position > applied && position - applied <= MAX_ENTRIES_PER_POLL => {
                match log.entries(applied + 1..=position).await? {
                    Some(revoked) => revoked.iter().for_each(|r| self.forget(r)),
                    None => self.forget_all(),
                }
            }
            // First poll, a counter that went back (a restored table) or a long gap.
            _ => self.forget_all(),
        }
        if let Ok(mut polls) = self.polls.lock() {
            polls.applied = Some(position);
            polls.began = Some(began);
        }
        Ok(())
    }
}

/// The revocation log in the sessions table.
#[derive(Debug, Clone)]
pub(super) struct RevocationLog {
    store: Store,
    table: String,
}

impl RevocationLog {
    pub(super) fn new(store: Store) -> Self {
        Self {
            table: store.tables.sessions(),
            store,
        }
    }

    /// Appends `revoked`: takes the next position, then writes the entry there. A crash
    /// between the two leaves a gap, which pollers treat as "drop everything".
    pub(super) async fn record(&self, revoked: &Revoked) -> Result<(), StoreError> {
        let out = self
            .store
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(COUNTER_PK))
            .update_expression("ADD seq :one")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| StoreError::call("UpdateItem", e))?;
        let position = match out.attributes().and_then(|a| a.get("seq")) {
            Some(AttributeValue::N(v)) => v.parse::<u64>().ok(),
            _ => None,
        }
        .ok_or_else(|| StoreError::malformed(&self.table, "revocations.seq is not a number"))?;
        self.store
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("{ENTRY_PREFIX}{position}")))
            .item("revoked", s(revoked.encode()))
            .item("ttl", n(Timestamp::now().millis() / 1000 + LOG_ENTRY_SECS))
            .send()
            .await
            .map_err(|e| StoreError::call("PutItem", e))?;
        Ok(())
    }

    /// The log's current position (0 before the first revocation), read consistently.
    async fn position(&self) -> Result<u64, StoreError> {
        let Some(item) = self.store.get_by_pk(&self.table, COUNTER_PK.into()).await? else {
            return Ok(0);
        };
        Reader::new(&self.table, &item).number("seq")
    }

    /// The entries at `positions`, or `None` when any is missing or unreadable.
    async fn entries(
        &self,
        positions: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<Vec<Revoked>>, StoreError> {
        let wanted = positions.clone().count();
        let keys: Vec<String> = positions.map(|p| format!("{ENTRY_PREFIX}{p}")).collect();
        let items = self.store.batch_get(&self.table, &keys).await?;
        let revoked: Vec<Revoked> = items
            .values()
            .filter_map(|item| match item.get("revoked") {
                Some(AttributeValue::S(text)) => Revoked::decode(text),
                _ => None,
            })
            .collect();
        Ok((revoked.len() == wanted).then_some(revoked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocations_round_trip_through_their_stored_text() {
        let user = UserId::parse("0190a8b4-7c3e-7d21-9a55-3b2f1c0d4e5f").unwrap();
        for revoked in [Revoked::Session("ab".repeat(32)), Revoked::User(user)] {
            assert_eq!(Revoked::decode(&revoked.encode()), Some(revoked));
        }
        assert_eq!(Revoked::decode("group:x"), None);
        assert_eq!(Revoked::decode("user:not an id"), None);
    }

    #[test]
    fn nothing_is_served_from_the_cache_before_a_poll_has_succeeded() {
        let cache = SessionCache::default();
        cache.put(
            "k".into(),
            None,
            Principal::ANONYMOUS,
            Timestamp(i64::MAX),
            cache.lookup(),
        );
        assert!(cache.get("k").is_none());
        cache.polls.lock().unwrap().began = Some(Instant::now());
        assert!(cache.get("k").is_some());
    }

    #[test]
    fn an_expired_session_is_not_served_from_the_cache() {
        let cache = SessionCache::default();
        cache.polls.lock().unwrap().began = Some(Instant::now());
        cache.put(
            "k".into(),
            None,
            Principal::ANONYMOUS,
            Timestamp(0),
            cache.lookup(),
        );
        assert!(cache.get("k").is_none());
    }

    #[test]
    fn an_answer_read_before_a_revocation_is_not_stored_after_it() {
        let cache = SessionCache::default();
        cache.polls.lock().unwrap().began = Some(Instant::now());
        let lookup = cache.lookup();
        cache.forget(&Revoked::Session("k".into()));
        cache.put(
            "k".into(),
            None,
            Principal::ANONYMOUS,
            Timestamp(i64::MAX),
            lookup,
        );
        assert!(cache.get("k").is_none());
    }
}
