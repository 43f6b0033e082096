//! JSONPath queries with Hurl's meaning (serde_json_path does the RFC 9535 evaluation).
//!
//! Hurl gives a *singular* query (only `.name`, `['name']` and `[index]` steps) the node it
//! selects, or nothing when there is none. Any other query (a wildcard, a slice, a filter, a
//! union or `..`) gives the list of the nodes it selects, possibly empty, even when it selects
//! one: so `count == 0` works on a filter that matches nothing, and `count == 1` on one that
//! matches one. The RFC has the same notion; serde_json_path keeps it private, hence
//! [`is_singular`].

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::lesson::http::{MAX_JSONPATH_NESTING, jsonpath_nesting};

/// The value `path` selects in `doc`: `Ok(None)` when a singular query selects nothing.
pub(super) fn query(path: &str, doc: &Value) -> Result<Option<Value>, String> {
    // A query may have been filled in from a captured value: the lint's limit holds here too.
    let depth = jsonpath_nesting(path);
    if depth > MAX_JSONPATH_NESTING {
        return Err(format!(
            "invalid JSONPath `{path}`: brackets nested {depth} deep (labrun reads at most {MAX_JSONPATH_NESTING})"
        ));
    }
    let parsed = JsonPath::parse(path).map_err(|e| format!("invalid JSONPath `{path}`: {e}"))?;
    let nodes = parsed.query(doc).all();
    if is_singular(path) {
        Ok(nodes.first().map(|&node| node.clone()))
    } else {
        Ok(Some(Value::Array(nodes.into_iter().cloned().collect())))
    }
}

/// Whether a valid JSONPath query selects at most one node by its syntax alone: no `..`, no
/// `*`, and no bracket holding a filter (`?`), a slice (`:`) or several selectors (`,`).
pub(super) fn is_singular(path: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_query_nested_too_deep_is_refused_before_it_is_parsed() {
        let nested = |depth: usize| format!("$.a{}{}", "[?@.b".repeat(depth), "]".repeat(depth));
        let doc = json!({"a": [{"b": [1]}]});
        let error = query(&nested(9), &doc).unwrap_err();
        assert!(
            error.ends_with("brackets nested 9 deep (labrun reads at most 8)"),
            "{error}"
        );
        assert!(query(&nested(8), &doc).is_ok());
    }

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
            assert!(is_singular(path), "{path} should be singular");
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
            assert!(!is_singular(path), "{path} should not be singular");
        }
    }

    #[test]
    fn a_singular_query_gives_its_node_or_nothing() {
        let doc = json!({"status": "OK", "n": null, "items": [{"id": 1}]});
        assert_eq!(query("$.status", &doc), Ok(Some(json!("OK"))));
        assert_eq!(query("$.n", &doc), Ok(Some(Value::Null)));
        assert_eq!(query("$.items[0].id", &doc), Ok(Some(json!(1))));
        assert_eq!(query("$.missing", &doc), Ok(None));
        assert_eq!(query("$.items[5]", &doc), Ok(None));
    }

    #[test]
    fn other_queries_give_a_list_even_of_one_or_none() {
        let doc = json!({"items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}]});
        assert_eq!(query("$.items[*].id", &doc), Ok(Some(json!([1, 2]))));
        assert_eq!(
            query("$.items[?@.ok == true].id", &doc),
            Ok(Some(json!([1])))
        );
        assert_eq!(query("$.items[?@.id > 5]", &doc), Ok(Some(json!([]))));
        assert_eq!(query("$..id", &doc), Ok(Some(json!([1, 2]))));
    }

    #[test]
    fn an_invalid_query_is_an_error_that_names_it() {
        let err = query("$.[", &json!({})).unwrap_err();
        assert!(err.starts_with("invalid JSONPath `$.[`"), "{err}");
    }
}
