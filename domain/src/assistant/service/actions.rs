//! What only the customer can do in the chat: confirm a cancel the assistant proposed, and
//! hand the conversation over to the desk with a button. Each is done once, through the
//! order or support service as the customer, and then told in the conversation.

use super::answer::transcript;
use super::{AssistantError, AssistantService, ATTEMPTS};
use crate::assistant::conversation::{Conversation, Proposal, Speaker, Turn};
use crate::assistant::support_chat::{CustomerTools, ASSISTANT_CANCEL_REASON};
use crate::cart::CartOwner;
use crate::identity::Customer;
use crate::orders::{OrderError, OrderStatus};
use crate::time::Timestamp;

impl AssistantService {
    /// Cancels the customer's order `number`, which the assistant proposed cancelling in this
    /// conversation and the customer confirmed by pressing the card's button. The order
    /// service checks it is theirs and still pending, in one conditional write; the history
    /// records that the cancel came from the assistant's card.
    #[tracing::instrument(name = "assistant.confirm_cancel", skip_all)]
    pub async fn confirm_cancel(
        &self,
        customer: &Customer,
        number: &str,
    ) -> Result<Conversation, AssistantError> {
        let owner = CartOwner::Customer(customer.id().clone());
        let number = number.trim().to_ascii_uppercase();
        let proposal = Proposal::CancelOrder {
            number: number.clone(),
        };
        let conversation = self.conversation(&owner).await?;
        if !conversation
            .turns
            .iter()
            .any(|t| t.proposals.contains(&proposal))
        {
            return Err(AssistantError::NoSuchProposal);
        }
        let order = self
            .orders
            .find_for_customer(customer.id(), &number)
            .await?;
        let text = match self
            .orders
            .cancel_for_customer(customer, &order.id, ASSISTANT_CANCEL_REASON)
            .await
        {
            Ok(order) => format!(
                "Order {} is cancelled. Its items are back on the shelf, and you will not be charged for it.",
                order.number
            ),
            Err(OrderError::InvalidTransition {
                from: OrderStatus::Cancelled,
                ..
            }) => format!("Order {number} was already cancelled."),
            Err(OrderError::InvalidTransition { from, .. }) => format!(
                "Order {number} is {} now, so it can no longer be cancelled. Ask me for a person if you need help with it.",
                from.label().to_lowercase()
            ),
            Err(e) => return Err(e.into()),
        };
        self.tell(&owner, conversation, text, |c| {
            for turn in &mut c.turns {
                turn.proposals.retain(|p| p != &proposal);
            }
        })
        .await
    }

    /// Hands the conversation over to the support desk as a ticket (the "Talk to a person"
    /// button), and tells the customer its number.
    #[tracing::instrument(name = "assistant.hand_over", skip_all)]
    pub async fn hand_over(&self, customer: &Customer) -> Result<Conversation, AssistantError> {
        let owner = CartOwner::Customer(customer.id().clone());
        let conversation = self.conversation(&owner).await?;
        let snapshot = self.catalog.snapshot();
        let mut said = transcript(&conversation, "");
        if said.is_empty() {
            said.push((
                Speaker::Shopper,
                "I would like to talk to a person.".to_owned(),
            ));
        }
        let mut tools = CustomerTools::new(
            &*snapshot,
            customer,
            &self.orders,
            &self.support,
            said,
            conversation.order.clone(),
        );
        let number = tools.hand_over(None).await?;
        let text = format!(
            "I have passed our conversation to the support team as ticket {number}. A person will answer you on your Support page and by email."
        );
        self.tell(&owner, conversation, text, |_| {}).await
    }

    /// Adds the assistant's `text` to the conversation (after `change`), on top of whatever
    /// the customer's other tabs wrote meanwhile.
    async fn tell(
        &self,
        owner: &CartOwner,
        mut conversation: Conversation,
        text: String,
        change: impl Fn(&mut Conversation),
    ) -> Result<Conversation, AssistantError> {
        let now = Timestamp::now();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                conversation = self.conversation(owner).await?;
            }
            let read = conversation.version;
            change(&mut conversation);
            conversation.push(Turn {
                from: Speaker::Assistant,
                text: text.clone(),
                cards: Vec::new(),
                proposals: Vec::new(),
                at: now,
            });
            if self.write(owner, &mut conversation, read, now).await? {
                return Ok(conversation);
            }
        }
        Err(AssistantError::Busy)
    }
}
