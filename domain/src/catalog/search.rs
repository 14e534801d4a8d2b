//! Catalog search: case-insensitive, multi-word, ranked.
//!
//! Every word of the query must match the product somewhere (name, category or description).
//! A match in the name outranks one in the category, which outranks one in the description;
//! a whole word outranks a prefix, which outranks a fragment inside a word.

use super::Product;

/// At most this many words of a query are used; the rest are ignored.
pub const MAX_TERMS: usize = 8;

/// Lowercase words of a text: runs of letters and digits.
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The query words, deduplicated, in order.
pub fn terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokenize(query) {
        if !out.contains(&t) && out.len() < MAX_TERMS {
            out.push(t);
        }
    }
    out
}

/// A product's searchable text, lowercased and tokenized once when the catalog is loaded.
/// Each field is its words joined by single spaces: one allocation per field rather than one
/// per word, which is most of a large catalog's memory, and a fragment is found with one
/// substring search per field.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    name: Box<str>,
    category: Box<str>,
    description: Box<str>,
}

fn joined(text: &str) -> Box<str> {
    tokenize(text).join(" ").into_boxed_str()
}

impl SearchDoc {
    pub fn of(product: &Product) -> Self {
        Self {
            name: joined(&product.name),
            category: joined(&format!(
                "{} {}",
                product.category.label(),
                product.category.slug()
            )),
            description: joined(&product.description),
        }
    }

    /// The relevance of this document for `terms`, or `None` when some term does not match.
    pub fn score(&self, terms: &[String]) -> Option<u32> {
        if terms.is_empty() {
            return Some(0);
        }
        let mut total = 0;
        for term in terms {
            let name = field_score(&self.name, term).map(|s| s * 10);
            let category = field_score(&self.category, term).map(|s| s * 4);
            let description = field_score(&self.description, term);
            total += [name, category, description].into_iter().flatten().max()?;
        }
        // The whole phrase, in order, inside the name.
        if terms.len() > 1 && self.name.contains(&terms.join(" ")) {
            total += 25;
        }
        Some(total)
    }

    /// Words this document contributes to "did you mean" suggestions.
    pub fn vocabulary(&self) -> impl Iterator<Item = &str> + Clone {
        words(&self.name).chain(words(&self.category))
    }
}

fn words(field: &str) -> std::iter::Filter<std::str::Split<'_, char>, fn(&&str) -> bool> {
    field.split(' ').filter(|w| !w.is_empty())
}

/// 3 for a whole word, 2 for a word prefix, 1 for a fragment of at least 3 characters, in a
/// field of words joined by spaces (a term has no spaces, so a fragment lies inside one word).
fn field_score(field: &str, term: &str) -> Option<u32> {
    let mut best = None;
    for word in words(field) {
        if word == term {
            return Some(3);
        }
        if word.starts_with(term) {
            best = Some(2);
        }
    }
    if best.is_none() && term.chars().count() >= 3 && field.contains(term) {
        best = Some(1);
    }
    best
}

/// A corrected query for a search that found nothing: each term that matches no vocabulary
/// word is replaced by the closest one within a small edit distance. `None` when nothing
/// could be corrected.
pub fn suggest<'a>(
    terms: &[String],
    vocabulary: impl Iterator<Item = &'a str> + Clone,
) -> Option<String> {
    let mut changed = false;
    let mut corrected = Vec::with_capacity(terms.len());
    for term in terms {
        let known = vocabulary.clone().any(|w| w.starts_with(term.as_str()));
        if known {
            corrected.push(term.clone());
            continue;
        }
        let allowed = if term.chars().count() <= 4 { 1 } else { 2 };
        let best = vocabulary
            .clone()
            .filter(|w| w.chars().count() >= 3)
            .map(|w| (levenshtein(term, w), w))
            .filter(|(d, _)| *d <= allowed)
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        match best {
            Some((_, word)) => {
                changed = true;
                corrected.push(word.to_owned());
            }
            None => corrected.push(term.clone()),
        }
    }
    changed.then(|| corrected.join(" "))
}

/// Edit distance between two words (insertions, deletions, substitutions), by characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Category, ProductId, ProductStatus, Slug};
    use crate::time::Timestamp;
    use crate::{Currency, Money};

    fn product(name: &str, category: Category, description: &str) -> Product {
        Product {
            id: ProductId::parse("01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f").unwrap(),
            slug: Slug::from_name(name),
            name: name.into(),
            description: description.into(),
            price: Money::new(1000, Currency::Usd).unwrap(),
            category,
            image: String::new(),
            stock: 10,
            status: ProductStatus::Active,
            featured: false,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    fn score(p: &Product, q: &str) -> Option<u32> {
        SearchDoc::of(p).score(&terms(q))
    }

    #[test]
    fn search_is_case_insensitive() {
        let p = product(
            "Aurora Wireless Headphones",
            Category::Electronics,
            "Noise cancelling.",
        );
        assert!(score(&p, "WIRELESS").is_some());
        assert!(score(&p, "wIrElEsS hEaDpHoNeS").is_some());
    }

    #[test]
    fn every_word_must_match_somewhere() {
        let p = product(
            "Aurora Wireless Headphones",
            Category::Electronics,
            "Noise cancelling.",
        );
        assert!(score(&p, "wireless noise").is_some());
        assert!(score(&p, "wireless kettle").is_none());
    }

    #[test]
    fn a_name_match_outranks_a_category_match_which_outranks_a_description_match() {
        let in_name = product("Travel Kettle", Category::HomeKitchen, "Boils fast.");
        let in_category = product("Oak Board", Category::HomeKitchen, "A board.");
        let in_description = product("Camp Stove", Category::Outdoor, "Fits a kitchen kettle.");
        let n = score(&in_name, "kettle").unwrap();
        let d = score(&in_description, "kettle").unwrap();
        assert!(n > d, "{n} > {d}");
        let c = score(&in_category, "kitchen").unwrap();
        let d2 = score(&in_description, "kitchen").unwrap();
        assert!(c > d2, "{c} > {d2}");
    }

    #[test]
    fn a_whole_word_outranks_a_prefix_which_outranks_a_fragment() {
        let whole = product("Tent Stakes", Category::Outdoor, "");
        let prefix = product("Tenting Lamp", Category::Outdoor, "");
        let fragment = product("Contents Bag", Category::Outdoor, "");
        let (w, p, f) = (
            score(&whole, "tent").unwrap(),
            score(&prefix, "tent").unwrap(),
            score(&fragment, "tent").unwrap(),
        );
        assert!(w > p && p > f, "{w} > {p} > {f}");
    }

    #[test]
    fn the_exact_phrase_in_the_name_ranks_above_scattered_words() {
        let phrase = product("Cast Iron Skillet", Category::HomeKitchen, "");
        let scattered = product("Iron Cast Skillet", Category::HomeKitchen, "");
        assert!(score(&phrase, "cast iron").unwrap() > score(&scattered, "cast iron").unwrap());
    }

    #[test]
    fn short_fragments_inside_words_do_not_match() {
        let p = product("Contents Bag", Category::Outdoor, "");
        assert!(score(&p, "on").is_none());
    }

    #[test]
    fn repeated_and_excess_terms_are_dropped() {
        assert_eq!(terms("tent tent TENT"), vec!["tent"]);
        assert_eq!(terms("a b c d e f g h i j k").len(), MAX_TERMS);
    }

    #[test]
    fn a_misspelt_word_is_corrected_to_the_nearest_known_word() {
        let vocab = ["wireless", "headphones", "kettle", "tent"];
        assert_eq!(
            suggest(&terms("wirless headphnes"), vocab.iter().copied()),
            Some("wireless headphones".into())
        );
        assert_eq!(
            suggest(&terms("tant"), vocab.iter().copied()),
            Some("tent".into())
        );
        assert_eq!(suggest(&terms("xyzzyq"), vocab.iter().copied()), None);
        assert_eq!(suggest(&terms("kettle"), vocab.iter().copied()), None);
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("tent", "tent"), 0);
    }
}
