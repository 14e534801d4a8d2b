//! Sentiment scoring: at once in the write when the analyzer is local, else afterwards and
//! by the `sentiment-scoring` worker, which retries while the provider is down.

use std::time::Duration;

use super::{Decision, Part, SupportService};
use crate::support::sentiment::provider::SentimentAnalyzer;
use crate::support::sentiment::{offline, provider::Analyzer, Sentiment};
use crate::support::table;
use crate::support::ticket::{Message, Ticket, TicketId};
use crate::support::SupportError;

/// How long the scoring worker waits between rounds when nothing failed.
pub const SCORING_INTERVAL: Duration = Duration::from_secs(5);
/// Messages the scoring worker takes per round.
const SCORING_BATCH: usize = 50;

impl SupportService {
    /// A local analyzer scores in the write itself; a remote one is asked afterwards, so it
    /// never holds the message up.
    pub(super) fn score_at_once(&self, message: &Message) -> Option<Sentiment> {
        match &self.analyzer {
            Analyzer::Offline(_) => Some(offline::analyze(message.body.as_str())),
            Analyzer::Azure(_) => None,
        }
    }

    /// Asks a remote analyzer for the ticket's unscored messages in the background; what it
    /// cannot score now, the scoring worker asks again.
    pub(super) fn score_later(&self, ticket: &Ticket) {
        if ticket.unscored == 0 {
            return;
        }
        let service = self.clone();
        let id = ticket.id.clone();
        tokio::spawn(async move {
            if let Err(error) = service.score_ticket(&id).await {
                tracing::warn!(%error, ticket = id.as_str(), "sentiment not scored yet; the worker will retry");
            }
        });
    }

    /// Scores the ticket's customer messages that wait for a score.
    pub async fn score_ticket(&self, id: &TicketId) -> Result<usize, SupportError> {
        let waiting: Vec<Message> = table::messages(&self.store, id)
            .await?
            .into_iter()
            .filter(|m| m.is_scored_kind() && m.sentiment.is_none())
            .collect();
        self.score(waiting).await
    }

    /// One round of the scoring worker: up to `limit` of the oldest unscored messages.
    /// Returns how many were scored; a provider that is down is an error, and the messages
    /// wait for the next round.
    #[tracing::instrument(name = "support.score_waiting", skip(self))]
    pub async fn score_waiting(&self, limit: usize) -> Result<usize, SupportError> {
        let waiting = table::unscored(&self.store, limit).await?;
        self.score(waiting).await
    }

    async fn score(&self, waiting: Vec<Message>) -> Result<usize, SupportError> {
        if waiting.is_empty() {
            return Ok(0);
        }
        let texts: Vec<String> = waiting.iter().map(|m| m.body.as_str().to_owned()).collect();
        let scores = self.analyzer.analyze(&texts).await?;
        let mut scored = 0;
        for (message, score) in waiting.into_iter().zip(scores) {
            // A text the provider refuses for good is scored offline, so it does not wait
            // for ever.
            let sentiment = score.unwrap_or_else(|refused| {
                tracing::warn!(code = %refused.code, message = %refused.message, "sentiment provider refused a message; scored offline");
                offline::analyze(message.body.as_str())
            });
            if self.record(message, sentiment).await? {
                scored += 1;
            }
        }
        Ok(scored)
    }

    /// Stores a message's score and takes it into its ticket's mood and rank, in one
    /// transaction. `false` if it was scored meanwhile.
    async fn record(&self, message: Message, sentiment: Sentiment) -> Result<bool, SupportError> {
        let ticket_id = message.ticket.clone();
        let (_, recorded) = self
            .change(&ticket_id, |t, _| {
                if t.recent_scores.iter().any(|(seq, _)| *seq == message.seq) {
                    return Ok(Decision::just(false));
                }
                t.record_score(message.seq, sentiment.compound);
                t.unscored = t.unscored.saturating_sub(1);
                let scored = Message {
                    sentiment: Some(sentiment),
                    ..message.clone()
                };
                Ok(Decision {
                    items: vec![(Part::Message, table::replace_message(&self.store, &scored)?)],
                    out: true,
                })
            })
            .await?;
        Ok(recorded)
    }

    /// The `sentiment-scoring` worker: scores customer messages a remote provider has not
    /// scored yet, backing off while it is down, until `stop`.
    pub async fn keep_scoring(self, every: Duration, mut stop: crate::worker::StopSignal) {
        let mut outage = crate::worker::Outage::new("sentiment-scoring");
        let mut delay = every;
        while stop.sleep(delay).await {
            delay = match self.score_waiting(SCORING_BATCH).await {
                Ok(n) => {
                    outage.succeeded();
                    // A full round may have left more: go on at once.
                    if n == SCORING_BATCH {
                        Duration::ZERO
                    } else {
                        every
                    }
                }
                Err(e) => outage.failed(every, &e),
            };
        }
    }
}
