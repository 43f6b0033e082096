//! Captures and asserts, evaluated against a response with Hurl's meaning.
//!
//! - A query gives a value or nothing: `jsonpath` as in [`super::jsonpath`], `header` the
//!   first value of that header, `status` a number, `body` the text of the body.
//! - Nothing fails every predicate but `not exists`.
//! - Numbers compare as numbers (`1 == 1.0`), strings by their characters; `==` between
//!   values of different kinds is false, and `<` between them fails whether or not `not`
//!   comes first. `contains` looks into a string, or for an equal item in a list.
//! - `count` applies the predicate to the number of items of a list.
//! - An expected value that is a lone `{{NAME}}` takes the kind of the actual value when its
//!   text allows (`3` for a number, `true` for a boolean): variables are text, and a captured
//!   count should still compare equal to the count it came from.
//! - A response body given as JSON (`body == "{...}"`, as a JSON body in the response section
//!   becomes) is compared as JSON, so spacing and key order do not matter.

use std::cell::OnceCell;
use std::cmp::Ordering;

use regex::Regex;
use serde_json::{Number, Value};

use super::client::Response;
use super::jsonpath;
use super::request::{Lookup, fill};
use crate::exec::Secrets;
use crate::lesson::http::{Assert, Capture, Predicate, PredicateOp, PredicateValue, Query};
use crate::lesson::template::references;

/// Longest value shown in full in a failure; longer ones are cut, after masking.
const SHOWN_CHARS: usize = 200;

/// Why a capture or an assert did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Miss {
    /// For the failure reason: `jsonpath "$.status": expected == "OK", got "FAIL"`.
    pub line: String,
    /// For polling progress: `jsonpath "$.status" was "FAIL", expected == "OK"`.
    pub short: String,
    /// The block itself is wrong (a bad regex or JSONPath once variables are filled in):
    /// asking again cannot help.
    pub fatal: bool,
}

impl Miss {
    fn problem(query: &str, problem: String, fatal: bool) -> Self {
        Self {
            line: format!("{query}: {problem}"),
            short: format!("{query}: {problem}"),
            fatal,
        }
    }
}

/// A response, with its body parsed as text and as JSON the first time a query needs it.
pub(super) struct Examiner<'r> {
    response: &'r Response,
    secrets: &'r Secrets,
    text: OnceCell<Result<&'r str, String>>,
    json: OnceCell<Result<Value, String>>,
}

/// What a query found.
enum Found {
    Value(Value),
    /// Why there is nothing: `no such path`, `no such header`.
    Nothing(&'static str),
}

impl<'r> Examiner<'r> {
    pub fn new(response: &'r Response, secrets: &'r Secrets) -> Self {
        Self {
            response,
            secrets,
            text: OnceCell::new(),
            json: OnceCell::new(),
        }
    }

    /// The value a `[Captures]` line takes: a JSON string as its text, other JSON values as
    /// compact JSON.
    pub fn capture(&self, capture: &Capture, lookup: &Lookup<'_>) -> Result<String, Miss> {
        let query = filled_query(&capture.query, lookup)?;
        let what = describe_query(&query);
        match self.query(&query) {
            Ok(Found::Value(Value::String(text))) => Ok(text),
            Ok(Found::Value(value)) => Ok(value.to_string()),
            Ok(Found::Nothing(why)) => Err(Miss {
                line: format!("capture `{}`: {what} found nothing ({why})", capture.name),
                short: format!("{what} found nothing ({why})"),
                fatal: false,
            }),
            Err((problem, fatal)) => Err(Miss::problem(&what, problem, fatal)),
        }
    }

    /// Checks one line of `[Asserts]` (or a header or body line of the response section).
    pub fn check(&self, assert: &Assert, lookup: &Lookup<'_>) -> Result<(), Miss> {
        let query = filled_query(&assert.query, lookup)?;
        let what = describe_query(&query);
        let predicate = &assert.predicate;
        let expected = match &predicate.value {
            Some(value) => Some(
                expected(value, predicate.op, lookup)
                    .map_err(|problem| Miss::problem(&what, problem, true))?,
            ),
            None => None,
        };
        let found = match self.query(&query) {
            Ok(found) => found,
            Err((problem, fatal)) => return Err(Miss::problem(&what, problem, fatal)),
        };
        let (found, expected) = as_json_documents(&query, predicate, found, expected);
        let Err(got) = evaluate(predicate, &found, expected.as_ref(), self.secrets) else {
            return Ok(());
        };
        let wanted = describe_predicate(predicate, expected.as_ref(), self.secrets);
        let hint = match (&query, &found, &expected) {
            (
                Query::JsonPath(path),
                Found::Value(Value::Array(_)),
                Some(Expected::Value { value, .. }),
            ) if !jsonpath::is_singular(path) && !predicate.count && !value.is_array() => {
                " (a JSONPath with a wildcard, a filter or `..` gives a list: \
                 test it with `contains` or `count`)"
            }
            _ => "",
        };
        Err(Miss {
            line: format!("{what}: expected {wanted}, got {got}{hint}"),
            short: format!("{what} was {got}, expected {wanted}"),
            fatal: false,
        })
    }

    /// The value of a query, or why it could not be evaluated and whether that is final.
    fn query(&self, query: &Query) -> Result<Found, (String, bool)> {
        match query {
            Query::Status => Ok(Found::Value(Value::from(self.response.status.as_u16()))),
            Query::Header(name) => Ok(match self.response.headers.get(name.as_str()) {
                Some(value) => Found::Value(Value::String(
                    String::from_utf8_lossy(value.as_bytes()).into(),
                )),
                None => Found::Nothing("no such header"),
            }),
            Query::Body => match self.text() {
                Ok(text) => Ok(Found::Value(Value::String(text.to_string()))),
                Err(problem) => Err((problem, false)),
            },
            Query::JsonPath(path) => {
                let doc = self.json().map_err(|problem| (problem, false))?;
                match jsonpath::query(path, doc) {
                    Ok(Some(value)) => Ok(Found::Value(value)),
                    Ok(None) => Ok(Found::Nothing("no such path")),
                    Err(problem) => Err((problem, true)),
                }
            }
        }
    }

    fn text(&self) -> Result<&'r str, String> {
        let body = &self.response.body;
        self.text
            .get_or_init(|| {
                std::str::from_utf8(body).map_err(|e| {
                    format!(
                        "response body is not valid UTF-8 (invalid byte at offset {})",
                        e.valid_up_to()
                    )
                })
            })
            .clone()
    }

    fn json(&self) -> Result<&Value, String> {
        let body = &self.response.body;
        self.json
            .get_or_init(|| {
                if body.iter().all(u8::is_ascii_whitespace) {
                    return Err("response is not JSON: the body is empty".to_string());
                }
                serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The query with `{{NAME}}` filled into its JSONPath or header name.
fn filled_query(query: &Query, lookup: &Lookup<'_>) -> Result<Query, Miss> {
    let fatal = |problem| Miss::problem(&describe_query(query), problem, true);
    Ok(match query {
        Query::JsonPath(path) => {
            Query::JsonPath(fill(path, lookup, "the JSONPath").map_err(fatal)?)
        }
        Query::Header(name) => Query::Header(fill(name, lookup, "the header name").map_err(fatal)?),
        Query::Status => Query::Status,
        Query::Body => Query::Body,
    })
}

fn describe_query(query: &Query) -> String {
    match query {
        Query::JsonPath(path) => format!("jsonpath {}", Value::from(path.as_str())),
        Query::Header(name) => format!("header {}", Value::from(name.as_str())),
        Query::Status => "status".to_string(),
        Query::Body => "body".to_string(),
    }
}

/// A predicate's value with variables filled in.
#[derive(Debug)]
enum Expected {
    Value {
        value: Value,
        /// Written as a lone `{{NAME}}`: takes the kind of the actual value (see module doc).
        lone_variable: bool,
    },
    Regex(Regex),
}

fn expected(
    value: &PredicateValue,
    op: PredicateOp,
    lookup: &Lookup<'_>,
) -> Result<Expected, String> {
    if op == PredicateOp::Matches {
        let pattern = match value {
            PredicateValue::String(text) | PredicateValue::Regex(text) => {
                fill(text, lookup, "the regex")?
            }
            _ => return Err("`matches` needs a regex or a string".to_string()),
        };
        return Regex::new(&pattern)
            .map(Expected::Regex)
            .map_err(|e| format!("invalid regex: {e}"));
    }
    let (value, lone_variable) = match value {
        PredicateValue::String(text) => {
            let trimmed = text.trim();
            let lone = references(trimmed)
                .next()
                .is_some_and(|(_, range)| range == (0..trimmed.len()));
            (
                Value::String(fill(text, lookup, "the expected value")?),
                lone,
            )
        }
        PredicateValue::Regex(text) => (
            Value::String(fill(text, lookup, "the expected value")?),
            false,
        ),
        PredicateValue::Number(n) => (Value::Number(n.clone()), false),
        PredicateValue::Bool(b) => (Value::Bool(*b), false),
        PredicateValue::Null => (Value::Null, false),
    };
    Ok(Expected::Value {
        value,
        lone_variable,
    })
}

/// A body compared with `==` or `!=` to a JSON document is compared as JSON, when both parse.
fn as_json_documents(
    query: &Query,
    predicate: &Predicate,
    found: Found,
    expected: Option<Expected>,
) -> (Found, Option<Expected>) {
    let comparable = matches!(query, Query::Body)
        && !predicate.count
        && matches!(predicate.op, PredicateOp::Eq | PredicateOp::Ne);
    if let (true, Found::Value(Value::String(text)), Some(Expected::Value { value, .. })) =
        (comparable, &found, &expected)
        && let Some(want) = value.as_str()
        && want.trim_start().starts_with(['{', '['])
        && let (Ok(actual), Ok(want)) = (
            serde_json::from_str::<Value>(text),
            serde_json::from_str::<Value>(want),
        )
    {
        let expected = Expected::Value {
            value: want,
            lone_variable: false,
        };
        return (Found::Value(actual), Some(expected));
    }
    (found, expected)
}

/// `Ok` when the predicate holds; otherwise what was found, as the failure shows it.
fn evaluate(
    predicate: &Predicate,
    found: &Found,
    expected: Option<&Expected>,
    secrets: &Secrets,
) -> Result<(), String> {
    let value = match found {
        Found::Nothing(_) if predicate.op == PredicateOp::Exists && predicate.not => return Ok(()),
        Found::Nothing(why) => return Err(format!("nothing ({why})")),
        Found::Value(value) => value,
    };
    let (subject, got) = if predicate.count {
        match value {
            Value::Array(items) => (Value::from(items.len()), format!("count {}", items.len())),
            other => {
                let shown = show(other, secrets);
                return Err(format!(
                    "{shown}, which is {} and has no count",
                    kind(other)
                ));
            }
        }
    } else {
        (value.clone(), show(value, secrets))
    };
    let verdict = match (predicate.op, expected) {
        (PredicateOp::Exists, _) => Ok(true),
        (op, Some(expected)) => holds(op, &subject, expected),
        (_, None) => Err("no expected value".to_string()),
    };
    match verdict {
        Ok(holds) if holds != predicate.not => Ok(()),
        Ok(_) => Err(got),
        Err(why) => Err(format!("{got}, {why}")),
    }
}

/// Whether `actual OP expected`; an error when the two cannot be compared that way.
fn holds(op: PredicateOp, actual: &Value, expected: &Expected) -> Result<bool, String> {
    use PredicateOp as Op;
    let value = match expected {
        Expected::Regex(regex) => {
            return match actual {
                Value::String(text) => Ok(regex.is_match(text)),
                other => Err(format!("which is {}, not a string", kind(other))),
            };
        }
        Expected::Value {
            value,
            lone_variable,
        } => {
            &if *lone_variable {
                typed_like(value, actual)
            } else {
                value.clone()
            }
        }
    };
    match op {
        Op::Eq => Ok(equal(actual, value)),
        Op::Ne => Ok(!equal(actual, value)),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let ordering = compare(actual, value)?;
            Ok(match op {
                Op::Lt => ordering.is_lt(),
                Op::Le => ordering.is_le(),
                Op::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
        Op::Contains => match (actual, value) {
            (Value::String(text), Value::String(part)) => Ok(text.contains(part.as_str())),
            (Value::Array(items), _) => Ok(items.iter().any(|item| equal(item, value))),
            (other, _) => Err(format!("which is {}, not a string or a list", kind(other))),
        },
        Op::StartsWith | Op::EndsWith => match (actual, value) {
            (Value::String(text), Value::String(part)) if op == Op::StartsWith => {
                Ok(text.starts_with(part.as_str()))
            }
            (Value::String(text), Value::String(part)) => Ok(text.ends_with(part.as_str())),
            (other, _) => Err(format!("which is {}, not a string", kind(other))),
        },
        Op::Matches => Err("no regex".to_string()),
        Op::Exists => Ok(true),
    }
}

/// A lone `{{NAME}}` value as a number, boolean or null when the actual value is one and
/// the text reads as one.
fn typed_like(expected: &Value, actual: &Value) -> Value {
    let Some(text) = expected.as_str() else {
        return expected.clone();
    };
    let typed = match actual {
        Value::Number(_) => text.parse::<Number>().ok().map(Value::Number),
        Value::Bool(_) => text.parse::<bool>().ok().map(Value::Bool),
        Value::Null => (text == "null").then_some(Value::Null),
        _ => None,
    };
    typed.unwrap_or_else(|| expected.clone())
}

/// JSON equality with numbers compared as numbers, at any depth.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b).is_eq(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => Ok(compare_numbers(a, b)),
        (Value::String(a), Value::String(b)) => Ok(a.as_str().cmp(b.as_str())),
        (a, b) => Err(format!(
            "which is {}, not comparable with {}",
            kind(a),
            kind(b)
        )),
    }
}

/// Integers exactly, anything else as floating point.
fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    let int = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => {
            let float = |n: &Number| n.as_f64().unwrap_or(f64::NAN);
            float(a).partial_cmp(&float(b)).unwrap_or(Ordering::Equal)
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `count not == 2`, `matches /^a/`, `exists`.
fn describe_predicate(
    predicate: &Predicate,
    expected: Option<&Expected>,
    secrets: &Secrets,
) -> String {
    let mut out = String::new();
    if predicate.count {
        out.push_str("count ");
    }
    if predicate.not {
        out.push_str("not ");
    }
    out.push_str(match predicate.op {
        PredicateOp::Eq => "==",
        PredicateOp::Ne => "!=",
        PredicateOp::Lt => "<",
        PredicateOp::Le => "<=",
        PredicateOp::Gt => ">",
        PredicateOp::Ge => ">=",
        PredicateOp::Contains => "contains",
        PredicateOp::StartsWith => "startsWith",
        PredicateOp::EndsWith => "endsWith",
        PredicateOp::Matches => "matches",
        PredicateOp::Exists => "exists",
    });
    match expected {
        Some(Expected::Value { value, .. }) => {
            out.push(' ');
            out.push_str(&show(value, secrets));
        }
        Some(Expected::Regex(regex)) => {
            out.push_str(&format!(
                " /{}/",
                clip(&secrets.mask(regex.as_str()), SHOWN_CHARS)
            ));
        }
        None => {}
    }
    out
}

/// A value as compact JSON, secrets masked, cut to [`SHOWN_CHARS`] characters.
pub(super) fn show(value: &Value, secrets: &Secrets) -> String {
    clip(&secrets.mask(&value.to_string()), SHOWN_CHARS)
}

/// `text` cut to `max` characters, with `…` when it was cut. Mask before clipping: a secret
/// cut in two would no longer be found.
pub(super) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
