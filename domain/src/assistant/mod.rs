//! The AI assistant: the shopping assistant (everyone) and, next, the support chat
//! (signed-in customers), behind one chat model trait with an offline default.
//!
//! - `intent`: reading a message without a model (the offline assistant's understanding).
//! - `recommend`: ranking the live catalog for a wish (the `search_products` tool).
//! - `grounding`: the check every answer passes before it is shown: products the tools did
//!   not return are taken out, and prices and stock come from the catalog, never the model.
//! - `conversation`: a conversation as the server keeps it, and a shopper's message.
//! - `tools` (server only): the tools as a model sees them, and their arguments parsed into
//!   typed calls.
//! - `offline` (server only): the assistant that needs no model, calling the same tools.
//! - `model` (server only): the chat model seam and its providers; `agent`: answering with
//!   a model, running the tools it calls within the limits.
//! - `prompts/`: the instructions a model is given, as files.
//! - `service` (server only): answering a message and keeping the conversation.

#[cfg(feature = "ssr")]
pub mod agent;
pub mod conversation;
pub mod grounding;
pub mod intent;
#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod offline;
pub mod recommend;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub mod support_chat;
#[cfg(feature = "ssr")]
pub mod tools;

#[cfg(feature = "ssr")]
pub use service::{
    AnswerCounts, Asker, AssistantError, AssistantService, ModelSetup, MESSAGES_PER_MINUTE,
};

/// The demo catalog as the tests' live catalog: each product on sale with its search document.
#[cfg(all(test, feature = "ssr"))]
pub(crate) fn demo_catalog() -> Vec<(crate::catalog::Product, crate::catalog::search::SearchDoc)> {
    crate::catalog::demo::products()
        .iter()
        .map(|d| {
            let new = d.to_new_product().expect("the demo catalog is valid");
            let product = crate::catalog::stored_product(new, crate::time::Timestamp(0));
            let doc = crate::catalog::search::SearchDoc::of(&product);
            (product, doc)
        })
        .collect()
}

/// The demo catalog as a catalog view, for the tests of what reads one.
#[cfg(all(test, feature = "ssr"))]
pub(crate) struct DemoShop(pub Vec<(crate::catalog::Product, crate::catalog::search::SearchDoc)>);

#[cfg(all(test, feature = "ssr"))]
impl DemoShop {
    pub(crate) fn new() -> Self {
        Self(demo_catalog())
    }
}

#[cfg(all(test, feature = "ssr"))]
impl offline::CatalogView for DemoShop {
    fn entries(
        &self,
    ) -> Box<dyn Iterator<Item = (&crate::catalog::Product, &crate::catalog::search::SearchDoc)> + '_>
    {
        Box::new(self.0.iter().map(|(p, d)| (p, d)))
    }

    fn by_slug(&self, slug: &str) -> Option<&crate::catalog::Product> {
        self.0
            .iter()
            .map(|(p, _)| p)
            .find(|p| p.slug.as_str() == slug)
    }
}
