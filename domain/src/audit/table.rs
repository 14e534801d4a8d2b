//! The audit table: `L#<id>` entries, browsed by month and by target through two GSIs.

use super::{ActedBy, AuditEntry, AuditFilter, Change, Target, TargetKind};
use crate::identity::{Email, UserId};
use crate::store::attr::{n, s, Item, Reader};
use crate::store::page::{IndexQuery, KeyCursor};
use crate::store::schema::audit::{BY_MONTH, BY_TARGET};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

/// Where a page of the log stopped, opaque to callers.
pub type AuditCursor = KeyCursor<'L'>;

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

    fn entry_from(&self, item: &Item) -> Result<AuditEntry, StoreError> {
        let r = Reader::new(&self.name, item);
        let changes: Vec<Change> = serde_json::from_str(r.string("changes")?)
            .map_err(|e| StoreError::malformed(&self.name, format!("changes: {e}")))?;
        Ok(AuditEntry {
            id: r.string("id")?.to_owned(),
            at: Timestamp(r.number("at")?),
            actor: ActedBy {
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
        let filter = (!conditions.is_empty()).then(|| (conditions.join(" AND "), values));
        self.query(BY_MONTH, ("month", month), filter, after, limit)
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
            .query(BY_TARGET, ("target_key", &key), None, None, limit)
            .await?;
        Ok(entries)
    }

    async fn query(
        &self,
        index: &str,
        hash: (&str, &str),
        filter: Option<(String, Vec<(&str, String)>)>,
        after: Option<&AuditCursor>,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, Option<AuditCursor>), StoreError> {
        let query = IndexQuery {
            table: &self.name,
            index,
            hash,
            sort: "at_sk",
            filter,
            forward: false,
        };
        let (items, next) = self
            .store
            .index_page(&query, after, limit, MAX_SCANNED_PER_PAGE)
            .await?;
        let entries = items
            .iter()
            .map(|item| self.entry_from(item))
            .collect::<Result<_, _>>()?;
        Ok((entries, next))
    }
}
