//! Where the desk overview's counters live in the tickets table (see [`super::stats`]).
//!
//! - `S#open#<shard>`: the open-work gauge, one number attribute per status and priority.
//! - `S#day#<YYYY-MM-DD>#<shard>`: one day's first responses, ratings and scored messages.
//!
//! Each counter is split over [`SHARDS`] items, a ticket always writing the same shard, so
//! that writes to different tickets at once rarely touch one item (two transactions on one
//! item collide and one is tried again); the overview sums the shards, in one batch read.

use aws_sdk_dynamodb::types::{AttributeValue, Select, TransactWriteItem, Update};

use super::stats::{CounterDelta, Counters, OVERVIEW_DAYS};
use super::ticket::TicketId;
use crate::store::attr::{n, s, Item};
use crate::store::schema::tickets::BY_DUE;
use crate::store::{Store, StoreError};
use crate::time::Timestamp;

/// The items each counter is split over.
pub const SHARDS: u32 = 4;

const DAY_MS: i64 = 86_400_000;

/// The shard a ticket's counts go to: a hash of its id (FNV-1a), so it is always the same.
fn shard(ticket: &TicketId) -> u32 {
    let hash = ticket.as_str().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % SHARDS
}

fn gauge_pk(shard: u32) -> String {
    format!("S#open#{shard}")
}

fn day_pk(day: &str, shard: u32) -> String {
    format!("S#day#{day}#{shard}")
}

/// The writes that add `delta` to the counters (the day being `at`'s), for the ticket's
/// transaction; none when it changes nothing counted.
pub fn writes(
    store: &Store,
    ticket: &TicketId,
    delta: &CounterDelta,
    at: Timestamp,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let shard = shard(ticket);
    let mut items = Vec::new();
    if !delta.gauge.is_empty() {
        items.push(add(store, gauge_pk(shard), &delta.gauge)?);
    }
    if !delta.day.is_empty() {
        items.push(add(store, day_pk(&at.date_utc(), shard), &delta.day)?);
    }
    Ok(items)
}

/// One `ADD` of every counter in `counts` to the item `pk` (created at zero if absent).
fn add(
    store: &Store,
    pk: String,
    counts: &[(String, i64)],
) -> Result<TransactWriteItem, StoreError> {
    let mut update = Update::builder()
        .table_name(store.tables.tickets())
        .key("pk", s(pk));
    let mut terms = Vec::with_capacity(counts.len());
    for (i, (name, by)) in counts.iter().enumerate() {
        terms.push(format!("#c{i} :c{i}"));
        update = update
            .expression_attribute_names(format!("#c{i}"), name)
            .expression_attribute_values(format!(":c{i}"), n(by));
    }
    let update = update
        .update_expression(format!("ADD {}", terms.join(", ")))
        .build()?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The gauge and the last [`OVERVIEW_DAYS`] days up to `today` (oldest first, each with its
/// date), each summed over its shards.
pub async fn read(
    store: &Store,
    today: Timestamp,
) -> Result<(Counters, Vec<(String, Counters)>), StoreError> {
    let days: Vec<String> = (0..OVERVIEW_DAYS as i64)
        .rev()
        .map(|back| Timestamp(today.millis() - back * DAY_MS).date_utc())
        .collect();
    let mut pks: Vec<String> = (0..SHARDS).map(gauge_pk).collect();
    for day in &days {
        pks.extend((0..SHARDS).map(|shard| day_pk(day, shard)));
    }
    let found = store.batch_get(&store.tables.tickets(), &pks).await?;
    let sum = |pks: Vec<String>| {
        let mut counters = Counters::new();
        for item in pks.iter().filter_map(|pk| found.get(pk)) {
            add_numbers(&mut counters, item);
        }
        counters
    };
    let gauge = sum((0..SHARDS).map(gauge_pk).collect());
    let days = days
        .into_iter()
        .map(|day| {
            let counters = sum((0..SHARDS).map(|shard| day_pk(&day, shard)).collect());
            (day, counters)
        })
        .collect();
    Ok((gauge, days))
}

fn add_numbers(counters: &mut Counters, item: &Item) {
    for (name, value) in item {
        if let AttributeValue::N(number) = value {
            if let Ok(v) = number.parse::<i64>() {
                *counters.entry(name.clone()).or_default() += v;
            }
        }
    }
}

/// The value of the `sla_running` attribute of a ticket whose SLA clock runs (it is listed
/// in the due index by `due_sk`).
pub const RUNNING: &str = "running";

/// How many tickets the desk owes an answer on whose current SLA target is past at `now`:
/// a count of the due index below `now` (it holds only tickets whose clock runs, so the read
/// is as large as the overdue backlog, not the desk).
pub async fn overdue(store: &Store, now: Timestamp) -> Result<u64, StoreError> {
    let mut count = 0u64;
    let mut start: Option<std::collections::HashMap<String, AttributeValue>> = None;
    loop {
        let out = store
            .client
            .query()
            .table_name(store.tables.tickets())
            .index_name(BY_DUE)
            .key_condition_expression("sla_running = :running AND due_sk < :now")
            .expression_attribute_values(":running", s(RUNNING))
            .expression_attribute_values(":now", s(format!("{:015}", now.millis().max(0))))
            .select(Select::Count)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| StoreError::call("Query", e))?;
        count += u64::try_from(out.count()).unwrap_or(0);
        match out.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => return Ok(count),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_always_counts_in_the_same_shard_and_shards_spread() {
        let ids: Vec<TicketId> = (0..64).map(|_| TicketId::generate()).collect();
        let mut used = std::collections::HashSet::new();
        for id in &ids {
            assert_eq!(shard(id), shard(id));
            assert!(shard(id) < SHARDS);
            used.insert(shard(id));
        }
        assert_eq!(used.len(), SHARDS as usize, "64 tickets use every shard");
    }
}
