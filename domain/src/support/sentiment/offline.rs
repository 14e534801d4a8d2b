//! The offline sentiment analyzer: a lexicon and rules, no account, no network.
//!
//! It follows the method of VADER (Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model
//! for Sentiment Analysis of Social Media Text", ICWSM 2014), written for CloudMart:
//! - each word's valence comes from a lexicon, on a scale of -4 to 4;
//! - an intensifier before it ("very", "slightly") moves it by 0.293, less with distance;
//! - a negation among the three words before it ("not", "isn't", "never") flips it and
//!   damps it (× -0.74);
//! - a word in capitals among words that are not moves by 0.733;
//! - after "but", words count 1.5 times and before it half;
//! - each "!" (up to 4) adds 0.292 in the direction of the sum, and several "?" up to 0.96;
//! - the sum is normalised to -1..1 as `x / sqrt(x² + 15)`.
//!
//! The data, each file beside this one:
//! - `vader_lexicon.tsv`: the word and its mean rating from `vader_lexicon.txt` of
//!   vaderSentiment 3.3.2 (PyPI; <https://github.com/cjhutto/vaderSentiment>), MIT licence,
//!   © 2016 C.J. Hutto, reproduced in `LICENSE-VADER.txt`;
//! - `shop_lexicon.tsv`: CloudMart's additions for words a shop's customers use;
//! - `emoji.tsv`: CloudMart's ratings of common emoji.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Sentiment;

const BOOST: f64 = 0.293;
const CAPS_BOOST: f64 = 0.733;
const NEGATION: f64 = -0.74;
const EXCLAMATION: f64 = 0.292;
const MAX_EXCLAMATIONS: usize = 4;
const NORMALISER: f64 = 15.0;

/// Words that make the next ones stronger.
const INTENSIFIERS: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerably",
    "decidedly",
    "deeply",
    "enormously",
    "entirely",
    "especially",
    "exceptionally",
    "extremely",
    "fully",
    "greatly",
    "highly",
    "hugely",
    "incredibly",
    "insanely",
    "intensely",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "ridiculously",
    "seriously",
    "so",
    "substantially",
    "super",
    "thoroughly",
    "totally",
    "tremendously",
    "truly",
    "unbelievably",
    "unusually",
    "utterly",
    "very",
];

/// Words that make the next ones weaker.
const DAMPENERS: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "kinda",
    "less",
    "little",
    "marginally",
    "mildly",
    "occasionally",
    "partly",
    "scarcely",
    "slightly",
    "somewhat",
    "sorta",
];

/// Words that turn the meaning of the next ones around (besides every "…n't").
const NEGATIONS: &[&str] = &[
    "aint", "cannot", "cant", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "isnt",
    "neither", "never", "no", "nobody", "none", "nor", "not", "nothing", "nowhere", "wasnt",
    "werent", "without", "wont", "wouldnt", "shouldnt", "couldnt",
];

struct Lexicon {
    words: HashMap<&'static str, f64>,
    emoji: HashMap<char, f64>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut words = HashMap::with_capacity(7_600);
        for file in [
            include_str!("vader_lexicon.tsv"),
            include_str!("shop_lexicon.tsv"),
        ] {
            words.extend(rows(file));
        }
        let emoji = rows(include_str!("emoji.tsv"))
            .filter_map(|(e, v)| Some((e.chars().next()?, v)))
            .collect();
        Lexicon { words, emoji }
    })
}

/// `word<TAB>valence` rows; `#` starts a comment.
fn rows(file: &'static str) -> impl Iterator<Item = (&'static str, f64)> {
    file.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(w, v)| Some((w, v.trim().parse().ok()?)))
}

/// Scores `text` (see the module's documentation). Text with nothing to feel is neutral.
pub fn analyze(text: &str) -> Sentiment {
    let lexicon = lexicon();
    let tokens = tokenize(text, lexicon);
    let caps_differ = {
        let shouting = tokens.iter().filter(|t| t.shouted).count();
        shouting > 0 && shouting < tokens.len()
    };
    let mut valences = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let (valence, used) = valence_at(&tokens, i, caps_differ, lexicon);
        valences.push(valence);
        // The other words of a phrase count as words without a feeling.
        valences.extend(std::iter::repeat_n(0.0, used - 1));
        i += used;
    }
    if let Some(but) = tokens.iter().position(|t| t.lower == "but") {
        for (j, v) in valences.iter_mut().enumerate() {
            match j.cmp(&but) {
                std::cmp::Ordering::Less => *v *= 0.5,
                std::cmp::Ordering::Greater => *v *= 1.5,
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    score(&valences, emphasis(text))
}

struct Token {
    lower: String,
    /// In capitals (at least one letter and no small one).
    shouted: bool,
}

/// Words and emoticons: split at white space, emoji split off as tokens of their own,
/// punctuation stripped from a word's ends unless the whole is an emoticon the lexicon
/// knows (`:)`, `<3`); single letters dropped.
fn tokenize(text: &str, lexicon: &Lexicon) -> Vec<Token> {
    let mut tokens = Vec::new();
    for chunk in text.split_whitespace() {
        let chunk: String = chunk
            .chars()
            .filter(|c| !is_emoji_modifier(*c))
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        let mut word = String::new();
        for c in chunk.chars() {
            if lexicon.emoji.contains_key(&c) {
                push_word(&mut tokens, &word, lexicon);
                word.clear();
                tokens.push(Token {
                    lower: c.to_string(),
                    shouted: false,
                });
            } else {
                word.push(c);
            }
        }
        push_word(&mut tokens, &word, lexicon);
    }
    tokens
}

fn push_word(tokens: &mut Vec<Token>, chunk: &str, lexicon: &Lexicon) {
    let lower = chunk.to_lowercase();
    let (text, lower) = if lexicon.words.contains_key(chunk) {
        (chunk, chunk.to_owned())
    } else if lexicon.words.contains_key(lower.as_str()) {
        (chunk, lower)
    } else {
        let stripped = chunk.trim_matches(|c: char| c.is_ascii_punctuation());
        (stripped, stripped.to_lowercase())
    };
    if text.chars().count() <= 1 {
        return;
    }
    let shouted = text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
    tokens.push(Token { lower, shouted });
}

/// Skin tones, variation selectors and the zero-width joiner.
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{1F3FB}'..='\u{1F3FF}' | '\u{FE0E}' | '\u{FE0F}' | '\u{200D}'
    )
}

fn is_negation(word: &str) -> bool {
    NEGATIONS.contains(&word) || word.ends_with("n't")
}

/// How much an intensifier (positive) or a dampener (negative) moves a valence's size.
fn intensity(token: &Token, valence: f64, caps_differ: bool) -> f64 {
    let word = token.lower.as_str();
    let mut step = if INTENSIFIERS.contains(&word) {
        BOOST
    } else if DAMPENERS.contains(&word) {
        -BOOST
    } else {
        return 0.0;
    };
    if token.shouted && caps_differ {
        step += CAPS_BOOST;
    }
    step * valence.signum()
}

/// The valence of the token at `i` and how many tokens it took (two for a phrase such as
/// "fed up").
fn valence_at(tokens: &[Token], i: usize, caps_differ: bool, lexicon: &Lexicon) -> (f64, usize) {
    let token = &tokens[i];
    let word = token.lower.as_str();
    if INTENSIFIERS.contains(&word) || DAMPENERS.contains(&word) {
        return (0.0, 1);
    }
    if word == "kind" && tokens.get(i + 1).is_some_and(|t| t.lower == "of") {
        return (0.0, 2);
    }
    let phrase = tokens
        .get(i + 1)
        .and_then(|next| lexicon.words.get(format!("{word} {}", next.lower).as_str()));
    let (mut valence, used) = match phrase {
        Some(&v) => (v, 2),
        None => match word_valence(word, lexicon) {
            Some(v) => (v, 1),
            None => return (0.0, 1),
        },
    };
    if token.shouted && caps_differ {
        valence += CAPS_BOOST * valence.signum();
    }
    for distance in 1..=3 {
        let Some(before) = i.checked_sub(distance).map(|j| &tokens[j]) else {
            break;
        };
        let fade = match distance {
            1 => 1.0,
            2 => 0.95,
            _ => 0.9,
        };
        valence += intensity(before, valence, caps_differ) * fade;
        if is_negation(&before.lower) {
            valence *= NEGATION;
        }
    }
    // "least" before a word turns it around, unless it is "at least".
    if i >= 1 && tokens[i - 1].lower == "least" && (i < 2 || tokens[i - 2].lower != "at") {
        valence *= NEGATION;
    }
    (valence, used)
}

fn word_valence(word: &str, lexicon: &Lexicon) -> Option<f64> {
    if let Some(&v) = lexicon.words.get(word) {
        return Some(v);
    }
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => lexicon.emoji.get(&c).copied(),
        _ => None,
    }
}

/// What exclamation and question marks add to the sum's size.
fn emphasis(text: &str) -> f64 {
    let exclamations = text.matches('!').count().min(MAX_EXCLAMATIONS) as f64 * EXCLAMATION;
    let questions = match text.matches('?').count() {
        0 | 1 => 0.0,
        n @ 2..=3 => n as f64 * 0.18,
        _ => 0.96,
    };
    exclamations + questions
}

fn score(valences: &[f64], emphasis: f64) -> Sentiment {
    let sum: f64 = valences.iter().sum();
    if valences.iter().all(|v| *v == 0.0) {
        return Sentiment::from_scores(0.0, 0.0, 1.0, 0.0);
    }
    let total = sum + emphasis * sum.signum();
    let compound = total / (total * total + NORMALISER).sqrt();
    // Shares: every word with a feeling counts its valence plus one, every other word one.
    let mut positive: f64 = valences.iter().filter(|v| **v > 0.0).map(|v| v + 1.0).sum();
    let mut negative: f64 = valences.iter().filter(|v| **v < 0.0).map(|v| 1.0 - v).sum();
    let neutral = valences.iter().filter(|v| **v == 0.0).count() as f64;
    if positive > negative {
        positive += emphasis;
    } else if negative > positive {
        negative += emphasis;
    }
    let all = positive + negative + neutral;
    Sentiment::from_scores(compound, positive / all, neutral / all, negative / all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::sentiment::SentimentLabel::{self, *};

    #[track_caller]
    fn label(text: &str) -> SentimentLabel {
        analyze(text).label
    }

    #[test]
    fn sentences_get_the_label_a_reader_would_give() {
        let table: &[(&str, SentimentLabel)] = &[
            // plain feelings
            ("Great service, thank you so much", Positive),
            ("The parcel arrived damaged and nobody answers", Negative),
            ("Where is my order?", Neutral),
            ("I ordered a lamp on Monday.", Neutral),
            // negation
            ("The lamp is not good", Negative),
            ("This is not bad at all", Positive),
            ("I don't love it", Negative),
            ("Never happy with this service", Negative),
            // intensity
            ("It's okay", Positive),
            ("The fit is slightly disappointing", Negative),
            // mixed: after "but" counts more
            ("The delivery was fast but the item is broken", Negative),
            (
                "The box was damaged but the lamp itself is perfect",
                Positive,
            ),
            // emoji and emoticons
            ("😡😡", Negative),
            ("Arrived today 😊", Positive),
            ("thanks :)", Positive),
            ("👎 still waiting", Negative),
            ("❤️ love it", Positive),
            // shop words
            ("My order is late again", Negative),
            ("Defective on arrival", Negative),
            ("Super quick delivery", Positive),
            // phrases
            ("I am fed up", Negative),
        ];
        let wrong: Vec<_> = table
            .iter()
            .filter(|(text, expected)| label(text) != *expected)
            .map(|(text, expected)| format!("{text:?}: {:?}, expected {expected:?}", analyze(text)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn negation_turns_a_feeling_around_and_damps_it() {
        let good = analyze("the lamp is good").compound;
        let not_good = analyze("the lamp is not good").compound;
        assert!(good > 0 && not_good < 0);
        assert!(not_good.abs() < good, "damped: {not_good} vs {good}");
    }

    #[test]
    fn intensifiers_capitals_and_exclamations_make_it_stronger() {
        let plain = analyze("The refund is bad").compound;
        let very = analyze("The refund is very bad").compound;
        let shouted = analyze("The refund is BAD").compound;
        let exclaimed = analyze("The refund is bad!!!").compound;
        let damped = analyze("The refund is slightly bad").compound;
        assert!(very < plain, "{very} < {plain}");
        assert!(shouted < plain, "{shouted} < {plain}");
        assert!(exclaimed < plain, "{exclaimed} < {plain}");
        assert!(damped > plain, "{damped} > {plain}");
        assert_eq!(
            analyze("THE REFUND IS BAD").compound,
            plain,
            "all capitals is not shouting one word"
        );
        assert_eq!(
            analyze("bad!!!!!!!!").compound,
            analyze("bad!!!!").compound,
            "at most four exclamation marks count"
        );
    }

    #[test]
    fn text_with_nothing_to_feel_is_neutral_and_never_nan() {
        for text in ["", "   ", "!!!", "???", "order 1234", "a b c", "🧦"] {
            let s = analyze(text);
            assert_eq!(s.label, Neutral, "{text:?}");
            assert_eq!((s.compound, s.neutral), (0, 1000), "{text:?}");
        }
    }

    #[test]
    fn the_shares_add_up_to_the_whole() {
        for text in [
            "The delivery was fast but the item is broken!!",
            "love love love",
            "I hate this, it is awful",
            "okay",
        ] {
            let s = analyze(text);
            let sum = i32::from(s.positive) + i32::from(s.neutral) + i32::from(s.negative);
            assert!((999..=1001).contains(&sum), "{text:?}: {s:?}");
            assert!((-1000..=1000).contains(&s.compound));
        }
    }

    #[test]
    fn the_lexicon_holds_vader_and_the_shop_words() {
        let lexicon = lexicon();
        assert!(lexicon.words.len() > 7_400, "{}", lexicon.words.len());
        assert_eq!(lexicon.words.get("great"), Some(&3.1));
        assert_eq!(lexicon.words.get("late"), Some(&-1.3));
        assert!(lexicon.emoji.len() > 50);
    }
}
