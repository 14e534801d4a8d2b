//! The tables, their keys and indexes, and the idempotent command that creates them.
//! `docs/data-model.md` explains the access pattern behind each key.

use super::{Store, StoreError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use std::time::Duration;

/// Table names: a configurable prefix (one DynamoDB account can hold several shops or
/// environments) plus the table's own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames {
    prefix: String,
}

impl TableNames {
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
        }
    }

    pub fn products(&self) -> String {
        format!("{}products", self.prefix)
    }

    pub fn users(&self) -> String {
        format!("{}users", self.prefix)
    }

    pub fn sessions(&self) -> String {
        format!("{}sessions", self.prefix)
    }

    pub fn sign_in_attempts(&self) -> String {
        format!("{}sign-in-attempts", self.prefix)
    }

    pub fn carts(&self) -> String {
        format!("{}carts", self.prefix)
    }

    pub fn orders(&self) -> String {
        format!("{}orders", self.prefix)
    }

    pub fn audit(&self) -> String {
        format!("{}audit", self.prefix)
    }

    /// API tokens, by the SHA-256 of their secret.
    pub fn api_tokens(&self) -> String {
        format!("{}api-tokens", self.prefix)
    }

    /// Support tickets, their messages and ticket numbers.
    pub fn tickets(&self) -> String {
        format!("{}tickets", self.prefix)
    }

    /// Background jobs' state: catalog imports and their reports (later, stream checkpoints).
    pub fn jobs(&self) -> String {
        format!("{}jobs", self.prefix)
    }

    /// The assistant's conversations, one per visitor, kept a week after the last message.
    pub fn conversations(&self) -> String {
        format!("{}conversations", self.prefix)
    }
}

/// The products table's secondary indexes.
pub mod products {
    /// Products by status, newest first: the storefront's catalog load and admin lists.
    pub const BY_STATUS: &str = "by_status";
    /// Products by category, newest first.
    pub const BY_CATEGORY: &str = "by_category";
    /// Products by when they last changed what a page shows, oldest first: the change feed
    /// replicas read to refresh their snapshot with only what changed. Written by product
    /// edits, stock adjustments and the sales that change a page, not by quiet sales.
    pub const BY_CHANGE: &str = "by_change";
}

/// The users table's secondary index.
pub mod users {
    /// Accounts by role, in email order: the admin's user lists and searches. Only account
    /// items carry `role`, so email claims stay out of it.
    pub const BY_ROLE: &str = "by_role";
}

/// The audit table's secondary indexes.
pub mod audit {
    /// Entries of one month (`yyyy-mm`), newest first: browsing the log.
    pub const BY_MONTH: &str = "by_month";
    /// Entries about one thing (`product#<id>`, `user#<id>`…), newest first: its history.
    pub const BY_TARGET: &str = "by_target";
}

/// The sessions table's secondary index.
pub mod sessions {
    /// A user's sessions, newest first: revoking every session of an account.
    pub const BY_USER: &str = "by_user";
}

/// The API tokens table's secondary index.
pub mod api_tokens {
    /// An account's tokens, newest first: its token list.
    pub const BY_USER: &str = "by_user";
}

/// The orders table's secondary indexes.
pub mod orders {
    /// A customer's orders, newest first: "My orders".
    pub const BY_CUSTOMER: &str = "by_customer";
    /// Orders in a status, newest first: the admin's order lists.
    pub const BY_STATUS: &str = "by_status";
}

/// The tickets table's secondary indexes.
pub mod tickets {
    /// Tickets by desk state (`active` for new and open, else the status), most urgent
    /// first: the agents' queue.
    pub const BY_STATE: &str = "by_state";
    /// A customer's tickets, newest first.
    pub const BY_CUSTOMER: &str = "by_customer";
    /// An agent's tickets, most urgent first.
    pub const BY_ASSIGNEE: &str = "by_assignee";
    /// Tickets about one order, newest first.
    pub const BY_ORDER: &str = "by_order";
    /// A ticket's messages, oldest first.
    pub const BY_TICKET: &str = "by_ticket";
    /// Customer messages waiting for a sentiment score, oldest first.
    pub const BY_UNSCORED: &str = "by_unscored";
    /// Tickets whose SLA clock runs, by due time: the overview's overdue count.
    pub const BY_DUE: &str = "by_due";
}

/// The attribute holding an item's expiry (Unix seconds) in tables with TTL.
pub const TTL_ATTRIBUTE: &str = "ttl";

struct Index {
    name: &'static str,
    hash: &'static str,
    range: &'static str,
}

struct TableSpec {
    name: String,
    hash: &'static str,
    indexes: Vec<Index>,
    /// Items expire by [`TTL_ATTRIBUTE`].
    ttl: bool,
}

fn specs(names: &TableNames) -> Vec<TableSpec> {
    vec![
        TableSpec {
            name: names.products(),
            hash: "pk",
            indexes: vec![
                Index {
                    name: products::BY_STATUS,
                    hash: "status",
                    range: "created_sk",
                },
                Index {
                    name: products::BY_CATEGORY,
                    hash: "category",
                    range: "created_sk",
                },
                Index {
                    name: products::BY_CHANGE,
                    hash: "change_feed",
                    range: "changed_sk",
                },
            ],
            ttl: false,
        },
        TableSpec {
            name: names.users(),
            hash: "pk",
            indexes: vec![Index {
                name: users::BY_ROLE,
                hash: "role",
                range: "email",
            }],
            ttl: false,
        },
        TableSpec {
            name: names.sessions(),
            hash: "pk",
            indexes: vec![Index {
                name: sessions::BY_USER,
                hash: "user_id",
                range: "created_sk",
            }],
            ttl: true,
        },
        TableSpec {
            name: names.api_tokens(),
            hash: "pk",
            indexes: vec![Index {
                name: api_tokens::BY_USER,
                hash: "user_id",
                range: "created_sk",
            }],
            ttl: true,
        },
        TableSpec {
            name: names.sign_in_attempts(),
            hash: "pk",
            indexes: Vec::new(),
            ttl: true,
        },
        TableSpec {
            name: names.carts(),
            hash: "pk",
            indexes: Vec::new(),
            ttl: true,
        },
        TableSpec {
            name: names.orders(),
            hash: "pk",
            indexes: vec![
                Index {
                    name: orders::BY_CUSTOMER,
                    hash: "customer_id",
                    range: "created_sk",
                },
                Index {
                    name: orders::BY_STATUS,
                    hash: "status",
                    range: "created_sk",
                },
            ],
            ttl: false,
        },
        TableSpec {
            name: names.audit(),
            hash: "pk",
            indexes: vec![
                Index {
                    name: audit::BY_MONTH,
                    hash: "month",
                    range: "at_sk",
                },
                Index {
                    name: audit::BY_TARGET,
                    hash: "target_key",
                    range: "at_sk",
                },
            ],
            ttl: false,
        },
        TableSpec {
            name: names.tickets(),
            hash: "pk",
            indexes: vec![
                Index {
                    name: tickets::BY_STATE,
                    hash: "desk_state",
                    range: "rank_sk",
                },
                Index {
                    name: tickets::BY_CUSTOMER,
                    hash: "customer_id",
                    range: "created_sk",
                },
                Index {
                    name: tickets::BY_ASSIGNEE,
                    hash: "assignee_id",
                    range: "rank_sk",
                },
                Index {
                    name: tickets::BY_ORDER,
                    hash: "order_id",
                    range: "created_sk",
                },
                Index {
                    name: tickets::BY_TICKET,
                    hash: "ticket_id",
                    range: "seq_sk",
                },
                Index {
                    name: tickets::BY_UNSCORED,
                    hash: "unscored",
                    range: "at_sk",
                },
                Index {
                    name: tickets::BY_DUE,
                    hash: "sla_running",
                    range: "due_sk",
                },
            ],
            ttl: false,
        },
        TableSpec {
            name: names.jobs(),
            hash: "pk",
            indexes: Vec::new(),
            ttl: true,
        },
        TableSpec {
            name: names.conversations(),
            hash: "pk",
            indexes: Vec::new(),
            ttl: true,
        },
    ]
}

/// What [`init_tables`] did to one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableOutcome {
    Created(String),
    AlreadyExisted(String),
}

/// Creates every table and index that does not exist yet, then waits until all are active.
/// An index added to an existing table (a newer version of the shop on an older database) is
/// created on it and back-filled by the store. Running it again changes nothing.
pub async fn init_tables(store: &Store) -> Result<Vec<TableOutcome>, StoreError> {
    let mut outcomes = Vec::new();
    for spec in specs(&store.tables) {
        let outcome = create_table(store, &spec).await?;
        wait_until_active(store, &spec.name).await?;
        if matches!(outcome, TableOutcome::AlreadyExisted(_)) {
            add_missing_indexes(store, &spec).await?;
        }
        if spec.ttl && matches!(outcome, TableOutcome::Created(_)) {
            enable_ttl(store, &spec.name).await?;
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Creates, one at a time (as DynamoDB requires), each index of `spec` the table lacks.
async fn add_missing_indexes(store: &Store, spec: &TableSpec) -> Result<(), StoreError> {
    let existing = existing_indexes(store, &spec.name).await?;
    for index in spec
        .indexes
        .iter()
        .filter(|i| !existing.iter().any(|e| e == i.name))
    {
        tracing::info!(table = %spec.name, index = index.name, "adding a secondary index");
        store
            .client
            .update_table()
            .table_name(&spec.name)
            .attribute_definitions(string_attribute(index.hash)?)
            .attribute_definitions(string_attribute(index.range)?)
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .create(
                        CreateGlobalSecondaryIndexAction::builder()
                            .index_name(index.name)
                            .key_schema(key(index.hash, KeyType::Hash)?)
                            .key_schema(key(index.range, KeyType::Range)?)
                            .projection(all_attributes())
                            .build()?,
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(|e| StoreError::call("UpdateTable", e))?;
        wait_until_active(store, &spec.name).await?;
    }
    Ok(())
}

async fn describe(
    store: &Store,
    table: &str,
) -> Result<aws_sdk_dynamodb::operation::describe_table::DescribeTableOutput, StoreError> {
    store
        .client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| StoreError::call("DescribeTable", e))
}

async fn existing_indexes(store: &Store, table: &str) -> Result<Vec<String>, StoreError> {
    let described = describe(store, table).await?;
    Ok(described
        .table()
        .map(|t| {
            t.global_secondary_indexes()
                .iter()
                .filter_map(|i| i.index_name().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

fn all_attributes() -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::All)
        .build()
}

fn key(name: &str, key_type: KeyType) -> Result<KeySchemaElement, StoreError> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()?)
}

fn string_attribute(name: &str) -> Result<AttributeDefinition, StoreError> {
    Ok(AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()?)
}

async fn create_table(store: &Store, spec: &TableSpec) -> Result<TableOutcome, StoreError> {
    let mut attributes = vec![spec.hash];
    for index in &spec.indexes {
        for a in [index.hash, index.range] {
            if !attributes.contains(&a) {
                attributes.push(a);
            }
        }
    }
    let mut request = store
        .client
        .create_table()
        .table_name(&spec.name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(spec.hash, KeyType::Hash)?);
    for a in attributes {
        request = request.attribute_definitions(string_attribute(a)?);
    }
    for index in &spec.indexes {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(index.name)
                .key_schema(key(index.hash, KeyType::Hash)?)
                .key_schema(key(index.range, KeyType::Range)?)
                .projection(all_attributes())
                .build()?,
        );
    }
    match request.send().await {
        Ok(_) => Ok(TableOutcome::Created(spec.name.clone())),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_in_use_exception()) =>
        {
            Ok(TableOutcome::AlreadyExisted(spec.name.clone()))
        }
        Err(e) => Err(StoreError::call("CreateTable", e)),
    }
}

async fn enable_ttl(store: &Store, table: &str) -> Result<(), StoreError> {
    store
        .client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(TTL_ATTRIBUTE)
                .enabled(true)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| StoreError::call("UpdateTimeToLive", e))?;
    Ok(())
}

async fn wait_until_active(store: &Store, table: &str) -> Result<(), StoreError> {
    for _ in 0..120 {
        let described = describe(store, table).await?;
        let status = described.table().and_then(|t| t.table_status());
        let indexes_ready = described.table().is_none_or(|t| {
            t.global_secondary_indexes()
                .iter()
                .all(|i| matches!(i.index_status(), Some(IndexStatus::Active) | None))
        });
        if matches!(status, Some(TableStatus::Active) | None) && indexes_ready {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(StoreError::NotActive {
        table: table.to_owned(),
    })
}
