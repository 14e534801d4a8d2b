//! The admin's catalog writes against a real DynamoDB API: products, stock and their audit
//! entries.
#![cfg(feature = "ssr")]

mod support;

use domain::audit::{AuditFilter, AuditLog, TargetKind};
use domain::catalog::{
    AdminProductQuery, CatalogError, CatalogService, ProductFields, ProductStatus, StockChange,
};
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use std::sync::Arc;

async fn catalog() -> (EmbeddedDynamo, Store, Arc<CatalogService>) {
    let db = EmbeddedDynamo::in_memory().await.expect("dynoxide starts");
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "test-").await;
    init_tables(&store).await.expect("tables created");
    let catalog = CatalogService::load(store.clone()).await.unwrap();
    (db, store, catalog)
}

fn form(name: &str, status: &str) -> ProductFields {
    ProductFields {
        name: name.into(),
        slug: String::new(),
        description: "Made for tests.".into(),
        price: "19.99".into(),
        category: "outdoor".into(),
        status: status.into(),
        featured: None,
    }
}

fn all() -> AdminProductQuery {
    AdminProductQuery::from_params(|_| None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_draft_is_listed_for_admins_audited_and_hidden_from_shoppers() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let draft = form("Trail Lantern", "draft").parse().unwrap();
    let product = catalog.create_by(&admin, draft, 12).await.unwrap();

    let listed = catalog.admin_list(&all()).await.unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(listed.items[0].stock, 12);
    assert!(catalog.detail("trail-lantern").is_none());

    let history = catalog.history(&product, 10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "product.created");
    assert_eq!(
        history[0].actor,
        domain::audit::ActedBy::from(admin.staff())
    );
    assert!(history[0]
        .changes
        .iter()
        .any(|c| c.field == "price" && c.before.is_empty() && c.after == "$19.99"));
    let log = AuditLog::new(store);
    let month = domain::audit::month_of(history[0].at);
    let (entries, _) = log
        .page(&month, &AuditFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(entries, history);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_slug_is_refused_and_writes_nothing() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    catalog
        .create_by(&admin, form("Trail Lantern", "active").parse().unwrap(), 1)
        .await
        .unwrap();
    let err = catalog
        .create_by(&admin, form("Trail Lantern", "draft").parse().unwrap(), 1)
        .await
        .unwrap_err();
    assert!(
        matches!(err, CatalogError::SlugTaken(ref s) if s == "trail-lantern"),
        "{err:?}"
    );
    assert_eq!(catalog.admin_list(&all()).await.unwrap().total, 1);
    let month = domain::audit::month_of(domain::time::Timestamp::now());
    let (entries, _) = AuditLog::new(store)
        .page(&month, &AuditFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "the refused create left no audit entry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_the_slug_frees_the_old_one_and_records_before_and_after() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let product = catalog
        .create_by(&admin, form("Trail Lantern", "active").parse().unwrap(), 3)
        .await
        .unwrap();
    let mut edit = ProductFields::of(&product);
    edit.slug = "lantern-xl".into();
    edit.price = "21.50".into();
    let edited = catalog
        .edit(
            &admin,
            &product.id,
            product.updated_at,
            edit.parse().unwrap(),
        )
        .await
        .unwrap();
    assert!(catalog.detail("trail-lantern").is_none());
    assert_eq!(
        catalog.detail("lantern-xl").unwrap().product.price.cents(),
        2150
    );

    // The old slug is free again.
    catalog
        .create_by(&admin, form("Trail Lantern", "draft").parse().unwrap(), 0)
        .await
        .unwrap();

    let history = catalog.history(&edited, 10).await.unwrap();
    assert_eq!(history[0].action, "product.edited");
    let fields: Vec<(&str, &str, &str)> = history[0]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("slug", "trail-lantern", "lantern-xl"),
            ("price", "$19.99", "$21.50")
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_an_outdated_form_is_refused_instead_of_overwriting() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let product = catalog
        .create_by(&admin, form("Trail Lantern", "active").parse().unwrap(), 3)
        .await
        .unwrap();
    let mut first = ProductFields::of(&product);
    first.price = "25.00".into();
    catalog
        .edit(
            &admin,
            &product.id,
            product.updated_at,
            first.parse().unwrap(),
        )
        .await
        .unwrap();
    let mut second = ProductFields::of(&product);
    second.name = "Trail Lantern Pro".into();
    let err = catalog
        .edit(
            &admin,
            &product.id,
            product.updated_at,
            second.parse().unwrap(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CatalogError::Stale), "{err:?}");
    assert_eq!(
        catalog.get(&product.id).await.unwrap().name,
        "Trail Lantern"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archiving_removes_a_product_from_the_storefront_and_activating_brings_it_back() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let product = catalog
        .create_by(&admin, form("Trail Lantern", "active").parse().unwrap(), 3)
        .await
        .unwrap();
    assert!(catalog.sitemap().iter().any(|e| e.slug == "trail-lantern"));
    catalog
        .set_status(&admin, &product.id, ProductStatus::Archived)
        .await
        .unwrap();
    assert!(catalog.detail("trail-lantern").is_none());
    assert!(catalog.sitemap().is_empty());
    catalog
        .set_status(&admin, &product.id, ProductStatus::Active)
        .await
        .unwrap();
    assert!(catalog.detail("trail-lantern").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_stock_adjustments_never_lose_an_update() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let product = catalog
        .create_by(
            &admin,
            form("Trail Lantern", "active").parse().unwrap(),
            100,
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let catalog = catalog.clone();
        let admin = admin.clone();
        let id = product.id.clone();
        let change = if i % 3 == 0 {
            StockChange::Delta(-2)
        } else {
            StockChange::Delta(5)
        };
        tasks.push(tokio::spawn(async move {
            catalog.adjust_stock(&admin, &id, change, "recount").await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // 8 × -2 and 16 × +5.
    let stock = catalog.get(&product.id).await.unwrap().stock;
    assert_eq!(stock, 100 - 16 + 80);

    let history = catalog.history(&product, 100).await.unwrap();
    let mut steps: Vec<(u32, u32)> = history
        .iter()
        .filter(|e| e.action == "stock.adjusted")
        .map(|e| {
            (
                e.changes[0].before.parse().unwrap(),
                e.changes[0].after.parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(steps.len(), 24);
    steps.reverse();
    // Each adjustment starts where the one before it ended: the history is a chain.
    assert_eq!(steps[0].0, 100);
    for pair in steps.windows(2) {
        assert_eq!(pair[0].1, pair[1].0);
    }
    assert_eq!(steps[23].1, stock);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_that_would_go_negative_is_refused_and_unchanged() {
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let product = catalog
        .create_by(&admin, form("Trail Lantern", "active").parse().unwrap(), 3)
        .await
        .unwrap();
    let err = catalog
        .adjust_stock(&admin, &product.id, StockChange::Delta(-4), "breakage")
        .await
        .unwrap_err();
    assert!(
        matches!(err, CatalogError::Invalid(ref e) if e.field == "amount"),
        "{err:?}"
    );
    assert_eq!(catalog.get(&product.id).await.unwrap().stock, 3);
    let set = catalog
        .adjust_stock(
            &admin,
            &product.id,
            StockChange::Set(0),
            "sold out at the fair",
        )
        .await
        .unwrap();
    assert_eq!(set.stock, 0);
    assert_eq!(catalog.detail("trail-lantern").unwrap().product.stock, 0);
    let history = catalog.history(&product, 10).await.unwrap();
    assert_eq!(history[0].reason, "sold out at the fair");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_filters_by_kind_and_by_actor() {
    let (_db, store, catalog) = catalog().await;
    let ann = support::admin(&store, "ann@cloudmart.test").await;
    let bob = support::admin(&store, "bob@cloudmart.test").await;
    let product = catalog
        .create_by(&ann, form("Trail Lantern", "active").parse().unwrap(), 3)
        .await
        .unwrap();
    catalog
        .adjust_stock(&bob, &product.id, StockChange::Delta(1), "found one")
        .await
        .unwrap();
    let log = AuditLog::new(store);
    let month = domain::audit::month_of(domain::time::Timestamp::now());
    let by_bob = AuditFilter {
        actor: Some("bob@".into()),
        ..Default::default()
    };
    let (entries, next) = log.page(&month, &by_bob, None, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "stock.adjusted");
    assert!(next.is_none());
    let users = AuditFilter {
        kind: Some(TargetKind::User),
        ..Default::default()
    };
    assert!(log
        .page(&month, &users, None, 10)
        .await
        .unwrap()
        .0
        .is_empty());
    // One entry per page, then the cursor leads to the other.
    let (first, cursor) = log
        .page(&month, &AuditFilter::default(), None, 1)
        .await
        .unwrap();
    let (second, _) = log
        .page(&month, &AuditFilter::default(), cursor.as_ref(), 1)
        .await
        .unwrap();
    assert_eq!(first[0].action, "stock.adjusted");
    assert_eq!(second[0].action, "product.created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_applies_each_valid_row_reports_each_bad_one_and_exports_round_trip() {
    use domain::catalog::import::{export_csv, parse_csv};
    use domain::catalog::import_jobs::ImportJobs;
    let (_db, store, catalog) = catalog().await;
    let admin = support::admin(&store, "admin@cloudmart.test").await;
    let lamp = catalog
        .create_by(&admin, form("Trail Lamp", "active").parse().unwrap(), 3)
        .await
        .unwrap();
    let file = "slug,name,description,price,category,status,featured,stock\n\
        trail-lamp,Trail Lamp,Made for tests.,21.00,outdoor,active,no,9\n\
        camp-stool,Camp Stool,Folds flat.,15.00,outdoor,draft,yes,4\n\
        bad-price,Bad Price,,-2,outdoor,active,no,1\n\
        bad-stock,Bad Stock,,2,outdoor,active,no,lots\n\
        camp-stool,Camp Stool,Folds flat.,15.00,outdoor,draft,yes,4\n";
    let rows = parse_csv(file.as_bytes()).unwrap();
    let jobs = ImportJobs::new(store.clone());
    let mut workers = domain::worker::Workers::new();
    let (worker_jobs, worker_catalog) = (jobs.clone(), catalog.clone());
    workers.spawn("catalog-imports", |stop| {
        worker_jobs.run(worker_catalog, stop)
    });
    let id = jobs.start(admin.clone(), "test.csv", rows).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let report = loop {
        let p = jobs
            .progress(&id)
            .await
            .unwrap()
            .expect("the job is stored");
        if p.finished {
            break p;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import did not finish: {p:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!((report.total, report.done), (5, 5));
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (1, 1, 1)
    );
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [4, 5]);
    assert!(
        report.errors[0]
            .message
            .contains("price must not be negative"),
        "{:?}",
        report.errors
    );
    assert!(
        report.errors[1].message.contains("stock"),
        "{:?}",
        report.errors
    );

    let updated = catalog.get(&lamp.id).await.unwrap();
    assert_eq!((updated.price.cents(), updated.stock), (2100, 9));
    let history = catalog.history(&updated, 5).await.unwrap();
    assert_eq!(history[0].action, "product.imported");

    let all = catalog.all_products().await.unwrap();
    assert_eq!(all.len(), 2, "bad rows wrote nothing");
    let exported = export_csv(&all).unwrap();
    let again = parse_csv(exported.as_bytes()).unwrap();
    assert_eq!(again.len(), 2);
    assert!(again.iter().all(|r| r.fields.parse().is_ok()));
}
