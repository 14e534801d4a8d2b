//! Contract tests of the Azure AI Language client against a local server that checks every
//! request as the service would (path, API version, key, body, batch size) and answers with
//! the shapes the service documents: results with sentences and warnings, per-document
//! errors, error bodies, 429 with `Retry-After`, a malformed body, and no answer at all.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use domain::support::sentiment::azure::{AzureLanguage, RetryPolicy, MAX_CHARS, MAX_DOCUMENTS};
use domain::support::sentiment::provider::{ProviderError, SentimentAnalyzer};
use domain::support::sentiment::SentimentLabel;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// What the fake service answers to the next request.
#[derive(Clone)]
enum Answer {
    /// Scores every document: "angry" texts negative, "thanks" positive, else neutral.
    Score,
    /// Scores all but the document at this index, which is refused in `errors[]`.
    RefuseDocument(usize),
    Status(u16, Value),
    TooManyRequests {
        retry_after_secs: u64,
    },
    Body(&'static str),
    Hang(Duration),
}

#[derive(Default)]
struct Fake {
    answers: Mutex<VecDeque<Answer>>,
    /// The documents of each request received, in order.
    requests: Mutex<Vec<Vec<Value>>>,
}

struct Service {
    fake: Arc<Fake>,
    /// `http://127.0.0.1:<port>`.
    endpoint: String,
    client: AzureLanguage,
}

impl Service {
    async fn start(answers: Vec<Answer>) -> Self {
        let fake = Arc::new(Fake {
            answers: Mutex::new(answers.into()),
            requests: Mutex::default(),
        });
        let app = Router::new().fallback(handle).with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let endpoint = format!("http://{addr}");
        let client = AzureLanguage::new(&format!("{endpoint}/"), KEY)
            .unwrap()
            .with_timeout(Duration::from_millis(500))
            .with_retry(RetryPolicy {
                attempts: 3,
                backoff: Duration::from_millis(20),
                max_wait: Duration::from_secs(2),
            });
        Self {
            fake,
            endpoint,
            client,
        }
    }

    fn request_sizes(&self) -> Vec<usize> {
        self.fake
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(Vec::len)
            .collect()
    }
}

/// Checks the request the way the service does, then answers as told.
async fn handle(
    State(fake): State<Arc<Fake>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let problem = |status: StatusCode, code: &str, message: String| {
        (
            status,
            axum::Json(json!({"error": {"code": code, "message": message}})),
        )
            .into_response()
    };
    if uri.path() != "/language/:analyze-text" {
        return problem(
            StatusCode::NOT_FOUND,
            "404",
            format!("no route {}", uri.path()),
        );
    }
    if uri.query() != Some("api-version=2023-04-01") {
        return problem(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "api-version".into(),
        );
    }
    if headers
        .get("ocp-apim-subscription-key")
        .and_then(|v| v.to_str().ok())
        != Some(KEY)
    {
        return problem(
            StatusCode::UNAUTHORIZED,
            "401",
            "Access denied due to invalid subscription key".into(),
        );
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/json") {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "InvalidRequest",
            "content type".into(),
        );
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "body is not JSON".into(),
        );
    };
    assert_eq!(request["kind"], "SentimentAnalysis");
    assert_eq!(request["parameters"]["opinionMining"], false);
    let documents = request["analysisInput"]["documents"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!documents.is_empty(), "an empty batch was sent");
    assert!(
        documents.len() <= MAX_DOCUMENTS,
        "a batch of {} documents",
        documents.len()
    );
    for (i, d) in documents.iter().enumerate() {
        assert_eq!(d["id"], i.to_string());
        assert_eq!(d["language"], "en");
        let text = d["text"].as_str().unwrap();
        assert!(
            text.chars().count() <= MAX_CHARS,
            "a document of {} characters",
            text.chars().count()
        );
    }
    fake.requests.lock().unwrap().push(documents.clone());
    let answer = fake
        .answers
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Answer::Score);
    match answer {
        Answer::Score => axum::Json(results(&documents, None)).into_response(),
        Answer::RefuseDocument(i) => axum::Json(results(&documents, Some(i))).into_response(),
        Answer::Status(status, body) => {
            (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
        }
        Answer::TooManyRequests { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_secs.to_string())],
            axum::Json(json!({"error": {"code": "429", "message": "Rate limit is exceeded."}})),
        )
            .into_response(),
        Answer::Body(text) => {
            (StatusCode::OK, [("content-type", "application/json")], text).into_response()
        }
        Answer::Hang(how_long) => {
            tokio::time::sleep(how_long).await;
            axum::Json(results(&documents, None)).into_response()
        }
    }
}

/// A `SentimentAnalysisResults` answer as the service documents it, sentences and all.
fn results(documents: &[Value], refused: Option<usize>) -> Value {
    let mut scored = Vec::new();
    let mut errors = Vec::new();
    for (i, d) in documents.iter().enumerate() {
        let id = d["id"].clone();
        if refused == Some(i) {
            errors.push(json!({
                "id": id,
                "error": {
                    "code": "InvalidArgument",
                    "message": "Invalid document in request.",
                    "innererror": {"code": "InvalidDocument", "message": "Document text is empty."}
                }
            }));
            continue;
        }
        let text = d["text"].as_str().unwrap();
        let (label, scores) = if text.contains("angry") {
            (
                "negative",
                json!({"positive": 0.01, "neutral": 0.04, "negative": 0.95}),
            )
        } else if text.contains("thanks") {
            (
                "positive",
                json!({"positive": 0.9, "neutral": 0.08, "negative": 0.02}),
            )
        } else {
            (
                "neutral",
                json!({"positive": 0.1, "neutral": 0.8, "negative": 0.1}),
            )
        };
        scored.push(json!({
            "id": id,
            "sentiment": label,
            "confidenceScores": scores,
            "sentences": [{
                "sentiment": label,
                "confidenceScores": scores,
                "offset": 0,
                "length": text.len(),
                "text": text
            }],
            "warnings": []
        }));
    }
    json!({
        "kind": "SentimentAnalysisResults",
        "results": {"documents": scored, "errors": errors, "modelVersion": "2022-11-01"}
    })
}

fn texts(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

#[tokio::test]
async fn each_text_gets_the_label_and_shares_the_service_gave_in_order() {
    let service = Service::start(vec![Answer::Score]).await;
    let scores = service
        .client
        .analyze(&texts(&["I am angry", "thanks a lot", "where is it"]))
        .await
        .unwrap();
    let labels: Vec<_> = scores.iter().map(|s| s.as_ref().unwrap().label).collect();
    assert_eq!(
        labels,
        [
            SentimentLabel::Negative,
            SentimentLabel::Positive,
            SentimentLabel::Neutral
        ]
    );
    let angry = scores[0].as_ref().unwrap();
    assert_eq!(
        (angry.positive, angry.neutral, angry.negative),
        (10, 40, 950)
    );
    assert_eq!(angry.compound, -940);
    assert_eq!(service.request_sizes(), [3]);
}

#[tokio::test]
async fn texts_go_in_batches_of_at_most_ten() {
    let service = Service::start(vec![]).await;
    let many: Vec<String> = (0..23).map(|i| format!("message {i}")).collect();
    let scores = service.client.analyze(&many).await.unwrap();
    assert_eq!(scores.len(), 23);
    assert!(scores.iter().all(Result::is_ok));
    assert_eq!(service.request_sizes(), [10, 10, 3]);
}

#[tokio::test]
async fn a_text_over_the_limit_is_cut_to_it() {
    let service = Service::start(vec![]).await;
    let long = "thanks ".repeat(1_000);
    let scores = service.client.analyze(&[long]).await.unwrap();
    assert_eq!(scores[0].as_ref().unwrap().label, SentimentLabel::Positive);
    let sent = service.fake.requests.lock().unwrap()[0][0]["text"]
        .as_str()
        .unwrap()
        .chars()
        .count();
    assert_eq!(sent, MAX_CHARS);
}

#[tokio::test]
async fn a_document_the_service_refuses_fails_alone() {
    let service = Service::start(vec![Answer::RefuseDocument(1)]).await;
    let scores = service
        .client
        .analyze(&texts(&["thanks", "?", "I am angry"]))
        .await
        .unwrap();
    assert!(scores[0].is_ok() && scores[2].is_ok());
    let refused = scores[1].as_ref().unwrap_err();
    assert_eq!(refused.code, "InvalidDocument");
    assert_eq!(refused.message, "Document text is empty.");
    assert_eq!(service.request_sizes(), [3], "not asked again");
}

#[tokio::test]
async fn a_bad_request_is_refused_at_once_with_the_service_code() {
    let body = json!({"error": {"code": "InvalidRequest", "message": "Invalid Request.",
        "innererror": {"code": "InvalidParameterValue", "message": "Job task parameter value bad"}}});
    let service = Service::start(vec![Answer::Status(400, body)]).await;
    let error = service
        .client
        .analyze(&texts(&["hello"]))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ProviderError::Rejected {
            status: 400,
            code: "InvalidParameterValue".into(),
            message: "Job task parameter value bad".into()
        }
    );
    assert!(!error.is_transient());
    assert_eq!(service.request_sizes(), [1]);
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_not_asked_again() {
    let service = Service::start(vec![]).await;
    let client = AzureLanguage::new(&service.endpoint, "wrong-key").unwrap();
    let error = client.analyze(&texts(&["hello"])).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert!(!error.is_transient());
}

#[tokio::test]
async fn a_rate_limit_waits_as_long_as_retry_after_says_then_asks_again() {
    let service = Service::start(vec![
        Answer::TooManyRequests {
            retry_after_secs: 1,
        },
        Answer::Score,
    ])
    .await;
    let started = Instant::now();
    let scores = service.client.analyze(&texts(&["thanks"])).await.unwrap();
    assert!(scores[0].is_ok());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(service.request_sizes(), [1, 1]);
}

#[tokio::test]
async fn a_rate_limit_longer_than_the_client_waits_is_left_to_the_worker() {
    let service = Service::start(vec![Answer::TooManyRequests {
        retry_after_secs: 60,
    }])
    .await;
    let error = service
        .client
        .analyze(&texts(&["thanks"]))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(60))
        }
    );
    assert!(error.is_transient());
    assert_eq!(service.request_sizes(), [1]);
}

#[tokio::test]
async fn server_errors_are_asked_again_a_bounded_number_of_times() {
    let unavailable =
        json!({"error": {"code": "InternalServerError", "message": "Internal error."}});
    let service = Service::start(vec![
        Answer::Status(503, unavailable.clone()),
        Answer::Status(500, unavailable.clone()),
        Answer::Score,
    ])
    .await;
    assert!(service.client.analyze(&texts(&["thanks"])).await.is_ok());
    assert_eq!(service.request_sizes(), [1, 1, 1]);

    let down = Service::start(vec![Answer::Status(503, unavailable); 5]).await;
    let error = down.client.analyze(&texts(&["thanks"])).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Unavailable { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(down.request_sizes(), [1, 1, 1], "three tries in all");
}

#[tokio::test]
async fn a_malformed_answer_is_an_error_not_a_score() {
    for body in [
        "not json",
        r#"{"kind": "SentimentAnalysisResults"}"#,
        r#"{"kind": "EntityRecognitionResults", "results": {"documents": [], "errors": []}}"#,
        r#"{"kind": "SentimentAnalysisResults", "results": {"documents": [], "errors": []}}"#,
        r#"{"kind": "SentimentAnalysisResults", "results": {"documents": [{"id": "0", "sentiment": "furious", "confidenceScores": {"positive": 0, "neutral": 0, "negative": 1}}], "errors": []}}"#,
        r#"{"kind": "SentimentAnalysisResults", "results": {"documents": [{"id": "0", "sentiment": "negative", "confidenceScores": {"positive": 0, "neutral": 0, "negative": 7}}], "errors": []}}"#,
        r#"{"kind": "SentimentAnalysisResults", "results": {"documents": [{"id": "9", "sentiment": "negative", "confidenceScores": {"positive": 0, "neutral": 0, "negative": 1}}], "errors": []}}"#,
    ] {
        let service = Service::start(vec![Answer::Body(body); 3]).await;
        let error = service
            .client
            .analyze(&texts(&["hello"]))
            .await
            .unwrap_err();
        assert!(
            matches!(error, ProviderError::Malformed(_)),
            "{body}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_service_that_does_not_answer_times_out() {
    let service = Service::start(vec![Answer::Hang(Duration::from_secs(5)); 3]).await;
    let started = Instant::now();
    let error = service
        .client
        .analyze(&texts(&["hello"]))
        .await
        .unwrap_err();
    assert_eq!(error, ProviderError::Timeout(Duration::from_millis(500)));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_service_that_is_not_there_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = AzureLanguage::new(&format!("http://{addr}"), KEY)
        .unwrap()
        .with_retry(RetryPolicy {
            attempts: 2,
            backoff: Duration::from_millis(10),
            max_wait: Duration::from_millis(100),
        });
    let error = client.analyze(&texts(&["hello"])).await.unwrap_err();
    assert!(matches!(error, ProviderError::Unreachable(_)), "{error:?}");
}
