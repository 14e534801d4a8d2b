//! The audit table: `L#<id>` entries, browsed by month and by target through two GSIs.

use super::{AuditEntry, AuditFilter, Change, Staff, Target, TargetKind};
use crate::identity::{Email, UserId};
use crate::store::attr::{n, s, Item, Reader};
use crate::store::schema::audit::{BY_MONTH, BY_TARGET};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

/// Where a page of the log stopped, opaque to callers (`<pk>|<at_sk>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCursor {
    pk: String,
    at_sk: String,
}

impl AuditCursor {
    pub fn encode(&self) -> String {
        format!("{}|{}", self.pk, self.at_sk)
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (pk, at_sk) = text.split_once('|')?;
        let ok = pk.starts_with("L#") && pk.len() < 64 && at_sk.len() < 80;
        ok.then(|| Self {
            pk: pk.to_owned(),
            at_sk: at_sk.to_owned(),
        })
    }
}

/// The audit log: entries are added through [`AuditLog::put`] inside the transaction of the
/// change they record, and read back here.
#[derive(Clone, Debug)]
pub struct AuditLog {
    store: Store,
    name: String,
}

/// At most this many items are read to fill one filtered page, so a filter matching almost
/// nothing in a huge month still answers quickly (with a cursor to go on).
const MAX_SCANNED_PER_PAGE: i32 = 2_000;

impl AuditLog {
    pub fn new(store: Store) -> Self {
        let name = store.tables.audit();
        Self { store, name }
    }

    fn at_sk(entry: &AuditEntry) -> String {
        format!("{:015}#{}", entry.at.millis().max(0), entry.id)
    }

    /// The transaction item that records `entry`.
    pub fn put(&self, entry: &AuditEntry) -> Result<TransactWriteItem, StoreError> {
        let changes = serde_json::to_string(&entry.changes)
            .map_err(|e| StoreError::malformed(&self.name, e.to_string()))?;
        let put = Put::builder()
            .table_name(&self.name)
            .item("pk", s(format!("L#{}", entry.id)))
            .item("id", s(&entry.id))
            .item("at", n(entry.at.millis()))
            .item("at_sk", s(Self::at_sk(entry)))
            .item("month", s(entry.month()))
            .item("actor_id", s(entry.actor.id.as_str()))
            .item("actor_email", s(entry.actor.email.as_str()))
            .item("action", s(&entry.action))
            .item("target_kind", s(entry.target.kind.as_str()))
            .item("target_id", s(&entry.target.id))
            .item("target_label", s(&entry.target.label))
            .item("target_key", s(entry.target.key()))
            .item("changes", s(changes))
            .item("reason", s(&entry.reason))
            .condition_expression("attribute_not_exists(pk)")
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Writes `entry` by itself, for changes that are not a DynamoDB transaction of ours.
    pub async fn record(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.store
            .client
            .transact_write_items()
            .transact_items(self.put(entry)?)
            .send()
            .await
            .map_err(|e| StoreError::call("TransactWriteItems", e))?;
        Ok(())
    }

    fn entry_from(&self, item: &Item) -> Result<AuditEntry, StoreError> {
        let r = Reader::new(&self.name, item);
        let changes: Vec<Change> = serde_json::from_str(r.string("changes")?)
            .map_err(|e| StoreError::malformed(&self.name, format!("changes: {e}")))?;
        Ok(AuditEntry {
            id: r.string("id")?.to_owned(),
            at: Timestamp(r.number("at")?),
            actor: Staff {
                id: r.parsed("actor_id", UserId::parse)?,
                email: r.parsed("actor_email", Email::parse)?,
            },
            action: r.string("action")?.to_owned(),
            target: Target {
                kind: r.parsed("target_kind", TargetKind::parse)?,
                id: r.string("target_id")?.to_owned(),
                label: r.string("target_label")?.to_owned(),
            },
            changes,
            reason: r.optional_string("reason")?.unwrap_or_default().to_owned(),
        })
    }

    /// Entries of one month (`yyyy-mm`) that pass `filter`, newest first.
    #[tracing::instrument(name = "audit.page", skip_all, fields(month))]
    pub async fn page(
        &self,
        month: &str,
        filter: &AuditFilter,
        after: Option<&AuditCursor>,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, Option<AuditCursor>), StoreError> {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        if let Some(kind) = filter.kind {
            conditions.push("target_kind = :kind");
            values.push((":kind", kind.as_str().to_owned()));
        }
        if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
            conditions.push("contains(actor_email, :actor)");
            values.push((":actor", actor.to_lowercase()));
        }
        let filter_expression = (!conditions.is_empty()).then(|| conditions.join(" AND "));
        self.query(
            BY_MONTH,
            ("month", month),
            filter_expression,
            values,
            after,
            limit,
        )
        .await
    }

    /// The newest entries about one thing (a product's stock history, a user's role changes).
    #[tracing::instrument(name = "audit.history", skip_all)]
    pub async fn history(
        &self,
        target: &Target,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let key = target.key();
        let (entries, _) = self
            .query(
                BY_TARGET,
                ("target_key", &key),
                None,
                Vec::new(),
                None,
                limit,
            )
            .await?;
        Ok(entries)
    }

    async fn query(
        &self,
        index: &str,
        (hash, value): (&str, &str),
        filter: Option<String>,
        values: Vec<(&str, String)>,
        after: Option<&AuditCursor>,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, Option<AuditCursor>), StoreError> {
        let mut entries = Vec::new();
        let mut start = after.cloned();
        let mut scanned = 0;
        loop {
            let page_size = i32::try_from(limit - entries.len())
                .unwrap_or(i32::MAX)
                .max(1);
            let mut request = self
                .store
                .client
                .query()
                .table_name(&self.name)
                .index_name(index)
                .key_condition_expression("#h = :h")
                .expression_attribute_names("#h", hash)
                .expression_attribute_values(":h", s(value))
                .scan_index_forward(false)
                // A filter drops items after the limit is applied: read more per call.
                .limit(if filter.is_some() { 200 } else { page_size })
                .set_filter_expression(filter.clone());
            for (name, v) in &values {
                request = request.expression_attribute_values(*name, s(v));
            }
            if let Some(c) = &start {
                request = request
                    .exclusive_start_key("pk", s(&c.pk))
                    .exclusive_start_key("at_sk", s(&c.at_sk))
                    .exclusive_start_key(hash, s(value));
            }
            let out = request
                .send()
                .await
                .map_err(|e| StoreError::call("Query", e))?;
            scanned += out.scanned_count();
            let items = out.items();
            for (i, item) in items.iter().enumerate() {
                entries.push(self.entry_from(item)?);
                if entries.len() == limit
                    && (i + 1 < items.len() || out.last_evaluated_key().is_some())
                {
                    // Full before the end of what was read: go on after the last entry kept.
                    let next = entries.last().map(cursor_after);
                    return Ok((entries, next));
                }
            }
            start = match out.last_evaluated_key() {
                Some(key) => {
                    let r = Reader::new(&self.name, key);
                    Some(AuditCursor {
                        pk: r.string("pk")?.to_owned(),
                        at_sk: r.string("at_sk")?.to_owned(),
                    })
                }
                None => None,
            };
            if start.is_none() || entries.len() >= limit || scanned >= MAX_SCANNED_PER_PAGE {
                return Ok((entries, start));
            }
        }
    }
}

fn cursor_after(entry: &AuditEntry) -> AuditCursor {
    AuditCursor {
        pk: format!("L#{}", entry.id),
        at_sk: AuditLog::at_sk(entry),
    }
}
