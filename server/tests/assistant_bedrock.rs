//! Contract tests of the Bedrock Converse client (`aws-sdk-bedrockruntime`, pointed at a local
//! server with static test credentials). The server checks every request as Bedrock does: the
//! path `/model/{modelId}/converse`, a SigV4 signature for the `bedrock` service in the
//! region, and the JSON body (alternating roles from the user's, the system prompt, the token
//! cap, `toolConfig` with every tool's JSON Schema, `toolUse` and `toolResult` blocks). It
//! answers with the shapes the API reference documents: an answer, a `toolUse`, and errors
//! (`x-amzn-ErrorType` with a `{"message"}` body) that are retried or not, a body that is not
//! JSON, and no answer at all. Then the assistant service over the demo catalog with that
//! client: the shop runs the tool the model calls and sends its result back as a `toolResult`.

use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use domain::assistant::conversation::ShopperMessage;
use domain::assistant::model::bedrock::BedrockChat;
use domain::assistant::model::{
    ChatModel, ChatRequest, Limits, Message, ProviderError, Reply, RetryPolicy,
};
use domain::assistant::tools::shopping_tools;
use domain::assistant::{Asker, ModelSetup};
use domain::cart::CartOwner;
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MODEL_ID: &str = "us.amazon.nova-lite-v1:0";
/// The model id as it appears in the path: the SDK escapes the colon.
const MODEL_PATH: &str = "/model/us.amazon.nova-lite-v1%3A0/converse";
const ACCESS_KEY: &str = "AKIDCLOUDMARTTEST";

/// What the fake Bedrock answers to the next request.
#[derive(Clone)]
enum Answer {
    Words(&'static str),
    /// Some words, then a `toolUse` of this tool with this input.
    Call(&'static str, Value),
    /// An error as Bedrock sends it: the status, `x-amzn-ErrorType` and `{"message"}`.
    Error(u16, &'static str, &'static str),
    Body(&'static str),
    Hang(Duration),
}

#[derive(Default)]
struct Fake {
    answers: Mutex<VecDeque<Answer>>,
    requests: Mutex<Vec<Value>>,
}

struct Bedrock {
    fake: Arc<Fake>,
    client: Arc<BedrockChat>,
    limits: Limits,
}

fn limits(total: Duration) -> Limits {
    Limits {
        total,
        first_token: Duration::from_millis(400),
        tool_rounds: 3,
        max_tokens: 300,
        retry: RetryPolicy {
            attempts: 3,
            backoff: Duration::from_millis(20),
            max_wait: Duration::from_secs(2),
        },
    }
}

impl Bedrock {
    async fn start(answers: Vec<Answer>) -> Self {
        Self::start_within(answers, Duration::from_secs(5)).await
    }

    async fn start_within(answers: Vec<Answer>, total: Duration) -> Self {
        let fake = Arc::new(Fake {
            answers: Mutex::new(answers.into()),
            requests: Mutex::default(),
        });
        let app = Router::new().fallback(handle).with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let config = aws_sdk_bedrockruntime::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                ACCESS_KEY,
                "test-secret-key",
                None,
                None,
                "static",
            ))
            .endpoint_url(format!("http://{addr}"))
            .build();
        let limits = limits(total);
        let client = BedrockChat::with_config(config, MODEL_ID, limits).unwrap();
        Self {
            fake,
            client: Arc::new(client),
            limits,
        }
    }

    fn requests(&self) -> Vec<Value> {
        self.fake.requests.lock().unwrap().clone()
    }

    async fn ask(&self, messages: &[Message]) -> Result<Reply, ProviderError> {
        let tools = shopping_tools();
        self.client
            .reply(ChatRequest {
                system: "You are the shopping assistant of CloudMart.",
                messages,
                tools: &tools,
                must_answer: false,
                max_tokens: self.limits.max_tokens,
            })
            .await
    }
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let mut response = (status, axum::Json(json!({ "message": message }))).into_response();
    response.headers_mut().insert(
        "x-amzn-errortype",
        format!("{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/")
            .parse()
            .unwrap(),
    );
    response
}

/// What Bedrock would refuse in this body, if anything.
fn invalid(body: &Value) -> Option<String> {
    let messages = body["messages"].as_array()?;
    if messages.first()?["role"] != "user" {
        return Some("A conversation must start with a user message.".into());
    }
    for pair in messages.windows(2) {
        if pair[0]["role"] == pair[1]["role"] {
            return Some("Roles must alternate between user and assistant.".into());
        }
    }
    for message in messages {
        for block in message["content"].as_array()? {
            if block["text"].as_str().is_some_and(|t| t.trim().is_empty()) {
                return Some("text content blocks must be non-empty".into());
            }
        }
    }
    if body["system"][0]["text"].as_str().is_none_or(str::is_empty) {
        return Some("system is missing".into());
    }
    if body["inferenceConfig"]["maxTokens"].as_u64() != Some(300) {
        return Some("inferenceConfig.maxTokens is not the cap".into());
    }
    let tools = body["toolConfig"]["tools"].as_array()?;
    if tools.iter().any(|t| {
        t["toolSpec"]["name"].as_str().is_none()
            || t["toolSpec"]["inputSchema"]["json"]["type"] != "object"
    }) {
        return Some("every tool needs a name and an object schema".into());
    }
    None
}

async fn handle(
    State(fake): State<Arc<Fake>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path() != MODEL_PATH {
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("no route {}", uri.path()),
        );
    }
    let signed = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|auth| {
            auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/"))
                && auth.contains("/us-east-1/bedrock/aws4_request")
                && auth.contains("Signature=")
        });
    if !signed || headers.get("x-amz-date").is_none() {
        return error(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "SerializationException",
            "not JSON",
        );
    };
    let refusal = invalid(&body);
    fake.requests.lock().unwrap().push(body);
    if let Some(message) = refusal {
        return error(StatusCode::BAD_REQUEST, "ValidationException", &message);
    }
    let answer = fake.answers.lock().unwrap().pop_front();
    match answer {
        Some(Answer::Words(text)) => axum::Json(converse(json!([{ "text": text }]), "end_turn")).into_response(),
        Some(Answer::Call(name, input)) => axum::Json(converse(
            json!([
                { "text": "Let me look that up." },
                { "toolUse": { "toolUseId": format!("tooluse_{name}"), "name": name, "input": input } }
            ]),
            "tool_use",
        ))
        .into_response(),
        Some(Answer::Error(status, kind, message)) => {
            error(StatusCode::from_u16(status).unwrap(), kind, message)
        }
        Some(Answer::Body(text)) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            text,
        )
            .into_response(),
        Some(Answer::Hang(pause)) => {
            tokio::time::sleep(pause).await;
            axum::Json(converse(json!([{ "text": "too late" }]), "end_turn")).into_response()
        }
        None => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "the test asked more often than it scripted",
        ),
    }
}

/// A Converse response as the API reference documents it.
fn converse(content: Value, stop_reason: &str) -> Value {
    json!({
        "output": { "message": { "role": "assistant", "content": content } },
        "stopReason": stop_reason,
        "usage": { "inputTokens": 412, "outputTokens": 38, "totalTokens": 450 },
        "metrics": { "latencyMs": 812 }
    })
}

fn asked(text: &str) -> Vec<Message> {
    vec![Message::User(text.into())]
}

#[tokio::test]
async fn a_plain_answer_and_the_request_as_converse_documents_it() {
    let bedrock = Bedrock::start(vec![Answer::Words("Hello there.")]).await;
    let reply = bedrock.ask(&asked("hi")).await.unwrap();
    assert_eq!(reply.text, "Hello there.");
    assert!(reply.calls.is_empty());
    let sent = &bedrock.requests()[0];
    assert_eq!(
        sent["messages"],
        json!([{ "role": "user", "content": [{ "text": "hi" }] }])
    );
    assert_eq!(sent["toolConfig"]["toolChoice"], json!({ "auto": {} }));
    let names: Vec<&str> = sent["toolConfig"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["toolSpec"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "search_products",
            "get_product",
            "compare_products",
            "add_to_cart"
        ]
    );
}

#[tokio::test]
async fn a_tool_use_is_a_call_and_its_result_goes_back_as_a_tool_result() {
    let bedrock = Bedrock::start(vec![
        Answer::Call(
            "search_products",
            json!({ "text": "speakers", "max_price_cents": 20000 }),
        ),
        Answer::Words("Two speakers fit."),
    ])
    .await;
    let first = bedrock.ask(&asked("speakers under $200")).await.unwrap();
    assert_eq!(first.text, "Let me look that up.");
    assert_eq!(first.calls.len(), 1);
    let call = &first.calls[0];
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("tooluse_search_products", "search_products")
    );
    let arguments: Value = serde_json::from_str(&call.arguments).unwrap();
    assert_eq!(
        arguments,
        json!({ "text": "speakers", "max_price_cents": 20000 })
    );

    let mut history = asked("speakers under $200");
    history.push(Message::Assistant {
        text: first.text.clone(),
        calls: first.calls.clone(),
    });
    history.push(Message::Tool {
        id: call.id.clone(),
        content: r#"{"products":[{"slug":"tidepool-portable-speaker"}]}"#.into(),
        is_error: false,
    });
    let second = bedrock.ask(&history).await.unwrap();
    assert_eq!(second.text, "Two speakers fit.");
    let sent = &bedrock.requests()[1]["messages"];
    assert_eq!(
        sent[1]["content"][1]["toolUse"]["input"]["max_price_cents"],
        20000
    );
    assert_eq!(
        sent[2],
        json!({ "role": "user", "content": [{ "toolResult": {
            "toolUseId": "tooluse_search_products",
            "content": [{ "json": { "products": [{ "slug": "tidepool-portable-speaker" }] } }],
            "status": "success"
        } }] })
    );
}

#[tokio::test]
async fn refused_credentials_are_not_asked_again() {
    let bedrock = Bedrock::start(vec![Answer::Error(
        403,
        "AccessDeniedException",
        "You don't have access to the model with the specified model ID.",
    )])
    .await;
    let error = bedrock.ask(&asked("hi")).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Unauthorized { status: 403, message } if message.contains("access to the model")),
        "{error:?}"
    );
    assert_eq!(bedrock.requests().len(), 1);
}

#[tokio::test]
async fn throttling_and_a_server_error_are_asked_again_until_an_answer() {
    let bedrock = Bedrock::start(vec![
        Answer::Error(
            429,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        ),
        Answer::Error(
            500,
            "InternalServerException",
            "The server encountered an error.",
        ),
        Answer::Words("Here you are."),
    ])
    .await;
    let reply = bedrock.ask(&asked("hi")).await.unwrap();
    assert_eq!(reply.text, "Here you are.");
    assert_eq!(bedrock.requests().len(), 3);
}

#[tokio::test]
async fn a_request_refused_as_invalid_is_not_asked_again_and_names_the_code() {
    let bedrock = Bedrock::start(vec![Answer::Error(
        400,
        "ValidationException",
        "The provided model identifier is invalid.",
    )])
    .await;
    let error = bedrock.ask(&asked("hi")).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Rejected { status: 400, code, .. } if code == "ValidationException"),
        "{error:?}"
    );
    assert_eq!(bedrock.requests().len(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_malformed_after_the_tries() {
    let bedrock = Bedrock::start(vec![Answer::Body("<html>"); 3]).await;
    let error = bedrock.ask(&asked("hi")).await.unwrap_err();
    assert!(matches!(error, ProviderError::Malformed(_)), "{error:?}");
    assert_eq!(bedrock.requests().len(), 3);
}

#[tokio::test]
async fn a_server_that_hangs_past_the_limit_is_given_up_on() {
    let bedrock = Bedrock::start_within(
        vec![Answer::Hang(Duration::from_secs(30)); 3],
        Duration::from_millis(300),
    )
    .await;
    let started = Instant::now();
    let error = bedrock.ask(&asked("hi")).await.unwrap_err();
    assert!(matches!(error, ProviderError::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shop_runs_the_tool_bedrock_calls_and_the_cards_come_from_the_catalog() {
    let bedrock = Bedrock::start(vec![
        Answer::Call("search_products", json!({ "text": "speakers" })),
        Answer::Words(
            "The Tidepool Portable Speaker goes anywhere; the Resonant Bookshelf Speakers fill a room.",
        ),
    ])
    .await;
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "ai-").await;
    init_tables(&store).await.unwrap();
    let shop = Services::start(store)
        .await
        .unwrap()
        .with_assistant_model(Some(ModelSetup {
            model: bedrock.client.clone(),
            limits: bedrock.limits,
        }));
    domain::catalog::demo::seed(&shop.catalog).await.unwrap();
    shop.catalog.refresh().await.unwrap();

    let owner = CartOwner::new_guest();
    let conversation = shop
        .assistant
        .ask(
            Asker::Visitor(&owner),
            ShopperMessage::parse("compare the two speakers").unwrap(),
        )
        .await
        .unwrap();
    let turn = &conversation.turns[1];
    assert!(
        turn.text.contains("Tidepool Portable Speaker"),
        "{}",
        turn.text
    );
    let mut cards = turn.cards.clone();
    cards.sort();
    assert_eq!(
        cards,
        ["resonant-bookshelf-speakers", "tidepool-portable-speaker"]
    );

    let requests = bedrock.requests();
    assert_eq!(requests.len(), 2);
    let result = &requests[1]["messages"][2]["content"][0]["toolResult"];
    assert_eq!(result["toolUseId"], "tooluse_search_products");
    let slugs: Vec<&str> = result["content"][0]["json"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"tidepool-portable-speaker"), "{slugs:?}");
    assert_eq!(shop.assistant.counts().model, 1);
}
