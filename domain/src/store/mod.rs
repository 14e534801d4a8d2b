//! The one storage path: `aws-sdk-dynamodb`, against real DynamoDB or any endpoint that speaks
//! its API (the embedded dynoxide server, in one-machine mode and in tests).

pub mod attr;
pub mod embedded;
mod error;
pub mod page;
pub mod schema;
mod transaction;

pub use error::StoreError;
pub use schema::{init_tables, TableNames};
pub use transaction::{TransactError, Transaction, CONFLICT_RETRIES};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use std::time::Duration;

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

    /// The items with these `pk`s, by `pk`; missing ones are simply absent. Sent in requests
    /// of at most 100 keys, DynamoDB's limit.
    pub async fn batch_get(
        &self,
        table: &str,
        pks: &[String],
    ) -> Result<std::collections::HashMap<String, attr::Item>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for chunk in pks.chunks(100) {
            found.extend(self.batch_get_chunk(table, chunk).await?);
        }
        Ok(found)
    }

    async fn batch_get_chunk(
        &self,
        table: &str,
        pks: &[String],
    ) -> Result<std::collections::HashMap<String, attr::Item>, StoreError> {
        use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
        let mut found = std::collections::HashMap::new();
        if pks.is_empty() {
            return Ok(found);
        }
        let mut keys = KeysAndAttributes::builder()
            .set_keys(Some(
                pks.iter()
                    .map(|pk| attr::Item::from([("pk".to_owned(), attr::s(pk))]))
                    .collect(),
            ))
            .consistent_read(true)
            .build()?;
        loop {
            let out = self
                .client
                .batch_get_item()
                .request_items(table, keys)
                .send()
                .await
                .map_err(|e| StoreError::call("BatchGetItem", e))?;
            for item in out
                .responses
                .unwrap_or_default()
                .remove(table)
                .unwrap_or_default()
            {
                if let Some(AttributeValue::S(pk)) = item.get("pk") {
                    found.insert(pk.clone(), item);
                }
            }
            match out.unprocessed_keys.unwrap_or_default().remove(table) {
                Some(rest) if !rest.keys().is_empty() => keys = rest,
                _ => return Ok(found),
            }
        }
    }

    /// Writes `items` unconditionally, in requests of at most 25 items (DynamoDB's limit),
    /// sending again whatever the store leaves unprocessed.
    pub async fn batch_put(&self, table: &str, items: Vec<attr::Item>) -> Result<(), StoreError> {
        use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let mut requests = items
                .by_ref()
                .take(25)
                .map(|item| {
                    Ok(WriteRequest::builder()
                        .put_request(PutRequest::builder().set_item(Some(item)).build()?)
                        .build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            while !requests.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(table, requests)
                    .send()
                    .await
                    .map_err(|e| StoreError::call("BatchWriteItem", e))?;
                requests = out
                    .unprocessed_items
                    .unwrap_or_default()
                    .remove(table)
                    .unwrap_or_default();
            }
        }
        Ok(())
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
