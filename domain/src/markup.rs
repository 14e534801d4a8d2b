//! Escaping text for HTML, SVG and XML, where the rendering library does not do it for us.

/// Escapes `&`, `<`, `>`, `"` and `'`: safe in element text and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_are_escaped_and_others_kept() {
        assert_eq!(
            escape("Tom's <b> & \"x\" café"),
            "Tom&apos;s &lt;b&gt; &amp; &quot;x&quot; café"
        );
    }
}
