//! The offline assistant over the live catalog (the demo catalog in dynoxide, read through the
//! catalog service's snapshot, as the server reads it): what it recommends is on sale, and a
//! product taken off sale stops being recommended at the next refresh; the assistant service
//! keeps each visitor's conversation, for them alone, with its limits and its races.
#![cfg(feature = "ssr")]

mod support;

use domain::assistant::conversation::{ShopperMessage, Speaker};
use domain::assistant::offline::{answer, CatalogView};
use domain::assistant::{Asker, AssistantError, MESSAGES_PER_MINUTE};
use domain::cart::CartOwner;
use domain::catalog::ProductStatus;
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;

async fn shop() -> (EmbeddedDynamo, Services) {
    support::demo_shop("as-").await
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

fn message(text: &str) -> ShopperMessage {
    ShopperMessage::parse(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitors_conversation_is_kept_on_the_server_for_them_alone() {
    let (_db, shop) = shop().await;
    let ada = CartOwner::new_guest();
    let bob = CartOwner::new_guest();
    let c = shop
        .assistant
        .ask(Asker::Visitor(&ada), message("cheapest headphones"))
        .await
        .unwrap();
    assert_eq!(c.turns.len(), 2);
    assert_eq!(c.turns[0].from, Speaker::Shopper);
    assert_eq!(c.turns[1].cards, ["aurora-wireless-headphones"]);
    let again = shop.assistant.conversation(&ada).await.unwrap();
    assert_eq!(again, c, "read back as written");
    assert!(shop
        .assistant
        .conversation(&bob)
        .await
        .unwrap()
        .turns
        .is_empty());
    let support = shop
        .assistant
        .ask(Asker::Visitor(&ada), message("where is my order?"))
        .await
        .unwrap();
    assert!(support.turns[3].text.contains("Contact us"));
    shop.assistant.forget(&ada).await.unwrap();
    assert!(shop
        .assistant
        .conversation(&ada)
        .await
        .unwrap()
        .turns
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_sending_at_once_both_get_their_turns() {
    let (_db, shop) = shop().await;
    let ada = CartOwner::new_guest();
    let (a, b) = tokio::join!(
        shop.assistant
            .ask(Asker::Visitor(&ada), message("waterproof jacket")),
        shop.assistant
            .ask(Asker::Visitor(&ada), message("cheapest headphones"))
    );
    a.unwrap();
    b.unwrap();
    let c = shop.assistant.conversation(&ada).await.unwrap();
    assert_eq!(c.turns.len(), 4, "{c:?}");
    assert_eq!(c.version, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_sending_too_fast_is_told_to_wait() {
    let (_db, shop) = shop().await;
    let ada = CartOwner::new_guest();
    for _ in 0..MESSAGES_PER_MINUTE {
        shop.assistant
            .ask(Asker::Visitor(&ada), message("hello"))
            .await
            .unwrap();
    }
    let refused = shop
        .assistant
        .ask(Asker::Visitor(&ada), message("hello"))
        .await;
    assert!(
        matches!(refused, Err(AssistantError::TooMany { .. })),
        "{refused:?}"
    );
}
