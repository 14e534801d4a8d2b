//! The assistant service: the only code that answers a shopper's message. It keeps each
//! visitor's conversation in DynamoDB (one item per visitor, by their cart or account, with a
//! TTL), answers with the offline assistant over the live catalog, and passes every answer
//! through the grounding check before it is stored or shown.
//!
//! Item `A#<owner>` in the `conversations` table: the conversation as JSON (`doc`), its
//! `conversation_version` (each write is conditional on the version read, so two tabs
//! sending at once each get their turn) and `ttl`, a week after the last message.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;

use super::conversation::{Conversation, ShopperMessage, Speaker, Turn};
use super::grounding::{ground, Known};
use super::offline::{self, CatalogView};
use crate::cart::CartOwner;
use crate::catalog::CatalogService;
use crate::refusal::{Explain, Refusal};
use crate::store::attr::{n, s, Reader};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;

/// Messages a visitor may send a minute.
pub const MESSAGES_PER_MINUTE: usize = 10;
/// How long a conversation is kept after its last message.
const KEEP_SECS: i64 = 7 * 24 * 60 * 60;
/// How often a write that lost a race to the same visitor's other tab is tried again.
const ATTEMPTS: u32 = 5;
const TABLE: &str = "conversations";

/// What the assistant says to a question for the support team.
const FOR_SUPPORT: &str = "I can help you find and compare products here. For an order, see Your orders under your account, or write to the support team from Contact us at the bottom of every page.";

#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    #[error("too many messages; retry in {retry_after_secs} s")]
    TooMany { retry_after_secs: u64 },
    #[error("invalid message")]
    Invalid(#[from] crate::FieldError),
    #[error("the conversation kept changing")]
    Busy,
    #[error("conversation storage failed")]
    Store(#[from] StoreError),
}

impl Explain for AssistantError {
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
            AssistantError::Store(e) => e.refusal(),
        }
    }
}

#[derive(Clone)]
pub struct AssistantService {
    store: Store,
    catalog: Arc<CatalogService>,
}

impl std::fmt::Debug for AssistantService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantService").finish_non_exhaustive()
    }
}

fn pk(owner: &CartOwner) -> String {
    format!("A#{}", owner.key())
}

impl AssistantService {
    pub fn new(store: Store, catalog: Arc<CatalogService>) -> Self {
        Self { store, catalog }
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
    #[tracing::instrument(name = "assistant.ask", skip_all)]
    pub async fn ask(
        &self,
        owner: &CartOwner,
        message: ShopperMessage,
    ) -> Result<Conversation, AssistantError> {
        for _ in 0..ATTEMPTS {
            let mut conversation = self.conversation(owner).await?;
            let now = Timestamp::now();
            let minute_ago = Timestamp(now.millis() - 60_000);
            if conversation.sent_since(minute_ago) >= MESSAGES_PER_MINUTE {
                return Err(AssistantError::TooMany {
                    retry_after_secs: 60,
                });
            }
            let read = conversation.version;
            let reply = self.answer(&mut conversation, message.as_str());
            conversation.push(Turn {
                from: Speaker::Shopper,
                text: message.as_str().to_owned(),
                cards: Vec::new(),
                at: now,
            });
            conversation.push(Turn {
                at: Timestamp::now(),
                ..reply
            });
            conversation.version = read + 1;
            if self.write(owner, &conversation, read, now).await? {
                return Ok(conversation);
            }
        }
        Err(AssistantError::Busy)
    }

    /// The assistant's turn for `message`, grounded in what the tools returned in this
    /// conversation and is still on sale.
    fn answer(&self, conversation: &mut Conversation, message: &str) -> Turn {
        let snapshot = self.catalog.snapshot();
        let Some(answer) = offline::answer(&*snapshot, message) else {
            return Turn {
                from: Speaker::Assistant,
                text: FOR_SUPPORT.to_owned(),
                cards: Vec::new(),
                at: Timestamp::now(),
            };
        };
        conversation.saw(answer.products.iter().map(|p| p.slug.as_str().to_owned()));
        let known: Vec<Known> = conversation
            .seen
            .iter()
            .filter_map(|slug| snapshot.by_slug(slug))
            .map(|p| Known {
                slug: p.slug.as_str().to_owned(),
                name: p.name.clone(),
                active: true,
            })
            .collect();
        let grounded = ground(&answer.text, &known);
        if grounded.removed_products > 0 {
            tracing::warn!(
                removed = grounded.removed_products,
                "an answer named products the shop does not sell; they were taken out"
            );
        }
        Turn {
            from: Speaker::Assistant,
            text: grounded.text,
            cards: grounded.cards,
            at: Timestamp::now(),
        }
    }

    /// Writes the conversation if it is still at version `read`; `false` if another write
    /// came first.
    async fn write(
        &self,
        owner: &CartOwner,
        conversation: &Conversation,
        read: u64,
        now: Timestamp,
    ) -> Result<bool, AssistantError> {
        let doc = serde_json::to_string(conversation)
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
