//! The check every answer passes after the model writes it, before the shopper sees it.
//!
//! A model may name a product the shop does not sell, or state a price it made up. So:
//! - a product may be named only if the tools returned it in this conversation and it is still
//!   on sale: a link to any other product (`/products/<slug>`), or a name in Title Case that is
//!   no such product's (`the Zephyr Hoverboard`), takes its whole sentence out of the answer,
//!   and is counted;
//! - no price or stock claim of the model's is kept: amounts of money and phrases such as "in
//!   stock" or "only 3 left" are taken out, because the product cards show price and stock
//!   from the catalog;
//! - the products the answer names become its cards, in the order it names them.

use crate::catalog::search::tokenize;

/// A product the tools returned in this conversation, as the catalog has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub slug: String,
    pub name: String,
    /// Still on sale (an archived or deleted product may not be recommended).
    pub active: bool,
}

impl Known {
    /// A product of the live catalog as it is now (its snapshot holds only products on sale).
    pub fn on_sale(product: &crate::catalog::Product) -> Self {
        Self {
            slug: product.slug.as_str().to_owned(),
            name: product.name.clone(),
            active: true,
        }
    }
}

/// An answer after the check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grounded {
    /// The text the shopper sees.
    pub text: String,
    /// Slugs of the products to show as cards, in the order the answer names them.
    pub cards: Vec<String>,
    /// Sentences taken out for naming a product that is not one of the known ones.
    pub removed_products: usize,
    /// Amounts of money and stock claims taken out.
    pub removed_claims: usize,
}

/// Words that may start a Title Case run without naming a product.
const COMMON: &[&str] = &[
    "I",
    "I'm",
    "I've",
    "You",
    "Your",
    "We",
    "Our",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "If",
    "For",
    "And",
    "But",
    "Or",
    "Here",
    "There",
    "Both",
    "Each",
    "A",
    "An",
    "Yes",
    "No",
    "Sure",
    "Hello",
    "Hi",
    "Thanks",
    "CloudMart",
    "Bluetooth",
    "USB",
    "USB-C",
];

/// Checks `answer` against the products the conversation's tools returned.
pub fn ground(answer: &str, known: &[Known]) -> Grounded {
    let mut out = Grounded::default();
    let mut kept = Vec::new();
    for sentence in sentences(answer) {
        let named = named_products(sentence, known);
        if mentions_unknown(sentence, known) || named.iter().any(|k| !k.active) {
            out.removed_products += 1;
            continue;
        }
        for k in named {
            if !out.cards.contains(&k.slug) {
                out.cards.push(k.slug.clone());
            }
        }
        let (clean, claims) = without_claims(sentence);
        out.removed_claims += claims;
        if !clean.trim().is_empty() {
            kept.push(clean.trim().to_owned());
        }
    }
    out.text = kept.join(" ");
    out
}

/// The sentences of a text, each with its end mark; a line break ends one too.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let next_is_space = chars.get(n + 1).is_none_or(|(_, d)| d.is_whitespace());
        if c == '\n' || (matches!(c, '.' | '!' | '?') && next_is_space) {
            let end = i + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push(&text[start..end]);
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// The known products a sentence names, by name or by link.
fn named_products<'a>(sentence: &str, known: &'a [Known]) -> Vec<&'a Known> {
    let lower = sentence.to_lowercase();
    known
        .iter()
        .filter(|k| {
            lower.contains(&k.name.to_lowercase())
                || lower.contains(&format!("/products/{}", k.slug))
        })
        .collect()
}

/// Whether a sentence links or names a product that is not among `known`.
fn mentions_unknown(sentence: &str, known: &[Known]) -> bool {
    let links_unknown = sentence.match_indices("/products/").any(|(i, m)| {
        let slug: String = sentence[i + m.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        !known.iter().any(|k| k.slug == slug)
    });
    if links_unknown {
        return true;
    }
    // What a Title Case run may be: part of a known product's name, or a category's.
    let names: Vec<String> = known
        .iter()
        .map(|k| k.name.as_str())
        .chain(crate::catalog::Category::ALL.iter().map(|c| c.label()))
        .map(|name| tokenize(name).join(" "))
        .collect();
    title_runs(sentence).into_iter().any(|run| {
        let run = tokenize(&run).join(" ");
        !names.iter().any(|name| name.contains(&run))
    })
}

/// Runs of two or more capitalised words ("Zephyr Hoverboard") within a stretch of text
/// between punctuation, the ordinary words that start sentences left out: what reads as a
/// product's name.
fn title_runs(sentence: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let stretches = sentence.split([',', ';', ':', '(', ')', '[', ']', '"', '*', '\u{2014}']);
    for stretch in stretches {
        let mut run: Vec<&str> = Vec::new();
        let words = stretch
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\''))
            .filter(|w| !w.is_empty());
        for word in words.chain(std::iter::once("")) {
            let first = word.chars().next();
            // An order number (`CM-7K3M9Q`) is the shop's own code, not a product's name.
            let code = word.starts_with("CM-");
            let capital = !code
                && (first.is_some_and(char::is_uppercase)
                    || (!run.is_empty() && first.is_some_and(|c| c.is_ascii_digit())));
            if capital && !(run.is_empty() && COMMON.contains(&word)) {
                run.push(word);
                continue;
            }
            if run.len() >= 2 {
                runs.push(run.join(" "));
            }
            run.clear();
        }
    }
    runs
}

/// A sentence without amounts of money or stock claims, and how many it took out.
fn without_claims(sentence: &str) -> (String, usize) {
    let mut claims = 0;
    let mut out: Vec<&str> = Vec::new();
    let words: Vec<&str> = sentence.split(' ').collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let lower = word.to_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let money = word.contains(['$', '€', '£'])
            || (bare.chars().any(|c| c.is_ascii_digit())
                && words.get(i + 1).is_some_and(|n| {
                    let n = n.to_lowercase();
                    let n = n.trim_matches(|c: char| !c.is_alphanumeric());
                    matches!(n, "dollars" | "usd" | "eur" | "euros" | "cents" | "bucks")
                }));
        if money {
            claims += 1;
            let unit_follows = !word.contains(['$', '€', '£']);
            i += 1 + usize::from(unit_follows);
            continue;
        }
        let next = words.get(i + 1).map(|n| n.to_lowercase());
        let next = next
            .as_deref()
            .map(|n| n.trim_matches(|c: char| !c.is_alphanumeric()));
        let stock_phrase = matches!(
            (bare, next),
            ("in" | "out", Some("stock")) | ("sold", Some("out"))
        );
        if stock_phrase {
            claims += 1;
            i += 2;
            continue;
        }
        let left = bare == "only"
            && words
                .get(i + 1)
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
            && words
                .get(i + 2)
                .is_some_and(|n| n.to_lowercase().starts_with("left"));
        if left {
            claims += 1;
            i += 3;
            continue;
        }
        out.push(word);
        i += 1;
    }
    let text = out.join(" ");
    let text = text
        .replace(" ,", ",")
        .replace(" .", ".")
        .replace("for ,", "for");
    (text, claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<Known> {
        vec![
            Known {
                slug: "recovery-foam-roller".into(),
                name: "Recovery Foam Roller".into(),
                active: true,
            },
            Known {
                slug: "swiftline-jump-rope".into(),
                name: "Swiftline Jump Rope".into(),
                active: true,
            },
            Known {
                slug: "old-lamp".into(),
                name: "Old Lamp".into(),
                active: false,
            },
        ]
    }

    #[test]
    fn a_product_that_does_not_exist_is_taken_out_with_its_sentence() {
        let g = ground(
            "Try the Recovery Foam Roller for sore legs. The Zephyr Hoverboard is also great!",
            &known(),
        );
        assert_eq!(g.text, "Try the Recovery Foam Roller for sore legs.");
        assert_eq!(g.removed_products, 1);
        assert_eq!(g.cards, ["recovery-foam-roller"]);
    }

    #[test]
    fn a_link_to_an_unknown_or_withdrawn_product_is_taken_out() {
        let g = ground(
            "See [this](/products/hoverboard-9000). Or the [Old Lamp](/products/old-lamp). \
             The [rope](/products/swiftline-jump-rope) is light.",
            &known(),
        );
        assert_eq!(g.removed_products, 2);
        assert_eq!(g.cards, ["swiftline-jump-rope"]);
        assert!(!g.text.contains("hoverboard") && !g.text.contains("Old Lamp"));
    }

    #[test]
    fn prices_and_stock_claims_are_never_the_models() {
        let g = ground(
            "The Swiftline Jump Rope costs $1.00 and is in stock, only 2 left! It is 5 dollars off.",
            &known(),
        );
        assert!(
            !g.text.contains('$') && !g.text.contains("1.00"),
            "{}",
            g.text
        );
        assert!(
            !g.text.contains("in stock") && !g.text.contains("left"),
            "{}",
            g.text
        );
        assert!(!g.text.contains("5 dollars"), "{}", g.text);
        assert_eq!(g.removed_claims, 4);
        assert_eq!(g.cards, ["swiftline-jump-rope"]);
    }

    #[test]
    fn ordinary_capitals_are_not_products() {
        let g = ground(
            "Hello! I found two ideas for you. Both are Sports gear.\nEnjoy.",
            &known(),
        );
        assert_eq!(g.removed_products, 0, "{g:?}");
        assert_eq!(
            g.text,
            "Hello! I found two ideas for you. Both are Sports gear. Enjoy."
        );
    }

    #[test]
    fn order_numbers_are_the_shops_codes_not_products() {
        let g = ground(
            "Order CM-7K3M9Q is pending. Order CM-7K3M9Q Deluxe Edition is not.",
            &known(),
        );
        assert_eq!(g.text, "Order CM-7K3M9Q is pending.", "{g:?}");
        assert_eq!(g.removed_products, 1);
    }
}
