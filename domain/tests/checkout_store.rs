//! Carts, checkout and cancelling against a real DynamoDB API (dynoxide, fresh per test),
//! including the races that must not oversell or return stock twice.
#![cfg(feature = "ssr")]

mod support;

use domain::cart::{CartOwner, LineIssue};
use domain::catalog::{
    CatalogService, Category, NewProduct, Product, ProductId, ProductName, ProductStatus, Slug,
    StockState,
};
use domain::identity::{Email, UserId};
use domain::orders::{
    Checkout, IdempotencyKey, OrderError, OrderStatus, Quantity, ShippingAddress,
};
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use domain::{Currency, Money};
use std::sync::Arc;

async fn shop() -> (EmbeddedDynamo, Services) {
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "co-").await;
    init_tables(&store).await.unwrap();
    (db, Services::start(store).await.unwrap())
}

async fn product(catalog: &CatalogService, name: &str, cents: i64, stock: u32) -> Product {
    catalog
        .create(NewProduct {
            slug: Slug::from_name(name),
            name: ProductName::parse(name).unwrap(),
            description: "For tests.".into(),
            price: Money::new(cents, Currency::Usd).unwrap(),
            category: Category::Outdoor,
            image: "/images/demo/x.svg".into(),
            stock,
            status: ProductStatus::Active,
            featured: false,
        })
        .await
        .unwrap()
}

fn customer() -> UserId {
    UserId::parse(&uuid_v4()).unwrap()
}

fn uuid_v4() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!(
        "00000000-0000-4000-8000-{:012}",
        N.fetch_add(1, Ordering::SeqCst)
    )
}

fn checkout(customer: &UserId, key: &str) -> Checkout {
    Checkout {
        customer: customer.clone(),
        email: Email::parse("shopper@example.com").unwrap(),
        address: ShippingAddress::parse(
            "Ada",
            "1 Main St",
            "",
            "London",
            "N1 9GU",
            "United Kingdom",
        )
        .unwrap(),
        key: IdempotencyKey::parse(key).unwrap(),
    }
}

fn q(n: i64) -> Quantity {
    Quantity::parse(n).unwrap()
}

async fn stock_of(services: &Services, p: &Product) -> u32 {
    services.catalog.get(&p.id).await.unwrap().stock
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_priced_by_the_server_and_takes_the_stock_and_clears_the_cart() {
    let (_db, shop) = shop().await;
    let tent = product(&shop.catalog, "Ridge Tent", 12_000, 5).await;
    let stove = product(&shop.catalog, "Camp Stove", 1_999, 9).await;
    let who = customer();
    let cart = CartOwner::Customer(who.clone());
    shop.carts.add(&cart, &tent.id, q(2)).await.unwrap();
    shop.carts.add(&cart, &stove.id, q(1)).await.unwrap();

    let order = shop
        .orders
        .place(checkout(&who, "key-0000000000000001"))
        .await
        .unwrap();

    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(order.totals.subtotal.cents(), 2 * 12_000 + 1_999);
    assert_eq!(order.totals.shipping.cents(), 0);
    assert!(order.number.starts_with("CM-") && order.number.len() == 9);
    assert_eq!(stock_of(&shop, &tent).await, 3);
    assert_eq!(stock_of(&shop, &stove).await, 8);
    assert!(shop.carts.view(&cart).await.unwrap().lines.is_empty());
    let listed = shop
        .orders
        .page_for_customer(&who, None, 10)
        .await
        .unwrap()
        .0;
    assert_eq!(listed, vec![order]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_checkouts_sell_exactly_the_stock() {
    let (_db, shop) = shop().await;
    let lamp = product(&shop.catalog, "Last Lamp", 2_500, 10).await;
    let shop = Arc::new(shop);
    let mut customers = Vec::new();
    for _ in 0..200 {
        let who = customer();
        shop.carts
            .add(&CartOwner::Customer(who.clone()), &lamp.id, q(1))
            .await
            .unwrap();
        customers.push(who);
    }
    let tasks: Vec<_> = customers
        .into_iter()
        .enumerate()
        .map(|(i, who)| {
            let shop = shop.clone();
            tokio::spawn(async move {
                shop.orders
                    .place(checkout(&who, &format!("concurrent-key-{i:06}")))
                    .await
            })
        })
        .collect();
    let mut placed = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => placed += 1,
            Err(OrderError::OutOfStock(lines)) => assert_eq!(lines[0].available, 0),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(placed, 10);
    assert_eq!(stock_of(&shop, &lamp).await, 0);
    let today = &shop.orders.sales(1).await.unwrap()[0];
    assert_eq!(
        (today.orders, today.revenue_cents),
        (10, 10 * (2_500 + 499))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_submitted_twenty_times_at_once_places_one_order() {
    let (_db, shop) = shop().await;
    let mug = product(&shop.catalog, "Enamel Mug", 1_200, 50).await;
    let who = customer();
    shop.carts
        .add(&CartOwner::Customer(who.clone()), &mug.id, q(3))
        .await
        .unwrap();
    let shop = Arc::new(shop);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let shop = shop.clone();
            let who = who.clone();
            tokio::spawn(async move {
                shop.orders
                    .place(checkout(&who, "same-key-000000000001"))
                    .await
            })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap().unwrap().id);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(stock_of(&shop, &mug).await, 47);
    assert_eq!(
        shop.orders
            .page_for_customer(&who, None, 50)
            .await
            .unwrap()
            .0
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_cancels_return_the_stock_once() {
    let (_db, shop) = shop().await;
    let rope = product(&shop.catalog, "Climbing Rope", 8_000, 6).await;
    let me = support::customer(&shop.store).await;
    let who = me.id().clone();
    shop.carts
        .add(&CartOwner::Customer(who.clone()), &rope.id, q(4))
        .await
        .unwrap();
    let order = shop
        .orders
        .place(checkout(&who, "cancel-key-0000000001"))
        .await
        .unwrap();
    assert_eq!(stock_of(&shop, &rope).await, 2);
    let shop = Arc::new(shop);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (shop, id, me) = (shop.clone(), order.id.clone(), me.clone());
            tokio::spawn(async move {
                shop.orders
                    .cancel_for_customer(&me, &id, "Changed my mind")
                    .await
            })
        })
        .collect();
    let mut cancelled = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(o) => {
                assert_eq!(o.status, OrderStatus::Cancelled);
                cancelled += 1;
            }
            Err(OrderError::InvalidTransition {
                from: OrderStatus::Cancelled,
                ..
            }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(cancelled, 1);
    assert_eq!(stock_of(&shop, &rope).await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_sold_out_meanwhile_writes_nothing_and_says_how_many_are_left() {
    let (_db, shop) = shop().await;
    let kayak = product(&shop.catalog, "Sea Kayak", 40_000, 3).await;
    let map = product(&shop.catalog, "Trail Map", 900, 10).await;
    let (a, b) = (customer(), customer());
    shop.carts
        .add(&CartOwner::Customer(a.clone()), &kayak.id, q(2))
        .await
        .unwrap();
    shop.carts
        .add(&CartOwner::Customer(b.clone()), &kayak.id, q(3))
        .await
        .unwrap();
    shop.carts
        .add(&CartOwner::Customer(b.clone()), &map.id, q(1))
        .await
        .unwrap();
    shop.orders
        .place(checkout(&a, "first-buyer-key-00001"))
        .await
        .unwrap();

    let err = shop
        .orders
        .place(checkout(&b, "second-buyer-key-0001"))
        .await
        .unwrap_err();
    match err {
        OrderError::OutOfStock(lines) => {
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].name, "Sea Kayak");
            assert_eq!(lines[0].available, 1);
        }
        e => panic!("unexpected {e:?}"),
    }
    assert_eq!(stock_of(&shop, &map).await, 10, "nothing was written");
    assert_eq!(
        shop.carts
            .view(&CartOwner::Customer(b))
            .await
            .unwrap()
            .lines
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_customers_order_does_not_exist_for_you_and_cannot_be_cancelled() {
    let (_db, shop) = shop().await;
    let tarp = product(&shop.catalog, "Tarp", 3_000, 5).await;
    let owner = customer();
    let intruder = support::customer(&shop.store).await;
    let stranger = intruder.id().clone();
    shop.carts
        .add(&CartOwner::Customer(owner.clone()), &tarp.id, q(1))
        .await
        .unwrap();
    let order = shop
        .orders
        .place(checkout(&owner, "owner-key-00000000001"))
        .await
        .unwrap();

    assert!(matches!(
        shop.orders.get_for_customer(&stranger, &order.id).await,
        Err(OrderError::NotFound)
    ));
    assert!(matches!(
        shop.orders
            .cancel_for_customer(&intruder, &order.id, "mine now")
            .await,
        Err(OrderError::NotFound)
    ));
    assert!(shop
        .orders
        .page_for_customer(&stranger, None, 10)
        .await
        .unwrap()
        .0
        .is_empty());
    assert_eq!(stock_of(&shop, &tarp).await, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_caps_quantities_by_stock_and_flags_changed_prices_and_sold_out_lines() {
    let (_db, shop) = shop().await;
    let bottle = product(&shop.catalog, "Steel Bottle", 2_000, 4).await;
    let guest = CartOwner::new_guest();
    shop.carts.add(&guest, &bottle.id, q(9)).await.unwrap();
    let view = shop.carts.view(&guest).await.unwrap();
    assert_eq!(view.lines[0].quantity.get(), 4, "capped by stock");
    assert_eq!(view.count, 4);

    shop.catalog
        .set_status(
            &support::admin(&shop.store, "admin@cloudmart.test").await,
            &bottle.id,
            ProductStatus::Archived,
        )
        .await
        .unwrap();
    let view = shop.carts.view(&guest).await.unwrap();
    assert_eq!(view.lines[0].issue, Some(LineIssue::Unavailable));
    assert!(!view.can_check_out());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_cart_is_merged_into_the_account_cart_on_sign_in() {
    let (_db, shop) = shop().await;
    let (a, b) = (
        product(&shop.catalog, "Head Torch", 3_500, 20).await,
        product(&shop.catalog, "Spare Batteries", 600, 20).await,
    );
    let guest = CartOwner::new_guest();
    let account = CartOwner::Customer(customer());
    shop.carts.add(&guest, &a.id, q(1)).await.unwrap();
    shop.carts.add(&guest, &b.id, q(2)).await.unwrap();
    shop.carts.add(&account, &a.id, q(1)).await.unwrap();

    shop.carts.merge(&guest, &account).await.unwrap();

    let merged = shop.carts.view(&account).await.unwrap();
    let quantities: Vec<(String, u16)> = merged
        .lines
        .iter()
        .map(|l| (l.name.clone(), l.quantity.get()))
        .collect();
    assert!(quantities.contains(&("Head Torch".into(), 2)));
    assert!(quantities.contains(&("Spare Batteries".into(), 2)));
    assert!(shop.carts.view(&guest).await.unwrap().lines.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checking_out_an_empty_cart_places_nothing() {
    let (_db, shop) = shop().await;
    let err = shop
        .orders
        .place(checkout(&customer(), "empty-cart-key-000001"))
        .await
        .unwrap_err();
    assert!(matches!(err, OrderError::EmptyCart), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_counters_count_placed_orders_net_of_cancellations_and_list_them_newest_first() {
    let (_db, shop) = shop().await;
    let kettle = product(&shop.catalog, "Counted Kettle", 6_000, 20).await;
    let me = support::customer(&shop.store).await;
    let who = me.id().clone();
    let owner = CartOwner::Customer(who.clone());
    let mut placed = Vec::new();
    for key in [
        "day-counter-key-000001",
        "day-counter-key-000002",
        "day-counter-key-000003",
    ] {
        shop.carts.add(&owner, &kettle.id, q(1)).await.unwrap();
        placed.push(shop.orders.place(checkout(&who, key)).await.unwrap());
    }
    shop.orders
        .cancel_for_customer(&me, &placed[1].id, "changed my mind")
        .await
        .unwrap();

    let week = shop.orders.sales(7).await.unwrap();
    assert_eq!(week.len(), 7);
    assert_eq!((week[0].orders, week[0].revenue_cents), (2, 12_000));
    assert!(week[1..]
        .iter()
        .all(|d| d.orders == 0 && d.revenue_cents == 0));
    assert!(week[0].day > week[1].day, "newest first");

    let recent = shop.orders.recent(10).await.unwrap();
    let ids: Vec<_> = recent.iter().map(|o| o.id.clone()).collect();
    let expected: Vec<_> = placed.iter().rev().map(|o| o.id.clone()).collect();
    assert_eq!(ids, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_move_an_order_only_along_the_status_machine_and_concurrent_moves_apply_once() {
    let (_db, shop) = shop().await;
    let shop = Arc::new(shop);
    let tent = product(&shop.catalog, "Moving Tent", 9_000, 5).await;
    let who = customer();
    let staff = support::staff(&shop.store, "support@cloudmart.test").await;
    shop.carts
        .add(&CartOwner::Customer(who.clone()), &tent.id, q(2))
        .await
        .unwrap();
    let order = shop
        .orders
        .place(checkout(&who, "status-machine-key-0001"))
        .await
        .unwrap();

    let skipped = shop
        .orders
        .advance(&order.id, OrderStatus::Shipped, &staff, "too soon")
        .await;
    assert!(matches!(
        skipped,
        Err(OrderError::InvalidTransition {
            from: OrderStatus::Pending,
            to: OrderStatus::Shipped
        })
    ));

    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (shop, id, staff) = (shop.clone(), order.id.clone(), staff.clone());
            tokio::spawn(async move {
                shop.orders
                    .advance(&id, OrderStatus::Processing, &staff, "picked")
                    .await
            })
        })
        .collect();
    let mut moved = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            moved += 1;
        }
    }
    assert_eq!(moved, 1, "one of eight concurrent moves applies");

    let cancelled = shop
        .orders
        .advance(&order.id, OrderStatus::Cancelled, &staff, "customer called")
        .await
        .unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    let changes: Vec<_> = cancelled.history.iter().map(|c| c.to).collect();
    assert_eq!(
        changes,
        [
            OrderStatus::Pending,
            OrderStatus::Processing,
            OrderStatus::Cancelled
        ]
    );
    assert_eq!(
        stock_of(&shop, &tent).await,
        5,
        "cancelling returned the stock"
    );
    let day = &shop.orders.sales(1).await.unwrap()[0];
    assert_eq!((day.orders, day.revenue_cents), (0, 0));

    // Each applied move is in the audit log once; the seven refused ones are not.
    let target = domain::audit::Target {
        kind: domain::audit::TargetKind::Order,
        id: order.id.as_str().to_owned(),
        label: String::new(),
    };
    let log = domain::audit::AuditLog::new(shop.store.clone())
        .history(&target, 20)
        .await
        .unwrap();
    let moves: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.changes[0].before.as_str(), e.changes[0].after.as_str()))
        .collect();
    assert_eq!(
        moves,
        [("processing", "cancelled"), ("pending", "processing")]
    );
    assert_eq!(log[0].reason, "customer called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_order_filter_narrows_by_customer_and_dates_and_sorts_both_ways() {
    use domain::orders::OrderFilter;
    use domain::time::{parse_date, Timestamp};
    let (_db, shop) = shop().await;
    let lamp = product(&shop.catalog, "Filter Lamp", 1_000, 50).await;
    let (ann, bob) = (customer(), customer());
    let mut placed = Vec::new();
    for (i, who) in [&ann, &bob, &ann].into_iter().enumerate() {
        shop.carts
            .add(&CartOwner::Customer(who.clone()), &lamp.id, q(1))
            .await
            .unwrap();
        let key = format!("filter-test-key-{i:04}");
        placed.push(shop.orders.place(checkout(who, &key)).await.unwrap());
    }

    let pending = OrderFilter::status(OrderStatus::Pending);
    let (all, _) = shop.orders.page_matching(&pending, None, 10).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].id, placed[2].id, "newest first");
    let oldest = OrderFilter {
        oldest_first: true,
        ..pending.clone()
    };
    let (all, _) = shop.orders.page_matching(&oldest, None, 10).await.unwrap();
    assert_eq!(all[0].id, placed[0].id, "oldest first");

    let anns = OrderFilter {
        customer: Some(ann.clone()),
        ..pending.clone()
    };
    let (found, _) = shop.orders.page_matching(&anns, None, 10).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|o| o.customer == ann));

    let today = parse_date(&Timestamp::now().date_utc(), "from").unwrap();
    let today_only = OrderFilter {
        from: Some(today),
        until: Some(Timestamp(today.millis() + 86_400_000)),
        ..pending.clone()
    };
    assert_eq!(
        shop.orders
            .page_matching(&today_only, None, 10)
            .await
            .unwrap()
            .0
            .len(),
        3
    );
    let yesterday = OrderFilter {
        from: Some(Timestamp(today.millis() - 86_400_000)),
        until: Some(today),
        ..anns.clone()
    };
    assert!(shop
        .orders
        .page_matching(&yesterday, None, 10)
        .await
        .unwrap()
        .0
        .is_empty());
    let shipped = OrderFilter {
        status: OrderStatus::Shipped,
        ..anns
    };
    assert!(shop
        .orders
        .page_matching(&shipped, None, 10)
        .await
        .unwrap()
        .0
        .is_empty());
}

async fn catalog_version(shop: &Services) -> i64 {
    let item = shop
        .store
        .get_by_pk(&shop.store.tables.products(), "M#catalog".into())
        .await
        .unwrap();
    item.and_then(|i| i.get("version").and_then(|v| v.as_n().ok()?.parse().ok()))
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_checkouts_count_exactly_in_day_shards_and_leave_the_catalog_alone()
{
    let (_db, shop) = shop().await;
    let kettle = product(&shop.catalog, "Plenty Kettle", 1_000, 1_000).await;
    let version = catalog_version(&shop).await;
    let shop = Arc::new(shop);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let who = customer();
        shop.carts
            .add(&CartOwner::Customer(who.clone()), &kettle.id, q(1))
            .await
            .unwrap();
        let shop = shop.clone();
        tasks.push(tokio::spawn(async move {
            shop.orders
                .place(checkout(&who, &format!("plenty-key-{i:06}")))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every checkout is placed");
    }
    assert_eq!(stock_of(&shop, &kettle).await, 800);
    let today = &shop.orders.sales(1).await.unwrap()[0];
    assert_eq!(
        (today.orders, today.revenue_cents),
        (200, 200 * (1_000 + 499))
    );
    let day = domain::time::Timestamp::now().date_utc();
    let shards: Vec<String> = (0..domain::orders::sales::SHARDS)
        .map(|i| format!("D#{day}#{i}"))
        .collect();
    let written = shop
        .store
        .batch_get(&shop.store.tables.orders(), &shards)
        .await
        .unwrap();
    assert!(
        written.len() > 8,
        "the day's counts are spread ({} shards)",
        written.len()
    );
    assert_eq!(
        catalog_version(&shop).await,
        version,
        "sales that leave plenty in stock change no page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_that_brings_a_product_near_sold_out_tells_every_replica() {
    let (_db, shop) = shop().await;
    let stove = product(&shop.catalog, "Few Stoves", 5_000, 12).await;
    let version = catalog_version(&shop).await;
    let buy = |n: i64, key: &'static str| {
        let shop = &shop;
        let stove = &stove;
        async move {
            let who = customer();
            shop.carts
                .add(&CartOwner::Customer(who.clone()), &stove.id, q(n))
                .await
                .unwrap();
            shop.orders.place(checkout(&who, key)).await.unwrap();
        }
    };
    buy(2, "few-stoves-first-1").await;
    assert_eq!(
        catalog_version(&shop).await,
        version,
        "10 left: shown as before"
    );
    buy(1, "few-stoves-second-2").await;
    assert!(
        catalog_version(&shop).await > version,
        "9 left: fewer offered"
    );
    assert_eq!(stock_of(&shop, &stove).await, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_that_leaves_plenty_reads_nothing_on_another_replica_and_keeps_its_snapshot() {
    let (_db, shop) = shop().await;
    let lamp = product(&shop.catalog, "Plenty Lamp", 2_000, 50).await;
    let other = CatalogService::load(shop.store.clone()).await.unwrap();
    let generation = other.generation();
    let who = customer();
    shop.carts
        .add(&CartOwner::Customer(who.clone()), &lamp.id, q(3))
        .await
        .unwrap();
    shop.orders
        .place(checkout(&who, "plenty-lamp-key-0001"))
        .await
        .unwrap();
    let refreshed = other.refresh().await.unwrap();
    assert_eq!(
        refreshed,
        Default::default(),
        "nothing read, nothing changed"
    );
    assert_eq!(other.generation(), generation);
    assert_eq!(stock_of(&shop, &lamp).await, 47);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_that_sells_out_a_product_refreshes_that_product_only_on_another_replica() {
    let (_db, shop) = shop().await;
    let kettle = product(&shop.catalog, "Last Kettle", 3_000, 2).await;
    let other = CatalogService::load(shop.store.clone()).await.unwrap();
    let generation = other.generation();
    let who = customer();
    shop.carts
        .add(&CartOwner::Customer(who.clone()), &kettle.id, q(2))
        .await
        .unwrap();
    shop.orders
        .place(checkout(&who, "last-kettle-key-0001"))
        .await
        .unwrap();
    let refreshed = other.refresh().await.unwrap();
    assert_eq!(refreshed.products_changed, 1, "{refreshed:?}");
    assert_eq!(refreshed.products_read, 1, "only the kettle: {refreshed:?}");
    assert_ne!(other.generation(), generation);
    let page = other.detail("last-kettle").expect("still listed");
    assert_eq!(page.product.stock_state(), StockState::SoldOut);
    assert_eq!(page.product.stock_state().label(), "Sold out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_after_the_cart_changed_returns_the_order_its_key_placed() {
    let (_db, shop) = shop().await;
    let mug = product(&shop.catalog, "Replay Mug", 1_200, 50).await;
    let gone = product(&shop.catalog, "Replay Last Lamp", 900, 1).await;
    let who = customer();
    let cart = CartOwner::Customer(who.clone());
    shop.carts.add(&cart, &mug.id, q(1)).await.unwrap();
    let first = shop
        .orders
        .place(checkout(&who, "replay-key-000000001"))
        .await
        .unwrap();
    // A new cart, whose only line then sells out to someone else.
    shop.carts.add(&cart, &gone.id, q(1)).await.unwrap();
    let other = customer();
    shop.carts
        .add(&CartOwner::Customer(other.clone()), &gone.id, q(1))
        .await
        .unwrap();
    shop.orders
        .place(checkout(&other, "replay-other-0000001"))
        .await
        .unwrap();

    let replayed = shop
        .orders
        .place(checkout(&who, "replay-key-000000001"))
        .await
        .unwrap();
    assert_eq!(replayed.id, first.id);
    assert_eq!(stock_of(&shop, &mug).await, 49);
    // The cart that changed is still there for a checkout of its own.
    assert!(matches!(
        shop.orders
            .place(checkout(&who, "replay-key-000000002"))
            .await,
        Err(OrderError::OutOfStock(_))
    ));
}

/// A second replica of the shop on the same store: its own catalog snapshot, which hears of
/// the first replica's writes only when it refreshes.
async fn second_replica(shop: &Services) -> Services {
    Services::start(shop.store.clone()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_quoted_from_a_stale_snapshot_is_charged_the_price_the_store_holds() {
    let (_db, shop) = shop().await;
    let admin = support::admin(&shop.store, "admin@cloudmart.test").await;
    let lamp = product(&shop.catalog, "Repriced Lamp", 1_000, 40).await;
    let replica = second_replica(&shop).await;
    let draft = domain::catalog::ProductDraft {
        name: ProductName::parse(&lamp.name).unwrap(),
        slug: lamp.slug.clone(),
        description: lamp.description.clone(),
        price: Money::new(1_500, Currency::Usd).unwrap(),
        category: lamp.category,
        status: lamp.status,
        featured: lamp.featured,
    };
    shop.catalog
        .edit(&admin, &lamp.id, lamp.updated_at, draft)
        .await
        .unwrap();
    assert_eq!(
        replica
            .catalog
            .active_product(&lamp.id)
            .unwrap()
            .price
            .cents(),
        1_000,
        "the replica has not heard of the new price"
    );
    let who = customer();
    replica
        .carts
        .add(&CartOwner::Customer(who.clone()), &lamp.id, q(2))
        .await
        .unwrap();

    let order = replica
        .orders
        .place(checkout(&who, "repriced-lamp-key-01"))
        .await
        .unwrap();

    assert_eq!(order.lines[0].unit_price.cents(), 1_500);
    assert_eq!(order.totals.subtotal.cents(), 3_000);
    assert_eq!(stock_of(&shop, &lamp).await, 38, "taken once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restock_the_snapshot_has_not_seen_yet_still_sells() {
    let (_db, shop) = shop().await;
    let admin = support::admin(&shop.store, "admin@cloudmart.test").await;
    let kettle = product(&shop.catalog, "Restocked Kettle", 2_500, 1).await;
    let who = customer();
    let cart = CartOwner::Customer(who.clone());
    let replica = second_replica(&shop).await;
    replica.carts.add(&cart, &kettle.id, q(1)).await.unwrap();
    shop.catalog
        .adjust_stock(
            &admin,
            &kettle.id,
            domain::catalog::StockChange::Set(0),
            "recount",
        )
        .await
        .unwrap();
    replica.catalog.refresh().await.unwrap();
    shop.catalog
        .adjust_stock(
            &admin,
            &kettle.id,
            domain::catalog::StockChange::Set(6),
            "delivery",
        )
        .await
        .unwrap();
    assert_eq!(
        replica.catalog.active_product(&kettle.id).unwrap().stock,
        0,
        "the replica still shows it sold out"
    );

    let order = replica
        .orders
        .place(checkout(&who, "restocked-kettle-k01"))
        .await
        .unwrap();

    assert_eq!(order.lines[0].quantity.get(), 1);
    assert_eq!(stock_of(&shop, &kettle).await, 5);
}

/// The products of an order, with their quantities.
fn bought(order: &domain::orders::Order) -> Vec<(ProductId, u16)> {
    order
        .lines
        .iter()
        .map(|l| (l.product_id.clone(), l.quantity.get()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_for_the_cart_the_store_holds_when_this_replica_kept_an_older_copy() {
    let (_db, shop) = shop().await;
    let lamp = product(&shop.catalog, "Copied Lamp", 1_000, 40).await;
    let kettle = product(&shop.catalog, "Copied Kettle", 2_000, 40).await;
    let replica = second_replica(&shop).await;
    let who = customer();
    let cart = CartOwner::Customer(who.clone());
    shop.carts.add(&cart, &lamp.id, q(1)).await.unwrap();
    // The shopper changes the cart through another replica.
    replica.carts.remove(&cart, &lamp.id).await.unwrap();
    replica.carts.add(&cart, &kettle.id, q(2)).await.unwrap();

    let order = shop
        .orders
        .place(checkout(&who, "stale-copy-key-00001"))
        .await
        .unwrap();

    assert_eq!(bought(&order), vec![(kettle.id.clone(), 2)]);
    assert_eq!(
        stock_of(&shop, &lamp).await,
        40,
        "the removed line is not sold"
    );
    assert_eq!(stock_of(&shop, &kettle).await, 38);
    assert!(shop.carts.view(&cart).await.unwrap().lines.is_empty());
}

/// The trap a kept copy would fall into if an order deleted the cart: the cart started again
/// would be version 1 once more, and the copy of the old version 1 would pass the
/// transaction's condition and be sold instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_emptied_by_an_order_elsewhere_and_filled_again_is_never_taken_for_the_copy_kept_here(
) {
    let (_db, shop) = shop().await;
    let lamp = product(&shop.catalog, "Reused Lamp", 1_000, 40).await;
    let kettle = product(&shop.catalog, "Reused Kettle", 2_000, 40).await;
    let replica = second_replica(&shop).await;
    let who = customer();
    let cart = CartOwner::Customer(who.clone());
    shop.carts.add(&cart, &lamp.id, q(1)).await.unwrap();
    let first = replica
        .orders
        .place(checkout(&who, "emptied-elsewhere-01"))
        .await
        .unwrap();
    assert_eq!(bought(&first), vec![(lamp.id.clone(), 1)]);
    replica.carts.add(&cart, &kettle.id, q(2)).await.unwrap();

    let second = shop
        .orders
        .place(checkout(&who, "emptied-elsewhere-02"))
        .await
        .unwrap();

    assert_eq!(bought(&second), vec![(kettle.id.clone(), 2)]);
    assert_eq!(stock_of(&shop, &lamp).await, 39, "the lamp was sold once");
    assert_eq!(stock_of(&shop, &kettle).await, 38);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_copy_with_a_line_sold_out_since_does_not_refuse_a_cart_that_no_longer_holds_it() {
    let (_db, shop) = shop().await;
    let admin = support::admin(&shop.store, "admin@cloudmart.test").await;
    let lamp = product(&shop.catalog, "Gone Lamp", 1_000, 3).await;
    let kettle = product(&shop.catalog, "Kept Kettle", 2_000, 40).await;
    let replica = second_replica(&shop).await;
    let who = customer();
    let cart = CartOwner::Customer(who.clone());
    shop.carts.add(&cart, &lamp.id, q(1)).await.unwrap();
    replica.carts.remove(&cart, &lamp.id).await.unwrap();
    replica.carts.add(&cart, &kettle.id, q(1)).await.unwrap();
    shop.catalog
        .adjust_stock(
            &admin,
            &lamp.id,
            domain::catalog::StockChange::Set(0),
            "sold out",
        )
        .await
        .unwrap();

    let order = shop
        .orders
        .place(checkout(&who, "sold-out-in-copy-001"))
        .await
        .unwrap();

    assert_eq!(bought(&order), vec![(kettle.id.clone(), 1)]);
}
