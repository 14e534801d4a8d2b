//! The chat model seam: a model with tool calling, as the assistant sees every provider.
//!
//! A model is asked with the conversation so far ([`Message`]s), the tools it may call and a
//! token cap, and answers with text, tool calls, or both ([`Reply`]). The assistant runs the
//! calls itself ([`super::agent`]); a model never acts.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::tools::ToolSpec;
pub use crate::provider::{ProviderError, RetryPolicy};

pub mod bedrock;
pub mod openai;

/// A tool call as a model made it: its arguments are JSON text, parsed by the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolUse {
    /// The provider's id of the call, sent back with its result.
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// One message of the conversation as a model reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    User(String),
    Assistant {
        text: String,
        calls: Vec<ToolUse>,
    },
    /// A tool's result (JSON text) for the call `id`.
    Tool {
        id: String,
        content: String,
        is_error: bool,
    },
}

/// What a model is asked.
#[derive(Debug, Clone, Copy)]
pub struct ChatRequest<'a> {
    /// The instructions (a prompt file).
    pub system: &'a str,
    pub messages: &'a [Message],
    /// The tools it may call.
    pub tools: &'a [ToolSpec],
    /// The last round: the model is told to call no tool (`tool_choice: none`). Some providers
    /// ignore that (Ollama), so a call made anyway is not run.
    pub must_answer: bool,
    pub max_tokens: u32,
}

/// What a model answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub calls: Vec<ToolUse>,
}

pub type ReplyFuture<'a> = Pin<Box<dyn Future<Output = Result<Reply, ProviderError>> + Send + 'a>>;

/// A chat model with tool calling.
pub trait ChatModel: Send + Sync {
    /// The provider's name, for logs and metrics (`openai`, `bedrock`).
    fn name(&self) -> &'static str;

    /// One answer to `request`; the client retries transient failures itself.
    fn reply<'a>(&'a self, request: ChatRequest<'a>) -> ReplyFuture<'a>;
}

/// The bounds every model call runs within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest an answer may take, every round and retry included.
    pub total: Duration,
    /// The longest a request may wait for the provider's first byte (a streamed token).
    pub first_token: Duration,
    /// Rounds of tool calls per answer; the round after the last must answer in words.
    pub tool_rounds: u8,
    /// Tokens a model may write per round.
    pub max_tokens: u32,
    pub retry: RetryPolicy,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            total: Duration::from_secs(30),
            first_token: Duration::from_secs(10),
            tool_rounds: 4,
            max_tokens: 800,
            retry: RetryPolicy {
                attempts: 3,
                backoff: Duration::from_millis(500),
                max_wait: Duration::from_secs(5),
            },
        }
    }
}
