//! Support tickets for the caller: list their own, open one (channel `api`), read one's
//! conversation (never the desk's internal notes) and reply. Another customer's ticket is, to
//! a token, a missing one. The shapes here are shared with the desk's routes ([`super::desk`]).

use super::auth::ApiCustomer;
use super::body::JsonBody;
use super::orders::PageQuery;
use super::problems::ApiError;
use crate::router::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use domain::support::sentiment::{Sentiment, SentimentLabel};
use domain::support::table::TicketCursor;
use domain::support::ticket::{Message, NewTicket, Ticket, TicketId};
use domain::support::{
    Author, Channel, MessageBody, Priority, Replied, SupportError, TicketStatus, Visibility,
};
use domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a ticket is: new → open → pending (waiting on the customer) → solved → closed. A
/// customer's reply reopens a pending or solved ticket; closed is final.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiTicketStatus {
    New,
    Open,
    Pending,
    Solved,
    Closed,
}

impl From<TicketStatus> for ApiTicketStatus {
    fn from(status: TicketStatus) -> Self {
        match status {
            TicketStatus::New => Self::New,
            TicketStatus::Open => Self::Open,
            TicketStatus::Pending => Self::Pending,
            TicketStatus::Solved => Self::Solved,
            TicketStatus::Closed => Self::Closed,
        }
    }
}

impl From<ApiTicketStatus> for TicketStatus {
    fn from(status: ApiTicketStatus) -> Self {
        match status {
            ApiTicketStatus::New => Self::New,
            ApiTicketStatus::Open => Self::Open,
            ApiTicketStatus::Pending => Self::Pending,
            ApiTicketStatus::Solved => Self::Solved,
            ApiTicketStatus::Closed => Self::Closed,
        }
    }
}

/// How urgent the desk considers a ticket.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiPriority {
    Low,
    Normal,
    High,
    Urgent,
}

impl From<Priority> for ApiPriority {
    fn from(priority: Priority) -> Self {
        match priority {
            Priority::Low => Self::Low,
            Priority::Normal => Self::Normal,
            Priority::High => Self::High,
            Priority::Urgent => Self::Urgent,
        }
    }
}

/// How a ticket was opened.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiChannel {
    Form,
    Chat,
    Api,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiAuthor {
    Customer,
    Agent,
    Assistant,
    System,
}

/// A sentiment label.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiSentimentLabel {
    Negative,
    Neutral,
    Positive,
    Mixed,
}

impl From<SentimentLabel> for ApiSentimentLabel {
    fn from(label: SentimentLabel) -> Self {
        match label {
            SentimentLabel::Negative => Self::Negative,
            SentimentLabel::Neutral => Self::Neutral,
            SentimentLabel::Positive => Self::Positive,
            SentimentLabel::Mixed => Self::Mixed,
        }
    }
}

/// The order a ticket is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTicketOrder {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(example = "CM-7K3M9Q")]
    pub number: String,
}

/// A ticket as its customer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTicket {
    #[schema(format = "uuid")]
    pub id: String,
    /// Short and human: `#1042`.
    #[schema(example = "#1042")]
    pub number: String,
    pub subject: String,
    pub status: ApiTicketStatus,
    pub channel: ApiChannel,
    pub order: Option<ApiTicketOrder>,
    /// How many messages it holds (for the customer, without the desk's internal notes).
    pub messages: u32,
    /// The customer's rating (1 to 5) once given.
    pub rating: Option<u8>,
    /// The number of the closed ticket this one follows, if a reply to it started this one.
    pub follows: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&Ticket> for ApiTicket {
    fn from(t: &Ticket) -> Self {
        Self {
            id: t.id.as_str().to_owned(),
            number: t.number.to_string(),
            subject: t.subject.as_str().to_owned(),
            status: t.status.into(),
            channel: match t.channel {
                Channel::Form => ApiChannel::Form,
                Channel::Chat => ApiChannel::Chat,
                Channel::Api => ApiChannel::Api,
            },
            order: t.order.as_ref().map(|o| ApiTicketOrder {
                id: o.id.as_str().to_owned(),
                number: o.number.clone(),
            }),
            messages: t.messages,
            rating: t.rating.as_ref().map(|r| r.score),
            follows: t.follows.map(|n| n.to_string()),
            created_at: t.created_at.rfc3339(),
            updated_at: t.updated_at.rfc3339(),
        }
    }
}

/// One message's sentiment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiSentiment {
    pub label: ApiSentimentLabel,
    /// From -1 (as negative as it gets) to 1.
    #[schema(minimum = -1, maximum = 1)]
    pub compound: f64,
}

impl From<Sentiment> for ApiSentiment {
    fn from(s: Sentiment) -> Self {
        Self {
            label: s.label.into(),
            compound: s.compound_f64(),
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiMessage {
    /// 1 for the first message, then 2, 3, …
    pub seq: u32,
    pub author: ApiAuthor,
    pub author_name: String,
    pub body: String,
    #[schema(format = DateTime)]
    pub at: String,
    /// Only for the desk: whether it is an internal note, never shown to the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    /// Only for the desk: a customer message's score (`null` until it is scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Option<ApiSentiment>>,
}

impl ApiMessage {
    /// The message as its customer sees it.
    pub fn for_customer(m: &Message) -> Self {
        Self {
            seq: m.seq,
            author: match m.author {
                Author::Customer => ApiAuthor::Customer,
                Author::Agent => ApiAuthor::Agent,
                Author::Assistant => ApiAuthor::Assistant,
                Author::System => ApiAuthor::System,
            },
            author_name: m.author_name.clone(),
            body: m.body.as_str().to_owned(),
            at: m.at.rfc3339(),
            internal: None,
            sentiment: None,
        }
    }

    /// The message as the desk sees it, with its visibility and score.
    pub fn for_desk(m: &Message) -> Self {
        Self {
            internal: Some(m.visibility == Visibility::Internal),
            sentiment: m
                .is_scored_kind()
                .then(|| m.sentiment.map(ApiSentiment::from)),
            ..Self::for_customer(m)
        }
    }
}

/// A ticket and its conversation, oldest message first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiConversation {
    pub ticket: ApiTicket,
    pub messages: Vec<ApiMessage>,
}

/// One page of tickets, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<ApiTicket>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A ticket id from a path; a malformed one is a missing ticket.
pub fn ticket_id(text: &str) -> Result<TicketId, ApiError> {
    TicketId::parse(text).map_err(|_| ApiError::from(SupportError::NotFound))
}

/// The one mapping of the support service's errors to problems: a customer opening tickets
/// too fast is told, in `Retry-After`, when to try again.
/// The URL of a ticket in this API, for `Location`.
fn location(ticket: &Ticket) -> String {
    format!("{}/support/tickets/{}", super::PREFIX, ticket.id.as_str())
}

/// A new ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketRequest {
    /// One line.
    #[schema(min_length = 1, max_length = 120, pattern = "\\S")]
    pub subject: String,
    /// The first message.
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
    pub message: String,
    /// One of the caller's own orders, if the ticket is about one.
    #[schema(format = "uuid")]
    pub order_id: Option<String>,
}

/// A message to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
    pub message: String,
}

/// The caller's tickets, newest first.
#[utoipa::path(
    get,
    path = "/support/tickets",
    tag = "support",
    security(("token" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the caller's tickets", body = TicketPage),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tickets(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
    Query(query): Query<PageQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    let (limit, after) = query
        .parse_with(TicketCursor::parse)
        .map_err(ApiError::invalid)?;
    let (tickets, next) = state
        .services
        .support
        .customer_tickets(&customer, after.as_ref(), limit)
        .await?;
    Ok(Json(TicketPage {
        items: tickets.iter().map(ApiTicket::from).collect(),
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// Open a ticket.
///
/// The message is stored at once and scored for sentiment on the server. A customer may open
/// 5 tickets an hour; past that, `429` says in `Retry-After` when to try again.
#[utoipa::path(
    post,
    path = "/support/tickets",
    tag = "support",
    security(("token" = [])),
    request_body = NewTicketRequest,
    responses(
        (status = 201, description = "The new ticket", body = ApiTicket,
            headers(("Location" = String, description = "The ticket's URL"))),
        (status = 422, description = "A field is invalid, or the order is not one of the caller's; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn open_ticket(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
    JsonBody(request): JsonBody<NewTicketRequest>,
) -> Result<impl IntoResponse, ApiError> {
    if request
        .order_id
        .as_deref()
        .is_some_and(|o| o.trim().is_empty())
    {
        let empty = FieldError::new("order_id", "must be an order id; leave it out for none");
        return Err(ApiError::invalid(vec![empty]));
    }
    let mut new = NewTicket::parse(
        &request.subject,
        &request.message,
        request.order_id.as_deref(),
    )
    .map_err(|fields| ApiError::invalid(fields.into_iter().map(api_field).collect()))?;
    new.channel = Channel::Api;
    let ticket = state
        .services
        .support
        .open(&customer, new)
        .await
        .map_err(|e| match e {
            SupportError::Invalid(fields) => {
                ApiError::invalid(fields.into_iter().map(api_field).collect())
            }
            other => ApiError::from(other),
        })?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location(&ticket))],
        Json(ApiTicket::from(&ticket)),
    ))
}

/// The service names the order `order`; this API's field is `order_id`.
fn api_field(e: FieldError) -> FieldError {
    if e.field == "order" {
        FieldError::new("order_id", e.message)
    } else {
        e
    }
}

/// One of the caller's tickets with its conversation.
#[utoipa::path(
    get,
    path = "/support/tickets/{id}",
    tag = "support",
    security(("token" = [])),
    params(("id" = String, Path, description = "The ticket's id", format = "uuid")),
    responses(
        (status = 200, description = "The ticket and its messages, oldest first", body = ApiConversation),
        (status = 404, description = "The caller has no ticket with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_ticket(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
    Path(id): Path<String>,
) -> Result<Json<ApiConversation>, ApiError> {
    let id = ticket_id(&id)?;
    let c = state
        .services
        .support
        .conversation_for_customer(&customer, &id)
        .await?;
    Ok(Json(ApiConversation {
        ticket: ApiTicket::from(&c.ticket),
        messages: c.messages.iter().map(ApiMessage::for_customer).collect(),
    }))
}

/// Reply to one of the caller's tickets.
///
/// A pending or solved ticket opens again. A closed ticket stays closed: the reply starts a
/// new ticket that follows it, and that is the ticket returned (see `follows` and
/// `Location`).
#[utoipa::path(
    post,
    path = "/support/tickets/{id}/messages",
    tag = "support",
    security(("token" = [])),
    params(("id" = String, Path, description = "The ticket's id", format = "uuid")),
    request_body = ReplyRequest,
    responses(
        (status = 201, description = "The ticket the reply went to", body = ApiTicket,
            headers(("Location" = String, description = "That ticket's URL"))),
        (status = 404, description = "The caller has no ticket with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The message is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reply(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ReplyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let id = ticket_id(&id)?;
    let body = MessageBody::parse(&request.message).map_err(|e| ApiError::invalid(vec![e]))?;
    let replied = state
        .services
        .support
        .customer_reply(&customer, &id, body)
        .await?;
    let ticket = match &replied {
        Replied::Added(t) | Replied::FollowUp(t) => t,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location(ticket))],
        Json(ApiTicket::from(ticket.as_ref())),
    ))
}
