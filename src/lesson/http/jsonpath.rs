//! The JSONPath rules of the format: how deep brackets may nest, which queries are singular
//! (RFC 9535), and the check of a query's syntax.

use crate::lesson::diagnostic::{Code, Diagnostic};
use crate::lesson::span::Span;

/// The deepest a JSONPath's brackets may nest. serde_json_path's parser takes time
/// exponential in it (about 1 ms at 8 levels, 2 s at 20, hours at 30), so without a limit a
/// short line of a lesson, or a captured value put into a query, could hang labrun (found
/// by fuzzing `parse_http_block`).
pub const MAX_JSONPATH_NESTING: usize = 8;

/// How deep brackets nest in `path`. Brackets inside quoted names count too: a quote
/// cannot hide nesting from the limit.
pub fn jsonpath_nesting(path: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Whether a valid JSONPath query selects at most one node by its syntax alone (RFC 9535's
/// singular query): no `..`, no `*`, and no bracket holding a filter (`?`), a slice (`:`)
/// or several selectors (`,`).
pub fn jsonpath_is_singular(path: &str) -> bool {
    let mut depth = 0u32;
    let mut quote = None;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            match c {
                '\\' => {
                    chars.next();
                }
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '*' => return false,
            '.' if chars.peek() == Some(&'.') => return false,
            '?' | ':' | ',' if depth > 0 => return false,
            _ => {}
        }
    }
    true
}

pub(super) fn checked_jsonpath(text: String, text_span: Span) -> Result<String, Diagnostic> {
    let depth = jsonpath_nesting(&text);
    if depth > MAX_JSONPATH_NESTING {
        let message = format!(
            "invalid JSONPath: brackets nested {depth} deep (labrun reads at most {MAX_JSONPATH_NESTING})"
        );
        return Err(Diagnostic::new(Code::BadJsonPath, text_span, message));
    }
    match serde_json_path::JsonPath::parse(&text) {
        Err(e) if !text.contains("{{") => {
            let at = match text.get(e.position()..).filter(|rest| !rest.is_empty()) {
                Some(rest) => format!("at `{rest}`"),
                None => "at the end".to_string(),
            };
            let message = format!("invalid JSONPath: {} {at}", e.message());
            Err(Diagnostic::new(Code::BadJsonPath, text_span, message))
        }
        _ => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_queries_are_told_from_the_others_by_syntax() {
        for path in [
            "$",
            "$.a",
            "$.a.b",
            "$['a']",
            "$[0]",
            "$.items[-1].name",
            "$['a.b*?:,[']",
            "$[\"x\\\"..\"]",
        ] {
            assert!(jsonpath_is_singular(path), "{path} should be singular");
        }
        for path in [
            "$.*",
            "$.items[*]",
            "$..name",
            "$.items[0:2]",
            "$.items[0,1]",
            "$.items[?@.a == 1]",
            "$.items[?(@.name == 'x')].id",
            "$['a','b']",
        ] {
            assert!(!jsonpath_is_singular(path), "{path} should not be singular");
        }
    }
}
