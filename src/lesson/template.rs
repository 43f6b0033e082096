//! `{{NAME}}` variable references.
//!
//! Only `{{identifier}}` (no spaces, `[A-Za-z_][A-Za-z0-9_]*`) is a variable, so Go and
//! Jinja templates such as `{{ .Repository }}` or `{{ item }}` pass through untouched.

use std::borrow::Cow;

/// Every `{{NAME}}` in `text`: the name and the byte range of the whole reference.
pub fn references(text: &str) -> impl Iterator<Item = (&str, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        // `find(char)` is a memchr; `find("{{")` would build a substring searcher per call.
        while let Some(found) = text[pos..].find('{') {
            let start = pos + found;
            pos = start + 1;
            if bytes.get(start + 1) != Some(&b'{') {
                continue;
            }
            // A name is identifier bytes right up to `}}`: reading them finds what a search
            // for `}}` would, without scanning past the name.
            let inner = start + 2;
            let len = bytes[inner..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            let end = inner + len;
            if len > 0 && !bytes[inner].is_ascii_digit() && bytes[end..].starts_with(b"}}") {
                pos = end + 2;
                return Some((&text[inner..end], start..pos));
            }
            // `{{{x}}}` or `{{ .X }}`: go on one byte later, so a later `{{` is still found.
        }
        pos = text.len();
        None
    })
}

/// Replaces each `{{NAME}}` for which `lookup` has a value; others are left as written.
pub fn substitute<'t>(
    text: &'t str,
    mut lookup: impl FnMut(&str) -> Option<String>,
) -> Cow<'t, str> {
    let mut out = String::new();
    let mut copied = 0;
    for (name, range) in references(text) {
        if let Some(value) = lookup(name) {
            out.push_str(&text[copied..range.start]);
            out.push_str(&value);
            copied = range.end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        references(text).map(|(name, _)| name).collect()
    }

    #[test]
    fn finds_identifiers_and_skips_go_templates() {
        assert_eq!(
            names("a {{region}} b {{ .Repository }} {{x_1}}"),
            ["region", "x_1"]
        );
        assert_eq!(names("{{{inner}}}"), ["inner"]);
        assert_eq!(names("{{ spaced }} {{a-b}} {{1x}} {{"), Vec::<&str>::new());
        assert_eq!(names("{{a}}{{b}}"), ["a", "b"]);
    }

    #[test]
    fn ranges_cover_the_braces() {
        let text = "x {{name}} y";
        let (_, range) = references(text).next().unwrap();
        assert_eq!(&text[range], "{{name}}");
    }

    #[test]
    fn substitute_replaces_known_names_only() {
        let out = substitute("{{a}}-{{b}}-{{ .C }}", |name| {
            (name == "a").then(|| "1".into())
        });
        assert_eq!(out, "1-{{b}}-{{ .C }}");
        assert!(matches!(
            substitute("plain", |_| None),
            Cow::Borrowed("plain")
        ));
    }
}
