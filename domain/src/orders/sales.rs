//! Sales counters for the admin overview: one item per UTC day in the orders table,
//! `D#<yyyy-mm-dd>`, with `orders` and `revenue_cents`. Placing an order adds to its day in the
//! order's own transaction; cancelling takes it back from the day it was placed, in the
//! cancel's transaction. So the figures are exact, net of cancellations, and need no scan.
//!
//! A day's item is written by every checkout that day, as the catalog version already is: the
//! checkout's conflict retries absorb the contention.

use super::{DaySales, Order};
use crate::store::attr::{n, s, Reader};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

fn day_pk(day: &str) -> String {
    format!("D#{day}")
}

/// The counter update for `order` on the day it was placed: `sign` is 1 when it is placed and
/// -1 when it is cancelled.
pub fn counter_item(
    table: &str,
    order: &Order,
    sign: i64,
) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .update(
            Update::builder()
                .table_name(table)
                .key("pk", s(day_pk(&order.created_at.date_utc())))
                .update_expression("ADD orders :orders, revenue_cents :cents")
                .expression_attribute_values(":orders", n(sign))
                .expression_attribute_values(":cents", n(sign * order.totals.total.cents()))
                .build()?,
        )
        .build())
}

/// The `days` days up to and including `today`, newest first, with zeros for days without
/// orders. One `BatchGetItem` (repeated only for keys DynamoDB leaves unprocessed).
pub async fn last_days(
    store: &Store,
    today: Timestamp,
    days: u32,
) -> Result<Vec<DaySales>, StoreError> {
    let table = store.tables.orders();
    let wanted: Vec<String> = (0..i64::from(days))
        .map(|back| Timestamp(today.millis() - back * 86_400_000).date_utc())
        .collect();
    let pks: Vec<String> = wanted.iter().map(|day| day_pk(day)).collect();
    let found = store.batch_get(&table, &pks).await?;
    wanted
        .into_iter()
        .map(|day| {
            let Some(item) = found.get(&day_pk(&day)) else {
                return Ok(DaySales {
                    day,
                    orders: 0,
                    revenue_cents: 0,
                });
            };
            let r = Reader::new(&table, item);
            Ok(DaySales {
                orders: r.number("orders")?,
                revenue_cents: r.number("revenue_cents")?,
                day,
            })
        })
        .collect()
}
