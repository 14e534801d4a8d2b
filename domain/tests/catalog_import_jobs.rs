//! Catalog imports as stored jobs: progress any replica can read, and an import cut off by a
//! shutdown or a crash that shows what it did, with no row applied twice when it is run again.
#![cfg(feature = "ssr")]

mod support;

use domain::audit::{AuditFilter, AuditLog, TargetKind};
use domain::catalog::import::{parse_csv, ImportRow};
use domain::catalog::import_jobs::ImportJobs;
use domain::catalog::{CatalogService, ImportProgress};
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use domain::worker::Workers;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROWS: usize = 150;

async fn shop() -> (EmbeddedDynamo, Store, Arc<CatalogService>) {
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "ij-").await;
    init_tables(&store).await.unwrap();
    let catalog = CatalogService::load(store.clone()).await.unwrap();
    (db, store, catalog)
}

fn file() -> Vec<ImportRow> {
    let mut csv = String::from("slug,name,description,price,category,status,featured,stock\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "lamp-{i:03},Lamp {i:03},Made for tests.,{}.00,outdoor,active,no,5\n",
            10 + i
        ));
    }
    parse_csv(csv.as_bytes()).unwrap()
}

fn worker(jobs: &ImportJobs, catalog: &Arc<CatalogService>) -> Workers {
    let mut workers = Workers::new();
    let (jobs, catalog) = (jobs.clone(), catalog.clone());
    workers.spawn("catalog-imports", |stop| jobs.run(catalog, stop));
    workers
}

/// Polls the job until `done` says so, for at most 30 s.
async fn wait_for(
    jobs: &ImportJobs,
    id: &str,
    done: impl Fn(&ImportProgress) -> bool,
) -> ImportProgress {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let p = jobs.progress(id).await.unwrap().expect("the job is stored");
        if done(&p) {
            return p;
        }
        assert!(Instant::now() < deadline, "gave up waiting: {p:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// How many times each imported product was created, by the audit log.
async fn creations(store: &Store) -> Vec<usize> {
    let log = AuditLog::new(store.clone());
    let month = domain::audit::month_of(domain::time::Timestamp::now());
    let filter = AuditFilter {
        kind: Some(TargetKind::Product),
        actor: None,
    };
    let mut counts = std::collections::HashMap::<String, usize>::new();
    let mut after = None;
    loop {
        let (entries, next) = log
            .page(&month, &filter, after.as_ref(), 100)
            .await
            .unwrap();
        for e in entries.iter().filter(|e| e.action == "product.created") {
            *counts.entry(e.target.id.clone()).or_default() += 1;
        }
        match next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    counts.into_values().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_stopped_by_a_shutdown_is_shown_interrupted_everywhere_and_a_rerun_applies_no_row_twice(
) {
    let (_db, store, catalog) = shop().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let jobs = ImportJobs::new(store.clone());
    let workers = worker(&jobs, &catalog);
    let id = jobs
        .start(admin.clone(), "lamps.csv", file())
        .await
        .unwrap();
    wait_for(&jobs, &id, |p| p.done >= 10).await;
    workers.stop(Duration::from_secs(10)).await;

    // Another replica, with nothing in memory, reads the same report.
    let elsewhere = ImportJobs::new(store.clone());
    let cut = elsewhere.progress(&id).await.unwrap().unwrap();
    assert!(cut.interrupted && !cut.finished, "{cut:?}");
    assert!(cut.done < ROWS, "stopped before the end: {cut:?}");
    assert_eq!(
        cut.created, cut.done,
        "each row done was one product created"
    );
    assert_eq!(catalog.all_products().await.unwrap().len(), cut.done);

    // The same file again finishes the work: the rows already done come back unchanged.
    let workers = worker(&elsewhere, &catalog);
    let rerun = elsewhere.start(admin, "lamps.csv", file()).await.unwrap();
    let report = wait_for(&elsewhere, &rerun, |p| p.finished).await;
    workers.stop(Duration::from_secs(10)).await;
    assert_eq!(report.unchanged, cut.done);
    assert_eq!(report.created, ROWS - cut.done);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let counts = creations(&store).await;
    assert_eq!(counts.len(), ROWS);
    assert!(
        counts.iter().all(|&n| n == 1),
        "no product was created twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_whose_worker_crashed_shows_as_interrupted_once_its_progress_is_stale() {
    let (_db, store, catalog) = shop().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let jobs = ImportJobs::new(store.clone()).with_stale_after(Duration::from_millis(500));
    // The worker's task is killed mid-import, as a crash would: no chance to say anything.
    let crashed = tokio::spawn(
        jobs.clone()
            .run(catalog.clone(), domain::worker::StopSignal::never()),
    );
    let id = jobs.start(admin, "lamps.csv", file()).await.unwrap();
    wait_for(&jobs, &id, |p| p.done >= 10).await;
    crashed.abort();
    let _ = crashed.await;
    // A write the crash cut off in flight has landed (or not) by now.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let still = jobs.progress(&id).await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let after = jobs.progress(&id).await.unwrap().unwrap();
    assert!(after.interrupted && !after.finished, "{after:?}");
    assert_eq!(after.done, still.done, "nothing moved after the crash");
    assert_eq!(catalog.all_products().await.unwrap().len(), after.done);
    let counts = creations(&store).await;
    assert_eq!(
        counts.len(),
        after.done,
        "every row counted is applied, and only those"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_malformed_job_id_has_no_progress() {
    let (_db, store, _catalog) = shop().await;
    let jobs = ImportJobs::new(store);
    assert!(jobs.progress("not-a-job").await.unwrap().is_none());
    assert!(jobs
        .progress("01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f")
        .await
        .unwrap()
        .is_none());
}
