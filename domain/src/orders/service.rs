//! The order service: places orders atomically, moves them through their statuses, lists a
//! customer's orders.

use super::table::{self, OrderCursor};
use super::{
    pricing, sales, Actor, IdempotencyKey, Order, OrderError, OrderFilter, OrderId, OrderLine,
    OrderStatus, ShippingAddress, ShortLine, StatusChange,
};
use crate::audit::{AuditEntry, AuditLog, Change, Staff, Target, TargetKind};
use crate::cart::{CartOwner, CartService};
use crate::catalog::{
    bump_version_item, return_stock_item, take_stock_item, CatalogService, ProductStatus,
};
use crate::identity::{Email, UserId};
use crate::store::attr::{n, s};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use std::sync::Arc;
use std::time::Duration;

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

/// How often a transaction that collided with another is tried again.
const CONFLICT_RETRIES: u32 = 12;

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

async fn backoff(attempt: u32) {
    let jitter = crate::random::bytes::<1>()[0] % 20;
    let ms = 5 * u64::from(attempt + 1) + u64::from(jitter);
    tokio::time::sleep(Duration::from_millis(ms)).await;
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
    /// clearing the cart. Prices and totals come from the store. Submitting the same key again
    /// returns the order the first submission placed.
    #[tracing::instrument(name = "orders.place", skip_all)]
    pub async fn place(&self, checkout: Checkout) -> Result<Order, OrderError> {
        if let Some(existing) = self.order_for_key(&checkout).await? {
            return Ok(existing);
        }
        let owner = CartOwner::Customer(checkout.customer.clone());
        for attempt in 0..CONFLICT_RETRIES {
            let cart = self.carts.load(&owner).await?;
            if cart.is_empty() {
                // A concurrent submission of this key may have placed it and cleared the cart.
                return match self.order_for_key(&checkout).await? {
                    Some(order) => Ok(order),
                    None => Err(OrderError::EmptyCart),
                };
            }
            let mut lines = Vec::new();
            let mut short = Vec::new();
            for (id, quantity) in cart.quantities() {
                let product = self.catalog.get(&id).await.ok();
                let quantity = pricing::Quantity::parse(i64::from(quantity))?;
                match product {
                    Some(p)
                        if p.status == ProductStatus::Active
                            && p.stock >= u32::from(quantity.get()) =>
                    {
                        lines.push(OrderLine {
                            product_id: p.id.clone(),
                            slug: p.slug.clone(),
                            name: p.name.clone(),
                            unit_price: p.price,
                            quantity,
                            line_total: pricing::line_total(p.price, quantity),
                        })
                    }
                    Some(p) => short.push(ShortLine {
                        name: p.name.clone(),
                        wanted: quantity.get(),
                        available: if p.status == ProductStatus::Active {
                            p.stock
                        } else {
                            0
                        },
                    }),
                    None => short.push(ShortLine {
                        name: "A product no longer sold".into(),
                        wanted: quantity.get(),
                        available: 0,
                    }),
                }
            }
            if !short.is_empty() {
                return Err(OrderError::OutOfStock(short));
            }
            let priced: Vec<_> = lines.iter().map(|l| (l.unit_price, l.quantity)).collect();
            let now = Timestamp::now();
            let order = Order {
                id: OrderId::generate(),
                number: order_number(),
                customer: checkout.customer.clone(),
                email: checkout.email.clone(),
                totals: pricing::totals(&priced),
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

            let products = self.store.tables.products();
            let orders = self.store.tables.orders();
            let mut items: Vec<TransactWriteItem> = Vec::new();
            for line in &order.lines {
                items.push(take_stock_item(
                    &products,
                    &line.product_id,
                    line.quantity.get(),
                )?);
            }
            let first_other = items.len();
            items.push(put(&orders, table::to_item(&order)?)?);
            items.push(put(
                &orders,
                [
                    (
                        "pk".into(),
                        s(table::idempotency_pk(
                            &order.customer,
                            checkout.key.as_str(),
                        )),
                    ),
                    ("order_id".into(), s(order.id.as_str())),
                ]
                .into(),
            )?);
            items.push(put(
                &orders,
                [
                    ("pk".into(), s(table::number_pk(&order.number))),
                    ("order_id".into(), s(order.id.as_str())),
                ]
                .into(),
            )?);
            items.push(
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(self.carts.table())
                            .key("pk", s(CartService::key_of(&owner)))
                            .condition_expression("version = :v")
                            .expression_attribute_values(":v", n(cart.version))
                            .build()
                            .map_err(StoreError::from)?,
                    )
                    .build(),
            );
            items.push(bump_version_item(&products)?);
            items.push(sales::counter_item(&orders, &order, 1)?);

            let result = self
                .store
                .client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(order),
                Err(e) => e,
            };
            let Some(service_error) = error.as_service_error() else {
                return Err(StoreError::call("TransactWriteItems", error).into());
            };
            let codes = crate::store::cancellation_codes(service_error);
            let failed = |i: usize| codes.get(i).is_some_and(|c| c == "ConditionalCheckFailed");
            if codes.iter().any(|c| c == "TransactionConflict")
                || matches!(
                    service_error,
                    TransactWriteItemsError::TransactionInProgressException(_)
                )
            {
                backoff(attempt).await;
                continue;
            }
            if failed(first_other + 1) {
                // The same key won elsewhere: that order is the answer.
                return self.order_for_key(&checkout).await?.ok_or(OrderError::Busy);
            }
            if (0..first_other).any(failed) {
                // Sold out meanwhile: say which lines and how many are left.
                let mut short = Vec::new();
                for (i, line) in order.lines.iter().enumerate() {
                    if failed(i) {
                        let now = self.catalog.get(&line.product_id).await.ok();
                        short.push(ShortLine {
                            name: line.name.clone(),
                            wanted: line.quantity.get(),
                            available: now
                                .filter(|p| p.status == ProductStatus::Active)
                                .map_or(0, |p| p.stock),
                        });
                    }
                }
                return Err(OrderError::OutOfStock(short));
            }
            if failed(first_other + 2) || failed(first_other + 3) {
                // Number collision, or the cart changed under us: price it again.
                continue;
            }
            return Err(StoreError::call("TransactWriteItems", error).into());
        }
        Err(OrderError::Busy)
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
    /// goes through [`OrderService::cancel`], which returns the stock.
    #[tracing::instrument(name = "orders.advance", skip_all, fields(order = id.as_str(), to = to.as_str()))]
    pub async fn advance(
        &self,
        id: &OrderId,
        to: OrderStatus,
        staff: &Staff,
        reason: &str,
    ) -> Result<Order, OrderError> {
        if to == OrderStatus::Cancelled {
            return self
                .cancel_recorded(id, Actor::Staff(staff.id.clone()), reason, Some(staff))
                .await;
        }
        let mut order = table::get_order(&self.store, id)
            .await?
            .ok_or(OrderError::NotFound)?;
        let from = order.status;
        if !from.can_become(to) {
            return Err(OrderError::InvalidTransition { from, to });
        }
        order.status = to;
        order.history.push(StatusChange {
            to,
            at: Timestamp::now(),
            actor: Actor::Staff(staff.id.clone()),
            reason: reason.to_owned(),
        });
        let put = Put::builder()
            .table_name(self.store.tables.orders())
            .set_item(Some(table::to_item(&order)?))
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":from", s(from.as_str()))
            .build()
            .map_err(StoreError::from)?;
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            self.status_audit(staff, &order, from, reason)?,
        ];
        match self.store.transact(items).await {
            Ok(()) => Ok(order),
            Err(e) if e.condition_failed(0) => {
                let now = table::get_order(&self.store, id)
                    .await?
                    .ok_or(OrderError::NotFound)?;
                Err(OrderError::InvalidTransition {
                    from: now.status,
                    to,
                })
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
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

    /// Cancels an order and returns its stock, in one transaction that only succeeds while
    /// the order is still in the status it was read in: of many concurrent cancels, one
    /// returns the stock. A customer may cancel only their own pending orders.
    #[tracing::instrument(name = "orders.cancel", skip_all, fields(order = id.as_str()))]
    pub async fn cancel(
        &self,
        id: &OrderId,
        actor: Actor,
        reason: &str,
    ) -> Result<Order, OrderError> {
        self.cancel_recorded(id, actor, reason, None).await
    }

    /// [`OrderService::cancel`], recorded in the audit log when `staff` cancels.
    async fn cancel_recorded(
        &self,
        id: &OrderId,
        actor: Actor,
        reason: &str,
        staff: Option<&Staff>,
    ) -> Result<Order, OrderError> {
        let mut order = table::get_order(&self.store, id)
            .await?
            .ok_or(OrderError::NotFound)?;
        if let Actor::Customer(customer) = &actor {
            if &order.customer != customer {
                return Err(OrderError::NotFound);
            }
            if order.status != OrderStatus::Pending {
                return Err(OrderError::InvalidTransition {
                    from: order.status,
                    to: OrderStatus::Cancelled,
                });
            }
        }
        let from = order.status;
        if !from.can_become(OrderStatus::Cancelled) {
            return Err(OrderError::InvalidTransition {
                from,
                to: OrderStatus::Cancelled,
            });
        }
        order.status = OrderStatus::Cancelled;
        order.history.push(StatusChange {
            to: OrderStatus::Cancelled,
            at: Timestamp::now(),
            actor,
            reason: reason.to_owned(),
        });
        let products = self.store.tables.products();
        let orders = self.store.tables.orders();
        let mut items = vec![TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&orders)
                    .set_item(Some(table::to_item(&order)?))
                    .condition_expression("#status = :from")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":from", s(from.as_str()))
                    .build()
                    .map_err(StoreError::from)?,
            )
            .build()];
        for line in &order.lines {
            items.push(return_stock_item(
                &products,
                &line.product_id,
                line.quantity.get(),
            )?);
        }
        items.push(bump_version_item(&products)?);
        items.push(sales::counter_item(&orders, &order, -1)?);
        if let Some(staff) = staff {
            items.push(self.status_audit(staff, &order, from, reason)?);
        }
        for attempt in 0..CONFLICT_RETRIES {
            let result = self
                .store
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(order),
                Err(e) => e,
            };
            let codes = error
                .as_service_error()
                .map(crate::store::cancellation_codes)
                .unwrap_or_default();
            if codes.first().is_some_and(|c| c == "ConditionalCheckFailed") {
                let now = table::get_order(&self.store, id)
                    .await?
                    .ok_or(OrderError::NotFound)?;
                return Err(OrderError::InvalidTransition {
                    from: now.status,
                    to: OrderStatus::Cancelled,
                });
            }
            if codes.iter().any(|c| c == "TransactionConflict") {
                backoff(attempt).await;
                continue;
            }
            return Err(StoreError::call("TransactWriteItems", error).into());
        }
        Err(OrderError::Busy)
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
