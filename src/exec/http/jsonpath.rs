//! JSONPath queries with Hurl 8's meaning (serde_json_path does the RFC 9535 evaluation):
//! a query gives nothing when it selects no node, the node itself when it selects one, and
//! the list of the nodes when it selects several (`$.users[?@.id == 'a'].scope` is that
//! scope). Hurl 8.0 also gives `count` that value, so it fails on a filter that selects 0 or
//! 1 node; labrun counts the nodes a query selects, as RFC 9535 does (lint warns).

use serde_json::Value as Json;
use serde_json_path::JsonPath;

use super::value::Value;
use crate::lesson::http::{MAX_JSONPATH_NESTING, jsonpath_nesting};

/// The nodes `path` selects in `doc`, in order.
pub(super) fn select(path: &str, doc: &Json) -> Result<Vec<Json>, String> {
    // A query may have been filled in from a captured value: the lint's limit holds here too.
    let depth = jsonpath_nesting(path);
    if depth > MAX_JSONPATH_NESTING {
        return Err(format!(
            "invalid JSONPath `{path}`: brackets nested {depth} deep (labrun reads at most {MAX_JSONPATH_NESTING})"
        ));
    }
    let parsed = JsonPath::parse(path).map_err(|e| format!("invalid JSONPath `{path}`: {e}"))?;
    Ok(parsed.query(doc).all().into_iter().cloned().collect())
}

/// The value Hurl gives for `nodes`: nothing, the one node, or the list of them.
pub(super) fn as_hurl(mut nodes: Vec<Json>) -> Option<Value> {
    match nodes.len() {
        0 => None,
        1 => nodes.pop().map(|node| Value::from_json(&node)),
        _ => Some(Value::List(nodes.iter().map(Value::from_json).collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hurl(path: &str, doc: &Json) -> Option<String> {
        as_hurl(select(path, doc).unwrap()).map(|value| value.shown())
    }

    #[test]
    fn a_query_nested_too_deep_is_refused_before_it_is_parsed() {
        let nested = |depth: usize| format!("$.a{}{}", "[?@.b".repeat(depth), "]".repeat(depth));
        let doc = json!({"a": [{"b": [1]}]});
        let error = select(&nested(9), &doc).unwrap_err();
        assert!(
            error.ends_with("brackets nested 9 deep (labrun reads at most 8)"),
            "{error}"
        );
        assert!(select(&nested(8), &doc).is_ok());
    }

    #[test]
    fn a_query_gives_nothing_its_one_node_or_the_list_of_its_nodes() {
        let doc = json!({"status": "OK", "n": null, "items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}]});
        assert_eq!(hurl("$.status", &doc).as_deref(), Some("\"OK\""));
        assert_eq!(hurl("$.n", &doc).as_deref(), Some("null"));
        assert_eq!(hurl("$.missing", &doc), None);
        assert_eq!(hurl("$.items[5]", &doc), None);
        assert_eq!(hurl("$.items[*].id", &doc).as_deref(), Some("[1,2]"));
        assert_eq!(
            hurl("$.items[?@.ok == true].id", &doc).as_deref(),
            Some("1")
        );
        assert_eq!(hurl("$.items[?@.id > 5]", &doc), None);
        assert_eq!(select("$.items[?@.id > 5]", &doc).unwrap().len(), 0);
    }

    #[test]
    fn an_invalid_query_is_an_error_that_names_it() {
        let err = select("$.[", &json!({})).unwrap_err();
        assert!(err.starts_with("invalid JSONPath `$.[`"), "{err}");
    }
}
