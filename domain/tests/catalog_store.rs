//! The catalog against a real DynamoDB API (dynoxide in memory, a fresh database per test).
#![cfg(feature = "ssr")]

mod support;

use domain::catalog::{
    demo, CatalogError, CatalogQuery, CatalogService, Category, NewProduct, ProductName,
    ProductStatus, Slug, SortOrder,
};
use domain::store::embedded::EmbeddedDynamo;
use domain::store::schema::TableOutcome;
use domain::store::{init_tables, Store, StoreEndpoint};
use domain::{Currency, Money};
use std::collections::HashSet;

async fn fresh_store() -> (EmbeddedDynamo, Store) {
    let db = EmbeddedDynamo::in_memory().await.expect("dynoxide starts");
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "test-").await;
    init_tables(&store).await.expect("tables created");
    (db, store)
}

async fn seeded() -> (EmbeddedDynamo, Store, std::sync::Arc<CatalogService>) {
    let (db, store) = fresh_store().await;
    let catalog = CatalogService::load(store.clone()).await.unwrap();
    demo::seed(&catalog).await.unwrap();
    (db, store, catalog)
}

fn new_product(name: &str) -> NewProduct {
    NewProduct {
        slug: Slug::from_name(name),
        name: ProductName::parse(name).unwrap(),
        description: "A test product.".into(),
        price: Money::new(2500, Currency::Usd).unwrap(),
        category: Category::Outdoor,
        image: "/images/demo/x.svg".into(),
        stock: 7,
        status: ProductStatus::Active,
        featured: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_the_tables_twice_creates_them_once_and_then_changes_nothing() {
    let (_db, store) = fresh_store().await;
    let again = init_tables(&store).await.unwrap();
    assert!(again
        .iter()
        .all(|o| matches!(o, TableOutcome::AlreadyExisted(_))));
    assert!(again.contains(&TableOutcome::AlreadyExisted("test-products".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_twice_creates_the_demo_catalog_once() {
    let (_db, store, catalog) = seeded().await;
    let count = demo::products().len();
    assert_eq!(catalog.snapshot().products().len(), count);
    let second = demo::seed(&catalog).await.unwrap();
    assert!(second.already_seeded);
    assert_eq!(second.created, 0);
    let reloaded = CatalogService::load(store).await.unwrap();
    assert_eq!(reloaded.snapshot().products().len(), count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_slug_is_refused_and_writes_nothing() {
    let (_db, store) = fresh_store().await;
    let catalog = CatalogService::load(store.clone()).await.unwrap();
    catalog.create(new_product("Trail Lantern")).await.unwrap();
    let err = catalog
        .create(new_product("Trail Lantern"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CatalogError::SlugTaken(ref s) if s == "trail-lantern"),
        "{err:?}"
    );
    let fresh = CatalogService::load(store).await.unwrap();
    assert_eq!(fresh.snapshot().products().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_creates_with_one_slug_make_one_product() {
    let (_db, store) = fresh_store().await;
    let catalog = CatalogService::load(store.clone()).await.unwrap();
    let (a, b) = tokio::join!(
        catalog.create(new_product("Twin Lamp")),
        catalog.create(new_product("Twin Lamp"))
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1);
    let fresh = CatalogService::load(store).await.unwrap();
    assert_eq!(fresh.snapshot().products().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updating_a_product_that_does_not_exist_creates_nothing() {
    let (_db, store) = fresh_store().await;
    let catalog = CatalogService::load(store.clone()).await.unwrap();
    let id = domain::catalog::ProductId::parse("01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f").unwrap();
    let err = catalog
        .set_status(
            &support::admin(&store, "admin@cloudmart.test").await,
            &id,
            ProductStatus::Archived,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CatalogError::NotFound), "{err:?}");
    assert!(matches!(
        catalog.get(&id).await,
        Err(CatalogError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_by_status_page_through_the_index_without_gaps_or_repeats() {
    let (_db, _store, catalog) = seeded().await;
    let mut seen = HashSet::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let (page, next) = catalog
            .page_with_status(ProductStatus::Active, cursor.as_ref(), 10)
            .await
            .unwrap();
        pages += 1;
        assert!(page.len() <= 10);
        for p in page {
            assert!(seen.insert(p.id.clone()), "{} listed twice", p.name);
        }
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), demo::products().len());
    assert!(pages >= demo::products().len().div_ceil(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_by_category_come_from_the_category_index_newest_first() {
    let (_db, _store, catalog) = seeded().await;
    let (page, _) = catalog
        .page_in_category(Category::Books, None, 50)
        .await
        .unwrap();
    let expected = demo::products()
        .iter()
        .filter(|p| p.category == Category::Books)
        .count();
    assert_eq!(page.len(), expected);
    assert!(page.iter().all(|p| p.category == Category::Books));
    assert!(page.windows(2).all(|w| w[0].created_at >= w[1].created_at));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_category_filter_lists_only_that_category() {
    let (_db, _store, catalog) = seeded().await;
    let q = CatalogQuery {
        category: Some(Category::Toys),
        page: 1,
        ..Default::default()
    };
    let page = catalog.page(&q);
    assert!(page.total > 0);
    assert!(page.items.iter().all(|c| c.category == Category::Toys));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_products_by_any_case_and_ranks_name_matches_first() {
    let (_db, _store, catalog) = seeded().await;
    let search = |q: &str| {
        catalog.page(&CatalogQuery {
            q: q.into(),
            page: 1,
            ..Default::default()
        })
    };
    let wireless = search("WIRELESS");
    assert_eq!(wireless.total, 3);
    assert!(wireless
        .items
        .iter()
        .all(|c| c.category == Category::Electronics));
    let kettle = search("kettle");
    assert_eq!(kettle.items[0].name, "Gooseneck Pour-Over Kettle");
    let two_words = search("cast iron");
    assert_eq!(two_words.items[0].name, "Cast Iron Skillet 12 inch");
    let nothing = search("wirelss headphnes");
    assert_eq!(nothing.total, 0);
    assert_eq!(nothing.suggestion.as_deref(), Some("wireless headphones"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_page_boundary_holds_the_remainder() {
    let (_db, _store, catalog) = seeded().await;
    let total = demo::products().len();
    let pages = total.div_ceil(CatalogQuery::PAGE_SIZE) as u32;
    let last = catalog.page(&CatalogQuery {
        sort: SortOrder::Name,
        page: pages,
        ..Default::default()
    });
    assert_eq!(last.page_count, pages);
    let remainder = total - (pages as usize - 1) * CatalogQuery::PAGE_SIZE;
    assert_eq!(last.items.len(), remainder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_product_leaves_the_storefront_at_once_and_other_replicas_after_a_poll() {
    let (_db, store, catalog) = seeded().await;
    let other_replica = CatalogService::load(store.clone()).await.unwrap();
    let tent = catalog
        .detail("summit-2-person-tent")
        .expect("demo tent is listed");
    let before = catalog.generation();

    catalog
        .set_status(
            &support::admin(&store, "admin@cloudmart.test").await,
            &tent.product.id,
            ProductStatus::Archived,
        )
        .await
        .unwrap();

    assert!(catalog.detail("summit-2-person-tent").is_none());
    assert_ne!(catalog.generation(), before);
    assert!(other_replica.detail("summit-2-person-tent").is_some());
    let refreshed = other_replica.refresh().await.unwrap();
    assert_eq!(refreshed.products_changed, 1, "{refreshed:?}");
    assert!(other_replica.detail("summit-2-person-tent").is_none());
    assert!(!other_replica.refresh().await.unwrap().changed);
    // Archived, not deleted: it stays readable for order history.
    let kept = catalog.get(&tent.product.id).await.unwrap();
    assert_eq!(kept.status, ProductStatus::Archived);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_store_is_down_the_last_snapshot_keeps_serving() {
    let (db, _store, catalog) = seeded().await;
    db.stop().await;
    assert!(catalog.refresh().await.is_err());
    assert_eq!(catalog.snapshot().products().len(), demo::products().len());
    assert!(catalog.detail("aurora-wireless-headphones").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_products_share_the_category_and_exclude_the_product_itself() {
    let (_db, _store, catalog) = seeded().await;
    let detail = catalog.detail("the-quiet-orchard").unwrap();
    assert!(!detail.related.is_empty());
    assert!(detail
        .related
        .iter()
        .all(|c| c.category == Category::Books && c.slug != detail.product.slug));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_store_keeps_its_data_across_restarts_and_seeds_only_once() {
    let dir = std::env::temp_dir().join(format!("cloudmart-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for run in 0..2 {
        let db = EmbeddedDynamo::in_dir(&dir).await.unwrap();
        let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "r-").await;
        init_tables(&store).await.unwrap();
        let catalog = CatalogService::load(store).await.unwrap();
        let report = demo::seed(&catalog).await.unwrap();
        assert_eq!(report.already_seeded, run == 1, "run {run}");
        assert_eq!(catalog.snapshot().products().len(), demo::products().len());
        drop(catalog);
        db.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_check_of_an_unchanged_catalog_keeps_the_snapshot_and_its_page_cache() {
    let (_db, _store, catalog) = seeded().await;
    let generation = catalog.generation();
    let checked = catalog.check_everything().await.unwrap();
    assert_eq!(checked.products_read, demo::products().len());
    assert!(!checked.changed, "{checked:?}");
    assert_eq!(catalog.generation(), generation);
}
