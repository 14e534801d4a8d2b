//! The offline assistant over the live catalog (the demo catalog in dynoxide, read through the
//! catalog service's snapshot, as the server reads it): what it recommends is on sale, and a
//! product taken off sale stops being recommended at the next refresh.
#![cfg(feature = "ssr")]

mod support;

use domain::assistant::offline::{answer, CatalogView};
use domain::catalog::ProductStatus;
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};

async fn shop() -> (EmbeddedDynamo, Services) {
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "as-").await;
    init_tables(&store).await.unwrap();
    let services = Services::start(store).await.unwrap();
    domain::catalog::demo::seed(&services.catalog)
        .await
        .unwrap();
    services.catalog.refresh().await.unwrap();
    (db, services)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assistant_recommends_only_what_the_live_catalog_sells() {
    let (_db, shop) = shop().await;
    let snapshot = shop.catalog.snapshot();
    let first = answer(&*snapshot, "a gift for a runner under $50").unwrap();
    let pick = first.products[0].clone();
    assert!(pick.price.cents() <= 5_000 && pick.stock > 0);
    assert!(snapshot.by_slug(pick.slug.as_str()).is_some());

    let admin = support::admin(&shop.store, "root@cloudmart.test").await;
    shop.catalog
        .set_status(&admin, &pick.id, ProductStatus::Archived)
        .await
        .unwrap();
    shop.catalog.refresh().await.unwrap();
    let snapshot = shop.catalog.snapshot();
    let again = answer(&*snapshot, "a gift for a runner under $50").unwrap();
    assert!(
        again.products.iter().all(|p| p.id != pick.id),
        "an archived product is not recommended"
    );
}
