//! The assistant for the token's account: start its conversation afresh, send a message, read
//! it, and do what only the customer may (confirm a proposed cancel, ask for a person). The
//! same service, tools, grounding and limits as the chat on the storefront: the conversation
//! is the same one.

use super::auth::ApiCustomer;
use super::body::JsonBody;
use super::money::Price;
use super::problems::ApiError;
use crate::router::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use domain::assistant::conversation::{Conversation, Proposal, ShopperMessage, Speaker};
use domain::assistant::offline::CatalogView;
use domain::assistant::Asker;
use domain::cart::CartOwner;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who said a turn.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiSpeaker {
    Customer,
    Assistant,
}

/// A product an answer is about, from the catalog as it is now (never the model's words).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProductCard {
    pub slug: String,
    pub name: String,
    pub price: Price,
    /// `In stock`, `Only 3 left` or `Sold out`.
    pub availability: String,
    /// The product's page on the storefront.
    pub url: String,
}

/// What the assistant proposes; only the customer can carry it out.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApiProposal {
    /// Add a product to the cart (`POST /cart/lines`).
    AddToCart { product_slug: String, quantity: u16 },
    /// Cancel one of the customer's orders (`POST /assistant/conversation/cancellations`).
    CancelOrder { order_number: String },
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTurn {
    pub from: ApiSpeaker,
    pub text: String,
    #[schema(format = DateTime)]
    pub at: String,
    /// Products on sale the turn is about.
    pub products: Vec<ApiProductCard>,
    pub proposals: Vec<ApiProposal>,
}

/// The account's conversation with the assistant, oldest turn first (the last 40).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAssistantConversation {
    pub turns: Vec<ApiTurn>,
}

/// A message to the assistant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssistantMessage {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub message: String,
}

/// The order whose proposed cancel the customer confirms.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelConfirmation {
    #[schema(min_length = 1, max_length = 32, example = "CM-7K3M9Q")]
    pub order_number: String,
}

fn shown(state: &AppState, conversation: Conversation) -> ApiAssistantConversation {
    let snapshot = state.services.catalog.snapshot();
    let turns = conversation
        .turns
        .into_iter()
        .map(|t| ApiTurn {
            from: match t.from {
                Speaker::Shopper => ApiSpeaker::Customer,
                Speaker::Assistant => ApiSpeaker::Assistant,
            },
            text: t.text,
            at: t.at.rfc3339(),
            products: t
                .cards
                .iter()
                .filter_map(|slug| snapshot.by_slug(slug))
                .map(|p| ApiProductCard {
                    slug: p.slug.as_str().to_owned(),
                    name: p.name.clone(),
                    price: p.price.into(),
                    availability: p.stock_state().label(),
                    url: format!("/products/{}", p.slug.as_str()),
                })
                .collect(),
            proposals: t
                .proposals
                .into_iter()
                .map(|p| match p {
                    Proposal::AddToCart { slug, quantity } => ApiProposal::AddToCart {
                        product_slug: slug,
                        quantity,
                    },
                    Proposal::CancelOrder { number } => ApiProposal::CancelOrder {
                        order_number: number,
                    },
                })
                .collect(),
        })
        .collect();
    ApiAssistantConversation { turns }
}

fn owner(customer: &domain::identity::Customer) -> CartOwner {
    Asker::Customer(customer).owner()
}

#[utoipa::path(
    get,
    path = "/assistant/conversation",
    tag = "assistant",
    security(("token" = [])),
    responses(
        (status = 200, description = "The account's conversation (empty if it has none)", body = ApiAssistantConversation),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
) -> Result<Json<ApiAssistantConversation>, ApiError> {
    let conversation = state
        .services
        .assistant
        .conversation(&owner(&customer))
        .await?;
    Ok(Json(shown(&state, conversation)))
}

#[utoipa::path(
    post,
    path = "/assistant/conversation",
    tag = "assistant",
    security(("token" = [])),
    responses(
        (status = 201, description = "A new, empty conversation; the old one is forgotten", body = ApiAssistantConversation),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
) -> Result<impl IntoResponse, ApiError> {
    state.services.assistant.forget(&owner(&customer)).await?;
    Ok((
        StatusCode::CREATED,
        Json(shown(&state, Conversation::default())),
    ))
}

#[utoipa::path(
    post,
    path = "/assistant/conversation/messages",
    tag = "assistant",
    security(("token" = [])),
    request_body = AssistantMessage,
    responses(
        (status = 200, description = "The conversation with the message and the assistant's answer", body = ApiAssistantConversation),
        (status = 422, description = "The message is empty, too long or unprintable; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn send(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
    JsonBody(request): JsonBody<AssistantMessage>,
) -> Result<Json<ApiAssistantConversation>, ApiError> {
    let message =
        ShopperMessage::parse(&request.message).map_err(|e| ApiError::invalid(vec![e]))?;
    let conversation = state
        .services
        .assistant
        .ask(Asker::Customer(&customer), message)
        .await?;
    Ok(Json(shown(&state, conversation)))
}

#[utoipa::path(
    post,
    path = "/assistant/conversation/cancellations",
    tag = "assistant",
    security(("token" = [])),
    request_body = CancelConfirmation,
    responses(
        (status = 200, description = "The order is cancelled (or was already; the answer says which); the conversation with the assistant's word on it", body = ApiAssistantConversation),
        (status = 404, description = "The assistant proposed no cancel of this order in the conversation", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not a confirmation; `errors` names the field", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm_cancel(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
    JsonBody(request): JsonBody<CancelConfirmation>,
) -> Result<Json<ApiAssistantConversation>, ApiError> {
    let conversation = state
        .services
        .assistant
        .confirm_cancel(&customer, &request.order_number)
        .await?;
    Ok(Json(shown(&state, conversation)))
}

#[utoipa::path(
    post,
    path = "/assistant/conversation/handoff",
    tag = "assistant",
    security(("token" = [])),
    responses(
        (status = 200, description = "The conversation went to the support desk as a ticket; the assistant's last turn names it", body = ApiAssistantConversation),
    )
)]
pub async fn hand_over(
    State(state): State<AppState>,
    ApiCustomer(customer): ApiCustomer,
) -> Result<Json<ApiAssistantConversation>, ApiError> {
    let conversation = state.services.assistant.hand_over(&customer).await?;
    Ok(Json(shown(&state, conversation)))
}
