//! The one seam every sentiment provider sits behind, and the analyzer the shop is
//! configured with.

use std::future::Future;

use super::azure::AzureLanguage;
use super::Sentiment;

/// A text the provider could not score, while it scored the others (Azure's `errors[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    pub code: String,
    pub message: String,
}

/// Each text's score, in the order given.
pub type Scores = Vec<Result<Sentiment, DocumentError>>;

/// Why a provider gave no scores at all. Nothing is lost: the message is stored already and
/// the scoring worker asks again later.
pub use crate::provider::ProviderError;

/// Scores customer messages on the server.
pub trait SentimentAnalyzer: Send + Sync {
    /// The provider's name, for logs and metrics (`offline`, `azure`).
    fn name(&self) -> &'static str;

    /// Scores each text. Fails as a whole only when the provider could not be asked; a text
    /// it could not score is an `Err` in its place.
    fn analyze(
        &self,
        texts: &[String],
    ) -> impl Future<Output = Result<Scores, ProviderError>> + Send;
}

/// The offline analyzer: always there, never fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct Offline;

impl SentimentAnalyzer for Offline {
    fn name(&self) -> &'static str {
        "offline"
    }

    fn analyze(
        &self,
        texts: &[String],
    ) -> impl Future<Output = Result<Scores, ProviderError>> + Send {
        let scores = texts
            .iter()
            .map(|t| Ok(super::offline::analyze(t)))
            .collect();
        std::future::ready(Ok(scores))
    }
}

/// The analyzer this shop runs: Azure AI Language when it is configured, else offline.
#[derive(Debug, Clone)]
pub enum Analyzer {
    Offline(Offline),
    Azure(AzureLanguage),
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::Offline(Offline)
    }
}

impl SentimentAnalyzer for Analyzer {
    fn name(&self) -> &'static str {
        match self {
            Analyzer::Offline(a) => a.name(),
            Analyzer::Azure(a) => a.name(),
        }
    }

    async fn analyze(&self, texts: &[String]) -> Result<Scores, ProviderError> {
        match self {
            Analyzer::Offline(a) => a.analyze(texts).await,
            Analyzer::Azure(a) => a.analyze(texts).await,
        }
    }
}
