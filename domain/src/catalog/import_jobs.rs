//! Catalog imports as jobs kept in DynamoDB (the `jobs` table), so any replica shows an
//! import's progress and its report, and a restart cannot lose or repeat a row.
//!
//! An admin's upload is checked and queued by [`ImportJobs::start`]; the `catalog-imports`
//! worker ([`ImportJobs::run`]) applies the rows one by one. Each row's change is one
//! transaction that also moves the job's progress on, conditional on the progress being at
//! that row: a row is recorded exactly when it is applied, and one already counted can never
//! be applied again. A job whose worker stops (shutdown, crash) stays where it got to and is
//! shown as interrupted with the rows done so far; importing the file again finishes it
//! (rows already applied come back unchanged).

use super::import::{ImportRow, RowOutcome};
use super::import_report::{ImportProgress, RowError};
use super::{CatalogError, CatalogService};
use crate::identity::Admin;
use crate::store::attr::{n, s, Item, Reader};
use crate::store::{Store, StoreError, TransactError, Transaction};
use crate::time::Timestamp;
use crate::worker::StopSignal;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Imports waiting for the worker; more are refused as busy.
const QUEUE: usize = 8;
/// A job whose progress has not moved for this long, and is not finished, was interrupted.
pub const STALE_AFTER: Duration = Duration::from_secs(60);
/// Refused rows kept per report item (an item holds at most 400 KB).
const ERRORS_PER_ITEM: u64 = 100;
/// How long a finished report is kept.
const KEEP_DAYS: i64 = 30;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobStatus {
    Queued,
    Running,
    Finished,
    Interrupted,
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Finished => "finished",
            JobStatus::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> Result<Self, String> {
        [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Finished,
            JobStatus::Interrupted,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| format!("unknown job status {text:?}"))
    }
}

/// An import handed to the worker.
struct Queued {
    id: String,
    admin: Admin,
    rows: Vec<ImportRow>,
}

/// The shop's catalog imports.
#[derive(Clone)]
pub struct ImportJobs {
    store: Store,
    table: String,
    queue: mpsc::Sender<Queued>,
    /// Taken by the one worker that runs the queue.
    inbox: Arc<Mutex<Option<mpsc::Receiver<Queued>>>>,
    /// How long a job's progress may stand still before it counts as interrupted.
    stale_after: Duration,
}

impl std::fmt::Debug for ImportJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportJobs")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

fn job_pk(id: &str) -> String {
    format!("import#{id}")
}

fn errors_pk(id: &str, chunk: u64) -> String {
    format!("import#{id}#errors#{chunk}")
}

impl ImportJobs {
    pub fn new(store: Store) -> Self {
        let (queue, inbox) = mpsc::channel(QUEUE);
        Self {
            table: store.tables.jobs(),
            store,
            queue,
            inbox: Arc::new(Mutex::new(Some(inbox))),
            stale_after: STALE_AFTER,
        }
    }

    /// The same jobs, taking a job as interrupted after `stale_after` without progress.
    pub fn with_stale_after(self, stale_after: Duration) -> Self {
        Self {
            stale_after,
            ..self
        }
    }

    /// Records a new import of `rows` for `admin` and queues it; returns its id.
    #[tracing::instrument(name = "imports.start", skip_all, fields(rows = rows.len()))]
    pub async fn start(
        &self,
        admin: Admin,
        file_name: &str,
        rows: Vec<ImportRow>,
    ) -> Result<String, CatalogError> {
        let id = uuid::Uuid::now_v7().to_string();
        let now = Timestamp::now();
        let status = if rows.is_empty() {
            JobStatus::Finished
        } else {
            JobStatus::Queued
        };
        self.store
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(job_pk(&id)))
            .item("file_name", s(file_name))
            .item("total", n(rows.len()))
            .item("done", n(0))
            .item("created", n(0))
            .item("updated", n(0))
            .item("unchanged", n(0))
            .item("failed", n(0))
            .item("status", s(status.as_str()))
            .item("admin_id", s(admin.id().as_str()))
            .item("started_at", n(now.millis()))
            .item("heartbeat_at", n(now.millis()))
            .item("ttl", n(now.millis() / 1000 + KEEP_DAYS * 86_400))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| StoreError::call("PutItem", e))?;
        if status == JobStatus::Queued {
            let queued = Queued {
                id: id.clone(),
                admin,
                rows,
            };
            if self.queue.try_send(queued).is_err() {
                self.set_status(&id, JobStatus::Interrupted).await?;
                return Err(CatalogError::Busy);
            }
        }
        Ok(id)
    }

    /// Where the import `id` stands, from any replica; `None` for an unknown id.
    pub async fn progress(&self, id: &str) -> Result<Option<ImportProgress>, CatalogError> {
        let id = id.trim();
        if uuid::Uuid::parse_str(id).is_err() {
            return Ok(None);
        }
        let Some(item) = self.store.get_by_pk(&self.table, job_pk(id)).await? else {
            return Ok(None);
        };
        let r = Reader::new(&self.table, &item);
        let status = r.parsed("status", JobStatus::parse)?;
        let heartbeat = Timestamp(r.number("heartbeat_at")?);
        let failed: u64 = r.number("failed")?;
        let stale = Timestamp::now().millis() - heartbeat.millis()
            > i64::try_from(self.stale_after.as_millis()).unwrap_or(i64::MAX);
        let interrupted = status == JobStatus::Interrupted
            || (matches!(status, JobStatus::Queued | JobStatus::Running) && stale);
        Ok(Some(ImportProgress {
            file_name: r.string("file_name")?.to_owned(),
            total: r.number("total")?,
            done: r.number("done")?,
            created: r.number("created")?,
            updated: r.number("updated")?,
            unchanged: r.number("unchanged")?,
            errors: self.row_errors(id, failed).await?,
            finished: status == JobStatus::Finished,
            interrupted,
        }))
    }

    /// The refused rows of a job, in file order.
    async fn row_errors(&self, id: &str, failed: u64) -> Result<Vec<RowError>, StoreError> {
        let chunks: Vec<String> = (0..failed.div_ceil(ERRORS_PER_ITEM))
            .map(|chunk| errors_pk(id, chunk))
            .collect();
        let mut errors = Vec::new();
        for pks in chunks.chunks(100) {
            let found = self.store.batch_get(&self.table, pks).await?;
            for pk in pks {
                let Some(AttributeValue::L(list)) = found.get(pk).and_then(|i| i.get("errors"))
                else {
                    continue;
                };
                for entry in list {
                    let AttributeValue::M(map) = entry else {
                        return Err(StoreError::malformed(&self.table, "row error is not a map"));
                    };
                    let r = Reader::new(&self.table, map);
                    errors.push(RowError {
                        line: r.number("line")?,
                        message: r.string("message")?.to_owned(),
                    });
                }
            }
        }
        errors.sort_by_key(|e| e.line);
        Ok(errors)
    }

    /// The `catalog-imports` worker: applies queued imports one at a time until `stop`, which
    /// it honours between two rows. Imports still queued then are marked interrupted.
    pub async fn run(self, catalog: Arc<CatalogService>, mut stop: StopSignal) {
        let inbox = match self.inbox.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(mut inbox) = inbox else {
            tracing::error!("a second catalog import worker was started; it does nothing");
            return;
        };
        loop {
            let next = tokio::select! {
                job = inbox.recv() => job,
                () = stop.stopped() => None,
            };
            let Some(job) = next else { break };
            self.apply(&catalog, job, &stop).await;
        }
        inbox.close();
        while let Ok(job) = inbox.try_recv() {
            self.leave_interrupted(&job.id).await;
        }
    }

    /// Applies one import's rows in order, each with its progress.
    #[tracing::instrument(name = "imports.apply", skip_all, fields(job = job.id.as_str()))]
    async fn apply(&self, catalog: &CatalogService, job: Queued, stop: &StopSignal) {
        if let Err(e) = self.set_status(&job.id, JobStatus::Running).await {
            tracing::error!(error = %crate::refusal::chain(&e), "could not start an import");
            return;
        }
        let mut failed = 0u64;
        for (index, row) in job.rows.iter().enumerate() {
            if stop.is_stopped() {
                tracing::info!(
                    done = index,
                    total = job.rows.len(),
                    "import stopped between rows"
                );
                self.leave_interrupted(&job.id).await;
                return;
            }
            let outcome = catalog
                .import_row(&job.admin, row, |applied| {
                    self.progress_item(&job.id, index, applied)
                })
                .await;
            let recorded = match &outcome {
                // The row's own transaction moved the progress on.
                Ok(RowOutcome::Created | RowOutcome::Updated) => Ok(()),
                Ok(RowOutcome::Unchanged) => self.record_unchanged(&job.id, index).await,
                Err(message) => {
                    let result = self
                        .record_refused(&job.id, index, failed, row, message)
                        .await;
                    failed += 1;
                    result
                }
            };
            if let Err(e) = recorded {
                tracing::error!(error = ?e, row = row.line, "an import's progress could not be saved; it stops here");
                self.leave_interrupted(&job.id).await;
                return;
            }
        }
        if let Err(e) = self.set_status(&job.id, JobStatus::Finished).await {
            tracing::error!(error = %crate::refusal::chain(&e), "could not finish an import");
        }
    }

    /// Moves the job's progress from row `index` to the next, counting `outcome`; part of the
    /// row's own transaction, and refused unless the progress is exactly at that row.
    fn progress_item(
        &self,
        id: &str,
        index: usize,
        outcome: RowOutcome,
    ) -> Result<TransactWriteItem, StoreError> {
        let counter = match outcome {
            RowOutcome::Created => "created",
            RowOutcome::Updated => "updated",
            RowOutcome::Unchanged => "unchanged",
        };
        self.advance(id, index, counter)
    }

    fn advance(
        &self,
        id: &str,
        index: usize,
        counter: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .key("pk", s(job_pk(id)))
            .update_expression(format!(
                "SET done = :next, {counter} = {counter} + :one, heartbeat_at = :now"
            ))
            .condition_expression("done = :at AND #status = :running")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":at", n(index))
            .expression_attribute_values(":next", n(index + 1))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(Timestamp::now().millis()))
            .expression_attribute_values(":running", s(JobStatus::Running.as_str()))
            .build()?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    async fn record_unchanged(
        &self,
        id: &str,
        index: usize,
    ) -> Result<(), TransactError<&'static str>> {
        let tx = Transaction::new().with(
            "progress",
            self.progress_item(id, index, RowOutcome::Unchanged)?,
        );
        self.store.commit(&tx).await
    }

    /// Counts row `index` as refused and keeps its reason in the report, in one transaction.
    async fn record_refused(
        &self,
        id: &str,
        index: usize,
        failed_before: u64,
        row: &ImportRow,
        message: &str,
    ) -> Result<(), TransactError<&'static str>> {
        let entry = AttributeValue::M(Item::from([
            ("line".to_owned(), n(row.line)),
            ("message".to_owned(), s(message)),
        ]));
        let report = Update::builder()
            .table_name(&self.table)
            .key("pk", s(errors_pk(id, failed_before / ERRORS_PER_ITEM)))
            .update_expression(
                "SET errors = list_append(if_not_exists(errors, :none), :entry), #ttl = :ttl",
            )
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":entry", AttributeValue::L(vec![entry]))
            .expression_attribute_values(
                ":ttl",
                n(Timestamp::now().millis() / 1000 + KEEP_DAYS * 86_400),
            )
            .build()?;
        let tx = Transaction::new()
            .with("progress", self.advance(id, index, "failed")?)
            .with(
                "report",
                TransactWriteItem::builder().update(report).build(),
            );
        self.store.commit(&tx).await
    }

    async fn set_status(&self, id: &str, status: JobStatus) -> Result<(), StoreError> {
        self.store
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(job_pk(id)))
            .update_expression("SET #status = :status, heartbeat_at = :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status.as_str()))
            .expression_attribute_values(":now", n(Timestamp::now().millis()))
            .send()
            .await
            .map_err(|e| StoreError::call("UpdateItem", e))?;
        Ok(())
    }

    async fn leave_interrupted(&self, id: &str) {
        if let Err(e) = self.set_status(id, JobStatus::Interrupted).await {
            tracing::warn!(error = %crate::refusal::chain(&e), job = id, "could not mark an import interrupted; it will show so when its progress goes stale");
        }
    }
}
