//! How the desk shows sentiment: a customer's mood (label and trend) and one message's score.

use domain::support::sentiment::{Mood, Sentiment, SentimentLabel, Trend};
use leptos::prelude::*;

pub(super) fn mood_word(label: SentimentLabel) -> &'static str {
    match label {
        SentimentLabel::Negative => "Unhappy",
        SentimentLabel::Neutral => "Neutral",
        SentimentLabel::Positive => "Happy",
        SentimentLabel::Mixed => "Mixed",
    }
}

/// A customer's mood as a badge: its label, its compound and its trend.
pub(super) fn mood_badge(mood: Option<Mood>) -> impl IntoView {
    match mood {
        None => view! { <span class="text-sm text-slate-500">"Not scored yet"</span> }.into_any(),
        Some(m) => {
            let label = m.label();
            let colours = sentiment_colours(label);
            let trend = match m.trend {
                Trend::Worsening => " ↓",
                Trend::Improving => " ↑",
                Trend::Steady => "",
            };
            let title = format!(
                "{} ({:+.2}), {}",
                mood_word(label),
                m.compound as f64 / 1000.0,
                m.trend.as_str()
            );
            view! {
                <span class=format!("rounded-full px-2 py-0.5 text-sm font-medium {colours}") title=title.clone() aria-label=title data-testid="mood">
                    {mood_word(label)}{trend}
                </span>
            }
            .into_any()
        }
    }
}

fn sentiment_colours(label: SentimentLabel) -> &'static str {
    match label {
        SentimentLabel::Negative => "bg-rose-100 text-rose-900",
        SentimentLabel::Positive => "bg-emerald-100 text-emerald-900",
        SentimentLabel::Neutral | SentimentLabel::Mixed => "bg-slate-100 text-slate-800",
    }
}

/// A sentiment badge for one scored customer message.
pub(super) fn sentiment_badge(sentiment: Option<Sentiment>) -> impl IntoView {
    match sentiment {
        None => view! { <span class="text-xs text-slate-500" data-testid="sentiment">"not scored yet"</span> }.into_any(),
        Some(s) => view! {
            <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {}", sentiment_colours(s.label)) data-testid="sentiment">
                {format!("{} {:+.2}", s.label.as_str(), s.compound_f64())}
            </span>
        }.into_any(),
    }
}
