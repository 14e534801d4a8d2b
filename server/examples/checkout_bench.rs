//! `make bench`, the in-process parts, each printing lines for bench/REPORT.md:
//!
//! - `checkout_bench checkout [SECONDS]`: orders per second and latency with 32 concurrent
//!   shoppers against the embedded store (dynoxide on 127.0.0.1, database in a temporary
//!   directory), through the same services the server uses; next to it the store's ceiling
//!   for the same transaction shape (a bare `TransactWriteItems` of the same items, same
//!   run); then sign-in latency (argon2id dominated). Checkout is measured twice: each
//!   shopper adding a product and placing the order in a loop, and placing alone (carts
//!   filled first, untimed), which is the work the bare transaction is the ceiling of.
//! - `checkout_bench shoppers URL SECONDS`: 32 shoppers checking out continuously through the
//!   services of a second replica on the store at URL (tables `cloudmart-*`), for the
//!   mixed-load figure: the server under test serves pages meanwhile.
//! - `checkout_bench catalog-write URL N`: writes N generated products (1 in 100 low on stock)
//!   into the store at URL, for the large-catalog figures the server is then measured on.
//! - `checkout_bench sellout URL`: on a second replica, sells out one low product of that
//!   catalog (the server under test then refreshes).
//! - `checkout_bench store DIR`: serves the embedded store from DIR on 127.0.0.1 and prints
//!   its URL, until SIGTERM (the mixed-load run's shared store).
//! - `checkout_bench sentiment [SECONDS]`: the offline sentiment analyzer's messages per
//!   second on one core (this thread), over customer messages of every length.
//! - `checkout_bench tickets URL N`: opens N tickets (5 per customer, the hourly limit) in the
//!   store at URL through the support service, and a support agent to sign in as
//!   (`bench-agent@cloudmart.test`, [`AGENT_PASSWORD`]), for the queue page's figure.
//! - `checkout_bench assistant [SECONDS]`: the offline assistant's answer latency (p50/p95)
//!   with 16 conversations at once over the demo catalog in the embedded store, through the
//!   assistant service (the conversation read and its conditional write included), and what
//!   the grounding check costs of an answer.

use domain::cart::CartOwner;
use domain::catalog::{Category, NewProduct, Product, ProductId, ProductName, ProductStatus, Slug};
use domain::identity::{Email, SignIn, SignUp, UserId};
use domain::orders::{Checkout, IdempotencyKey, Quantity, ShippingAddress};
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use domain::time::Timestamp;
use domain::{Currency, Money};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn usage() -> ! {
    eprintln!(
        "usage: checkout_bench checkout [SECONDS] | shoppers URL SECONDS | catalog-write URL N \
         | sellout URL | store DIR | sentiment [SECONDS] | tickets URL N | assistant [SECONDS]"
    );
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let number = |i: usize, default: u64| arg(i).map_or(Some(default), |s| s.parse().ok());
    match arg(0) {
        Some("checkout") => checkout(number(1, 10).unwrap_or_else(|| usage())).await,
        Some("shoppers") => {
            let (Some(url), Some(seconds)) = (arg(1), number(2, 10)) else {
                usage()
            };
            shoppers(url, seconds).await
        }
        Some("catalog-write") => {
            let (Some(url), Some(count)) = (arg(1), number(2, 100_000)) else {
                usage()
            };
            catalog_write(url, count as usize).await
        }
        Some("sellout") => sellout(arg(1).unwrap_or_else(|| usage())).await,
        Some("store") => store(PathBuf::from(arg(1).unwrap_or_else(|| usage()))).await,
        Some("sentiment") => sentiment(number(1, 5).unwrap_or_else(|| usage())),
        Some("tickets") => {
            let (Some(url), Some(count)) = (arg(1), number(2, 500)) else {
                usage()
            };
            tickets(url, count as usize).await
        }
        Some("assistant") => assistant(number(1, 10).unwrap_or_else(|| usage())).await,
        _ => usage(),
    }
}

/// A fresh embedded store in a temporary directory, with its tables.
async fn fresh_store(name: &str) -> (EmbeddedDynamo, Store, PathBuf) {
    let dir = std::env::temp_dir().join(format!("cloudmart-{name}-{}", std::process::id()));
    let db = EmbeddedDynamo::in_dir(&dir).await.expect("embedded store");
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "bench-").await;
    init_tables(&store).await.expect("tables");
    (db, store, dir)
}

fn new_product(name: &str, stock: u32) -> NewProduct {
    NewProduct {
        slug: Slug::from_name(name),
        name: ProductName::parse(name).unwrap(),
        description: "Benchmark stock.".into(),
        price: Money::new(1_000 + name.len() as i64 * 37, Currency::Usd).unwrap(),
        category: Category::Books,
        image: "/images/demo/x.svg".into(),
        stock,
        status: ProductStatus::Active,
        featured: false,
    }
}

/// Products with stock to last any run: every sale is quiet.
async fn plentiful_products(services: &Services, tag: &str) -> Arc<Vec<ProductId>> {
    let mut ids = Vec::new();
    for i in 0..16 {
        let p = services
            .catalog
            .create(new_product(&format!("Bench {tag} Product {i}"), 10_000_000))
            .await
            .expect("product");
        ids.push(p.id);
    }
    Arc::new(ids)
}

/// 32 shoppers adding one product and checking out until `deadline`: the latency of each
/// placed order (add + place), and how many checkouts failed.
async fn run_shoppers(
    services: Arc<Services>,
    products: Arc<Vec<ProductId>>,
    deadline: Instant,
) -> (Vec<Duration>, u64) {
    let address =
        ShippingAddress::parse("Bench", "1 Load St", "", "Loopback", "127", "Localhost").unwrap();
    let run = std::process::id();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (services, products, address) =
                (services.clone(), products.clone(), address.clone());
            tokio::spawn(async move {
                let customer = UserId::parse(&format!(
                    "00000000-0000-4000-8000-{:012}",
                    u64::from(run) * 100 + c as u64
                ))
                .unwrap();
                let owner = CartOwner::Customer(customer.clone());
                let (mut latencies, mut failed) = (Vec::new(), 0u64);
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let product = &products[(c + n as usize) % products.len()];
                    let t = Instant::now();
                    let added = services
                        .carts
                        .add(&owner, product, Quantity::parse(1).unwrap())
                        .await;
                    let key = format!("bench-{run}-{c:04}-{n:010}");
                    let placed = match added {
                        Ok(_) => services
                            .orders
                            .place(Checkout {
                                customer: customer.clone(),
                                email: Email::parse("bench@example.com").unwrap(),
                                address: address.clone(),
                                key: IdempotencyKey::parse(&key).unwrap(),
                            })
                            .await
                            .is_ok(),
                        Err(_) => false,
                    };
                    if placed {
                        latencies.push(t.elapsed());
                    } else {
                        failed += 1;
                    }
                    n += 1;
                }
                (latencies, failed)
            })
        })
        .collect();
    gather(tasks).await
}

/// Checkout alone: each of 32 shoppers first fills carts for as many customers as it can
/// until `fill_until` (not timed), then places them one after another. The latency and the
/// rate are the orders' only, the same work the bare transaction below is the ceiling of.
async fn fill_then_place(
    services: Arc<Services>,
    products: Arc<Vec<ProductId>>,
    fill_until: Instant,
) -> (Vec<Duration>, u64, f64) {
    let address =
        ShippingAddress::parse("Bench", "1 Load St", "", "Loopback", "127", "Localhost").unwrap();
    let run = std::process::id();
    let filled: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (services, products) = (services.clone(), products.clone());
            tokio::spawn(async move {
                let mut customers = Vec::new();
                while Instant::now() < fill_until {
                    let n = customers.len();
                    let customer = UserId::parse(&format!(
                        "00000000-0000-4000-9{:03}-{:012}",
                        c,
                        u64::from(run) * 100_000 + n as u64
                    ))
                    .unwrap();
                    let product = &products[(c + n) % products.len()];
                    let owner = CartOwner::Customer(customer.clone());
                    if services
                        .carts
                        .add(&owner, product, Quantity::parse(1).unwrap())
                        .await
                        .is_ok()
                    {
                        customers.push(customer);
                    }
                }
                customers
            })
        })
        .collect();
    let mut carts = Vec::new();
    for f in filled {
        carts.push(f.await.unwrap());
    }
    let started = Instant::now();
    let tasks: Vec<_> = carts
        .into_iter()
        .enumerate()
        .map(|(c, customers)| {
            let (services, address) = (services.clone(), address.clone());
            tokio::spawn(async move {
                let (mut latencies, mut failed) = (Vec::new(), 0u64);
                for (n, customer) in customers.into_iter().enumerate() {
                    let key = format!("place-{run}-{c:04}-{n:010}");
                    let t = Instant::now();
                    let placed = services
                        .orders
                        .place(Checkout {
                            customer,
                            email: Email::parse("bench@example.com").unwrap(),
                            address: address.clone(),
                            key: IdempotencyKey::parse(&key).unwrap(),
                        })
                        .await;
                    match placed {
                        Ok(_) => latencies.push(t.elapsed()),
                        Err(_) => failed += 1,
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let (all, failed) = gather(tasks).await;
    (all, failed, started.elapsed().as_secs_f64())
}

/// Every shopper's latencies, sorted, and how many of their checkouts failed.
async fn gather(tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, u64)>>) -> (Vec<Duration>, u64) {
    let (mut all, mut failed) = (Vec::new(), 0);
    for t in tasks {
        let (latencies, f) = t.await.unwrap();
        all.extend(latencies);
        failed += f;
    }
    all.sort();
    (all, failed)
}

fn print_orders(what: &str, seconds: f64, latencies: &[Duration], failed: u64) {
    println!(
        "{what}: {} orders in {seconds:.1}s, {:.0} orders/s, median {:.1} ms, p99 {:.1} ms, {failed} failed",
        latencies.len(),
        latencies.len() as f64 / seconds,
        ms(percentile(latencies, 0.5)),
        ms(percentile(latencies, 0.99)),
    );
}

async fn checkout(seconds: u64) {
    let (db, store, dir) = fresh_store("checkout-bench").await;
    let services = Arc::new(Services::start(store.clone()).await.expect("services"));
    let mut workers = domain::worker::Workers::new();
    let catalog = services.catalog.clone();
    workers.spawn("catalog-refresher", |stop| {
        catalog.keep_fresh(Duration::from_secs(2), stop)
    });
    let products = plentiful_products(&services, "Checkout").await;
    let started = Instant::now();
    let (latencies, failed) = run_shoppers(
        services.clone(),
        products.clone(),
        started + Duration::from_secs(seconds),
    )
    .await;
    let elapsed = started.elapsed().as_secs_f64();
    print_orders(
        &format!("checkout, {CLIENTS} concurrent shoppers"),
        elapsed,
        &latencies,
        failed,
    );
    let (latencies, failed, elapsed) = fill_then_place(
        services.clone(),
        products.clone(),
        Instant::now() + Duration::from_secs(seconds),
    )
    .await;
    print_orders(
        &format!("place alone (carts filled first), {CLIENTS} concurrent shoppers"),
        elapsed,
        &latencies,
        failed,
    );
    for p in products.iter() {
        let stock = services.catalog.get(p).await.expect("product").stock;
        assert!(stock <= 10_000_000, "stock went up");
    }

    bare_transactions(&store, &products, seconds).await;

    let form = SignUp::parse("Bench", "bench-signin@example.com", "bench password 1").unwrap();
    services.identity.sign_up(form).await.expect("sign up");
    let mut signins = Vec::new();
    for i in 0..30 {
        let t = Instant::now();
        services
            .identity
            .sign_in(SignIn {
                email: "bench-signin@example.com".into(),
                password: "bench password 1".into(),
                client: Some(format!("10.0.0.{i}")),
            })
            .await
            .expect("sign in");
        signins.push(t.elapsed());
    }
    signins.sort();
    println!(
        "sign-in (argon2id 19 MiB, t=2, p=1): median {:.1} ms, p99 {:.1} ms over {} sign-ins",
        ms(percentile(&signins, 0.5)),
        ms(percentile(&signins, 0.99)),
        signins.len()
    );
    workers.stop(Duration::from_secs(2)).await;
    db.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The store's ceiling for a one-line checkout's write: the same items in one bare
/// `TransactWriteItems` (stock take with its condition, order, idempotency key and number
/// claims, emptying the cart, a day-sales shard), with no reads and no service code around it.
async fn bare_transactions(store: &Store, products: &Arc<Vec<ProductId>>, seconds: u64) {
    use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
    let s = |v: String| AttributeValue::S(v);
    let n = |v: i64| AttributeValue::N(v.to_string());
    let (products_table, orders, carts) = (
        store.tables.products(),
        store.tables.orders(),
        store.tables.carts(),
    );
    // About the size of a one-line order item.
    let order_body = "x".repeat(900);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let store = store.clone();
            let products = products.clone();
            let (products_table, orders, carts, order_body) = (
                products_table.clone(),
                orders.clone(),
                carts.clone(),
                order_body.clone(),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut i = 0usize;
                while Instant::now() < deadline {
                    let product = &products[(c + i) % products.len()];
                    let id = format!("bare-{c}-{i}");
                    let put = |pk: String, body: Option<&str>| {
                        let mut put = Put::builder()
                            .table_name(&orders)
                            .item("pk", s(pk))
                            .condition_expression("attribute_not_exists(pk)");
                        if let Some(body) = body {
                            put = put.item("body", s(body.to_owned()));
                        }
                        TransactWriteItem::builder()
                            .put(put.build().unwrap())
                            .build()
                    };
                    let items = vec![
                        TransactWriteItem::builder()
                            .update(
                                Update::builder()
                                    .table_name(&products_table)
                                    .key("pk", s(format!("P#{}", product.as_str())))
                                    .update_expression("SET stock = stock - :q")
                                    .condition_expression("stock >= :least")
                                    .expression_attribute_values(":q", n(1))
                                    .expression_attribute_values(":least", n(11))
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                        put(format!("O#{id}"), Some(&order_body)),
                        put(format!("K#{id}"), None),
                        put(format!("N#{id}"), None),
                        TransactWriteItem::builder()
                            .update(
                                Update::builder()
                                    .table_name(&carts)
                                    .key("pk", s(format!("C#{id}")))
                                    .update_expression("SET #lines = :empty, version = :next")
                                    .expression_attribute_names("#lines", "lines")
                                    .expression_attribute_values(
                                        ":empty",
                                        AttributeValue::M(Default::default()),
                                    )
                                    .expression_attribute_values(":next", n(2))
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                        TransactWriteItem::builder()
                            .update(
                                Update::builder()
                                    .table_name(&orders)
                                    .key("pk", s(format!("D#bare#{}", (c + i) % 16)))
                                    .update_expression("ADD orders :one, revenue_cents :cents")
                                    .expression_attribute_values(":one", n(1))
                                    .expression_attribute_values(":cents", n(1_499))
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    ];
                    let t = Instant::now();
                    let written = store
                        .client
                        .transact_write_items()
                        .set_transact_items(Some(items))
                        .send()
                        .await;
                    if written.is_ok() {
                        latencies.push(t.elapsed());
                    }
                    i += 1;
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    print_orders(
        &format!("ceiling: bare TransactWriteItems of the same 6 items, {CLIENTS} concurrent"),
        started.elapsed().as_secs_f64(),
        &all,
        0,
    );
}

async fn shoppers(url: &str, seconds: u64) {
    let services = Arc::new(
        Services::start(shared_store(url).await)
            .await
            .expect("services"),
    );
    let products = plentiful_products(&services, &format!("Mixed {}", std::process::id())).await;
    // Let the server under test take in the new products before the clock starts.
    tokio::time::sleep(Duration::from_secs(3)).await;
    println!("shopping");
    let started = Instant::now();
    let (latencies, failed) =
        run_shoppers(services, products, started + Duration::from_secs(seconds)).await;
    print_orders(
        &format!("{CLIENTS} shoppers on a second replica"),
        started.elapsed().as_secs_f64(),
        &latencies,
        failed,
    );
}

/// `count` generated products across the categories, a few of them low on stock.
fn generated(count: usize) -> Vec<Product> {
    let words = [
        "Trail", "Harbor", "Cedar", "Summit", "Nova", "Ember", "Atlas", "Willow", "Quartz", "Drift",
    ];
    let kinds = [
        "Lamp", "Jacket", "Kettle", "Novel", "Speaker", "Boots", "Puzzle", "Serum", "Racket",
    ];
    let now = Timestamp::now();
    (0..count)
        .map(|i| {
            let name = format!(
                "{} {} {i}",
                words[i % words.len()],
                kinds[(i / words.len()) % kinds.len()]
            );
            Product {
                id: ProductId::generate(),
                slug: Slug::from_name(&name),
                description: format!(
                    "The {name}: a generated product for the benchmark, with a description of \
                     about the length a real shop writes for its products, so that search and \
                     memory are measured on realistic text."
                ),
                name,
                price: Money::new(500 + (i as i64 * 37) % 50_000, Currency::Usd).unwrap(),
                category: Category::ALL[i % Category::ALL.len()],
                image: "/images/demo/x.svg".into(),
                stock: if i % 100 == 0 { 2 } else { 500 },
                status: ProductStatus::Active,
                featured: i % 50 == 0,
                created_at: Timestamp(now.millis() - i as i64),
                updated_at: now,
            }
        })
        .collect()
}

async fn shared_store(url: &str) -> Store {
    let store = Store::connect(&StoreEndpoint::Url(url.to_owned()), "cloudmart-").await;
    init_tables(&store).await.expect("tables");
    store
}

async fn catalog_write(url: &str, count: usize) {
    let writer = Arc::new(
        Services::start(shared_store(url).await)
            .await
            .expect("services"),
    );
    let t = Instant::now();
    let products = Arc::new(generated(count));
    let chunks: Vec<_> = (0..count.div_ceil(2_000))
        .map(|i| {
            let (writer, products) = (writer.clone(), products.clone());
            tokio::spawn(async move {
                let chunk = &products[i * 2_000..((i + 1) * 2_000).min(products.len())];
                writer
                    .catalog
                    .bulk_insert(chunk)
                    .await
                    .expect("bulk insert");
            })
        })
        .collect();
    for chunk in chunks {
        chunk.await.unwrap();
    }
    println!(
        "catalog of {count} products written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

async fn sellout(url: &str) {
    let seller = Services::start(shared_store(url).await)
        .await
        .expect("services");
    let snapshot = seller.catalog.snapshot();
    let low = snapshot
        .products()
        .find(|p| p.stock > 0 && p.stock < 10)
        .expect("a low product")
        .clone();
    let who = UserId::parse("00000000-0000-4000-8000-000000000001").unwrap();
    let owner = CartOwner::Customer(who.clone());
    let quantity = Quantity::parse(i64::from(low.stock)).unwrap();
    seller
        .carts
        .add(&owner, &low.id, quantity)
        .await
        .expect("add");
    seller
        .orders
        .place(Checkout {
            customer: who,
            email: Email::parse("bench@example.com").unwrap(),
            address: ShippingAddress::parse("Bench", "1 Load St", "", "Loopback", "127", "Local")
                .unwrap(),
            key: IdempotencyKey::parse(&format!("sellout-{}", low.id.as_str())).unwrap(),
        })
        .await
        .expect("order");
    println!("/products/{}", low.slug.as_str());
}

async fn store(dir: PathBuf) {
    let db = EmbeddedDynamo::in_dir(&dir).await.expect("embedded store");
    println!("{}", db.endpoint());
    let _ = tokio::signal::ctrl_c().await;
    db.stop().await;
}

/// Customer messages as the desk gets them: short and long, calm, angry, mixed, with
/// negation, capitals and emoji.
const MESSAGES: [&str; 8] = [
    "Where is my order?",
    "The lamp arrived broken. This is NOT acceptable!!! 😡",
    "Thanks so much, the jacket fits perfectly and I love the colour 😊",
    "I am not happy with the delivery time, but the product itself is great.",
    "Hello, I ordered two kettles last week and only one arrived. The box looked fine but the second kettle was simply missing. Could you check what happened and send the other one, or refund it? I need it before the weekend because it is a present.",
    "meh",
    "Absolutely terrible service. I have written three times and nobody answers. I want a refund now.",
    "Could you tell me if the headphones work with a laptop? Not urgent at all, just curious.",
];

/// The offline analyzer on this thread alone, for `seconds`.
fn sentiment(seconds: u64) {
    use domain::support::sentiment::offline::analyze;
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let (mut messages, mut chars, mut checksum) = (0u64, 0usize, 0i64);
    while Instant::now() < until {
        for text in MESSAGES {
            checksum += i64::from(analyze(std::hint::black_box(text)).compound);
            chars += text.chars().count();
        }
        messages += MESSAGES.len() as u64;
    }
    let per_s = messages as f64 / started.elapsed().as_secs_f64();
    println!(
        "sentiment offline: {per_s:.0} messages/s on one core ({} chars on average; checksum {checksum})",
        chars as u64 / messages.max(1)
    );
}

/// The bench agent's password (a bench store only).
const AGENT_PASSWORD: &str = "bench agent password";

async fn tickets(url: &str, count: usize) {
    use domain::identity::Role;
    use domain::support::ticket::NewTicket;
    let desk = Services::start(shared_store(url).await)
        .await
        .expect("services");
    let agent = SignUp::parse("Bench Agent", "bench-agent@cloudmart.test", AGENT_PASSWORD).unwrap();
    desk.identity
        .ensure_account(agent, Role::Support)
        .await
        .expect("agent");
    let t = Instant::now();
    let customers = count.div_ceil(domain::support::OPEN_PER_WINDOW);
    let writers: Vec<_> = (0..customers)
        .map(|c| {
            let desk = desk.clone();
            tokio::spawn(async move {
                let email = format!("bench-customer-{c}@cloudmart.test");
                let form =
                    SignUp::parse("Bench Customer", &email, "bench customer password").unwrap();
                let (account, _) = desk
                    .identity
                    .ensure_account(form, Role::Customer)
                    .await
                    .expect("customer");
                let customer = desk
                    .identity
                    .principal_of(&account.id)
                    .await
                    .expect("principal")
                    .customer()
                    .expect("customer");
                let mine = domain::support::OPEN_PER_WINDOW
                    .min(count - c * domain::support::OPEN_PER_WINDOW);
                for i in 0..mine {
                    let text = MESSAGES[(c + i) % MESSAGES.len()];
                    let new =
                        NewTicket::parse(&format!("Bench ticket {c}-{i}"), text, None).unwrap();
                    desk.support.open(&customer, new).await.expect("open");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    println!(
        "{count} open tickets of {customers} customers written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

/// Conversations at once in the assistant's figure.
const CONVERSATIONS: usize = 16;

/// What shoppers ask, in the order a conversation asks it (a conversation is these, then a
/// new visitor starts one: each visitor may send 10 messages a minute).
const QUESTIONS: [&str; 6] = [
    "a gift for a runner under $50",
    "waterproof jacket",
    "something for a 6 year old who likes science",
    "compare the two speakers",
    "cheapest headphones",
    "a cosy blanket for the sofa",
];

async fn assistant(seconds: u64) {
    use domain::assistant::conversation::ShopperMessage;
    use domain::assistant::grounding::{ground, Known};
    use domain::assistant::offline::CatalogView;
    use domain::assistant::Asker;
    let (db, store, dir) = fresh_store("assistant").await;
    let services = Services::start(store).await.expect("services");
    domain::catalog::demo::seed(&services.catalog)
        .await
        .expect("demo catalog");
    services.catalog.refresh().await.expect("refresh");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..CONVERSATIONS)
        .map(|_| {
            let services = services.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut answers = Vec::new();
                while Instant::now() < deadline {
                    let visitor = CartOwner::new_guest();
                    for question in QUESTIONS {
                        let message = ShopperMessage::parse(question).unwrap();
                        let t = Instant::now();
                        let conversation = services
                            .assistant
                            .ask(Asker::Visitor(&visitor), message)
                            .await
                            .expect("an answer");
                        latencies.push(t.elapsed());
                        if answers.len() < QUESTIONS.len() {
                            let turn = conversation.turns.last().expect("the answer").clone();
                            answers.push((turn.text, turn.cards));
                        }
                    }
                }
                (latencies, answers)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut answers = Vec::new();
    for worker in workers {
        let (l, a) = worker.await.unwrap();
        latencies.extend(l);
        if answers.is_empty() {
            answers = a;
        }
    }
    latencies.sort();
    let p50 = percentile(&latencies, 0.50);
    let p95 = percentile(&latencies, 0.95);
    println!(
        "assistant offline: {} answers in {seconds} s by {CONVERSATIONS} conversations at once ({:.0} answers/s); p50 {:.2} ms, p95 {:.2} ms",
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        ms(p50),
        ms(p95)
    );

    // The grounding check on those answers, with the products they show as known.
    let snapshot = services.catalog.snapshot();
    let cases: Vec<(String, Vec<Known>)> = answers
        .into_iter()
        .map(|(text, cards)| {
            let known = cards
                .iter()
                .filter_map(|slug| snapshot.by_slug(slug))
                .map(Known::on_sale)
                .collect();
            (text, known)
        })
        .collect();
    let rounds = 2_000;
    let t = Instant::now();
    let mut kept = 0usize;
    for _ in 0..rounds {
        for (text, known) in &cases {
            kept += ground(std::hint::black_box(text), known).cards.len();
        }
    }
    let per_answer = t.elapsed() / (rounds * cases.len().max(1)) as u32;
    println!(
        "assistant grounding: {:.1} us an answer ({:.2} % of the p50 answer; {} answers, {kept} cards kept)",
        per_answer.as_secs_f64() * 1e6,
        100.0 * per_answer.as_secs_f64() / p50.as_secs_f64().max(1e-9),
        cases.len()
    );
    db.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
