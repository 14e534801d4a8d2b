//! Thin adapters over the support service for the desk (support agents and admins): the
//! queue, one ticket, and what an agent does with it.

use crate::forms::{FieldError, FormError};
use domain::support::rank::Boosts;
use domain::support::sentiment::Mood;
use domain::support::ticket::{Conversation, Ticket};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the desk lives.
pub const DESK_PATH: &str = "/support";

/// One line of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub ticket: Ticket,
    pub mood: Option<Mood>,
    /// The rank score now, in minutes (see `domain::support::rank`).
    pub score: i64,
    /// The SLA target the desk works to: "2 h left", "overdue by 20 min", "paused, …".
    pub sla: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub next: Option<String>,
    /// Filter fields that could not be read (and were not applied).
    pub problems: Vec<FieldError>,
    /// Whether the rows are a search's results (not a page of the queue).
    pub searched: bool,
}

/// The desk's view of one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskTicketView {
    pub conversation: Conversation,
    pub mood: Option<Mood>,
    pub score: i64,
    pub boosts: Boosts,
    pub first_response: String,
    pub resolution: String,
    pub overdue: bool,
    /// The customer's recent orders: `(id, number, date, status, total)`.
    pub orders: Vec<(String, String, String, String, String)>,
    /// Whether the viewer is an admin (order links go to the console).
    pub admin: bool,
    /// The viewer's own user id.
    pub me: String,
    /// The canned replies to pick from: `(id, title)`.
    pub canned: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
fn row(
    ticket: Ticket,
    policy: &domain::support::sla::SlaPolicy,
    now: domain::time::Timestamp,
) -> QueueRow {
    let inputs = ticket.rank_inputs(policy, now);
    let state = ticket.current_sla_state(policy, now);
    QueueRow {
        mood: ticket.mood(),
        score: domain::support::rank::score_at(&inputs, now),
        sla: state.describe(),
        overdue: state.is_overdue(),
        ticket,
    }
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn desk_queue(
    status: Option<String>,
    priority: Option<String>,
    assignee: Option<String>,
    tag: Option<String>,
    mood: Option<String>,
    q: Option<String>,
    after: Option<String>,
) -> Result<QueuePage, FormError> {
    use domain::support::queue::{QueueFilter, QueueFilterText};
    use domain::support::table::TicketCursor;
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let now = domain::time::Timestamp::now();
    let policy = *services.support.policy();
    if let Some(q) = q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let found = services.support.search(&staff, q).await?;
        return Ok(QueuePage {
            rows: found.into_iter().map(|t| row(t, &policy, now)).collect(),
            next: None,
            problems: Vec::new(),
            searched: true,
        });
    }
    let text = QueueFilterText {
        status,
        priority,
        assignee,
        tag,
        mood,
    };
    let (filter, problems) = match QueueFilter::parse(&text) {
        Ok(filter) => (filter, Vec::new()),
        Err(problems) => (QueueFilter::default(), problems),
    };
    let cursor = after.as_deref().and_then(TicketCursor::parse);
    let (tickets, next) = services
        .support
        .queue(&staff, &filter, cursor.as_ref(), 25)
        .await?;
    Ok(QueuePage {
        rows: tickets.into_iter().map(|t| row(t, &policy, now)).collect(),
        next: next.map(|c| c.encode()),
        problems,
        searched: false,
    })
}

#[server]
pub async fn desk_ticket(id: String) -> Result<Option<DeskTicketView>, FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::SupportError;
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let Ok(id) = TicketId::parse(&id) else {
        return Ok(None);
    };
    let conversation = match services.support.conversation_for_desk(&staff, &id).await {
        Ok(c) => c,
        Err(SupportError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let now = domain::time::Timestamp::now();
    let policy = *services.support.policy();
    let ticket = &conversation.ticket;
    let orders = services
        .support
        .recent_orders_of(&staff, ticket)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id.as_str().to_owned(),
                o.number.clone(),
                o.created_at.date_utc(),
                o.status.label().to_owned(),
                o.totals.total.format(),
            )
        })
        .collect();
    let inputs = ticket.rank_inputs(&policy, now);
    let first = ticket.first_response_state(&policy, now);
    let resolution = ticket.resolution_state(&policy, now);
    Ok(Some(DeskTicketView {
        mood: ticket.mood(),
        score: domain::support::rank::score_at(&inputs, now),
        boosts: Boosts::of(&inputs),
        first_response: first.describe(),
        resolution: resolution.describe(),
        overdue: first.is_overdue() || resolution.is_overdue(),
        orders,
        admin: staff.role() == domain::identity::Role::Admin,
        me: staff.id().as_str().to_owned(),
        canned: services
            .support
            .canned_replies(&staff)
            .await?
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect(),
        conversation,
    }))
}

/// Back to the ticket's page once an action is done.
#[cfg(feature = "ssr")]
fn back_to(id: &domain::support::ticket::TicketId) {
    leptos_axum::redirect(&format!("{DESK_PATH}/tickets/{}", id.as_str()));
}

#[server]
pub async fn desk_take(id: String) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let id = TicketId::parse(&id)?;
    services.support.take(&staff, &id).await?;
    back_to(&id);
    Ok(())
}

#[server]
pub async fn desk_release(id: String) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let id = TicketId::parse(&id)?;
    services.support.assign(&staff, &id, None).await?;
    back_to(&id);
    Ok(())
}

#[server]
pub async fn desk_reply(
    id: String,
    message: String,
    visibility: String,
    then: Option<String>,
    canned: Option<String>,
) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::{AgentReply, ReplyBody, TicketStatus, Visibility};
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let id = TicketId::parse(&id)?;
    let body = ReplyBody::parse(&message, canned.as_deref())?;
    let visibility = match visibility.trim() {
        "internal" => Visibility::Internal,
        "public" => Visibility::Public,
        _ => return Err(FormError::field("visibility", "must be public or internal")),
    };
    let then = match then.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(TicketStatus::parse(t).map_err(|e| FieldError::new("then", e.message))?),
    };
    let reply = AgentReply {
        body,
        visibility,
        then,
    };
    services.support.agent_reply(&staff, &id, reply).await?;
    back_to(&id);
    Ok(())
}

#[server]
pub async fn desk_set_status(id: String, status: String) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::TicketStatus;
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let id = TicketId::parse(&id)?;
    let status = TicketStatus::parse(&status)?;
    services.support.set_status(&staff, &id, status).await?;
    back_to(&id);
    Ok(())
}

#[server]
pub async fn desk_classify(id: String, priority: String, tags: String) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::{Priority, Tag};
    let services = crate::services()?;
    let staff = crate::caller::require_staff(DESK_PATH).await?;
    let id = TicketId::parse(&id)?;
    let (priority, tags) = match (Priority::parse(&priority), Tag::parse_list(&tags)) {
        (Ok(p), Ok(t)) => (p, t),
        (p, t) => {
            return Err(vec![p.err(), t.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .into())
        }
    };
    services
        .support
        .classify(&staff, &id, priority, tags)
        .await?;
    back_to(&id);
    Ok(())
}

/// The desk overview (open work, overdue, first responses, satisfaction, sentiment).
#[server]
pub async fn desk_figures() -> Result<domain::support::stats::DeskOverview, FormError> {
    let services = crate::services()?;
    let staff = crate::caller::require_staff(OVERVIEW_PATH).await?;
    Ok(services.support.overview(&staff).await?)
}

/// Where the desk overview lives.
pub const OVERVIEW_PATH: &str = "/support/overview";
