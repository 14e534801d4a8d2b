//! How a customer feels, message by message, and the mood of a whole conversation.
//!
//! Scores are whole thousandths (`-1000..=1000` for the compound, `0..=1000` for each
//! share), so a stored score is exact, comparable and never NaN.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod azure;
#[cfg(feature = "ssr")]
pub mod offline;
#[cfg(feature = "ssr")]
pub mod provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SentimentLabel {
    Positive,
    Neutral,
    Negative,
    /// Strongly positive and negative at once (Azure's `mixed`).
    Mixed,
}

impl SentimentLabel {
    pub const ALL: [SentimentLabel; 4] = [
        SentimentLabel::Positive,
        SentimentLabel::Neutral,
        SentimentLabel::Negative,
        SentimentLabel::Mixed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SentimentLabel::Positive => "positive",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Negative => "negative",
            SentimentLabel::Mixed => "mixed",
        }
    }

    /// The label of a compound, by [`LABEL_THRESHOLD`].
    pub fn of_compound(compound: i16) -> Self {
        label_of(compound)
    }

    pub fn parse(text: &str) -> Result<Self, crate::FieldError> {
        SentimentLabel::ALL
            .into_iter()
            .find(|l| l.as_str() == text.trim())
            .ok_or_else(|| {
                crate::FieldError::new("sentiment", "must be positive, neutral, negative or mixed")
            })
    }
}

/// One message's sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// From -1000 (as negative as it gets) to 1000.
    pub compound: i16,
    /// The shares of positive, neutral and negative, each 0..=1000.
    pub positive: u16,
    pub neutral: u16,
    pub negative: u16,
}

/// The compound at or above which a text is positive, and at or below whose negation it is
/// negative (VADER's published thresholds, ±0.05).
pub const LABEL_THRESHOLD: i16 = 50;

impl Sentiment {
    /// From shares in 0.0..=1.0 and a compound in -1.0..=1.0; anything out of range (NaN
    /// included) is clamped, so the result is always a valid score.
    pub fn from_scores(compound: f64, positive: f64, neutral: f64, negative: f64) -> Self {
        let compound = thousandths(compound, -1.0);
        Self {
            label: label_of(compound),
            compound,
            positive: thousandths(positive, 0.0) as u16,
            neutral: thousandths(neutral, 0.0) as u16,
            negative: thousandths(negative, 0.0) as u16,
        }
    }

    /// A label given by a provider with its confidence shares: the compound is the positive
    /// share less the negative one.
    pub fn labelled(label: SentimentLabel, positive: f64, neutral: f64, negative: f64) -> Self {
        let mut s = Self::from_scores(positive - negative, positive, neutral, negative);
        s.label = label;
        s
    }

    /// The compound as -1.0..=1.0.
    pub fn compound_f64(&self) -> f64 {
        f64::from(self.compound) / 1000.0
    }
}

fn thousandths(value: f64, min: f64) -> i16 {
    if value.is_nan() {
        return 0;
    }
    (value.clamp(min, 1.0) * 1000.0).round() as i16
}

fn label_of(compound: i16) -> SentimentLabel {
    if compound >= LABEL_THRESHOLD {
        SentimentLabel::Positive
    } else if compound <= -LABEL_THRESHOLD {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    }
}

/// Which way the customer's mood went with their last message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    Improving,
    Steady,
    Worsening,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Steady => "steady",
            Trend::Worsening => "worsening",
        }
    }
}

/// The mood of a conversation: the customer's messages, recent ones weighing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mood {
    /// -1000..=1000, as [`Sentiment::compound`].
    pub compound: i16,
    pub trend: Trend,
    /// How many customer messages were scored.
    pub scored: u32,
}

/// How far the mood must move with one message to be a trend, in thousandths.
const TREND_STEP: i32 = 150;

impl Mood {
    /// The mood of a conversation from its customer messages' compounds, oldest first:
    /// each message moves the mood halfway to its own score, so the last one weighs as
    /// much as all before it; the trend is where that last step went.
    pub fn of(compounds: &[i16]) -> Option<Self> {
        let (&first, rest) = compounds.split_first()?;
        let mut mood = i32::from(first);
        let mut before = mood;
        for &c in rest {
            before = mood;
            mood = (mood + i32::from(c)) / 2;
        }
        let step = mood - before;
        let trend = if rest.is_empty() || step.abs() < TREND_STEP {
            Trend::Steady
        } else if step > 0 {
            Trend::Improving
        } else {
            Trend::Worsening
        };
        Some(Self {
            compound: mood as i16,
            trend,
            scored: u32::try_from(compounds.len()).unwrap_or(u32::MAX),
        })
    }

    pub fn label(&self) -> SentimentLabel {
        label_of(self.compound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_clamped_and_never_nan() {
        let s = Sentiment::from_scores(f64::NAN, 2.0, -1.0, f64::INFINITY);
        assert_eq!(
            (s.compound, s.positive, s.neutral, s.negative),
            (0, 1000, 0, 1000)
        );
        assert_eq!(s.label, SentimentLabel::Neutral);
        assert_eq!(Sentiment::from_scores(-3.0, 0.0, 0.0, 1.0).compound, -1000);
    }

    #[test]
    fn the_label_follows_the_compound_thresholds() {
        assert_eq!(
            Sentiment::from_scores(0.05, 0.0, 1.0, 0.0).label,
            SentimentLabel::Positive
        );
        assert_eq!(
            Sentiment::from_scores(0.049, 0.0, 1.0, 0.0).label,
            SentimentLabel::Neutral
        );
        assert_eq!(
            Sentiment::from_scores(-0.05, 0.0, 1.0, 0.0).label,
            SentimentLabel::Negative
        );
    }

    #[test]
    fn a_provider_label_is_kept_with_its_shares() {
        let s = Sentiment::labelled(SentimentLabel::Mixed, 0.45, 0.1, 0.45);
        assert_eq!(s.label, SentimentLabel::Mixed);
        assert_eq!(s.compound, 0);
        assert_eq!((s.positive, s.neutral, s.negative), (450, 100, 450));
    }

    #[test]
    fn the_last_message_weighs_as_much_as_all_before_it() {
        assert_eq!(Mood::of(&[]), None);
        let calm_then_angry = Mood::of(&[400, 400, -800]).unwrap();
        assert_eq!(calm_then_angry.compound, -200);
        assert_eq!(calm_then_angry.trend, Trend::Worsening);
        assert_eq!(calm_then_angry.scored, 3);
        let angry_then_calm = Mood::of(&[-800, -800, 600]).unwrap();
        assert_eq!(angry_then_calm.trend, Trend::Improving);
        assert_eq!(Mood::of(&[-500]).unwrap().trend, Trend::Steady);
        assert_eq!(Mood::of(&[-500, -450]).unwrap().trend, Trend::Steady);
    }
}
