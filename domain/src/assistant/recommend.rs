//! Finding products for a wish without a model: the `search_products` tool's ranking, which
//! the offline assistant uses and a model's tool calls use too.
//!
//! A wish's words are widened by a small table of shopping concepts ("runner" also finds
//! running and trail gear; "waterproof" finds water-resistant things), matched against the
//! catalog's own search documents. A product must match the wish's last word (its head:
//! "waterproof *jacket*") when there are several; more matched words rank higher, then the
//! search's relevance. Price limits, stock and a child's age (a description's "ages 8 and up")
//! are filters, never guesses.

use crate::catalog::search::SearchDoc;
use crate::catalog::{Category, Product};

use super::intent::{Preference, Wish};

/// Words a shopper uses for a person, which must not find products by the word itself (a
/// gift for a *runner* is not a table runner).
const PEOPLE: &[&str] = &[
    "runner",
    "runners",
    "jogger",
    "joggers",
    "hiker",
    "hikers",
    "baker",
    "reader",
    "scientist",
];

/// Words a shopper uses, and the catalog words that answer them.
const CONCEPTS: &[(&[&str], &[&str])] = &[
    (
        &[
            "runner", "runners", "running", "jogger", "jogging", "marathon",
        ],
        &["running", "runs", "sweat", "sports"],
    ),
    (
        &["science", "scientist", "stem", "experiment", "experiments"],
        &[
            "science",
            "microscope",
            "magnification",
            "stars",
            "star",
            "sky",
            "atlas",
        ],
    ),
    (
        &["waterproof", "rainproof", "rain"],
        &[
            "waterproof",
            "water",
            "repellent",
            "resistant",
            "ipx4",
            "ipx8",
        ],
    ),
    (&["jacket", "jackets", "coat", "coats"], &["jacket"]),
    (&["headphones", "headphone", "headset"], &["headphones"]),
    (&["speakers", "speaker"], &["speakers", "speaker"]),
    (
        &["camping", "camp", "hiking", "hiker", "hike", "outdoors"],
        &["camp", "camping", "hiking", "backpacking", "outdoor"],
    ),
    (
        &["cook", "cooking", "chef", "kitchen", "baker"],
        &["cook", "cooking", "chef", "kitchen", "recipes"],
    ),
    (
        &["reader", "reading", "bookworm"],
        &["book", "books", "novel", "reader"],
    ),
    (
        &["gym", "fitness", "workout", "training", "exercise"],
        &[
            "gym",
            "training",
            "muscles",
            "dumbbells",
            "resistance",
            "yoga",
            "sports",
        ],
    ),
    (
        &["skincare", "skin", "pamper", "spa", "relax", "relaxing"],
        &["skin", "beauty", "bath", "serum", "oil", "lotion"],
    ),
    (
        &["music", "audio", "sound"],
        &["headphones", "earbuds", "speakers", "bluetooth"],
    ),
];

/// Categories a child's present comes from.
const FOR_CHILDREN: [Category; 2] = [Category::Toys, Category::Books];

/// The catalog words a wish word stands for, the word itself first (unless it names a
/// person, see [`PEOPLE`]).
pub fn meanings(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !PEOPLE.contains(&word) {
        out.push(word.to_owned());
        if let Some(singular) = word.strip_suffix('s').filter(|s| s.len() >= 3) {
            out.push(singular.to_owned());
        }
    }
    for (said, means) in CONCEPTS {
        if said.contains(&word) {
            for m in *means {
                if !out.iter().any(|o| o == m) {
                    out.push((*m).to_owned());
                }
            }
        }
    }
    out
}

/// How well a product's document answers one wish word (0: not at all). The word itself
/// counts double a concept's word.
fn word_score(doc: &SearchDoc, word: &str, meanings: &[String]) -> u32 {
    meanings
        .iter()
        .filter_map(|m| {
            let s = doc.score(std::slice::from_ref(m))?;
            Some(if m == word { s * 2 } else { s })
        })
        .sum()
}

/// The youngest age a description says a product is for ("for ages 8 and up", "aged 3+").
pub fn minimum_age(description: &str) -> Option<u8> {
    let words = crate::catalog::search::tokenize(description);
    words.windows(2).find_map(|w| {
        matches!(w[0].as_str(), "ages" | "aged" | "age")
            .then(|| w[1].parse().ok())
            .flatten()
    })
}

/// Whether `product` passes the wish's filters (price, stock, a child's age and categories).
pub fn fits(product: &Product, wish: &Wish, in_stock_only: bool) -> bool {
    let cents = product.price.cents();
    if wish.max_cents.is_some_and(|max| cents > max)
        || wish.min_cents.is_some_and(|min| cents < min)
    {
        return false;
    }
    if in_stock_only && product.stock == 0 {
        return false;
    }
    if wish.category.is_some_and(|c| c != product.category) {
        return false;
    }
    if let Some(age) = wish.child_age {
        if !FOR_CHILDREN.contains(&product.category) {
            return false;
        }
        if minimum_age(&product.description).is_some_and(|min| age < min) {
            return false;
        }
    }
    true
}

/// The products that best answer `wish`, best first, at most `limit`: from `catalog` (each
/// product with its search document), filtered by [`fits`].
pub fn recommend<'a>(
    catalog: impl Iterator<Item = (&'a Product, &'a SearchDoc)>,
    wish: &Wish,
    in_stock_only: bool,
    limit: usize,
) -> Vec<&'a Product> {
    let groups: Vec<Vec<String>> = wish.words.iter().map(|w| meanings(w)).collect();
    let head = groups.len().checked_sub(1).filter(|_| groups.len() > 1);
    let mut ranked: Vec<(usize, u32, &Product)> = catalog
        .filter(|(p, _)| fits(p, wish, in_stock_only))
        .filter_map(|(product, doc)| {
            if groups.is_empty() {
                // No words (a present under a price): the shop's featured products lead.
                return Some((usize::from(product.featured), 0, product));
            }
            let scores: Vec<u32> = wish
                .words
                .iter()
                .zip(&groups)
                .map(|(w, g)| word_score(doc, w, g))
                .collect();
            if head.is_some_and(|h| scores[h] == 0) {
                return None;
            }
            let matched = scores.iter().filter(|s| **s > 0).count();
            (matched > 0).then(|| (matched, scores.iter().sum(), product))
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(match wish.preference {
                Preference::Relevance => b.1.cmp(&a.1),
                Preference::Cheapest => a.2.price.cents().cmp(&b.2.price.cents()),
                Preference::Priciest => b.2.price.cents().cmp(&a.2.price.cents()),
            })
            .then(b.1.cmp(&a.1))
            .then(a.2.name.cmp(&b.2.name))
    });
    ranked.into_iter().take(limit).map(|(_, _, p)| p).collect()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::assistant::intent::{read, Intent};

    fn catalog() -> Vec<(Product, SearchDoc)> {
        crate::assistant::demo_catalog()
    }

    fn names(message: &str) -> Vec<String> {
        let wish = match read(message) {
            Intent::Find(w) | Intent::Compare(w) => w,
            other => panic!("{message}: {other:?}"),
        };
        let all = catalog();
        recommend(all.iter().map(|(p, d)| (p, d)), &wish, true, 3)
            .into_iter()
            .map(|p| p.name.clone())
            .collect()
    }

    #[test]
    fn a_gift_for_a_runner_under_fifty_dollars_is_running_gear_within_the_price() {
        let found = names("a gift for a runner under $50");
        assert_eq!(
            found.first().map(String::as_str),
            Some("Recovery Foam Roller"),
            "{found:?}"
        );
        let all = catalog();
        for name in &found {
            let (p, _) = all.iter().find(|(p, _)| &p.name == name).unwrap();
            assert!(p.price.cents() <= 5_000 && p.stock > 0, "{name}");
        }
    }

    #[test]
    fn a_waterproof_jacket_is_a_jacket() {
        assert_eq!(names("waterproof jacket"), ["Harbor Waxed Canvas Jacket"]);
    }

    #[test]
    fn the_cheapest_headphones_are_headphones() {
        assert_eq!(
            names("cheapest headphones")[0],
            "Aurora Wireless Headphones"
        );
    }

    #[test]
    fn science_for_a_six_year_old_respects_the_age_on_the_box() {
        let found = names("something for a 6 year old who likes science");
        assert_eq!(found[0], "Junior Explorer Microscope");
        assert!(
            !found.iter().any(|n| n == "Starlight Picture Atlas"),
            "ages 8 and up"
        );
        assert_eq!(minimum_age("An atlas for ages 8 and up"), Some(8));
    }

    #[test]
    fn a_wish_nothing_matches_finds_nothing() {
        assert!(names("quartz sundial").is_empty());
    }
}
