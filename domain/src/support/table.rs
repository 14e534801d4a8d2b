//! The tickets table.
//!
//! - `T#<id>`: a ticket, as a JSON document (`doc`) plus what its indexes need: `desk_state`
//!   and `rank_sk` (the queue), `customer_id` and `created_sk` (a customer's tickets),
//!   `assignee_id` and `rank_sk` (an agent's tickets; absent while unassigned), `order_id`
//!   (tickets about an order; absent when none); what the queue filters on
//!   (`ticket_status`, `ticket_priority`, `ticket_tags`, `customer_mood`); and
//!   `ticket_version`, which every write is conditional on; while its SLA clock runs,
//!   `sla_running` and `due_sk` (the due index, which counts the overdue). (Attribute names carry a prefix
//!   so that none is one of DynamoDB's reserved words.)
//! - `M#<ticket>#<seq>`: one message (`doc`), listed by `ticket_id` + `seq_sk`; while a
//!   customer message waits for its score it carries `unscored`, which lists it for the
//!   scoring worker.
//! - `N#<number>`: the claim of a ticket number; `C#number`: the counter handing them out.
//! - `R#canned`: every canned reply, as one JSON list (`doc`) with a `canned_version` that
//!   each change is conditional on (admins keep a few dozen; one read serves a reply form).

use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};

use super::canned::CannedReply;
use super::counters;
use super::sla::SlaPolicy;
use super::ticket::{Message, Ticket, TicketId};
use super::{TicketNumber, TicketStatus};
use crate::store::attr::{n, s, Item, Reader};
use crate::store::page::{IndexQuery, KeyCursor};
use crate::store::schema::tickets::{
    BY_ASSIGNEE, BY_CUSTOMER, BY_ORDER, BY_STATE, BY_TICKET, BY_UNSCORED,
};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;

const TABLE: &str = "tickets";

pub fn ticket_pk(id: &TicketId) -> String {
    format!("T#{}", id.as_str())
}

pub fn message_pk(ticket: &TicketId, seq: u32) -> String {
    format!("M#{}#{seq:06}", ticket.as_str())
}

fn number_pk(number: TicketNumber) -> String {
    format!("N#{}", number.get())
}

/// The desk state a ticket is listed under: `active` while the desk works on it (new or
/// open), else its status.
pub fn desk_state(status: TicketStatus) -> &'static str {
    if status.is_active() {
        ACTIVE
    } else {
        status.as_str()
    }
}

/// The desk state of new and open tickets.
pub const ACTIVE: &str = "active";

/// Where a page of tickets stopped.
pub type TicketCursor = KeyCursor<'T'>;

fn created_sk(ticket: &Ticket) -> String {
    format!(
        "{:015}#{}",
        ticket.created_at.millis().max(0),
        ticket.id.as_str()
    )
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::malformed(TABLE, format!("cannot encode: {e}")))
}

fn decode<T: serde::de::DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let doc = Reader::new(TABLE, item).string("doc")?;
    serde_json::from_str(doc).map_err(|e| StoreError::malformed(TABLE, format!("doc: {e}")))
}

/// The item of a ticket, with its place in the queue and (while the desk owes an answer)
/// its due time, both as they stand at `now` under `policy`.
pub fn ticket_item(
    ticket: &Ticket,
    policy: &SlaPolicy,
    now: Timestamp,
) -> Result<Item, StoreError> {
    let rank_sk = ticket.rank_key(policy, now);
    let mut item = Item::from([
        ("pk".into(), s(ticket_pk(&ticket.id))),
        ("desk_state".into(), s(desk_state(ticket.status))),
        ("ticket_status".into(), s(ticket.status.as_str())),
        ("rank_sk".into(), s(rank_sk.as_str())),
        ("customer_id".into(), s(ticket.customer.id.as_str())),
        ("created_sk".into(), s(created_sk(ticket))),
        ("number".into(), n(ticket.number.get())),
        ("ticket_priority".into(), s(ticket.priority.as_str())),
        ("ticket_version".into(), n(ticket.version)),
        ("doc".into(), s(encode(ticket)?)),
    ]);
    if let Some(assignee) = &ticket.assignee {
        item.insert("assignee_id".into(), s(assignee.id.as_str()));
    }
    if let Some(order) = &ticket.order {
        item.insert("order_id".into(), s(order.id.as_str()));
    }
    if !ticket.tags.is_empty() {
        let tags = ticket.tags.iter().map(|t| t.as_str().to_owned()).collect();
        item.insert("ticket_tags".into(), AttributeValue::Ss(tags));
    }
    if let Some(mood) = ticket.mood() {
        item.insert("customer_mood".into(), s(mood.label().as_str()));
    }
    if ticket.clock.is_running() {
        let due = ticket.due(policy, now).millis().max(0);
        item.insert("sla_running".into(), s(counters::RUNNING));
        item.insert(
            "due_sk".into(),
            s(format!("{due:015}#{}", ticket.id.as_str())),
        );
    }
    Ok(item)
}

pub fn ticket_from_item(item: &Item) -> Result<Ticket, StoreError> {
    decode(item)
}

pub fn message_item(message: &Message) -> Result<Item, StoreError> {
    let mut item = Item::from([
        ("pk".into(), s(message_pk(&message.ticket, message.seq))),
        ("ticket_id".into(), s(message.ticket.as_str())),
        ("seq_sk".into(), s(format!("{:06}", message.seq))),
        ("doc".into(), s(encode(message)?)),
    ]);
    if message.is_scored_kind() && message.sentiment.is_none() {
        item.insert("unscored".into(), s("1"));
        item.insert(
            "at_sk".into(),
            s(format!(
                "{:015}#{:06}",
                message.at.millis().max(0),
                message.seq
            )),
        );
    }
    Ok(item)
}

pub fn message_from_item(item: &Item) -> Result<Message, StoreError> {
    decode(item)
}

/// Writes `ticket` if the stored one is still at `expected` (`None`: it must not exist yet).
pub fn put_ticket(
    store: &Store,
    ticket: &Ticket,
    policy: &SlaPolicy,
    now: Timestamp,
    expected: Option<u64>,
) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(store.tables.tickets())
        .set_item(Some(ticket_item(ticket, policy, now)?));
    let put = match expected {
        None => put.condition_expression("attribute_not_exists(pk)"),
        Some(version) => put
            .condition_expression("ticket_version = :read")
            .expression_attribute_values(":read", n(version)),
    };
    Ok(TransactWriteItem::builder().put(put.build()?).build())
}

/// Writes a new message; its number must be free (so two replies cannot take one number).
pub fn put_message(store: &Store, message: &Message) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(store.tables.tickets())
        .set_item(Some(message_item(message)?))
        .condition_expression("attribute_not_exists(pk)")
        .build()?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Writes a message again (with its score), if it is still there.
pub fn replace_message(store: &Store, message: &Message) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(store.tables.tickets())
        .set_item(Some(message_item(message)?))
        .condition_expression("attribute_exists(pk)")
        .build()?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Claims a ticket number for a ticket: no two tickets can hold one number.
pub fn claim_number(
    store: &Store,
    number: TicketNumber,
    ticket: &TicketId,
) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(store.tables.tickets())
        .item("pk", s(number_pk(number)))
        .item("ticket_id", s(ticket.as_str()))
        .condition_expression("attribute_not_exists(pk)")
        .build()?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// The next ticket number: one atomic increment of the counter.
pub async fn next_number(store: &Store) -> Result<TicketNumber, StoreError> {
    let out = store
        .client
        .update_item()
        .table_name(store.tables.tickets())
        .key("pk", s("C#number"))
        .update_expression("SET next_number = if_not_exists(next_number, :start) + :one")
        .expression_attribute_values(":start", n(TicketNumber::FIRST - 1))
        .expression_attribute_values(":one", n(1))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .map_err(|e| StoreError::call("UpdateItem", e))?;
    let attributes = out.attributes.unwrap_or_default();
    let next: u64 = Reader::new(TABLE, &attributes).number("next_number")?;
    Ok(TicketNumber::new(next))
}

pub async fn get_ticket(store: &Store, id: &TicketId) -> Result<Option<Ticket>, StoreError> {
    store
        .get_by_pk(&store.tables.tickets(), ticket_pk(id))
        .await?
        .map(|item| ticket_from_item(&item))
        .transpose()
}

/// The ticket holding `number`, if any.
pub async fn ticket_by_number(
    store: &Store,
    number: TicketNumber,
) -> Result<Option<Ticket>, StoreError> {
    let Some(claim) = store
        .get_by_pk(&store.tables.tickets(), number_pk(number))
        .await?
    else {
        return Ok(None);
    };
    let id = Reader::new(TABLE, &claim).parsed("ticket_id", TicketId::parse)?;
    get_ticket(store, &id).await
}

/// A ticket's messages, oldest first (all of them: a conversation is read whole).
pub async fn messages(store: &Store, ticket: &TicketId) -> Result<Vec<Message>, StoreError> {
    let table = store.tables.tickets();
    let query = IndexQuery {
        table: &table,
        index: BY_TICKET,
        hash: ("ticket_id", ticket.as_str()),
        sort: "seq_sk",
        filter: None,
        forward: true,
    };
    let mut all = Vec::new();
    let mut after: Option<KeyCursor<'M'>> = None;
    loop {
        let (items, next) = store.index_page(&query, after.as_ref(), 200, 200).await?;
        for item in &items {
            all.push(message_from_item(item)?);
        }
        match next {
            Some(c) => after = Some(c),
            None => return Ok(all),
        }
    }
}

/// Customer messages waiting for a score, oldest first.
pub async fn unscored(store: &Store, limit: usize) -> Result<Vec<Message>, StoreError> {
    let table = store.tables.tickets();
    let query = IndexQuery {
        table: &table,
        index: BY_UNSCORED,
        hash: ("unscored", "1"),
        sort: "at_sk",
        filter: None,
        forward: true,
    };
    let (items, _) = store
        .index_page::<'M'>(&query, None, limit, limit as i32)
        .await?;
    items.iter().map(message_from_item).collect()
}

/// Which index a page of tickets comes from.
pub enum TicketList<'a> {
    /// Tickets in a desk state ([`desk_state`]), most urgent first.
    State(&'a str),
    /// An agent's tickets, most urgent first.
    Assignee(&'a str),
    /// A customer's tickets, newest first.
    Customer(&'a str),
    /// The tickets about an order, newest first.
    Order(&'a str),
}

/// One page of tickets from `list`, kept only where `filter` holds.
pub async fn page(
    store: &Store,
    list: TicketList<'_>,
    filter: Option<(String, Vec<(&str, String)>)>,
    after: Option<&TicketCursor>,
    limit: usize,
) -> Result<(Vec<Ticket>, Option<TicketCursor>), StoreError> {
    let table = store.tables.tickets();
    let (index, hash, sort, forward) = match list {
        TicketList::State(state) => (BY_STATE, ("desk_state", state), "rank_sk", true),
        TicketList::Assignee(id) => (BY_ASSIGNEE, ("assignee_id", id), "rank_sk", true),
        TicketList::Customer(id) => (BY_CUSTOMER, ("customer_id", id), "created_sk", false),
        TicketList::Order(id) => (BY_ORDER, ("order_id", id), "created_sk", false),
    };
    let query = IndexQuery {
        table: &table,
        index,
        hash,
        sort,
        filter,
        forward,
    };
    let (items, next) = store.index_page(&query, after, limit, 2_000).await?;
    let tickets = items
        .iter()
        .map(ticket_from_item)
        .collect::<Result<_, _>>()?;
    Ok((tickets, next))
}

const CANNED_PK: &str = "R#canned";

/// The canned replies and the version they were read at (`None`: there are none yet).
pub async fn canned(store: &Store) -> Result<(Vec<CannedReply>, Option<u64>), StoreError> {
    let Some(item) = store
        .get_by_pk(&store.tables.tickets(), CANNED_PK.to_owned())
        .await?
    else {
        return Ok((Vec::new(), None));
    };
    let version = Reader::new(TABLE, &item).number("canned_version")?;
    Ok((decode(&item)?, Some(version)))
}

/// Writes the canned replies if they are still at `expected`; `false` if someone changed
/// them meanwhile.
pub async fn put_canned(
    store: &Store,
    replies: &[CannedReply],
    expected: Option<u64>,
) -> Result<bool, StoreError> {
    let request = store
        .client
        .put_item()
        .table_name(store.tables.tickets())
        .item("pk", s(CANNED_PK))
        .item("doc", s(encode(&replies)?))
        .item("canned_version", n(expected.map_or(1, |v| v + 1)));
    let request = match expected {
        None => request.condition_expression("attribute_not_exists(pk)"),
        Some(v) => request
            .condition_expression("canned_version = :read")
            .expression_attribute_values(":read", n(v)),
    };
    match request.send().await {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(StoreError::call("PutItem", e)),
    }
}
