//! The orders table. `O#<id>` is an order: the whole order as a JSON document (`doc`) plus the
//! attributes its indexes need; `I#<customer>#<key>` is an idempotency record naming the order
//! a checkout key placed; `N#<number>` claims a human order number.

use super::OrderStatus;
use super::{Order, OrderError, OrderId};
use crate::identity::UserId;
use crate::store::attr::{s, Item, Reader};
use crate::store::schema::orders::{BY_CUSTOMER, BY_STATUS};
use crate::store::{Store, StoreError};

pub fn order_pk(id: &OrderId) -> String {
    format!("O#{}", id.as_str())
}

pub fn idempotency_pk(customer: &UserId, key: &str) -> String {
    format!("I#{}#{key}", customer.as_str())
}

pub fn number_pk(number: &str) -> String {
    format!("N#{number}")
}

/// Where a customer's order list stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCursor {
    pk: String,
    created_sk: String,
}

impl OrderCursor {
    /// The cursor as URL-safe text.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_sk, self.pk.trim_start_matches("O#"))
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (created_sk, id) = text.split_once('.')?;
        let id = OrderId::parse(id).ok()?;
        (created_sk.len() <= 64
            && created_sk
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'#' || b.is_ascii_hexdigit() || b == b'-'))
        .then(|| Self {
            pk: order_pk(&id),
            created_sk: created_sk.to_owned(),
        })
    }
}

pub fn created_sk(order: &Order) -> String {
    format!(
        "{:015}#{}",
        order.created_at.millis().max(0),
        order.id.as_str()
    )
}

/// The item for an order.
pub fn to_item(order: &Order) -> Result<Item, StoreError> {
    let doc = serde_json::to_string(order)
        .map_err(|e| StoreError::malformed("orders", format!("cannot encode order: {e}")))?;
    Ok(Item::from([
        ("pk".into(), s(order_pk(&order.id))),
        ("customer_id".into(), s(order.customer.as_str())),
        ("status".into(), s(order.status.as_str())),
        ("created_sk".into(), s(created_sk(order))),
        ("number".into(), s(&order.number)),
        ("doc".into(), s(doc)),
    ]))
}

pub fn from_item(table: &str, item: &Item) -> Result<Order, StoreError> {
    let doc = Reader::new(table, item).string("doc")?;
    serde_json::from_str(doc).map_err(|e| StoreError::malformed(table, format!("order doc: {e}")))
}

pub async fn get(store: &Store, pk: String) -> Result<Option<Item>, StoreError> {
    store.get_by_pk(&store.tables.orders(), pk).await
}

pub async fn get_order(store: &Store, id: &OrderId) -> Result<Option<Order>, OrderError> {
    let table = store.tables.orders();
    Ok(get(store, order_pk(id))
        .await?
        .map(|item| from_item(&table, &item))
        .transpose()?)
}

/// A customer's orders, newest first, one page at a time.
pub async fn page_for_customer(
    store: &Store,
    customer: &UserId,
    after: Option<&OrderCursor>,
    limit: i32,
) -> Result<(Vec<Order>, Option<OrderCursor>), StoreError> {
    page_by_index(
        store,
        BY_CUSTOMER,
        "customer_id",
        customer.as_str(),
        after,
        limit,
    )
    .await
}

/// Orders in one status, newest first, one page at a time: the admin's order lists.
pub async fn page_with_status(
    store: &Store,
    status: OrderStatus,
    after: Option<&OrderCursor>,
    limit: i32,
) -> Result<(Vec<Order>, Option<OrderCursor>), StoreError> {
    page_by_index(store, BY_STATUS, "status", status.as_str(), after, limit).await
}

/// One page of an index keyed by `key = value` and sorted by `created_sk`, newest first.
async fn page_by_index(
    store: &Store,
    index: &str,
    key: &str,
    value: &str,
    after: Option<&OrderCursor>,
    limit: i32,
) -> Result<(Vec<Order>, Option<OrderCursor>), StoreError> {
    let table = store.tables.orders();
    let mut query = store
        .client
        .query()
        .table_name(&table)
        .index_name(index)
        .key_condition_expression("#key = :value")
        .expression_attribute_names("#key", key)
        .expression_attribute_values(":value", s(value))
        .scan_index_forward(false)
        .limit(limit);
    if let Some(c) = after {
        query = query
            .exclusive_start_key("pk", s(&c.pk))
            .exclusive_start_key("created_sk", s(&c.created_sk))
            .exclusive_start_key(key, s(value));
    }
    let out = query
        .send()
        .await
        .map_err(|e| StoreError::call("Query", e))?;
    let orders = out
        .items()
        .iter()
        .map(|item| from_item(&table, item))
        .collect::<Result<Vec<_>, _>>()?;
    let next = match out.last_evaluated_key() {
        Some(key) => {
            let r = Reader::new(&table, key);
            Some(OrderCursor {
                pk: r.string("pk")?.to_owned(),
                created_sk: r.string("created_sk")?.to_owned(),
            })
        }
        None => None,
    };
    Ok((orders, next))
}

/// The newest `limit` orders in any status: the newest of each status (one query per status
/// on `by_status`), merged.
pub async fn recent(store: &Store, limit: i32) -> Result<Vec<Order>, StoreError> {
    let table = store.tables.orders();
    let mut orders = Vec::new();
    for status in OrderStatus::ALL {
        let out = store
            .client
            .query()
            .table_name(&table)
            .index_name(BY_STATUS)
            .key_condition_expression("#status = :s")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":s", s(status.as_str()))
            .scan_index_forward(false)
            .limit(limit)
            .send()
            .await
            .map_err(|e| StoreError::call("Query", e))?;
        for item in out.items() {
            orders.push(from_item(&table, item)?);
        }
    }
    orders.sort_by_key(|o| std::cmp::Reverse(o.created_at));
    orders.truncate(limit.max(0) as usize);
    Ok(orders)
}
