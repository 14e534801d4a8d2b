//! Answering with a model: the model is asked, the shop runs the tools it calls (parsed
//! first, through the services), their results go back to it, and so on until it answers in
//! words, within the limits ([`Limits`]): a total time, a number of tool rounds, a token cap
//! per round. The answer is grounded by the caller, like the offline assistant's.

use std::future::Future;

use serde_json::{json, Value};

use super::conversation::Proposal;
use super::model::{ChatModel, ChatRequest, Limits, Message, ProviderError, ToolUse};
use super::offline::{self, CatalogView, ToolOutput};
use super::tools::{self, ToolCall, ToolSpec};
use crate::catalog::Product;

/// What a tool gave back, for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolResult {
    /// JSON text.
    pub content: String,
    pub is_error: bool,
}

impl ToolResult {
    pub fn ok(value: Value) -> Self {
        Self {
            content: value.to_string(),
            is_error: false,
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self {
            content: json!({ "error": message.into() }).to_string(),
            is_error: true,
        }
    }
}

/// The tools of one conversation: what they are, and running one.
pub trait Toolbox: Send {
    fn specs(&self) -> &[ToolSpec];

    /// Runs the model's call `call` (its arguments not parsed yet).
    fn run(&mut self, call: &ToolUse) -> impl Future<Output = ToolResult> + Send;
}

/// A product for the model: what it needs to choose and describe it. Its price and stock are
/// for choosing; what the shopper reads of them comes from the catalog's cards.
pub fn product_json(product: &Product) -> Value {
    let mut summary: String = product.description.chars().take(240).collect();
    if summary.len() < product.description.len() {
        summary.push('…');
    }
    json!({
        "slug": product.slug.as_str(),
        "name": product.name,
        "category": product.category.label(),
        "price": product.price.format(),
        "price_cents": product.price.cents(),
        "availability": product.stock_state().label(),
        "summary": summary,
    })
}

/// The shopping tools over the live catalog; it remembers what they returned (what the
/// answer may name) and the cart proposals made.
pub struct ShoppingTools<'a> {
    catalog: &'a (dyn CatalogView + Sync),
    specs: Vec<ToolSpec>,
    pub returned: Vec<String>,
    pub proposals: Vec<Proposal>,
}

impl<'a> ShoppingTools<'a> {
    pub fn new(catalog: &'a (dyn CatalogView + Sync)) -> Self {
        Self {
            catalog,
            specs: tools::shopping_tools(),
            returned: Vec::new(),
            proposals: Vec::new(),
        }
    }

    /// Runs a parsed catalog call.
    pub fn run_call(&mut self, call: &ToolCall) -> ToolResult {
        match offline::run(self.catalog, call) {
            ToolOutput::Products(products) => {
                self.returned
                    .extend(products.iter().map(|p| p.slug.as_str().to_owned()));
                let list: Vec<Value> = products.iter().map(|p| product_json(p)).collect();
                ToolResult::ok(json!({ "products": list }))
            }
            ToolOutput::NoSuchProduct(slug) => ToolResult::error(format!(
                "no product on sale has the slug {slug:?}; search_products finds slugs"
            )),
            ToolOutput::Proposal { product, quantity } => {
                let slug = product.slug.as_str().to_owned();
                self.returned.push(slug.clone());
                self.proposals.push(Proposal::AddToCart { slug, quantity });
                ToolResult::ok(json!({
                    "proposed": product_json(product),
                    "quantity": quantity,
                    "note": "The shopper sees a card with an Add to cart button; the cart changes only when they press it.",
                }))
            }
        }
    }
}

impl Toolbox for ShoppingTools<'_> {
    fn specs(&self) -> &[ToolSpec] {
        &self.specs
    }

    fn run(&mut self, call: &ToolUse) -> impl Future<Output = ToolResult> + Send {
        let result = match tools::parse_call(&call.name, &call.arguments) {
            Ok(parsed) => self.run_call(&parsed),
            Err(tools::ToolError(message)) => ToolResult::error(message),
        };
        std::future::ready(result)
    }
}

/// A model's answer in words, before grounding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAnswer {
    pub text: String,
    /// Rounds of tool calls it made.
    pub rounds: u8,
    /// Calls it made on the last round although it was told to answer (not run).
    pub ignored_calls: usize,
}

/// Asks `model` to answer the conversation `messages` (the last one the shopper's), running
/// the tools it calls from `toolbox`, within `limits`.
#[tracing::instrument(name = "assistant.model", skip_all, fields(model = model.name()))]
pub async fn answer<T: Toolbox>(
    model: &dyn ChatModel,
    limits: &Limits,
    system: &str,
    mut messages: Vec<Message>,
    toolbox: &mut T,
) -> Result<ModelAnswer, ProviderError> {
    let work = async {
        for round in 0..=limits.tool_rounds {
            let must_answer = round == limits.tool_rounds;
            let reply = model
                .reply(ChatRequest {
                    system,
                    messages: &messages,
                    tools: toolbox.specs(),
                    must_answer,
                    max_tokens: limits.max_tokens,
                })
                .await?;
            if reply.calls.is_empty() || must_answer {
                if reply.text.trim().is_empty() {
                    return Err(ProviderError::Malformed(
                        "the model answered with no words".into(),
                    ));
                }
                return Ok(ModelAnswer {
                    text: reply.text,
                    rounds: round,
                    ignored_calls: reply.calls.len(),
                });
            }
            let calls = reply.calls.clone();
            messages.push(Message::Assistant {
                text: reply.text,
                calls: reply.calls,
            });
            for call in &calls {
                let result = toolbox.run(call).await;
                tracing::debug!(tool = %call.name, error = result.is_error, "tool call");
                messages.push(Message::Tool {
                    id: call.id.clone(),
                    content: result.content,
                    is_error: result.is_error,
                });
            }
        }
        Err(ProviderError::Malformed("the tool rounds ran out".into()))
    };
    tokio::time::timeout(limits.total, work)
        .await
        .map_err(|_| ProviderError::Timeout(limits.total))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::model::{Reply, ReplyFuture};
    use std::sync::Mutex;
    use std::time::Duration;

    /// A model that answers from a script and keeps what it was asked.
    struct Scripted {
        replies: Mutex<Vec<Reply>>,
        asked: Mutex<Vec<(usize, bool)>>,
    }

    impl Scripted {
        fn new(mut replies: Vec<Reply>) -> Self {
            replies.reverse();
            Self {
                replies: Mutex::new(replies),
                asked: Mutex::default(),
            }
        }
    }

    impl ChatModel for Scripted {
        fn name(&self) -> &'static str {
            "scripted"
        }
        fn reply<'a>(&'a self, request: ChatRequest<'a>) -> ReplyFuture<'a> {
            self.asked
                .lock()
                .unwrap()
                .push((request.messages.len(), request.must_answer));
            let next = self.replies.lock().unwrap().pop();
            Box::pin(async move { next.ok_or(ProviderError::Unreachable("script ended".into())) })
        }
    }

    fn call(name: &str, arguments: &str) -> Reply {
        Reply {
            text: String::new(),
            calls: vec![ToolUse {
                id: format!("call-{name}"),
                name: name.into(),
                arguments: arguments.into(),
            }],
        }
    }

    fn words(text: &str) -> Reply {
        Reply {
            text: text.into(),
            calls: Vec::new(),
        }
    }

    use crate::assistant::DemoShop as Shop;

    fn asked() -> Vec<Message> {
        vec![Message::User("a waterproof jacket".into())]
    }

    #[tokio::test]
    async fn tool_results_go_back_to_the_model_and_what_they_returned_is_remembered() {
        let shop = Shop::new();
        let model = Scripted::new(vec![
            call("search_products", r#"{"text":"waterproof jacket"}"#),
            call("add_to_cart", r#"{"slug":"harbor-waxed-canvas-jacket"}"#),
            words("The Harbor Waxed Canvas Jacket keeps the rain out."),
        ]);
        let mut tools = ShoppingTools::new(&shop);
        let a = answer(&model, &Limits::default(), "rules", asked(), &mut tools)
            .await
            .unwrap();
        assert_eq!(a.rounds, 2);
        assert!(tools
            .returned
            .contains(&"harbor-waxed-canvas-jacket".to_owned()));
        assert_eq!(
            tools.proposals,
            [Proposal::AddToCart {
                slug: "harbor-waxed-canvas-jacket".into(),
                quantity: 1
            }]
        );
        // user, then (assistant call + tool result) per round
        assert_eq!(
            *model.asked.lock().unwrap(),
            [(1, false), (3, false), (5, false)]
        );
    }

    #[tokio::test]
    async fn bad_arguments_are_a_tool_error_the_model_can_correct() {
        let shop = Shop::new();
        let model = Scripted::new(vec![
            call("search_products", "{\"text\": \"jack"),
            call("set_price", r#"{"slug":"x","cents":1}"#),
            words("Sorry, let me try again later."),
        ]);
        let mut tools = ShoppingTools::new(&shop);
        let a = answer(&model, &Limits::default(), "rules", asked(), &mut tools)
            .await
            .unwrap();
        assert_eq!(a.rounds, 2);
        assert!(tools.returned.is_empty() && tools.proposals.is_empty());
    }

    #[tokio::test]
    async fn the_last_round_must_answer_and_a_call_made_anyway_is_not_run() {
        let shop = Shop::new();
        let limits = Limits {
            tool_rounds: 1,
            ..Limits::default()
        };
        let model = Scripted::new(vec![
            call("search_products", r#"{"text":"tent"}"#),
            Reply {
                text: "Here is a tent.".into(),
                ..call("add_to_cart", r#"{"slug":"trailhead-two-person-tent"}"#)
            },
        ]);
        let mut tools = ShoppingTools::new(&shop);
        let a = answer(&model, &limits, "rules", asked(), &mut tools)
            .await
            .unwrap();
        assert_eq!(a.ignored_calls, 1);
        assert!(tools.proposals.is_empty(), "not run");
        assert_eq!(model.asked.lock().unwrap().last(), Some(&(3, true)));
    }

    #[tokio::test]
    async fn a_model_that_never_answers_in_time_is_a_timeout() {
        struct Hanging;
        impl ChatModel for Hanging {
            fn name(&self) -> &'static str {
                "hanging"
            }
            fn reply<'a>(&'a self, _: ChatRequest<'a>) -> ReplyFuture<'a> {
                Box::pin(std::future::pending())
            }
        }
        let shop = Shop(Vec::new());
        let limits = Limits {
            total: Duration::from_millis(30),
            ..Limits::default()
        };
        let error = answer(
            &Hanging,
            &limits,
            "r",
            asked(),
            &mut ShoppingTools::new(&shop),
        )
        .await
        .unwrap_err();
        assert_eq!(error, ProviderError::Timeout(Duration::from_millis(30)));
    }
}
