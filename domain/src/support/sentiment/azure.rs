//! Azure AI Language sentiment analysis over its REST API:
//! `POST {endpoint}/language/:analyze-text?api-version=2023-04-01`, kind `SentimentAnalysis`,
//! the key in `Ocp-Apim-Subscription-Key`.
//!
//! What the service documents and this client honours:
//! - at most 10 documents per request, so texts go in batches of 10;
//! - at most 5,120 characters per document, so longer texts are cut (a customer message is
//!   shorter anyway);
//! - a document it cannot score comes back in `results.errors[]` while the others are
//!   scored, so it fails alone;
//! - 429 carries `Retry-After`; it and 5xx are asked again, a bounded number of times with
//!   backoff, and every request has a timeout.

use std::time::Duration;

use serde::Deserialize;

use super::provider::{DocumentError, Scores, SentimentAnalyzer};
use super::{Sentiment, SentimentLabel};
pub use crate::provider::RetryPolicy;
use crate::provider::{retry_after, ProviderError};
use crate::FieldError;

pub const API_VERSION: &str = "2023-04-01";
/// Documents per request (the service's limit for sentiment analysis).
pub const MAX_DOCUMENTS: usize = 10;
/// Characters per document (the service's limit for synchronous requests).
pub const MAX_CHARS: usize = 5_120;

/// A client of one Azure AI Language resource.
#[derive(Clone)]
pub struct AzureLanguage {
    client: reqwest::Client,
    url: String,
    key: String,
    timeout: Duration,
    retry: RetryPolicy,
}

impl std::fmt::Debug for AzureLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureLanguage")
            .field("url", &self.url)
            .field("key", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl AzureLanguage {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A client of the resource at `endpoint` (`https://<name>.cognitiveservices.azure.com`).
    pub fn new(endpoint: &str, key: &str) -> Result<Self, FieldError> {
        let endpoint = endpoint.trim().trim_end_matches('/');
        let valid = (endpoint.starts_with("https://") || endpoint.starts_with("http://"))
            && endpoint.len() > "https://".len()
            && !endpoint.contains(['?', '#', ' ']);
        if !valid {
            return Err(FieldError::new(
                "CLOUDMART_AZURE_LANGUAGE_ENDPOINT",
                "must be the resource's https:// endpoint, like https://shop.cognitiveservices.azure.com",
            ));
        }
        let key = key.trim();
        if key.is_empty() || key.chars().any(|c| c.is_control() || c == ' ') {
            return Err(FieldError::new(
                "CLOUDMART_AZURE_LANGUAGE_KEY",
                "must be the resource's key (one of its two keys, without spaces)",
            ));
        }
        Ok(Self {
            client: reqwest::Client::new(),
            url: format!("{endpoint}/language/:analyze-text?api-version={API_VERSION}"),
            key: key.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        Self { retry, ..self }
    }

    /// One batch, asked again while it fails transiently and tries are left.
    async fn batch(&self, texts: &[String]) -> Result<Scores, ProviderError> {
        self.retry
            .run("Azure AI Language", || self.request(texts))
            .await
    }

    async fn request(&self, texts: &[String]) -> Result<Scores, ProviderError> {
        let documents: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                serde_json::json!({
                    "id": i.to_string(),
                    "language": "en",
                    "text": cut(text),
                })
            })
            .collect();
        let body = serde_json::json!({
            "kind": "SentimentAnalysis",
            "parameters": { "modelVersion": "latest", "opinionMining": false },
            "analysisInput": { "documents": documents },
        });
        let response = self
            .client
            .post(&self.url)
            .header("Ocp-Apim-Subscription-Key", &self.key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .timeout(self.timeout)
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| ProviderError::of_transport(&e, self.timeout))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ProviderError::of_transport(&e, self.timeout))?;
        if status == 200 {
            return parse_results(&bytes, texts.len());
        }
        let (code, message) = error_of(&bytes);
        Err(ProviderError::of_status(status, code, message, retry_after))
    }
}

impl SentimentAnalyzer for AzureLanguage {
    fn name(&self) -> &'static str {
        "azure"
    }

    async fn analyze(&self, texts: &[String]) -> Result<Scores, ProviderError> {
        let mut scores = Vec::with_capacity(texts.len());
        for batch in texts.chunks(MAX_DOCUMENTS) {
            scores.extend(self.batch(batch).await?);
        }
        Ok(scores)
    }
}

/// At most [`MAX_CHARS`] characters of `text`.
fn cut(text: &str) -> &str {
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[derive(Deserialize)]
struct AnalyzeResponse {
    kind: String,
    results: Results,
}

#[derive(Deserialize)]
struct Results {
    documents: Vec<DocumentResult>,
    #[serde(default)]
    errors: Vec<DocumentFailure>,
}

#[derive(Deserialize)]
struct DocumentResult {
    id: String,
    sentiment: String,
    #[serde(rename = "confidenceScores")]
    confidence_scores: Confidence,
}

#[derive(Deserialize)]
struct Confidence {
    positive: f64,
    neutral: f64,
    negative: f64,
}

#[derive(Deserialize)]
struct DocumentFailure {
    id: String,
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    innererror: Option<Box<ErrorBody>>,
}

impl ErrorBody {
    /// The most specific code and message (the inner error's, when there is one).
    fn innermost(self) -> (String, String) {
        match self.innererror {
            Some(inner) => inner.innermost(),
            None => (self.code, self.message),
        }
    }
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: ErrorBody,
}

/// The code and message of an error answer, or what can be said of an undocumented one.
fn error_of(bytes: &[u8]) -> (String, String) {
    match serde_json::from_slice::<ErrorResponse>(bytes) {
        Ok(e) => e.error.innermost(),
        Err(_) => (
            "Unknown".to_owned(),
            String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
        ),
    }
}

/// Each of `count` documents' score, by the ids this client sent (`0`, `1`, …).
fn parse_results(bytes: &[u8], count: usize) -> Result<Scores, ProviderError> {
    let malformed = |what: String| ProviderError::Malformed(what);
    let response: AnalyzeResponse =
        serde_json::from_slice(bytes).map_err(|e| malformed(e.to_string()))?;
    if response.kind != "SentimentAnalysisResults" {
        return Err(malformed(format!("kind is {:?}", response.kind)));
    }
    let mut scores: Vec<Option<Result<Sentiment, DocumentError>>> = vec![None; count];
    let mut place = |id: &str, score| {
        let slot = id
            .parse::<usize>()
            .ok()
            .and_then(|i| scores.get_mut(i))
            .ok_or_else(|| malformed(format!("unknown document id {id:?}")))?;
        if slot.replace(score).is_some() {
            return Err(malformed(format!("document {id:?} answered twice")));
        }
        Ok(())
    };
    for d in response.results.documents {
        let c = &d.confidence_scores;
        let shares = [c.positive, c.neutral, c.negative];
        if shares
            .iter()
            .any(|s| !s.is_finite() || !(0.0..=1.0).contains(s))
        {
            return Err(malformed(format!(
                "document {:?} has scores out of 0..1",
                d.id
            )));
        }
        let label = SentimentLabel::parse(&d.sentiment).map_err(|_| {
            malformed(format!(
                "document {:?} has sentiment {:?}",
                d.id, d.sentiment
            ))
        })?;
        place(
            &d.id,
            Ok(Sentiment::labelled(
                label, c.positive, c.neutral, c.negative,
            )),
        )?;
    }
    for f in response.results.errors {
        let (code, message) = f.error.innermost();
        place(&f.id, Err(DocumentError { code, message }))?;
    }
    scores
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.ok_or_else(|| malformed(format!("document \"{i}\" is missing"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_at_the_character_limit() {
        let long = "é".repeat(MAX_CHARS + 10);
        assert_eq!(cut(&long).chars().count(), MAX_CHARS);
        assert_eq!(cut("short"), "short");
    }

    #[test]
    fn the_endpoint_and_key_are_checked_naming_the_setting() {
        assert!(AzureLanguage::new("https://shop.cognitiveservices.azure.com/", "k3y").is_ok());
        let bad_endpoint = AzureLanguage::new("shop.azure.com", "k3y").unwrap_err();
        assert_eq!(bad_endpoint.field, "CLOUDMART_AZURE_LANGUAGE_ENDPOINT");
        let bad_key =
            AzureLanguage::new("https://shop.cognitiveservices.azure.com", " ").unwrap_err();
        assert_eq!(bad_key.field, "CLOUDMART_AZURE_LANGUAGE_KEY");
    }

    #[test]
    fn the_key_is_never_printed() {
        let client = AzureLanguage::new("https://x.cognitiveservices.azure.com", "s3cret").unwrap();
        assert!(!format!("{client:?}").contains("s3cret"));
    }
}
