//! Amazon Bedrock's Converse API (`POST /model/{modelId}/converse`) through
//! `aws-sdk-bedrockruntime`: one request shape for every model Bedrock hosts that calls tools
//! (Anthropic Claude, Amazon Nova, Meta Llama, Mistral, Cohere).
//!
//! What this client does about Converse's rules:
//! - roles alternate and the first message is the user's: neighbouring messages of one role are
//!   joined into one (a round's tool results go back as one user message of `toolResult`
//!   blocks), and the assistant's opening greeting, if any, is left out;
//! - a blank text block is refused, so none is sent;
//! - a conversation holding `toolUse` blocks must come with a `toolConfig`, so the tools are
//!   always offered; Converse has no "call no tool" choice, so on the last round the model may
//!   still call one, and the assistant does not run it ([`super::super::agent`]);
//! - tool arguments and results travel as JSON documents, turned to and from JSON text here.
//!
//! Region and credentials come from the usual AWS chain (`AWS_REGION`, `AWS_PROFILE`, the
//! EKS pod identity or IRSA web identity, the instance role), loaded on the first question.
//! The SDK's own retries are off: the one retry rule ([`crate::provider`]) applies, as for
//! every provider. Converse answers whole, so the first-token limit bounds connecting and the
//! total limit bounds each request.

use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::config::timeout::TimeoutConfig;
use aws_sdk_bedrockruntime::config::BehaviorVersion;
use aws_sdk_bedrockruntime::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::operation::converse::ConverseOutput;
use aws_sdk_bedrockruntime::types::{
    AutoToolChoice, ContentBlock, ConversationRole, ConverseOutput as Output,
    InferenceConfiguration, Message as BedrockMessage, SystemContentBlock, Tool, ToolChoice,
    ToolConfiguration, ToolInputSchema, ToolResultBlock, ToolResultContentBlock, ToolResultStatus,
    ToolSpecification, ToolUseBlock,
};
use aws_sdk_bedrockruntime::{Client, Config};
use aws_smithy_types::{Document, Number};
use serde_json::Value;
use tokio::sync::OnceCell;

use super::{ChatModel, ChatRequest, Limits, Message, Reply, ReplyFuture, ToolUse};
use crate::assistant::tools::ToolSpec;
use crate::provider::{retry_after_of, ProviderError};
use crate::FieldError;

pub const MODEL_ID_ENV: &str = "CLOUDMART_BEDROCK_MODEL_ID";

/// A client of one Bedrock model (or inference profile).
pub struct BedrockChat {
    /// A configuration given by the caller (tests: an endpoint and static credentials); without
    /// one, the AWS chain's.
    given: Option<Config>,
    client: OnceCell<Client>,
    model_id: String,
    limits: Limits,
}

impl std::fmt::Debug for BedrockChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BedrockChat")
            .field("model_id", &self.model_id)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl BedrockChat {
    /// A client of `model_id` (a model id such as `anthropic.claude-3-5-haiku-20241022-v1:0`,
    /// an inference profile such as `us.amazon.nova-lite-v1:0`, or an ARN) with the region
    /// and credentials of the AWS chain.
    pub fn new(model_id: &str, limits: Limits) -> Result<Self, FieldError> {
        Self::build(None, model_id, limits)
    }

    /// The same with a configuration of the caller's (an endpoint, a region, credentials).
    pub fn with_config(config: Config, model_id: &str, limits: Limits) -> Result<Self, FieldError> {
        Self::build(Some(config), model_id, limits)
    }

    fn build(given: Option<Config>, model_id: &str, limits: Limits) -> Result<Self, FieldError> {
        let model_id = model_id.trim();
        if model_id.is_empty() || model_id.len() > 2048 || model_id.contains(char::is_whitespace) {
            return Err(FieldError::new(
                MODEL_ID_ENV,
                "Give a Bedrock model id, inference profile or ARN.",
            ));
        }
        Ok(Self {
            given,
            client: OnceCell::new(),
            model_id: model_id.to_owned(),
            limits,
        })
    }

    async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async {
                let base = match &self.given {
                    Some(config) => config.to_builder(),
                    None => {
                        let chain = aws_config::defaults(BehaviorVersion::latest()).load().await;
                        if chain.region().is_none() {
                            tracing::warn!("no AWS region is set for Bedrock (AWS_REGION)");
                        }
                        (&chain).into()
                    }
                };
                let timeouts = TimeoutConfig::builder()
                    .connect_timeout(self.limits.first_token)
                    .operation_attempt_timeout(self.limits.total)
                    .build();
                Client::from_conf(
                    base.retry_config(RetryConfig::disabled())
                        .timeout_config(timeouts)
                        .build(),
                )
            })
            .await
    }

    async fn converse(&self, request: &ChatRequest<'_>) -> Result<Reply, ProviderError> {
        let messages = messages_of(request.messages)?;
        let mut call = self
            .client()
            .await
            .converse()
            .model_id(&self.model_id)
            .system(SystemContentBlock::Text(request.system.to_owned()))
            .set_messages(Some(messages))
            .inference_config(
                InferenceConfiguration::builder()
                    .max_tokens(i32::try_from(request.max_tokens).unwrap_or(i32::MAX))
                    .build(),
            );
        if !request.tools.is_empty() {
            call = call.tool_config(tool_config(request.tools)?);
        }
        let output = call.send().await.map_err(|e| self.error_of(e))?;
        reply_of(&output)
    }

    fn error_of<E>(&self, error: SdkError<E>) -> ProviderError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &error {
            // A success whose body the SDK could not read is reported as a service error.
            SdkError::ServiceError(context) if context.raw().status().is_success() => {
                ProviderError::Malformed(DisplayErrorContext(&error).to_string())
            }
            SdkError::ServiceError(context) => {
                let raw = context.raw();
                let headers = raw.headers();
                ProviderError::of_status(
                    raw.status().as_u16(),
                    context.err().code().unwrap_or("unknown").to_owned(),
                    context.err().message().unwrap_or("no message").to_owned(),
                    retry_after_of(|name| headers.get(name)),
                )
            }
            SdkError::TimeoutError(_) => ProviderError::Timeout(self.limits.total),
            SdkError::DispatchFailure(failure) if failure.is_timeout() => {
                ProviderError::NoFirstToken(self.limits.first_token)
            }
            SdkError::ResponseError(_) => {
                ProviderError::Malformed(DisplayErrorContext(&error).to_string())
            }
            SdkError::ConstructionFailure(_) => ProviderError::Rejected {
                status: 0,
                code: "request".into(),
                message: DisplayErrorContext(&error).to_string(),
            },
            _ => ProviderError::Unreachable(DisplayErrorContext(&error).to_string()),
        }
    }
}

impl ChatModel for BedrockChat {
    fn name(&self) -> &'static str {
        "bedrock"
    }

    fn reply<'a>(&'a self, request: ChatRequest<'a>) -> ReplyFuture<'a> {
        Box::pin(async move {
            self.limits
                .retry
                .run("Bedrock", || self.converse(&request))
                .await
        })
    }
}

fn invalid(what: impl std::fmt::Display) -> ProviderError {
    ProviderError::Rejected {
        status: 0,
        code: "request".into(),
        message: what.to_string(),
    }
}

/// The conversation as Converse takes it: alternating roles, the user's first, no blank text.
pub fn messages_of(messages: &[Message]) -> Result<Vec<BedrockMessage>, ProviderError> {
    let mut turns: Vec<(ConversationRole, Vec<ContentBlock>)> = Vec::new();
    for message in messages {
        let (role, blocks) = match message {
            Message::User(text) => (ConversationRole::User, text_block(text)),
            Message::Assistant { text, calls } => {
                let mut blocks = text_block(text);
                for call in calls {
                    let input = serde_json::from_str::<Value>(&call.arguments)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| Value::Object(Default::default()));
                    blocks.push(ContentBlock::ToolUse(
                        ToolUseBlock::builder()
                            .tool_use_id(&call.id)
                            .name(&call.name)
                            .input(document_of(&input))
                            .build()
                            .map_err(invalid)?,
                    ));
                }
                (ConversationRole::Assistant, blocks)
            }
            Message::Tool {
                id,
                content,
                is_error,
            } => {
                let result = match serde_json::from_str::<Value>(content) {
                    Ok(json) if json.is_object() => {
                        ToolResultContentBlock::Json(document_of(&json))
                    }
                    _ => ToolResultContentBlock::Text(content.clone()),
                };
                let status = if *is_error {
                    ToolResultStatus::Error
                } else {
                    ToolResultStatus::Success
                };
                let block = ToolResultBlock::builder()
                    .tool_use_id(id)
                    .content(result)
                    .status(status)
                    .build()
                    .map_err(invalid)?;
                (
                    ConversationRole::User,
                    vec![ContentBlock::ToolResult(block)],
                )
            }
        };
        if blocks.is_empty() || (turns.is_empty() && role != ConversationRole::User) {
            continue;
        }
        match turns.last_mut() {
            Some((last, held)) if *last == role => held.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    turns
        .into_iter()
        .map(|(role, blocks)| {
            BedrockMessage::builder()
                .role(role)
                .set_content(Some(blocks))
                .build()
                .map_err(invalid)
        })
        .collect()
}

fn text_block(text: &str) -> Vec<ContentBlock> {
    if text.trim().is_empty() {
        Vec::new()
    } else {
        vec![ContentBlock::Text(text.to_owned())]
    }
}

fn tool_config(tools: &[ToolSpec]) -> Result<ToolConfiguration, ProviderError> {
    let mut config = ToolConfiguration::builder()
        .tool_choice(ToolChoice::Auto(AutoToolChoice::builder().build()));
    for tool in tools {
        config = config.tools(Tool::ToolSpec(
            ToolSpecification::builder()
                .name(tool.name)
                .description(tool.description)
                .input_schema(ToolInputSchema::Json(document_of(&tool.parameters)))
                .build()
                .map_err(invalid)?,
        ));
    }
    config.build().map_err(invalid)
}

/// What the model said: its text blocks joined, its `toolUse` blocks as calls.
pub fn reply_of(output: &ConverseOutput) -> Result<Reply, ProviderError> {
    let Some(Output::Message(message)) = output.output() else {
        return Err(ProviderError::Malformed(
            "the answer holds no message".into(),
        ));
    };
    let mut reply = Reply::default();
    for block in message.content() {
        match block {
            ContentBlock::Text(text) => {
                if !reply.text.is_empty() {
                    reply.text.push('\n');
                }
                reply.text.push_str(text);
            }
            ContentBlock::ToolUse(call) => reply.calls.push(ToolUse {
                id: call.tool_use_id().to_owned(),
                name: call.name().to_owned(),
                arguments: json_of(call.input()).to_string(),
            }),
            // Reasoning, citations and the like are not part of the answer.
            _ => {}
        }
    }
    Ok(reply)
}

/// JSON as a Smithy document.
pub fn document_of(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or_default())
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(document_of).collect()),
        Value::Object(fields) => Document::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), document_of(v)))
                .collect(),
        ),
    }
}

/// A Smithy document as JSON (a number JSON cannot hold, such as NaN, becomes null).
pub fn json_of(document: &Document) -> Value {
    match document {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => Value::from(*u),
        Document::Number(Number::NegInt(i)) => Value::from(*i),
        Document::Number(Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        Document::String(s) => Value::String(s.clone()),
        Document::Array(items) => Value::Array(items.iter().map(json_of).collect()),
        Document::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), json_of(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(id: &str) -> ToolUse {
        ToolUse {
            id: id.into(),
            name: "search_products".into(),
            arguments: r#"{"query":"speaker","max_price_cents":10000}"#.into(),
        }
    }

    #[test]
    fn roles_alternate_from_the_user_and_a_rounds_results_are_one_message() {
        let history = [
            Message::Assistant {
                text: "Hello! What are you looking for?".into(),
                calls: vec![],
            },
            Message::User("a speaker".into()),
            Message::User("   ".into()),
            Message::Assistant {
                text: String::new(),
                calls: vec![call("t1"), call("t2")],
            },
            Message::Tool {
                id: "t1".into(),
                content: r#"{"products":[]}"#.into(),
                is_error: false,
            },
            Message::Tool {
                id: "t2".into(),
                content: "not json".into(),
                is_error: true,
            },
        ];
        let messages = messages_of(&history).unwrap();
        let roles: Vec<_> = messages.iter().map(|m| m.role().clone()).collect();
        assert_eq!(
            roles,
            [
                ConversationRole::User,
                ConversationRole::Assistant,
                ConversationRole::User
            ]
        );
        assert_eq!(
            messages[0].content(),
            [ContentBlock::Text("a speaker".into())]
        );
        assert_eq!(messages[1].content().len(), 2, "no blank text block");
        let results: Vec<_> = messages[2]
            .content()
            .iter()
            .map(|b| b.as_tool_result().unwrap())
            .collect();
        assert_eq!(results[0].tool_use_id(), "t1");
        assert!(matches!(
            results[0].content()[0],
            ToolResultContentBlock::Json(_)
        ));
        assert_eq!(results[1].status(), Some(&ToolResultStatus::Error));
        assert_eq!(
            results[1].content()[0],
            ToolResultContentBlock::Text("not json".into())
        );
    }

    #[test]
    fn json_and_documents_round_trip() {
        let value = json!({"a": [1, -2, 2.5, true, null, "x"], "b": {"c": u64::MAX}});
        assert_eq!(json_of(&document_of(&value)), value);
        assert_eq!(
            json_of(&Document::Number(Number::Float(f64::NAN))),
            Value::Null
        );
    }

    #[test]
    fn a_model_id_is_required() {
        for bad in ["", "  ", "anthropic claude"] {
            let error = BedrockChat::new(bad, Limits::default()).unwrap_err();
            assert_eq!(error.field, MODEL_ID_ENV);
        }
        let client = BedrockChat::new(" us.amazon.nova-lite-v1:0 ", Limits::default()).unwrap();
        assert_eq!(client.model_id, "us.amazon.nova-lite-v1:0");
        assert_eq!(client.name(), "bedrock");
    }
}
