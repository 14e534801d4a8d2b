//! `make bench`, checkout part: orders per second and latency with 32 concurrent shoppers
//! against the embedded store (dynoxide on 127.0.0.1, database in a temporary directory),
//! through the same services the server uses; and sign-in latency (argon2id dominated).
//!
//! Usage: `checkout_bench [SECONDS]`

use domain::cart::CartOwner;
use domain::catalog::{Category, NewProduct, ProductName, ProductStatus, Slug};
use domain::identity::{Email, SignIn, SignUp, UserId};
use domain::orders::{Checkout, IdempotencyKey, Quantity, ShippingAddress};
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use domain::{Currency, Money};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("cloudmart-checkout-bench-{}", std::process::id()));
    let db = EmbeddedDynamo::in_dir(&dir).await.expect("embedded store");
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "bench-").await;
    init_tables(&store).await.expect("tables");
    let services = Arc::new(Services::start(store).await.expect("services"));
    let mut workers = domain::worker::Workers::new();
    let catalog = services.catalog.clone();
    workers.spawn("catalog-refresher", |stop| {
        catalog.keep_fresh(Duration::from_secs(2), stop)
    });

    let mut products = Vec::new();
    for i in 0..16 {
        let name = format!("Bench Product {i}");
        let p = services
            .catalog
            .create(NewProduct {
                slug: Slug::from_name(&name),
                name: ProductName::parse(&name).unwrap(),
                description: "Benchmark stock.".into(),
                price: Money::new(1_000 + i * 37, Currency::Usd).unwrap(),
                category: Category::Books,
                image: "/images/demo/x.svg".into(),
                stock: 10_000_000,
                status: ProductStatus::Active,
                featured: false,
            })
            .await
            .expect("product");
        products.push(p.id);
    }
    let products = Arc::new(products);
    let address =
        ShippingAddress::parse("Bench", "1 Load St", "", "Loopback", "127", "Localhost").unwrap();

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (services, products, address) =
                (services.clone(), products.clone(), address.clone());
            tokio::spawn(async move {
                let customer = UserId::parse(&format!("00000000-0000-4000-8000-{c:012}")).unwrap();
                let owner = CartOwner::Customer(customer.clone());
                let mut latencies = Vec::new();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let product = &products[(c + n as usize) % products.len()];
                    let t = Instant::now();
                    services
                        .carts
                        .add(&owner, product, Quantity::parse(1).unwrap())
                        .await
                        .expect("add");
                    let order = services
                        .orders
                        .place(Checkout {
                            customer: customer.clone(),
                            email: Email::parse("bench@example.com").unwrap(),
                            address: address.clone(),
                            key: IdempotencyKey::parse(&format!("bench-{c:04}-{n:010}")).unwrap(),
                        })
                        .await;
                    if order.is_ok() {
                        latencies.push(t.elapsed());
                    }
                    n += 1;
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    println!(
        "checkout, {CLIENTS} concurrent shoppers, {seconds}s: {} orders, {:.0} orders/s, add+place median {:.1} ms, p99 {:.1} ms",
        all.len(),
        all.len() as f64 / elapsed,
        percentile(&all, 0.5).as_secs_f64() * 1000.0,
        percentile(&all, 0.99).as_secs_f64() * 1000.0,
    );

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
        percentile(&signins, 0.5).as_secs_f64() * 1000.0,
        percentile(&signins, 0.99).as_secs_f64() * 1000.0,
        signins.len()
    );
    db.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
