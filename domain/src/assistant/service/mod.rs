//! The assistant service: the only code that answers a shopper's message. It keeps each
//! visitor's conversation in DynamoDB (one item per visitor, by their cart or account, with a
//! TTL), answers with the configured model or the offline assistant over the live catalog
//! (`answer`), passes every answer through the grounding check before it is stored or shown,
//! and carries out what only the customer may confirm (`actions`).
//!
//! Item `A#<owner>` in the `conversations` table: the conversation as JSON (`doc`), its
//! `conversation_version` (each write is conditional on the version read, so two tabs
//! sending at once each get their turn) and `ttl`, a week after the last message.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;

use super::conversation::{Conversation, ShopperMessage, Speaker, Turn};
use super::model::{ChatModel, Limits};
use crate::cart::CartOwner;
use crate::catalog::CatalogService;
use crate::identity::Customer;
use crate::orders::{OrderError, OrderService};
use crate::refusal::{Explain, Refusal};
use crate::store::attr::{n, s, Reader};
use crate::store::{Store, StoreError};
use crate::support::SupportService;
use crate::time::Timestamp;

mod actions;
mod answer;

/// Messages a visitor may send a minute.
pub const MESSAGES_PER_MINUTE: usize = 10;
/// How long a conversation is kept after its last message.
const KEEP_SECS: i64 = 7 * 24 * 60 * 60;
/// How often a write that lost a race to the same visitor's other tab is tried again.
const ATTEMPTS: u32 = 5;
const TABLE: &str = "conversations";

#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    #[error("too many messages; retry in {retry_after_secs} s")]
    TooMany { retry_after_secs: u64 },
    #[error("invalid message")]
    Invalid(#[from] crate::FieldError),
    #[error("the conversation kept changing")]
    Busy,
    #[error("no such proposal is open in the conversation")]
    NoSuchProposal,
    #[error("the order service refused")]
    Orders(#[from] OrderError),
    #[error("the support desk refused")]
    Support(#[from] crate::support::SupportError),
    #[error("conversation storage failed")]
    Store(#[from] StoreError),
}

impl Explain for AssistantError {
    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AssistantError::TooMany { retry_after_secs } => Some(*retry_after_secs),
            AssistantError::Support(e) => e.retry_after_secs(),
            _ => None,
        }
    }

    fn refusal(&self) -> Refusal {
        match self {
            AssistantError::TooMany { retry_after_secs } => Refusal::new(
                429,
                format!(
                    "You are sending messages quickly. Please wait {retry_after_secs} seconds and try again."
                ),
            ),
            AssistantError::Invalid(e) => Refusal::invalid(vec![e.clone()]),
            AssistantError::Busy => Refusal::conflict("Your conversation changed meanwhile. Please send it again."),
            AssistantError::NoSuchProposal => Refusal::new(
                404,
                "That confirmation is no longer open in your conversation. Ask the assistant again.",
            ),
            AssistantError::Orders(e) => e.refusal(),
            AssistantError::Support(e) => e.refusal(),
            AssistantError::Store(e) => e.refusal(),
        }
    }
}

/// What the assistant has answered since start, for `/metrics`.
#[derive(Debug, Default)]
pub struct AssistantCounts {
    offline: AtomicU64,
    model: AtomicU64,
    fallback: AtomicU64,
    removed_products: AtomicU64,
    removed_claims: AtomicU64,
}

/// A copy of [`AssistantCounts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnswerCounts {
    /// Answers the offline assistant wrote (no model configured).
    pub offline: u64,
    /// Answers a model wrote.
    pub model: u64,
    /// Answers the offline assistant wrote because the model failed.
    pub fallback: u64,
    /// Products the grounding check took out of answers (the model named them, the tools
    /// never returned them or they are off sale).
    pub removed_products: u64,
    /// Price and stock claims it took out.
    pub removed_claims: u64,
}

impl AssistantCounts {
    pub fn get(&self) -> AnswerCounts {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        AnswerCounts {
            offline: load(&self.offline),
            model: load(&self.model),
            fallback: load(&self.fallback),
            removed_products: load(&self.removed_products),
            removed_claims: load(&self.removed_claims),
        }
    }
}

/// The model the assistant asks, and within what limits; none: the offline assistant.
#[derive(Clone)]
pub struct ModelSetup {
    pub model: Arc<dyn ChatModel>,
    pub limits: Limits,
}

impl std::fmt::Debug for ModelSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSetup")
            .field("model", &self.model.name())
            .field("limits", &self.limits)
            .finish()
    }
}

#[derive(Clone)]
pub struct AssistantService {
    store: Store,
    catalog: Arc<CatalogService>,
    orders: OrderService,
    support: SupportService,
    model: Option<ModelSetup>,
    counts: Arc<AssistantCounts>,
}

impl std::fmt::Debug for AssistantService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantService")
            .field("model", &self.model_name())
            .finish_non_exhaustive()
    }
}

/// Who is asking: a visitor (by their cart: shopping only), or a signed-in customer (by their
/// account: shopping and their own orders and support).
#[derive(Debug, Clone, Copy)]
pub enum Asker<'a> {
    Visitor(&'a CartOwner),
    Customer(&'a Customer),
}

impl Asker<'_> {
    /// Whose conversation it is.
    pub fn owner(&self) -> CartOwner {
        match self {
            Asker::Visitor(owner) => (*owner).clone(),
            Asker::Customer(c) => CartOwner::Customer(c.id().clone()),
        }
    }
}

fn pk(owner: &CartOwner) -> String {
    format!("A#{}", owner.key())
}

/// The assistant's side of one exchange, before it is stored.
struct Reply {
    turn: Turn,
    /// Products the tools returned (what later answers may name).
    returned: Vec<String>,
    /// The customer's order the conversation is about now.
    order: Option<String>,
}

impl AssistantService {
    pub fn new(
        store: Store,
        catalog: Arc<CatalogService>,
        orders: OrderService,
        support: SupportService,
    ) -> Self {
        Self {
            store,
            catalog,
            orders,
            support,
            model: None,
            counts: Arc::default(),
        }
    }

    /// Answers with `setup`'s model (the offline assistant when it fails).
    pub fn with_model(self, setup: Option<ModelSetup>) -> Self {
        Self {
            model: setup,
            ..self
        }
    }

    /// The same service, handing conversations over to `support` (the configured desk).
    pub fn with_desk(self, support: SupportService) -> Self {
        Self { support, ..self }
    }

    /// `offline`, or the model provider's name.
    pub fn model_name(&self) -> &'static str {
        self.model.as_ref().map_or("offline", |m| m.model.name())
    }

    pub fn counts(&self) -> AnswerCounts {
        self.counts.get()
    }

    /// The visitor's conversation (empty if they have none).
    pub async fn conversation(&self, owner: &CartOwner) -> Result<Conversation, AssistantError> {
        let item = self
            .store
            .get_by_pk(&self.store.tables.conversations(), pk(owner))
            .await?;
        let Some(item) = item else {
            return Ok(Conversation::default());
        };
        let doc = Reader::new(TABLE, &item).string("doc")?;
        serde_json::from_str(doc)
            .map_err(|e| StoreError::malformed(TABLE, format!("doc: {e}")).into())
    }

    /// Answers the visitor's message and returns the conversation with both turns.
    ///
    /// The answer is written once (a model is asked once); if the visitor's other tab wrote
    /// meanwhile, both turns go on top of what it wrote.
    #[tracing::instrument(name = "assistant.ask", skip_all, fields(model = self.model_name()))]
    pub async fn ask(
        &self,
        asker: Asker<'_>,
        message: ShopperMessage,
    ) -> Result<Conversation, AssistantError> {
        let owner = &asker.owner();
        let asked = Timestamp::now();
        let mut conversation = self.conversation(owner).await?;
        self.check_rate(&conversation, asked)?;
        let reply = self.answer(asker, &conversation, message.as_str()).await;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                conversation = self.conversation(owner).await?;
                self.check_rate(&conversation, asked)?;
            }
            let read = conversation.version;
            conversation.saw(reply.returned.iter().cloned());
            if reply.order.is_some() {
                conversation.order.clone_from(&reply.order);
            }
            conversation.push(Turn {
                from: Speaker::Shopper,
                text: message.as_str().to_owned(),
                cards: Vec::new(),
                proposals: Vec::new(),
                at: asked,
            });
            conversation.push(reply.turn.clone());
            if self.write(owner, &mut conversation, read, asked).await? {
                return Ok(conversation);
            }
        }
        Err(AssistantError::Busy)
    }

    fn check_rate(
        &self,
        conversation: &Conversation,
        now: Timestamp,
    ) -> Result<(), AssistantError> {
        let minute_ago = Timestamp(now.millis() - 60_000);
        if conversation.sent_since(minute_ago) >= MESSAGES_PER_MINUTE {
            return Err(AssistantError::TooMany {
                retry_after_secs: 60,
            });
        }
        Ok(())
    }

    /// Writes the conversation if it is still at version `read`; `false` if another write
    /// came first.
    async fn write(
        &self,
        owner: &CartOwner,
        conversation: &mut Conversation,
        read: u64,
        now: Timestamp,
    ) -> Result<bool, AssistantError> {
        conversation.version = read + 1;
        let doc = serde_json::to_string(&*conversation)
            .map_err(|e| StoreError::malformed(TABLE, format!("cannot encode: {e}")))?;
        let sent = self
            .store
            .client
            .put_item()
            .table_name(self.store.tables.conversations())
            .item("pk", s(pk(owner)))
            .item("doc", s(doc))
            .item("conversation_version", n(conversation.version))
            .item("ttl", n(now.millis() / 1000 + KEEP_SECS))
            .condition_expression("attribute_not_exists(pk) OR conversation_version = :read")
            .expression_attribute_values(":read", n(read))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(StoreError::call("PutItem", e).into()),
        }
    }

    /// Starts over: the visitor's conversation is forgotten.
    pub async fn forget(&self, owner: &CartOwner) -> Result<(), AssistantError> {
        self.store
            .client
            .delete_item()
            .table_name(self.store.tables.conversations())
            .key("pk", AttributeValue::S(pk(owner)))
            .send()
            .await
            .map_err(|e| StoreError::call("DeleteItem", e))?;
        Ok(())
    }
}
