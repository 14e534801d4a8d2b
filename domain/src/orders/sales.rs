//! Sales counters for the admin overview: per UTC day, [`SHARDS`] items in the orders table,
//! `D#<yyyy-mm-dd>#<shard>`, each with `orders` and `revenue_cents`. Placing an order adds to
//! one shard of its day (chosen by the order id) in the order's own transaction; cancelling
//! takes it back from the same shard, in the cancel's transaction. A day's figures are the sum
//! of its shards, so they are exact, net of cancellations, and need no scan; and no single item
//! is written by every checkout, so the counters do not cap checkout at one item's write rate.
//! (Days counted before sharding live in one item, `D#<yyyy-mm-dd>`, which is added in too.)

use super::{DaySales, Order};
use crate::store::attr::{n, s, Reader};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

/// How many items share one day's counts.
pub const SHARDS: u32 = 16;

/// The item that held a whole day's counts before they were sharded.
fn day_pk(day: &str) -> String {
    format!("D#{day}")
}

fn shard_pk(day: &str, shard: u32) -> String {
    format!("D#{day}#{shard}")
}

/// The shard an order counts in: the same for its placing and its cancelling.
fn shard_of(order: &Order) -> u32 {
    // FNV-1a: stable across builds and platforms, unlike the standard hasher.
    let hash = order.id.as_str().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % SHARDS
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
                .key(
                    "pk",
                    s(shard_pk(&order.created_at.date_utc(), shard_of(order))),
                )
                .update_expression("ADD orders :orders, revenue_cents :cents")
                .expression_attribute_values(":orders", n(sign))
                .expression_attribute_values(":cents", n(sign * order.totals.total.cents()))
                .build()?,
        )
        .build())
}

/// The `days` days up to and including `today`, newest first, with zeros for days without
/// orders: every shard of every day in `BatchGetItem`s of 100 keys.
pub async fn last_days(
    store: &Store,
    today: Timestamp,
    days: u32,
) -> Result<Vec<DaySales>, StoreError> {
    let table = store.tables.orders();
    let wanted: Vec<String> = (0..i64::from(days))
        .map(|back| Timestamp(today.millis() - back * 86_400_000).date_utc())
        .collect();
    let pks: Vec<String> = wanted
        .iter()
        .flat_map(|day| std::iter::once(day_pk(day)).chain((0..SHARDS).map(|i| shard_pk(day, i))))
        .collect();
    let found = store.batch_get(&table, &pks).await?;
    wanted
        .into_iter()
        .map(|day| {
            let mut sales = DaySales {
                day,
                orders: 0,
                revenue_cents: 0,
            };
            let keys = std::iter::once(day_pk(&sales.day))
                .chain((0..SHARDS).map(|i| shard_pk(&sales.day, i)));
            for item in keys.filter_map(|pk| found.get(&pk)) {
                let r = Reader::new(&table, item);
                sales.orders += r.number::<i64>("orders")?;
                sales.revenue_cents += r.number::<i64>("revenue_cents")?;
            }
            Ok(sales)
        })
        .collect()
}
