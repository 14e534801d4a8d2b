//! The order service: places orders atomically, moves them through their statuses, lists a
//! customer's orders.

use super::table::{self, OrderCursor};
use super::{
    sales, Actor, IdempotencyKey, Mover, Order, OrderError, OrderFilter, OrderId, OrderLine,
    OrderStatus, ShippingAddress, ShortLine, StatusChange,
};
use crate::audit::{AuditEntry, AuditLog, Change, Target, TargetKind};
use crate::cart::{quote, CartOwner, CartService, StoredCart};
use crate::catalog::{
    bump_version_item, return_stock_item, take_stock_item, CatalogService, ProductStatus,
    STOCK_SHOWN_ALIKE_FROM,
};
use crate::identity::{Customer, Staff};
use crate::identity::{Email, UserId};
use crate::store::attr::{n, s};
use crate::store::{Store, StoreError, TransactError, Transaction};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use std::collections::HashMap;
use std::sync::Arc;

/// A checkout, parsed: who, where to, and the form's idempotency key.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub customer: UserId,
    pub email: Email,
    pub address: ShippingAddress,
    pub key: IdempotencyKey,
}

/// The only payment method for now: the courier collects. A hosted-redirect provider plugs in
/// behind [`PaymentProvider`] later; card data never reaches this server.
pub trait PaymentProvider: Send + Sync {
    /// Shown on the order.
    fn name(&self) -> &'static str;
}

pub struct PayOnDelivery;

impl PaymentProvider for PayOnDelivery {
    fn name(&self) -> &'static str {
        "Pay on delivery"
    }
}

/// How often placing an order re-reads the cart after it changed underneath, or after an
/// order number collided, before telling the shopper to try again.
const PLACE_ATTEMPTS: u32 = 8;

/// The items of the order transaction, by what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlaceItem {
    /// The stock decrement of the order's line at this index.
    Stock(usize),
    Order,
    IdempotencyKey,
    OrderNumber,
    Cart,
    CatalogVersion,
    DaySales,
}

/// Where one try at an order read its products from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Priced {
    /// The replica's catalog snapshot: no reads. Each stock take then also insists that the
    /// product is as the snapshot holds it (its `updated_at`: price, name, status), so an
    /// edit the snapshot has not seen yet is refused by the store and the order is priced
    /// again from it.
    Snapshot,
    /// Consistent reads of the store.
    Store,
}

/// How the stock of one line is taken; by default loud, from a consistent read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Take {
    /// The product keeps at least [`STOCK_SHOWN_ALIKE_FROM`] after the sale (as last read),
    /// so that no page changes. The stock condition of a quiet take insists on it; only an
    /// order with a take that is not quiet moves the catalog version, which makes every
    /// replica reload and drop its cached pages.
    quiet: bool,
    /// When priced from the snapshot, the `updated_at` the product must still have.
    as_of: Option<Timestamp>,
}

impl Take {
    /// Whether the store refusing this take means the product has too little left: only a
    /// loud take of a consistent read's product asks for nothing but the stock.
    fn refusal_means_sold_out(self) -> bool {
        !self.quiet && self.as_of.is_none()
    }
}

/// The takes of an order's lines, in line order.
struct Takes(Vec<Take>);

impl Takes {
    fn line(&self, i: usize) -> Take {
        self.0.get(i).copied().unwrap_or_default()
    }

    fn all_quiet(&self) -> bool {
        self.0.iter().all(|t| t.quiet)
    }
}

/// What one try at writing an order came to.
enum Written {
    /// This order, or the one a concurrent submission of the same key placed.
    Placed(Box<Order>),
    /// The cart changed or the number was taken: price the cart again.
    TryAgain,
}

#[derive(Clone)]
pub struct OrderService {
    store: Store,
    catalog: Arc<CatalogService>,
    carts: CartService,
    payment: Arc<dyn PaymentProvider>,
}

impl std::fmt::Debug for OrderService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderService").finish_non_exhaustive()
    }
}

/// A short, human order number: `CM-` and six Crockford base-32 characters (30 random bits).
fn order_number() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let code: String = crate::random::bytes::<6>()
        .into_iter()
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect();
    format!("CM-{code}")
}

impl OrderService {
    pub fn new(store: Store, catalog: Arc<CatalogService>, carts: CartService) -> Self {
        Self {
            store,
            catalog,
            carts,
            payment: Arc::new(PayOnDelivery),
        }
    }

    async fn order_for_key(&self, checkout: &Checkout) -> Result<Option<Order>, OrderError> {
        let pk = table::idempotency_pk(&checkout.customer, checkout.key.as_str());
        let Some(record) = table::get(&self.store, pk).await? else {
            return Ok(None);
        };
        let id = crate::store::attr::Reader::new("orders", &record)
            .parsed("order_id", OrderId::parse)?;
        table::get_order(&self.store, &id).await
    }

    /// Places the customer's cart as one order, in one transaction: a conditional stock
    /// decrement per line, the order, the idempotency record, the order number claim, and
    /// clearing the cart. Submitting the same key again returns the order the first
    /// submission placed.
    ///
    /// Prices and totals are the store's. The first try quotes the cart from the catalog
    /// snapshot, and each stock take insists that its product is unchanged since (see
    /// [`Priced::Snapshot`]); a refusal quotes it again from consistent reads. An order then
    /// costs no product read unless something changed.
    ///
    /// The key is not looked up first: the transaction claims it, so a replay is refused by
    /// the store and answered with the order that claimed it. Any other refusal (an empty
    /// cart, a sold-out line) also looks the key up before it is reported, so a replay after
    /// the cart changed still gets its order. A first submission costs no extra read.
    #[tracing::instrument(name = "orders.place", skip_all)]
    pub async fn place(&self, checkout: Checkout) -> Result<Order, OrderError> {
        match self.place_once(&checkout).await {
            Ok(order) => Ok(order),
            Err(refused) => match self.order_for_key(&checkout).await? {
                Some(existing) => Ok(existing),
                None => Err(refused),
            },
        }
    }

    async fn place_once(&self, checkout: &Checkout) -> Result<Order, OrderError> {
        let owner = CartOwner::Customer(checkout.customer.clone());
        let mut priced = Priced::Snapshot;
        for attempt in 0..PLACE_ATTEMPTS {
            // The first try prices this replica's copy of the cart, if it has one: the store
            // refuses it unless it is the cart's current version. Any retry reads the store.
            let from_copy = attempt == 0;
            let cart = if from_copy {
                self.carts.load_for_order(&owner).await?
            } else {
                self.carts.load(&owner).await?
            };
            if cart.is_empty() {
                return Err(OrderError::EmptyCart);
            }
            let quoted = match self.new_order(checkout, &cart, priced).await {
                // The snapshot may not have seen a restock or a product going back on sale:
                // only the store may refuse a line.
                Err(OrderError::OutOfStock(_)) if priced == Priced::Snapshot => {
                    priced = Priced::Store;
                    self.new_order(checkout, &cart, priced).await
                }
                quoted => quoted,
            };
            let (order, takes) = match quoted {
                // A copy may hold a line the shopper has removed since: only the cart as the
                // store holds it may be refused for a line.
                Err(OrderError::OutOfStock(_)) if from_copy => continue,
                quoted => quoted?,
            };
            match self
                .write_order(checkout, &owner, &cart, &order, &takes)
                .await?
            {
                Written::Placed(placed) => return Ok(*placed),
                Written::TryAgain => priced = Priced::Store,
            }
        }
        Err(OrderError::Busy)
    }

    /// The order the cart makes now, quoted from the products as `priced` says (the
    /// snapshot's, or consistent reads of the store), with how each line's stock is taken
    /// (see [`Take`]). From the snapshot, the store checks every line's product at the write.
    async fn new_order(
        &self,
        checkout: &Checkout,
        cart: &StoredCart,
        priced: Priced,
    ) -> Result<(Order, Takes), OrderError> {
        let lines = cart.lines();
        let mut products = HashMap::new();
        for line in &lines {
            let product = match priced {
                Priced::Snapshot => self.catalog.active_product(&line.product),
                Priced::Store => self.catalog.get(&line.product).await.ok(),
            };
            if let Some(p) = product {
                products.insert(p.id.clone(), p);
            }
        }
        let view = quote(&lines, |id| products.get(id).cloned());
        let lines = view.order_lines().map_err(OrderError::OutOfStock)?;
        let takes = Takes(
            lines
                .iter()
                .map(|l| {
                    let product = products.get(&l.product_id);
                    Take {
                        quiet: product.is_some_and(|p| {
                            p.stock >= u32::from(l.quantity.get()) + STOCK_SHOWN_ALIKE_FROM
                        }),
                        as_of: product
                            .filter(|_| priced == Priced::Snapshot)
                            .map(|p| p.updated_at),
                    }
                })
                .collect(),
        );
        let now = Timestamp::now();
        let order = Order {
            id: OrderId::generate(),
            number: order_number(),
            customer: checkout.customer.clone(),
            email: checkout.email.clone(),
            totals: view.totals,
            lines,
            address: checkout.address.clone(),
            payment: self.payment.name().to_owned(),
            status: OrderStatus::Pending,
            history: vec![StatusChange {
                to: OrderStatus::Pending,
                at: now,
                actor: Actor::Customer(checkout.customer.clone()),
                reason: "Order placed".into(),
            }],
            created_at: now,
        };
        Ok((order, takes))
    }

    /// The order's transaction, each item named.
    fn order_transaction(
        &self,
        checkout: &Checkout,
        owner: &CartOwner,
        cart: &StoredCart,
        order: &Order,
        takes: &Takes,
    ) -> Result<Transaction<PlaceItem>, StoreError> {
        let products = self.store.tables.products();
        let orders = self.store.tables.orders();
        let mut tx = Transaction::new();
        for (i, line) in order.lines.iter().enumerate() {
            let take = takes.line(i);
            let take = take_stock_item(
                &products,
                &line.product_id,
                line.quantity.get(),
                take.quiet,
                take.as_of,
            )?;
            tx.push(PlaceItem::Stock(i), take);
        }
        if !takes.all_quiet() {
            // A product's page changes (low stock, sold out): every replica reloads.
            tx.push(PlaceItem::CatalogVersion, bump_version_item(&products)?);
        }
        let claim = |pk: String| -> crate::store::attr::Item {
            [
                ("pk".into(), s(pk)),
                ("order_id".into(), s(order.id.as_str())),
            ]
            .into()
        };
        let key_pk = table::idempotency_pk(&order.customer, checkout.key.as_str());
        // Emptied, not deleted: a customer's cart keeps its item, so its version only ever
        // moves on and one version names one content (what lets checkout price a copy).
        let clear_cart = Update::builder()
            .table_name(self.carts.table())
            .key("pk", s(CartService::key_of(owner)))
            .update_expression("SET #lines = :empty, version = :next, updated_at = :now")
            .condition_expression("version = :v")
            .expression_attribute_names("#lines", "lines")
            .expression_attribute_values(":empty", AttributeValue::M(HashMap::new()))
            .expression_attribute_values(":next", n(cart.version + 1))
            .expression_attribute_values(":now", n(order.created_at.millis()))
            .expression_attribute_values(":v", n(cart.version))
            .build()?;
        Ok(tx
            .with(PlaceItem::Order, put(&orders, table::to_item(order)?)?)
            .with(PlaceItem::IdempotencyKey, put(&orders, claim(key_pk))?)
            .with(
                PlaceItem::OrderNumber,
                put(&orders, claim(table::number_pk(&order.number)))?,
            )
            .with(
                PlaceItem::Cart,
                TransactWriteItem::builder().update(clear_cart).build(),
            )
            .with(PlaceItem::DaySales, sales::counter_item(&orders, order, 1)?))
    }

    /// Tries to write the order once, and reads what a refusal means.
    async fn write_order(
        &self,
        checkout: &Checkout,
        owner: &CartOwner,
        cart: &StoredCart,
        order: &Order,
        takes: &Takes,
    ) -> Result<Written, OrderError> {
        let tx = self.order_transaction(checkout, owner, cart, order, takes)?;
        let refused = match self.store.commit(&tx).await {
            Ok(()) => {
                self.carts.emptied(owner);
                return Ok(Written::Placed(Box::new(order.clone())));
            }
            Err(TransactError::Refused(items)) => items,
            Err(TransactError::Contended) => return Err(OrderError::Busy),
            Err(TransactError::Store(e)) => return Err(e.into()),
        };
        if refused.contains(&PlaceItem::IdempotencyKey) {
            // The same key won elsewhere: that order is the answer.
            return match self.order_for_key(checkout).await? {
                Some(existing) => Ok(Written::Placed(Box::new(existing))),
                None => Err(OrderError::Busy),
            };
        }
        if refused.contains(&PlaceItem::Cart) {
            // The cart changed under us (or this replica's copy was stale): what it holds now
            // decides, sold-out lines included.
            return Ok(Written::TryAgain);
        }
        // A quiet take refused may only mean the stock fell near the point where pages show
        // it, and a take priced from the snapshot that the product changed since: pricing
        // again reads the store, and takes the stock the loud way if it must.
        let sold_out: Vec<&OrderLine> = refused
            .iter()
            .filter_map(|item| match item {
                PlaceItem::Stock(i) if takes.line(*i).refusal_means_sold_out() => {
                    order.lines.get(*i)
                }
                _ => None,
            })
            .collect();
        if !sold_out.is_empty() {
            return Err(OrderError::OutOfStock(self.short_lines(&sold_out).await));
        }
        // The cart changed under us, or the number was taken: price it again.
        Ok(Written::TryAgain)
    }

    /// What is left of lines that sold out while the order was being written.
    async fn short_lines(&self, lines: &[&OrderLine]) -> Vec<ShortLine> {
        let mut short = Vec::new();
        for line in lines {
            let now = self.catalog.get(&line.product_id).await.ok();
            short.push(ShortLine {
                name: line.name.clone(),
                wanted: line.quantity.get(),
                available: now
                    .filter(|p| p.status == ProductStatus::Active)
                    .map_or(0, |p| p.stock),
            });
        }
        short
    }

    /// One of the customer's orders. Another customer's order does not exist for them.
    pub async fn get_for_customer(
        &self,
        customer: &UserId,
        id: &OrderId,
    ) -> Result<Order, OrderError> {
        table::get_order(&self.store, id)
            .await?
            .filter(|o| &o.customer == customer)
            .ok_or(OrderError::NotFound)
    }

    /// One of the customer's orders by its number (`CM-7K3M9Q`, in any case). Another
    /// customer's order does not exist for them, exactly like a number no order has.
    pub async fn find_for_customer(
        &self,
        customer: &UserId,
        number: &str,
    ) -> Result<Order, OrderError> {
        let number = number.trim().to_ascii_uppercase();
        let plausible = (4..=32).contains(&number.len())
            && number
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !plausible {
            return Err(OrderError::NotFound);
        }
        let id = table::order_of_number(&self.store, &number)
            .await?
            .ok_or(OrderError::NotFound)?;
        self.get_for_customer(customer, &id).await
    }

    /// A customer's orders, newest first.
    pub async fn page_for_customer(
        &self,
        customer: &UserId,
        after: Option<&OrderCursor>,
        limit: i32,
    ) -> Result<(Vec<Order>, Option<OrderCursor>), OrderError> {
        Ok(table::page_for_customer(&self.store, customer, after, limit).await?)
    }

    /// One page of the orders matching the admin's filter.
    #[tracing::instrument(name = "orders.page_matching", skip_all, fields(status = filter.status.as_str()))]
    pub async fn page_matching(
        &self,
        filter: &OrderFilter,
        after: Option<&OrderCursor>,
        limit: i32,
    ) -> Result<(Vec<Order>, Option<OrderCursor>), OrderError> {
        Ok(table::page_matching(&self.store, filter, after, limit).await?)
    }

    /// Any order, for staff.
    pub async fn get(&self, id: &OrderId) -> Result<Order, OrderError> {
        table::get_order(&self.store, id)
            .await?
            .ok_or(OrderError::NotFound)
    }

    /// Net orders and revenue per day for the last `days` days, newest first.
    #[tracing::instrument(name = "orders.sales", skip(self))]
    pub async fn sales(&self, days: u32) -> Result<Vec<super::DaySales>, OrderError> {
        Ok(sales::last_days(&self.store, Timestamp::now(), days).await?)
    }

    /// The newest orders in any status, newest first.
    #[tracing::instrument(name = "orders.recent", skip(self))]
    pub async fn recent(&self, limit: i32) -> Result<Vec<Order>, OrderError> {
        Ok(table::recent(&self.store, limit).await?)
    }

    /// Moves an order to its next status, if the status machine allows it from the status it
    /// is in. One conditional write on that status: of concurrent moves, one wins. Cancelling
    /// goes through the same path as a customer's cancel, and returns the stock.
    #[tracing::instrument(name = "orders.advance", skip_all, fields(order = id.as_str(), to = to.as_str()))]
    pub async fn advance(
        &self,
        id: &OrderId,
        to: OrderStatus,
        staff: &Staff,
        reason: &str,
    ) -> Result<Order, OrderError> {
        let order = table::get_order(&self.store, id)
            .await?
            .ok_or(OrderError::NotFound)?;
        self.apply_move(
            order,
            to,
            Actor::Staff(staff.id().clone()),
            reason,
            Some(staff),
        )
        .await
    }

    /// The audit entry of a staff member's status move, for the move's transaction.
    fn status_audit(
        &self,
        staff: &Staff,
        order: &Order,
        from: OrderStatus,
        reason: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let target = Target {
            kind: TargetKind::Order,
            id: order.id.as_str().to_owned(),
            label: order.number.clone(),
        };
        let change = Change::new("status", from.as_str(), order.status.as_str());
        let entry =
            AuditEntry::new(staff, "order.status", target, vec![change]).with_reason(reason);
        AuditLog::new(self.store.clone()).put(&entry)
    }

    /// Cancels one of the customer's own orders and returns its stock, while the status
    /// machine lets a customer cancel it. Another customer's order does not exist for them.
    #[tracing::instrument(name = "orders.cancel", skip_all, fields(order = id.as_str()))]
    pub async fn cancel_for_customer(
        &self,
        customer: &Customer,
        id: &OrderId,
        reason: &str,
    ) -> Result<Order, OrderError> {
        let order = self.get_for_customer(customer.id(), id).await?;
        let actor = Actor::Customer(customer.id().clone());
        self.apply_move(order, OrderStatus::Cancelled, actor, reason, None)
            .await
    }

    /// Moves `order` to `to` if the status machine lets this actor do it, in one transaction
    /// conditional on the status it was read in: of many concurrent moves, one wins, and a
    /// cancel returns the stock exactly once. `staff` moves are audited in the same write.
    async fn apply_move(
        &self,
        mut order: Order,
        to: OrderStatus,
        actor: Actor,
        reason: &str,
        staff: Option<&Staff>,
    ) -> Result<Order, OrderError> {
        let from = order.status;
        let mover = match actor {
            Actor::Customer(_) => Mover::Customer,
            Actor::Staff(_) | Actor::System => Mover::Staff,
        };
        if !from.allows(to, mover) {
            return Err(OrderError::InvalidTransition { from, to });
        }
        order.status = to;
        order.history.push(StatusChange {
            to,
            at: Timestamp::now(),
            actor,
            reason: reason.to_owned(),
        });
        let tx = self.move_transaction(&order, from, reason, staff)?;
        match self.store.commit(&tx).await {
            Ok(()) => Ok(order),
            Err(e) if e.refused("order") => {
                let now = table::get_order(&self.store, &order.id)
                    .await?
                    .ok_or(OrderError::NotFound)?;
                Err(OrderError::InvalidTransition {
                    from: now.status,
                    to,
                })
            }
            Err(TransactError::Contended) => Err(OrderError::Busy),
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    /// The write of a move: the order if still in `from`; for a cancel, its stock back, the
    /// catalog version and the day's sales; the audit entry for staff.
    fn move_transaction(
        &self,
        order: &Order,
        from: OrderStatus,
        reason: &str,
        staff: Option<&Staff>,
    ) -> Result<Transaction<&'static str>, StoreError> {
        let products = self.store.tables.products();
        let orders = self.store.tables.orders();
        let put = Put::builder()
            .table_name(&orders)
            .set_item(Some(table::to_item(order)?))
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":from", s(from.as_str()))
            .build()?;
        let mut tx =
            Transaction::new().with("order", TransactWriteItem::builder().put(put).build());
        if order.status == OrderStatus::Cancelled {
            for line in &order.lines {
                let back = return_stock_item(&products, &line.product_id, line.quantity.get())?;
                tx.push("stock", back);
            }
            tx.push("version", bump_version_item(&products)?);
            tx.push("sales", sales::counter_item(&orders, order, -1)?);
        }
        if let Some(staff) = staff {
            tx.push("audit", self.status_audit(staff, order, from, reason)?);
        }
        Ok(tx)
    }
}

fn put(table: &str, item: crate::store::attr::Item) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()?,
        )
        .build())
}
