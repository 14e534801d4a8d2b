//! The OpenAI Chat Completions wire format (`POST {base}/chat/completions`), which OpenAI,
//! Azure OpenAI, Ollama, vLLM and llama.cpp's server all speak.
//!
//! What this client does about how those servers differ:
//! - it asks for a stream (`"stream": true`) and reads Server-Sent Events when the server
//!   streams, or the whole JSON completion when it does not;
//! - a streamed tool call arrives in pieces (its id and name first, its arguments split over
//!   later deltas, by `index`): the pieces are put together before the call is handed over;
//! - arguments may come as JSON text (OpenAI) or as an object (some local servers); either
//!   way the shop parses them, and text that is not JSON is a tool error for the model;
//! - the key may be empty (local servers take none); it is sent as `Authorization: Bearer`
//!   and never printed.

use serde::Deserialize;
use serde_json::{json, Value};

use super::{ChatModel, ChatRequest, Limits, Message, Reply, ReplyFuture, ToolUse};
use crate::provider::{retry_after, ProviderError};
use crate::FieldError;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const BASE_URL_ENV: &str = "CLOUDMART_OPENAI_BASE_URL";
pub const MODEL_ENV: &str = "CLOUDMART_OPENAI_MODEL";

/// A client of one OpenAI-compatible server and model.
#[derive(Clone)]
pub struct OpenAiChat {
    client: reqwest::Client,
    url: String,
    key: String,
    model: String,
    limits: Limits,
}

impl std::fmt::Debug for OpenAiChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiChat")
            .field("url", &self.url)
            .field(
                "key",
                &if self.key.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field("model", &self.model)
            .field("limits", &self.limits)
            .finish()
    }
}

impl OpenAiChat {
    /// A client of the server at `base_url` (up to `/v1`), with `key` (may be empty) and
    /// `model`.
    pub fn new(base_url: &str, key: &str, model: &str, limits: Limits) -> Result<Self, FieldError> {
        let base = base_url.trim().trim_end_matches('/');
        let valid = (base.starts_with("https://") || base.starts_with("http://"))
            && base.len() > "https://".len()
            && !base.contains(['?', '#', ' ']);
        if !valid {
            return Err(FieldError::new(
                BASE_URL_ENV,
                "must be the server's http(s):// URL up to /v1, like https://api.openai.com/v1",
            ));
        }
        let model = model.trim();
        if model.is_empty() || model.len() > 200 || model.chars().any(char::is_control) {
            return Err(FieldError::new(
                MODEL_ENV,
                "must name the model, like gpt-4o-mini or llama3.1",
            ));
        }
        let key = key.trim();
        if key.chars().any(|c| c.is_control() || c == ' ') {
            return Err(FieldError::new(
                "CLOUDMART_OPENAI_API_KEY",
                "must be the key without spaces (or empty for a local server)",
            ));
        }
        Ok(Self {
            client: reqwest::Client::new(),
            url: format!("{base}/chat/completions"),
            key: key.to_owned(),
            model: model.to_owned(),
            limits,
        })
    }

    async fn request(&self, body: &Value) -> Result<Reply, ProviderError> {
        let mut request = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                reqwest::header::ACCEPT,
                "text/event-stream, application/json",
            )
            .timeout(self.limits.total)
            .body(body.to_string());
        if !self.key.is_empty() {
            request = request.bearer_auth(&self.key);
        }
        let first = self.limits.first_token;
        let mut response = tokio::time::timeout(first, request.send())
            .await
            .map_err(|_| ProviderError::NoFirstToken(first))?
            .map_err(|e| ProviderError::of_transport(&e, self.limits.total))?;
        let status = response.status().as_u16();
        let streamed = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let wait = retry_after(response.headers());
        let transport = |e: reqwest::Error| ProviderError::of_transport(&e, self.limits.total);
        let mut body = Vec::new();
        let first_chunk = tokio::time::timeout(first, response.chunk())
            .await
            .map_err(|_| ProviderError::NoFirstToken(first))?
            .map_err(transport)?;
        let mut stream = Stream::default();
        if let Some(chunk) = first_chunk {
            body.extend_from_slice(&chunk);
            while let Some(chunk) = response.chunk().await.map_err(transport)? {
                body.extend_from_slice(&chunk);
                if streamed && status == 200 {
                    stream.feed(&mut body)?;
                }
            }
        }
        if status != 200 {
            let (code, message) = error_of(&body);
            return Err(ProviderError::of_status(status, code, message, wait));
        }
        if streamed {
            body.extend_from_slice(b"\n\n");
            stream.feed(&mut body)?;
            stream.finish()
        } else {
            parse_completion(&body)
        }
    }
}

impl ChatModel for OpenAiChat {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn reply<'a>(&'a self, request: ChatRequest<'a>) -> ReplyFuture<'a> {
        Box::pin(async move {
            let body = body_of(&self.model, &request);
            self.limits
                .retry
                .run("OpenAI", || self.request(&body))
                .await
        })
    }
}

/// The request body for `request`.
pub fn body_of(model: &str, request: &ChatRequest<'_>) -> Value {
    let mut messages = vec![json!({"role": "system", "content": request.system})];
    for message in request.messages {
        messages.push(match message {
            Message::User(text) => json!({"role": "user", "content": text}),
            Message::Assistant { text, calls } if calls.is_empty() => {
                json!({"role": "assistant", "content": text})
            }
            Message::Assistant { text, calls } => json!({
                "role": "assistant",
                "content": if text.is_empty() { Value::Null } else { json!(text) },
                "tool_calls": calls.iter().map(|c| json!({
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                })).collect::<Vec<_>>(),
            }),
            Message::Tool { id, content, .. } => {
                json!({"role": "tool", "tool_call_id": id, "content": content})
            }
        });
    }
    let mut body = json!({
        "model": model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "stream": true,
    });
    if !request.tools.is_empty() {
        body["tools"] = request
            .tools
            .iter()
            .map(|t| {
                json!({
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    }
                })
            })
            .collect();
        body["tool_choice"] = json!(if request.must_answer { "none" } else { "auto" });
    }
    body
}

/// A tool call's arguments as text, however the server sent them.
fn arguments_text(arguments: Option<Value>) -> String {
    match arguments {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text,
        Some(other) => other.to_string(),
    }
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: CompletionMessage,
}

#[derive(Deserialize)]
struct CompletionMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<CompletionCall>,
}

#[derive(Deserialize)]
struct CompletionCall {
    id: String,
    function: CallFunction,
}

#[derive(Deserialize)]
struct CallFunction {
    name: String,
    #[serde(default)]
    arguments: Option<Value>,
}

fn malformed(what: impl std::fmt::Display) -> ProviderError {
    ProviderError::Malformed(what.to_string())
}

/// A whole (not streamed) completion.
fn parse_completion(body: &[u8]) -> Result<Reply, ProviderError> {
    let completion: Completion = serde_json::from_slice(body).map_err(malformed)?;
    let choice = completion
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| malformed("no choices"))?;
    Ok(Reply {
        text: choice.message.content.unwrap_or_default(),
        calls: choice
            .message
            .tool_calls
            .into_iter()
            .map(|c| ToolUse {
                id: c.id,
                name: c.function.name,
                arguments: arguments_text(c.function.arguments),
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Delta,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<CallDelta>,
}

#[derive(Deserialize)]
struct CallDelta {
    #[serde(default)]
    index: Option<usize>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<Value>,
}

/// A streamed completion being put together from its Server-Sent Events.
#[derive(Default)]
struct Stream {
    text: String,
    calls: Vec<ToolUse>,
    done: bool,
    finished: bool,
}

impl Stream {
    /// Reads every complete event at the front of `buffer` and leaves the rest in it.
    fn feed(&mut self, buffer: &mut Vec<u8>) -> Result<(), ProviderError> {
        while let Some((end, gap)) = event_end(buffer) {
            let event: Vec<u8> = buffer.drain(..end + gap).take(end).collect();
            let event = String::from_utf8(event).map_err(malformed)?;
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if data.is_empty() {
                continue; // a comment (`: keep-alive`) or an event without data
            }
            let data = data.join("\n");
            if data.trim() == "[DONE]" {
                self.done = true;
                continue;
            }
            if self.done {
                return Err(malformed("data after [DONE]"));
            }
            self.chunk(serde_json::from_str(&data).map_err(malformed)?)?;
        }
        Ok(())
    }

    fn chunk(&mut self, chunk: Chunk) -> Result<(), ProviderError> {
        if let Some(error) = chunk.error {
            let message = error["message"].as_str().unwrap_or("an error mid-stream");
            return Err(ProviderError::Unavailable {
                status: 200,
                message: message.to_owned(),
                retry_after: None,
            });
        }
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content {
                self.text.push_str(&text);
            }
            for piece in choice.delta.tool_calls {
                let index = piece.index.unwrap_or(self.calls.len().saturating_sub(1));
                if index > self.calls.len() || index >= 64 {
                    return Err(malformed(format!("tool call index {index} out of order")));
                }
                if index == self.calls.len() {
                    self.calls.push(ToolUse {
                        id: String::new(),
                        name: String::new(),
                        arguments: String::new(),
                    });
                }
                let call = &mut self.calls[index];
                if let Some(id) = piece.id {
                    call.id = id;
                }
                if let Some(f) = piece.function {
                    if let Some(name) = f.name {
                        call.name.push_str(&name);
                    }
                    call.arguments.push_str(&arguments_text(f.arguments));
                }
            }
            if choice.finish_reason.is_some() {
                self.finished = true;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Reply, ProviderError> {
        if !self.done && !self.finished {
            return Err(malformed("the stream ended before the answer did"));
        }
        if let Some(call) = self
            .calls
            .iter()
            .find(|c| c.id.is_empty() || c.name.is_empty())
        {
            return Err(malformed(format!(
                "a tool call without id or name: {call:?}"
            )));
        }
        Ok(Reply {
            text: self.text,
            calls: self.calls,
        })
    }
}

/// Where the first event in `buffer` ends, and the length of the blank line after it.
fn event_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The code and message of an error answer (`{"error": {"message", "type", "code"}}`, or
/// `{"error": "text"}` from some local servers), or what can be said of an undocumented one.
fn error_of(body: &[u8]) -> (String, String) {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let error = parsed.as_ref().map(|v| &v["error"]);
    match error {
        Some(Value::String(message)) => ("error".to_owned(), message.clone()),
        Some(e @ Value::Object(_)) => {
            let code = e["code"]
                .as_str()
                .or(e["type"].as_str())
                .unwrap_or("error")
                .to_owned();
            (code, e["message"].as_str().unwrap_or_default().to_owned())
        }
        _ => (
            "unknown".to_owned(),
            String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::tools::shopping_tools;

    fn feed(events: &str) -> Result<Reply, ProviderError> {
        let mut stream = Stream::default();
        let mut buffer = events.as_bytes().to_vec();
        stream.feed(&mut buffer)?;
        stream.finish()
    }

    #[test]
    fn a_tool_call_split_over_deltas_is_put_together() {
        let reply = feed(concat!(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"search_products\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n",
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"te\"}}]},\"finish_reason\":null}]}\r\n\r\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"xt\\\":\\\"tent\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
            "data: [DONE]\n\n",
        ))
        .unwrap();
        assert_eq!(reply.calls.len(), 1);
        assert_eq!(reply.calls[0].id, "call_1");
        assert_eq!(reply.calls[0].arguments, r#"{"text":"tent"}"#);
    }

    #[test]
    fn a_stream_cut_short_or_out_of_shape_is_malformed() {
        let cut = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
        assert!(matches!(feed(cut), Err(ProviderError::Malformed(_))));
        assert!(matches!(
            feed("data: {nope\n\n"),
            Err(ProviderError::Malformed(_))
        ));
        let skipped =
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":3,\"id\":\"x\"}]}}]}\n\n";
        assert!(matches!(feed(skipped), Err(ProviderError::Malformed(_))));
    }

    #[test]
    fn arguments_sent_as_an_object_are_read_as_json_text() {
        let reply = parse_completion(
            br#"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"get_product","arguments":{"slug":"x"}}}]},"finish_reason":"tool_calls"}]}"#,
        )
        .unwrap();
        assert_eq!(reply.calls[0].arguments, r#"{"slug":"x"}"#);
    }

    #[test]
    fn the_body_offers_the_tools_and_the_last_round_asks_for_words() {
        let tools = shopping_tools();
        let messages = [
            Message::User("a tent".into()),
            Message::Assistant {
                text: String::new(),
                calls: vec![ToolUse {
                    id: "c1".into(),
                    name: "search_products".into(),
                    arguments: "{}".into(),
                }],
            },
            Message::Tool {
                id: "c1".into(),
                content: "[]".into(),
                is_error: false,
            },
        ];
        let request = ChatRequest {
            system: "rules",
            messages: &messages,
            tools: &tools,
            must_answer: true,
            max_tokens: 100,
        };
        let body = body_of("m", &request);
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(
            body["messages"][2]["tool_calls"][0]["function"]["name"],
            "search_products"
        );
        assert_eq!(body["messages"][2]["content"], Value::Null);
        assert_eq!(body["messages"][3]["tool_call_id"], "c1");
        assert_eq!(body["tool_choice"], "none");
        assert_eq!(body["tools"].as_array().unwrap().len(), tools.len());
    }

    #[test]
    fn error_bodies_of_every_dialect_are_read() {
        assert_eq!(
            error_of(br#"{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}"#),
            ("invalid_api_key".into(), "Incorrect API key".into())
        );
        assert_eq!(
            error_of(br#"{"error":"model not found"}"#),
            ("error".into(), "model not found".into())
        );
        assert_eq!(error_of(b"<html>").0, "unknown");
    }

    #[test]
    fn the_settings_are_checked_and_the_key_never_printed() {
        let ok = OpenAiChat::new(
            "http://127.0.0.1:11434/v1/",
            "",
            "llama3.1",
            Limits::default(),
        );
        assert!(ok.is_ok());
        let client = OpenAiChat::new(
            DEFAULT_BASE_URL,
            "sk-s3cret",
            "gpt-4o-mini",
            Limits::default(),
        )
        .unwrap();
        assert!(!format!("{client:?}").contains("s3cret"));
        assert_eq!(
            OpenAiChat::new("api.openai.com", "", "m", Limits::default())
                .unwrap_err()
                .field,
            BASE_URL_ENV
        );
        assert_eq!(
            OpenAiChat::new(DEFAULT_BASE_URL, "", " ", Limits::default())
                .unwrap_err()
                .field,
            MODEL_ENV
        );
    }
}
