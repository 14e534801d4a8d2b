//! The orders table. `O#<id>` is an order: the whole order as a JSON document (`doc`) plus the
//! attributes its indexes need; `I#<customer>#<key>` is an idempotency record naming the order
//! a checkout key placed; `N#<number>` claims a human order number.

use super::OrderStatus;
use super::{Order, OrderError, OrderFilter, OrderId};
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

/// The order a human order number names (its claim item), if any.
pub async fn order_of_number(store: &Store, number: &str) -> Result<Option<OrderId>, StoreError> {
    let Some(claim) = store
        .get_by_pk(&store.tables.orders(), number_pk(number))
        .await?
    else {
        return Ok(None);
    };
    let id = Reader::new("orders", &claim).string("order_id")?;
    Ok(OrderId::parse(id).ok())
}

/// Where a customer's order list stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCursor {
    pk: String,
    created_sk: String,
}

impl OrderCursor {
    /// The cursor as URL-safe text (the key's `#` written as `~`, which needs no escaping).
    pub fn encode(&self) -> String {
        let created = self.created_sk.replace('#', "~");
        format!("{created}.{}", self.pk.trim_start_matches("O#"))
    }

    /// Reads [`encode`](Self::encode)'s text (and the `#` form older links carry).
    pub fn parse(text: &str) -> Option<Self> {
        let (created_sk, id) = text.split_once('.')?;
        let created_sk = created_sk.replace('~', "#");
        let id = OrderId::parse(id).ok()?;
        (created_sk.len() <= 64
            && created_sk
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'#' || b.is_ascii_hexdigit() || b == b'-'))
        .then(|| Self {
            pk: order_pk(&id),
            created_sk,
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
    let query = IndexQuery::newest_first(BY_CUSTOMER, "customer_id", customer.as_str());
    page_by_index(store, &query, after, limit).await
}

/// Orders matching the admin's filter, one page at a time: through `by_customer` when a
/// customer is named (filtered by status), else through `by_status`; the date range is a key
/// condition on either.
pub async fn page_matching(
    store: &Store,
    filter: &OrderFilter,
    after: Option<&OrderCursor>,
    limit: i32,
) -> Result<(Vec<Order>, Option<OrderCursor>), StoreError> {
    let mut query = match &filter.customer {
        Some(customer) => IndexQuery {
            status: Some(filter.status.as_str()),
            ..IndexQuery::newest_first(BY_CUSTOMER, "customer_id", customer.as_str())
        },
        None => IndexQuery::newest_first(BY_STATUS, "status", filter.status.as_str()),
    };
    query.oldest_first = filter.oldest_first;
    if filter.from.is_some() || filter.until.is_some() {
        let from = filter.from.map_or(0, |t| t.millis().max(0));
        let until = filter.until.map_or(i64::MAX / 2, |t| t.millis().max(0));
        // Sort keys are `<millis:015>#<id>`: `~` sorts after every id character.
        query.range = Some((
            format!("{from:015}"),
            format!("{:015}~", until.saturating_sub(1)),
        ));
    }
    page_by_index(store, &query, after, limit).await
}

/// A query on one of the orders indexes.
struct IndexQuery<'a> {
    index: &'a str,
    key: &'a str,
    value: &'a str,
    /// `created_sk` between these, inclusive.
    range: Option<(String, String)>,
    /// Keep only orders in this status (for indexes not keyed by status).
    status: Option<&'a str>,
    oldest_first: bool,
}

impl<'a> IndexQuery<'a> {
    fn newest_first(index: &'a str, key: &'a str, value: &'a str) -> Self {
        Self {
            index,
            key,
            value,
            range: None,
            status: None,
            oldest_first: false,
        }
    }
}

/// One page of an index sorted by `created_sk`.
async fn page_by_index(
    store: &Store,
    q: &IndexQuery<'_>,
    after: Option<&OrderCursor>,
    limit: i32,
) -> Result<(Vec<Order>, Option<OrderCursor>), StoreError> {
    let table = store.tables.orders();
    let mut query = store
        .client
        .query()
        .table_name(&table)
        .index_name(q.index)
        .expression_attribute_names("#key", q.key)
        .expression_attribute_values(":value", s(q.value))
        .scan_index_forward(q.oldest_first)
        .limit(limit);
    query = match &q.range {
        Some((lo, hi)) => query
            .key_condition_expression("#key = :value AND created_sk BETWEEN :lo AND :hi")
            .expression_attribute_values(":lo", s(lo))
            .expression_attribute_values(":hi", s(hi)),
        None => query.key_condition_expression("#key = :value"),
    };
    if let Some(status) = q.status {
        query = query
            .filter_expression("#status = :status")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status));
    }
    if let Some(c) = after {
        query = query
            .exclusive_start_key("pk", s(&c.pk))
            .exclusive_start_key("created_sk", s(&c.created_sk))
            .exclusive_start_key(q.key, s(q.value));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_url_safe_and_reads_back_as_itself() {
        let id = OrderId::generate();
        let cursor = OrderCursor {
            pk: order_pk(&id),
            created_sk: format!("{:015}#{}", 1_700_000_000_000_i64, id.as_str()),
        };
        let text = cursor.encode();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
            "{text}"
        );
        assert_eq!(OrderCursor::parse(&text), Some(cursor.clone()));
        let old_form = text.replace('~', "#");
        assert_eq!(OrderCursor::parse(&old_form), Some(cursor));
        assert_eq!(OrderCursor::parse("nope"), None);
    }
}
