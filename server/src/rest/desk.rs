//! The support desk's work for support agents' and admins' `admin` tokens: the queue (most
//! urgent first, with the desk's filters), a ticket with its whole conversation, take, reply
//! or note, and status moves. Every action is audited as it is from the desk's pages.

use super::auth::ApiStaff;
use super::body::JsonBody;
use super::orders::PageQuery;
use super::problems::ApiError;
use super::support::{
    ticket_id, ApiMessage, ApiPriority, ApiSentimentLabel, ApiTicket, ApiTicketStatus,
};
use crate::router::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use domain::support::queue::{QueueFilter, QueueFilterText};
use domain::support::sla::SlaPolicy;
use domain::support::ticket::Ticket;
use domain::support::{AgentReply, MessageBody, ReplyBody, TicketStatus, Visibility};
use domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A ticket as the desk sees it: the customer's view plus who it is from and who works it,
/// its priority, tags, the customer's mood and the SLA.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiDeskTicket {
    #[serde(flatten)]
    pub ticket: ApiTicket,
    pub priority: ApiPriority,
    pub tags: Vec<String>,
    #[schema(format = "uuid")]
    pub customer_id: String,
    #[schema(format = "email")]
    pub customer_email: String,
    /// The agent working it; `null` while unassigned.
    #[schema(format = "email")]
    pub assignee_email: Option<String>,
    /// The customer's mood over their last messages; `null` until one is scored.
    pub mood: Option<ApiSentimentLabel>,
    /// The SLA target the desk works to now: "2 h left", "overdue by 20 min", "paused, …".
    pub sla: String,
    pub overdue: bool,
}

impl ApiDeskTicket {
    fn of(ticket: &Ticket, policy: &SlaPolicy, now: Timestamp) -> Self {
        let sla = ticket.current_sla_state(policy, now);
        Self {
            ticket: ApiTicket::from(ticket),
            priority: ticket.priority.into(),
            tags: ticket.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            customer_id: ticket.customer.id.as_str().to_owned(),
            customer_email: ticket.customer.email.as_str().to_owned(),
            assignee_email: ticket
                .assignee
                .as_ref()
                .map(|a| a.email.as_str().to_owned()),
            mood: ticket.mood().map(|m| m.label().into()),
            sla: sla.describe(),
            overdue: sla.is_overdue(),
        }
    }
}

fn desk_ticket(state: &AppState, ticket: &Ticket) -> Json<ApiDeskTicket> {
    let policy = state.services.support.policy();
    Json(ApiDeskTicket::of(ticket, policy, Timestamp::now()))
}

/// One page of the queue, most urgent first.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<ApiDeskTicket>,
    /// Pass as `cursor` for the next page, with the same filters; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Which tickets: the desk's filters. Every parameter is optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Tickets in this status; new and open ones (the work to do) by default.
    #[param(value_type = Option<ApiTicketStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<ApiPriority>)]
    pub priority: Option<String>,
    /// `anyone` (the default), `me` or `unassigned`.
    #[param(pattern = "^(anyone|me|unassigned)$")]
    pub assignee: Option<String>,
    /// Tickets with this tag.
    #[param(max_length = 32)]
    pub tag: Option<String>,
    /// The customer's mood.
    #[param(value_type = Option<ApiSentimentLabel>)]
    pub mood: Option<String>,
    /// Tickets per page, 1 to 50; 20 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page, with the same filters.
    #[param(max_length = 256)]
    pub cursor: Option<String>,
}

/// The queue.
///
/// Open work ranked by the desk's score (time against the SLA target, priority, the
/// customer's mood and its trend, their recent spend; ties by age), read through an index.
#[utoipa::path(
    get,
    path = "/desk/queue",
    tag = "desk",
    security(("token" = ["admin"])),
    params(QueueQuery),
    responses(
        (status = 200, description = "A page of the queue", body = QueuePage),
        (status = 403, description = "The token is not a support agent's or an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn queue(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(query): Query<QueueQuery>,
) -> Result<Json<QueuePage>, ApiError> {
    let empty = super::problems::sent_empty(&[
        ("status", query.status.as_deref()),
        ("priority", query.priority.as_deref()),
        ("assignee", query.assignee.as_deref()),
        ("tag", query.tag.as_deref()),
        ("mood", query.mood.as_deref()),
    ]);
    if !empty.is_empty() {
        return Err(ApiError::invalid(empty));
    }
    let text = QueueFilterText {
        status: query.status,
        priority: query.priority,
        assignee: query.assignee,
        tag: query.tag,
        mood: query.mood,
    };
    let filter = QueueFilter::parse(&text);
    let paging = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    let page = paging.parse_with(domain::support::table::TicketCursor::parse);
    let (filter, (limit, after)) = match (filter, page) {
        (Ok(filter), Ok(page)) => (filter, page),
        (filter, page) => {
            let fields = [filter.err(), page.err()].into_iter().flatten().flatten();
            return Err(ApiError::invalid(fields.collect()));
        }
    };
    let support = &state.services.support;
    let (tickets, next) = support
        .queue(&staff, &filter, after.as_ref(), limit)
        .await?;
    let now = Timestamp::now();
    Ok(Json(QueuePage {
        items: tickets
            .iter()
            .map(|t| ApiDeskTicket::of(t, support.policy(), now))
            .collect(),
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// A ticket and its whole conversation, internal notes included.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskConversation {
    pub ticket: ApiDeskTicket,
    pub messages: Vec<ApiMessage>,
}

/// Any ticket, with its whole conversation.
#[utoipa::path(
    get,
    path = "/desk/tickets/{id}",
    tag = "desk",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The ticket's id", format = "uuid")),
    responses(
        (status = 200, description = "The ticket and its messages, oldest first, with the desk's notes and sentiment", body = DeskConversation),
        (status = 403, description = "The token is not a support agent's or an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no ticket with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_ticket(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<DeskConversation>, ApiError> {
    let id = ticket_id(&id)?;
    let support = &state.services.support;
    let c = support.conversation_for_desk(&staff, &id).await?;
    Ok(Json(DeskConversation {
        ticket: ApiDeskTicket::of(&c.ticket, support.policy(), Timestamp::now()),
        messages: c.messages.iter().map(ApiMessage::for_desk).collect(),
    }))
}

/// Take an unassigned ticket.
///
/// Of two agents taking one ticket at once, one has it; the other gets `409`, naming who.
/// Taking a ticket one already has changes nothing.
#[utoipa::path(
    post,
    path = "/desk/tickets/{id}/take",
    tag = "desk",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The ticket's id", format = "uuid")),
    responses(
        (status = 200, description = "The ticket, now the caller's", body = ApiDeskTicket),
        (status = 403, description = "The token is not a support agent's or an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no ticket with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another agent has the ticket", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn take(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<ApiDeskTicket>, ApiError> {
    let id = ticket_id(&id)?;
    let ticket = state.services.support.take(&staff, &id).await?;
    Ok(desk_ticket(&state, &ticket))
}

/// A reply or an internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskReplyRequest {
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
    pub message: String,
    /// An internal note is for the desk only and never reaches the customer.
    #[serde(default)]
    pub internal: bool,
    /// The status a public reply leaves the ticket in: `open` (the default for a new
    /// ticket; others stay as they are), `pending` (waiting on the customer) or `solved`.
    pub then_status: Option<ApiTicketStatus>,
}

/// Reply to the customer, or add an internal note.
///
/// A public reply is the desk's first response if there was none yet.
#[utoipa::path(
    post,
    path = "/desk/tickets/{id}/messages",
    tag = "desk",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The ticket's id", format = "uuid")),
    request_body = DeskReplyRequest,
    responses(
        (status = 201, description = "The ticket after the reply", body = ApiDeskTicket),
        (status = 403, description = "The token is not a support agent's or an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no ticket with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is closed, or cannot move to `then_status`", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reply(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DeskReplyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let id = ticket_id(&id)?;
    let body = MessageBody::parse(&request.message).map_err(|e| ApiError::invalid(vec![e]))?;
    let reply = AgentReply {
        body: ReplyBody::Written(body),
        visibility: if request.internal {
            Visibility::Internal
        } else {
            Visibility::Public
        },
        then: request.then_status.map(TicketStatus::from),
    };
    let ticket = state
        .services
        .support
        .agent_reply(&staff, &id, reply)
        .await?;
    Ok((StatusCode::CREATED, desk_ticket(&state, &ticket)))
}

/// A status move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskStatusRequest {
    pub status: ApiTicketStatus,
}

/// Move a ticket to another status.
///
/// Only the status machine's moves are taken (closed is final), decided on the status the
/// ticket is in when written: of concurrent moves, each is checked against the one before.
#[utoipa::path(
    post,
    path = "/desk/tickets/{id}/status",
    tag = "desk",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The ticket's id", format = "uuid")),
    request_body = DeskStatusRequest,
    responses(
        (status = 200, description = "The ticket in its new status", body = ApiDeskTicket),
        (status = 403, description = "The token is not a support agent's or an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no ticket with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket's status does not allow this move (now)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DeskStatusRequest>,
) -> Result<Json<ApiDeskTicket>, ApiError> {
    let id = ticket_id(&id)?;
    let ticket = state
        .services
        .support
        .set_status(&staff, &id, request.status.into())
        .await?;
    Ok(desk_ticket(&state, &ticket))
}
