//! Thin adapters over the assistant service: the visitor's conversation, a message, starting
//! over. The visitor is their cart (made on their first message) or their account.

use crate::forms::FormError;
use domain::catalog::ProductCard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the assistant lives.
pub const ASSISTANT_PATH: &str = "/assistant";

/// One turn as the page shows it: the products' cards come from the catalog as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownTurn {
    pub mine: bool,
    pub text: String,
    pub cards: Vec<ProductCard>,
    /// Products the assistant proposes for the cart, each with a button.
    pub proposals: Vec<ShownProposal>,
}

/// A product the assistant proposes adding to the cart, as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownProposal {
    pub product_id: String,
    pub card: ProductCard,
    pub quantity: u16,
}

#[server]
pub async fn assistant_turns() -> Result<Vec<ShownTurn>, FormError> {
    use domain::assistant::conversation::{Proposal, Speaker};
    use domain::assistant::offline::CatalogView;
    let services = crate::services()?;
    let Some(owner) = crate::identity::web::cart_owner(false).await? else {
        return Ok(Vec::new());
    };
    let conversation = services.assistant.conversation(&owner).await?;
    let snapshot = services.catalog.snapshot();
    Ok(conversation
        .turns
        .into_iter()
        .map(|t| ShownTurn {
            mine: t.from == Speaker::Shopper,
            text: t.text,
            // A product taken off sale since is no longer shown.
            cards: t
                .cards
                .iter()
                .filter_map(|slug| snapshot.by_slug(slug))
                .map(|p| p.card())
                .collect(),
            proposals: t
                .proposals
                .iter()
                .filter_map(|Proposal::AddToCart { slug, quantity }| {
                    let p = snapshot.by_slug(slug).filter(|p| p.stock > 0)?;
                    Some(ShownProposal {
                        product_id: p.id.as_str().to_owned(),
                        card: p.card(),
                        quantity: (*quantity).min(p.stock.min(u32::from(u16::MAX)) as u16),
                    })
                })
                .collect(),
        })
        .collect())
}

#[server]
pub async fn ask_assistant(message: String) -> Result<(), FormError> {
    use domain::assistant::conversation::ShopperMessage;
    let services = crate::services()?;
    let message = ShopperMessage::parse(&message)?;
    let owner = crate::identity::web::cart_owner(true)
        .await?
        .ok_or_else(|| {
            FormError::Failed("Your conversation could not be started. Please try again.".into())
        })?;
    let conversation = services.assistant.ask(&owner, message).await?;
    // A new address each time (a fragment alone would not load the page again in place).
    let turns = conversation.turns.len();
    leptos_axum::redirect(&format!("{ASSISTANT_PATH}?turns={turns}#latest"));
    Ok(())
}

#[server]
pub async fn start_over() -> Result<(), FormError> {
    let services = crate::services()?;
    if let Some(owner) = crate::identity::web::cart_owner(false).await? {
        services.assistant.forget(&owner).await?;
    }
    leptos_axum::redirect(ASSISTANT_PATH);
    Ok(())
}
