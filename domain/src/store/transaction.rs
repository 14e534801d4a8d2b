//! Every DynamoDB transaction goes through [`Store::commit`]: its items are named by the
//! caller (`"slug"`, `PlaceItem::Stock(2)`), so a cancellation says *which* named items failed
//! their conditions instead of leaving callers to do arithmetic on positions, and collisions
//! with other transactions are retried here, with one backoff policy for the whole shop.

use super::{Store, StoreError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::time::Duration;

/// How often a transaction that collided with another is tried again before giving up.
pub const CONFLICT_RETRIES: u32 = 12;
/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_millis(250);

/// Items to write all or nothing, each named by a key of the caller's choosing.
#[derive(Debug, Clone)]
pub struct Transaction<K> {
    items: Vec<TransactWriteItem>,
    keys: Vec<K>,
}

impl<K> Default for Transaction<K> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            keys: Vec::new(),
        }
    }
}

impl<K: Copy + PartialEq> Transaction<K> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, key: K, item: TransactWriteItem) {
        self.items.push(item);
        self.keys.push(key);
    }

    /// This transaction with one more item.
    pub fn with(mut self, key: K, item: TransactWriteItem) -> Self {
        self.push(key, item);
        self
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The named items whose cancellation code (by position) says their condition failed.
    fn refused_by(&self, codes: &[String]) -> Vec<K> {
        codes
            .iter()
            .zip(&self.keys)
            .filter(|(code, _)| code.as_str() == "ConditionalCheckFailed")
            .map(|(_, key)| *key)
            .collect()
    }
}

/// Why a transaction did not happen. Nothing of it was written.
#[derive(Debug)]
pub enum TransactError<K> {
    /// These items' conditions did not hold.
    Refused(Vec<K>),
    /// It kept colliding with other transactions on the same items through every retry.
    Contended,
    Store(StoreError),
}

impl<K: PartialEq> TransactError<K> {
    /// Whether the item named `key` failed its condition.
    pub fn refused(&self, key: K) -> bool {
        matches!(self, TransactError::Refused(keys) if keys.contains(&key))
    }
}

impl<K: std::fmt::Debug> From<TransactError<K>> for StoreError {
    fn from(e: TransactError<K>) -> Self {
        match e {
            TransactError::Store(e) => e,
            other => StoreError::Call {
                operation: "TransactWriteItems",
                detail: format!("{other:?}"),
            },
        }
    }
}

impl<K> From<StoreError> for TransactError<K> {
    fn from(e: StoreError) -> Self {
        TransactError::Store(e)
    }
}

impl<K> From<aws_sdk_dynamodb::error::BuildError> for TransactError<K> {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        TransactError::Store(e.into())
    }
}

/// Each item's cancellation code by position (`ConditionalCheckFailed`,
/// `TransactionConflict`, `None`…); empty for any error but a cancellation.
fn cancellation_codes(error: &TransactWriteItemsError) -> Vec<String> {
    match error {
        TransactWriteItemsError::TransactionCanceledException(e) => e
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().unwrap_or("None").to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// The wait before try `attempt + 1`: doubling from 5 ms, with up to as much again of jitter
/// so that colliding writers spread out, and never more than [`MAX_BACKOFF`].
pub(crate) fn backoff_delay(attempt: u32, jitter: u8) -> Duration {
    let base = 5u64 << attempt.min(6);
    let jittered = base + base * u64::from(jitter) / 255;
    Duration::from_millis(jittered).min(MAX_BACKOFF)
}

impl Store {
    /// Writes the transaction all or nothing. Collisions with other transactions are tried
    /// again after a backoff, up to [`CONFLICT_RETRIES`] times; a failed condition is
    /// answered at once, naming the items that failed.
    pub async fn commit<K: Copy + PartialEq>(
        &self,
        transaction: &Transaction<K>,
    ) -> Result<(), TransactError<K>> {
        for attempt in 0..CONFLICT_RETRIES {
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(transaction.items.clone()))
                .send()
                .await;
            let Err(error) = sent else {
                return Ok(());
            };
            let service = error.as_service_error();
            let codes = service.map(cancellation_codes).unwrap_or_default();
            let refused = transaction.refused_by(&codes);
            if !refused.is_empty() {
                return Err(TransactError::Refused(refused));
            }
            let collided = codes.iter().any(|c| c == "TransactionConflict")
                || matches!(
                    service,
                    Some(TransactWriteItemsError::TransactionInProgressException(_))
                );
            if !collided {
                return Err(TransactError::Store(StoreError::call(
                    "TransactWriteItems",
                    error,
                )));
            }
            tokio::time::sleep(backoff_delay(attempt, crate::random::bytes::<1>()[0])).await;
        }
        Err(TransactError::Contended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        assert_eq!(backoff_delay(0, 0), Duration::from_millis(5));
        assert_eq!(backoff_delay(1, 0), Duration::from_millis(10));
        assert_eq!(backoff_delay(1, 255), Duration::from_millis(20));
        assert_eq!(backoff_delay(20, 255), MAX_BACKOFF);
    }

    #[test]
    fn a_cancellation_names_the_items_whose_condition_failed() {
        let item = TransactWriteItem::builder().build();
        let tx = Transaction::new()
            .with("order", item.clone())
            .with("stock", item.clone())
            .with("cart", item);
        let codes = ["None", "ConditionalCheckFailed", "ConditionalCheckFailed"].map(String::from);
        assert_eq!(tx.refused_by(&codes), vec!["stock", "cart"]);
        let e = TransactError::Refused(tx.refused_by(&codes));
        assert!(e.refused("cart") && !e.refused("order"));
    }
}
