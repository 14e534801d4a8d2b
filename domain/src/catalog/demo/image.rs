//! Drawing a product's demo image: a category-coloured card with a simple glyph and the name.

use super::DemoProduct;
use crate::catalog::Category;
use crate::markup::escape;

/// FNV-1a, 64 bits, as hex: stable across platforms and releases, for content-hashed names.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Base hue per category, in degrees.
fn hue(category: Category) -> u32 {
    match category {
        Category::Electronics => 215,
        Category::HomeKitchen => 20,
        Category::Outdoor => 140,
        Category::Books => 265,
        Category::Fashion => 330,
        Category::Beauty => 350,
        Category::Toys => 45,
        Category::Sports => 190,
    }
}

/// A white line drawing that says the category at a glance (centred near 400,300).
fn glyph(category: Category) -> &'static str {
    match category {
        Category::Electronics => concat!(
            r#"<rect x="290" y="200" width="220" height="150" rx="18"/>"#,
            r#"<path d="M250 380h300l-30 30H280z"/>"#
        ),
        Category::HomeKitchen => concat!(
            r#"<path d="M280 260h240v90a50 50 0 0 1-50 50H330a50 50 0 0 1-50-50z"/>"#,
            r#"<path d="M520 285h50M230 285h50M330 230h140"/>"#
        ),
        Category::Outdoor => concat!(
            r#"<path d="M240 400l110-170 60 90 40-50 110 130z"/>"#,
            r#"<circle cx="520" cy="210" r="32"/>"#
        ),
        Category::Books => concat!(
            r#"<path d="M400 230c-40-25-90-30-140-25v180c50-5 100 0 140 25 40-25 90-30 140-25V205c-50-5-100 0-140 25z"/>"#,
            r#"<path d="M400 230v180"/>"#
        ),
        Category::Fashion => {
            r#"<path d="M340 200l-90 50 30 60 40-20v130h160V290l40 20 30-60-90-50c-10 25-30 40-60 40s-50-15-60-40z"/>"#
        }
        Category::Beauty => concat!(
            r#"<rect x="350" y="250" width="100" height="170" rx="20"/>"#,
            r#"<rect x="375" y="200" width="50" height="50" rx="8"/>"#
        ),
        Category::Toys => concat!(
            r#"<rect x="300" y="340" width="200" height="60" rx="12"/>"#,
            r#"<rect x="330" y="280" width="140" height="60" rx="12"/>"#,
            r#"<rect x="360" y="220" width="80" height="60" rx="12"/>"#
        ),
        Category::Sports => concat!(
            r#"<circle cx="400" cy="300" r="100"/>"#,
            r#"<path d="M300 300h200M400 200c-40 60-40 140 0 200M400 200c40 60 40 140 0 200"/>"#
        ),
    }
}

/// Breaks a name into lines of at most `width` characters, at most three lines.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.truncate(3);
    lines
}

/// The product's image as an SVG document.
pub fn svg(product: &DemoProduct) -> String {
    // Each product gets its own shade within its category's colour.
    let shift = u32::from_str_radix(&content_hash(product.name.as_bytes())[..2], 16).unwrap_or(0);
    let h = (hue(product.category) + shift % 30) % 360;
    let h2 = (h + 25) % 360;
    let name = wrap(product.name, 18);
    let first_y = 520 - (name.len() as i32 - 1) * 28;
    let text: String = name
        .iter()
        .enumerate()
        .map(|(i, line)| {
            format!(
                r##"<text x="400" y="{}" text-anchor="middle">{}</text>"##,
                first_y + i as i32 * 56,
                escape(line)
            )
        })
        .collect();
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 800" role="img" aria-label="{label}">"##,
            r##"<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">"##,
            r##"<stop offset="0" stop-color="hsl({h},70%,58%)"/><stop offset="1" stop-color="hsl({h2},65%,38%)"/>"##,
            r##"</linearGradient></defs>"##,
            r##"<rect width="800" height="800" fill="url(#g)"/>"##,
            r##"<circle cx="660" cy="140" r="220" fill="#fff" fill-opacity=".08"/>"##,
            r##"<g fill="#fff" fill-opacity=".18" stroke="#fff" stroke-width="14" stroke-linejoin="round" stroke-linecap="round">{glyph}</g>"##,
            r##"<g fill="#fff" font-family="system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif" font-size="48" font-weight="700">{text}</g>"##,
            r##"<text x="400" y="720" text-anchor="middle" fill="#fff" fill-opacity=".75" font-family="system-ui,sans-serif" font-size="28" letter-spacing="4">{category}</text>"##,
            "</svg>\n"
        ),
        label = escape(product.name),
        h = h,
        h2 = h2,
        glyph = glyph(product.category),
        text = text,
        category = escape(&product.category.label().to_uppercase()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_hash_is_fnv1a_and_stable() {
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_eq!(content_hash(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn names_wrap_at_word_boundaries_into_at_most_three_lines() {
        assert_eq!(
            wrap("Cast Iron Skillet 12 inch", 18),
            ["Cast Iron Skillet", "12 inch"]
        );
        assert_eq!(
            wrap("a b c d e f g h i j k l m n o p q r s t u v w x y z", 3).len(),
            3
        );
    }
}
