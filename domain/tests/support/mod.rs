//! Capabilities for the domain's integration tests, made the only way the shop makes them:
//! an account stored with a role, read back as a principal by the identity service.

#![allow(dead_code)]

use domain::identity::{Admin, Customer, IdentityService, Principal, Role, SignUp, Staff};
use domain::store::Store;

/// The principal of a stored account with `email` and `role` (created, or given that role).
pub async fn principal(store: &Store, email: &str, role: Role) -> Principal {
    let identity = IdentityService::new(store.clone());
    let form = SignUp::parse("Test Person", email, "a long enough password").unwrap();
    let (account, _) = identity.ensure_account(form, role).await.unwrap();
    identity.principal_of(&account.id).await.unwrap()
}

pub async fn admin(store: &Store, email: &str) -> Admin {
    principal(store, email, Role::Admin)
        .await
        .admin()
        .expect("an admin account gives the admin capability")
}

pub async fn staff(store: &Store, email: &str) -> Staff {
    principal(store, email, Role::Support)
        .await
        .staff()
        .expect("a support account gives the staff capability")
}

/// A new customer account with a unique email.
pub async fn customer(store: &Store) -> Customer {
    let email = format!("shopper-{}@cloudmart.test", uuid_like());
    principal(store, &email, Role::Customer)
        .await
        .customer()
        .expect("a signed-in account acts as a customer")
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// An order of `customer` for one new product at `cents`, placed through checkout.
pub async fn order_of(
    shop: &domain::services::Services,
    customer: &Customer,
    cents: i64,
) -> domain::orders::Order {
    use domain::catalog::{Category, NewProduct, ProductName, ProductStatus, Slug};
    use domain::orders::{Checkout, IdempotencyKey, Quantity, ShippingAddress};
    use domain::{Currency, Money};
    let name = format!("Lamp {}", uuid_like());
    let product = shop
        .catalog
        .create(NewProduct {
            slug: Slug::from_name(&name),
            name: ProductName::parse(&name).unwrap(),
            description: "For tests.".into(),
            price: Money::new(cents, Currency::Usd).unwrap(),
            category: Category::HomeKitchen,
            image: "/images/demo/x.svg".into(),
            stock: 10,
            status: ProductStatus::Active,
            featured: false,
        })
        .await
        .unwrap();
    let owner = domain::cart::CartOwner::Customer(customer.id().clone());
    shop.carts
        .add(&owner, &product.id, Quantity::parse(1).unwrap())
        .await
        .unwrap();
    shop.orders
        .place(Checkout {
            customer: customer.id().clone(),
            email: customer.account().email.clone(),
            address: ShippingAddress::parse(
                "Ada",
                "1 Main St",
                "",
                "London",
                "N1 9GU",
                "United Kingdom",
            )
            .unwrap(),
            key: IdempotencyKey::generate(),
        })
        .await
        .unwrap()
}

/// A fresh dynoxide store with every table and the demo catalog, and the services over it,
/// the catalog snapshot loaded (`prefix` names the tables).
pub async fn demo_shop(
    prefix: &str,
) -> (
    domain::store::embedded::EmbeddedDynamo,
    domain::services::Services,
) {
    use domain::store::{init_tables, Store, StoreEndpoint};
    let db = domain::store::embedded::EmbeddedDynamo::in_memory()
        .await
        .unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), prefix).await;
    init_tables(&store).await.unwrap();
    let services = domain::services::Services::start(store).await.unwrap();
    domain::catalog::demo::seed(&services.catalog)
        .await
        .unwrap();
    services.catalog.refresh().await.unwrap();
    (db, services)
}
