//! Thin adapters over the assistant service: the visitor's conversation, a message, starting
//! over, and what only a signed-in customer can press (confirming a cancel, asking for a
//! person). A visitor is their cart (made on their first message); a signed-in customer is
//! their account, with the support chat's tools.

use crate::forms::FormError;
use domain::catalog::ProductCard;
use domain::Money;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the shopping assistant lives.
pub const ASSISTANT_PATH: &str = "/assistant";
/// Where the support chat lives (signed-in customers; the same conversation).
pub const SUPPORT_CHAT_PATH: &str = "/account/support/chat";
/// The `chat` the panel on every page sends: the shopping conversation, answered in place (no
/// redirect to a page).
pub const PANEL_CHAT: &str = "panel";

/// One turn as the page shows it: the products' cards come from the catalog as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownTurn {
    pub mine: bool,
    pub text: String,
    pub cards: Vec<ProductCard>,
    /// What the assistant proposes, each with a button.
    pub proposals: Vec<ShownProposal>,
}

/// A proposal as it is now (a product's stock, an order's status).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ShownProposal {
    AddToCart {
        product_id: String,
        card: ProductCard,
        quantity: u16,
    },
    CancelOrder {
        number: String,
        items: u32,
        total: Money,
        /// Still pending: the button is shown.
        cancellable: bool,
        status: String,
    },
}

impl ShownProposal {
    /// "2 × Tidepool Portable Speaker", or the name alone for one.
    pub fn quantity_and_name(quantity: u16, name: &str) -> String {
        if quantity > 1 {
            format!("{quantity} \u{d7} {name}")
        } else {
            name.to_owned()
        }
    }

    /// "1 item", "3 items".
    pub fn items_label(items: u32) -> String {
        if items == 1 {
            "1 item".to_owned()
        } else {
            format!("{items} items")
        }
    }
}

/// The conversation, and whether the caller is a signed-in customer (who may ask for a
/// person). `chat` is `support` on the support chat's page, which needs a signed-in customer.
#[server]
pub async fn assistant_turns(chat: String) -> Result<(Vec<ShownTurn>, bool), FormError> {
    use domain::assistant::conversation::{Proposal, Speaker};
    use domain::assistant::offline::CatalogView;
    use domain::assistant::support_chat::item_count;
    let services = crate::services()?;
    let customer = if chat == "support" {
        Some(crate::caller::require_customer(SUPPORT_CHAT_PATH).await?)
    } else {
        crate::caller::principal().await?.customer()
    };
    let owner = match &customer {
        Some(c) => domain::cart::CartOwner::Customer(c.id().clone()),
        None => match crate::identity::web::cart_owner(false).await? {
            Some(owner) => owner,
            None => return Ok((Vec::new(), false)),
        },
    };
    let conversation = services.assistant.conversation(&owner).await?;
    let snapshot = services.catalog.snapshot();
    let mut turns = Vec::with_capacity(conversation.turns.len());
    for t in conversation.turns {
        let mut proposals = Vec::new();
        for proposal in &t.proposals {
            match proposal {
                Proposal::AddToCart { slug, quantity } => {
                    if let Some(p) = snapshot.by_slug(slug).filter(|p| p.stock > 0) {
                        proposals.push(ShownProposal::AddToCart {
                            product_id: p.id.as_str().to_owned(),
                            card: p.card(),
                            quantity: u32::from(*quantity).min(p.stock) as u16,
                        });
                    }
                }
                Proposal::CancelOrder { number } => {
                    let Some(c) = &customer else { continue };
                    if let Ok(order) = services.orders.find_for_customer(c.id(), number).await {
                        proposals.push(ShownProposal::CancelOrder {
                            number: order.number.clone(),
                            items: item_count(&order),
                            total: order.totals.total,
                            cancellable: order.status.customer_can_cancel(),
                            status: order.status.label().to_lowercase(),
                        });
                    }
                }
            }
        }
        turns.push(ShownTurn {
            mine: t.from == Speaker::Shopper,
            text: t.text,
            // A product taken off sale since is no longer shown.
            cards: t
                .cards
                .iter()
                .filter_map(|slug| snapshot.by_slug(slug))
                .map(|p| p.card())
                .collect(),
            proposals,
        });
    }
    Ok((turns, customer.is_some()))
}

/// The page a chat form comes back to.
#[cfg(feature = "ssr")]
fn chat_path(chat: &str) -> &'static str {
    if chat == "support" {
        SUPPORT_CHAT_PATH
    } else {
        ASSISTANT_PATH
    }
}

/// Back to the conversation at its newest turn. A new address each time (a fragment alone
/// would not load the page again in place).
#[cfg(feature = "ssr")]
fn back_to(chat: &str, turns: usize) {
    if chat == PANEL_CHAT {
        return;
    }
    leptos_axum::redirect(&format!("{}?turns={turns}#latest", chat_path(chat)));
}

#[server]
pub async fn ask_assistant(message: String, chat: String) -> Result<(), FormError> {
    use domain::assistant::conversation::ShopperMessage;
    use domain::assistant::Asker;
    let services = crate::services()?;
    let message = ShopperMessage::parse(&message)?;
    let conversation = if let Some(customer) = crate::caller::principal().await?.customer() {
        services
            .assistant
            .ask(Asker::Customer(&customer), message)
            .await?
    } else {
        if chat == "support" {
            crate::caller::require_customer(SUPPORT_CHAT_PATH).await?;
        }
        let owner = crate::identity::web::cart_owner(true)
            .await?
            .ok_or_else(|| {
                FormError::Failed(
                    "Your conversation could not be started. Please try again.".into(),
                )
            })?;
        services
            .assistant
            .ask(Asker::Visitor(&owner), message)
            .await?
    };
    back_to(&chat, conversation.turns.len());
    Ok(())
}

/// The customer presses "Cancel order" on the assistant's confirmation card.
#[server]
pub async fn confirm_cancel(number: String, chat: String) -> Result<(), FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer(chat_path(&chat)).await?;
    let conversation = services
        .assistant
        .confirm_cancel(&customer, &number)
        .await?;
    back_to(&chat, conversation.turns.len());
    Ok(())
}

/// The customer presses "Talk to a person": the conversation goes to the support desk.
#[server]
pub async fn talk_to_person(chat: String) -> Result<(), FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer(chat_path(&chat)).await?;
    let conversation = services.assistant.hand_over(&customer).await?;
    back_to(&chat, conversation.turns.len());
    Ok(())
}

#[server]
pub async fn start_over(chat: String) -> Result<(), FormError> {
    let services = crate::services()?;
    let owner = match crate::caller::principal().await?.customer() {
        Some(c) => Some(domain::cart::CartOwner::Customer(c.id().clone())),
        None => crate::identity::web::cart_owner(false).await?,
    };
    if let Some(owner) = owner {
        services.assistant.forget(&owner).await?;
    }
    if chat != PANEL_CHAT {
        leptos_axum::redirect(chat_path(&chat));
    }
    Ok(())
}
