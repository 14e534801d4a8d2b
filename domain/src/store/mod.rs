//! The one storage path: `aws-sdk-dynamodb`, against real DynamoDB or any endpoint that speaks
//! its API (the embedded dynoxide server, in one-machine mode and in tests).

pub mod attr;
pub mod embedded;
mod error;
pub mod page;
pub mod schema;

pub use error::StoreError;
pub use schema::{init_tables, TableNames};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use std::time::Duration;

/// For a cancelled transaction, each item's cancellation code by position
/// (`ConditionalCheckFailed`, `TransactionConflict`, `None`…); empty for any other error.
pub fn cancellation_codes(
    error: &aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
) -> Vec<String> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match error {
        TransactWriteItemsError::TransactionCanceledException(e) => e
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().unwrap_or("None").to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// Why a `TransactWriteItems` did not happen.
#[derive(Debug)]
pub enum TransactError {
    /// DynamoDB cancelled it: each item's cancellation code by position.
    Cancelled(Vec<String>),
    Store(StoreError),
}

impl TransactError {
    /// Whether the item at `index` failed its condition.
    pub fn condition_failed(&self, index: usize) -> bool {
        matches!(self, TransactError::Cancelled(codes) if codes.get(index).is_some_and(|c| c == "ConditionalCheckFailed"))
    }

    /// Whether any item failed its condition.
    pub fn any_condition_failed(&self) -> bool {
        matches!(self, TransactError::Cancelled(codes) if codes.iter().any(|c| c == "ConditionalCheckFailed"))
    }

    /// Whether it ran into another transaction on the same items (trying again may work).
    pub fn conflicted(&self) -> bool {
        matches!(self, TransactError::Cancelled(codes) if codes.iter().any(|c| c == "TransactionConflict"))
    }

    pub fn into_store_error(self) -> StoreError {
        match self {
            TransactError::Store(e) => e,
            TransactError::Cancelled(codes) => StoreError::Call {
                operation: "TransactWriteItems",
                detail: format!("cancelled: {codes:?}"),
            },
        }
    }
}

impl From<TransactError> for StoreError {
    fn from(e: TransactError) -> Self {
        e.into_store_error()
    }
}

/// Where DynamoDB is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEndpoint {
    /// Real DynamoDB: the default AWS credential chain and region.
    Aws,
    /// A DynamoDB-compatible endpoint at this URL (dynoxide, a local emulator).
    Url(String),
}

/// A DynamoDB client and the names of the project's tables.
#[derive(Clone, Debug)]
pub struct Store {
    pub client: Client,
    pub tables: TableNames,
}

/// How long one DynamoDB call may take in all, retries included, before it fails: a store
/// that is down gives an error page quickly instead of a hung request.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// One item by its `pk`, read consistently.
    pub async fn get_by_pk(
        &self,
        table: &str,
        pk: String,
    ) -> Result<Option<attr::Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(table)
            .key("pk", attr::s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::call("GetItem", e))?;
        Ok(out.item)
    }

    /// Writes `items` all or nothing.
    pub async fn transact(
        &self,
        items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
    ) -> Result<(), TransactError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => match e.as_service_error().map(cancellation_codes) {
                Some(codes) if !codes.is_empty() => Err(TransactError::Cancelled(codes)),
                _ => Err(TransactError::Store(StoreError::call(
                    "TransactWriteItems",
                    e,
                ))),
            },
        }
    }

    pub async fn connect(endpoint: &StoreEndpoint, table_prefix: &str) -> Self {
        let timeouts = aws_sdk_dynamodb::config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(2))
            .operation_timeout(OPERATION_TIMEOUT)
            .build();
        let client = match endpoint {
            StoreEndpoint::Aws => {
                let shared = aws_config::defaults(BehaviorVersion::latest())
                    .timeout_config(timeouts)
                    .load()
                    .await;
                Client::new(&shared)
            }
            StoreEndpoint::Url(url) => {
                let config = aws_sdk_dynamodb::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new("us-east-1"))
                    .credentials_provider(Credentials::new("local", "local", None, None, "static"))
                    .endpoint_url(url)
                    .timeout_config(timeouts)
                    .build();
                Client::from_conf(config)
            }
        };
        Self {
            client,
            tables: TableNames::new(table_prefix),
        }
    }
}
