//! Captures and asserts, evaluated against a response with Hurl 8's meaning (values in
//! [`super::value`], filters in [`super::filter`]).
//!
//! - A query gives a value or nothing: `jsonpath` as in [`super::jsonpath`], `header` its
//!   value (the list of them when it comes several times), `status` and `duration` integers,
//!   `body` the text of the body, `bytes` and `sha256` bytes, `regex` the first group of its
//!   first match, `variable` a variable's value.
//! - Nothing fails every predicate unless `not` comes first (`not exists`, `not == 1`); a
//!   filter that fails, or a value of a kind the predicate cannot test, fails either way.
//! - An expected value that is a lone `{{NAME}}` takes the kind of the actual value when its
//!   text allows (`3` for a number, `true` for a boolean): labrun's variables are text, and
//!   a captured count should still compare equal to the count it came from.
//! - Where labrun and Hurl 8.0 differ, on purpose: `count` right after a JSONPath query counts
//!   the nodes it selects (RFC 9535), and a response section's JSON body is compared as JSON.
//!   `tests/hurl/differences.txt` lists every known difference.

use std::cell::OnceCell;

use regex::Regex;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::client::Response;
use super::filter;
use super::jsonpath;
use super::request::{Lookup, fill};
use super::value::{Number, TypeMismatch, Value};
use crate::exec::Secrets;
use crate::lesson::http::{
    Assert, Capture, Filter, Predicate, PredicateOp, PredicateValue, Query, jsonpath_is_singular,
};
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
    text: OnceCell<Result<std::borrow::Cow<'r, str>, String>>,
    json: OnceCell<Result<Json, String>>,
}

/// What a query found: a value, or nothing and why.
enum Found {
    Value(Value),
    Nothing(&'static str),
}

impl Found {
    fn into_option(self) -> Option<Value> {
        match self {
            Self::Value(value) => Some(value),
            Self::Nothing(_) => None,
        }
    }
}

impl<'r> Examiner<'r> {
    pub(super) fn new(response: &'r Response, secrets: &'r Secrets) -> Self {
        Self {
            response,
            secrets,
            text: OnceCell::new(),
            json: OnceCell::new(),
        }
    }

    /// The value a `[Captures]` line takes: a string as its text, bytes as hex, other values
    /// as compact JSON.
    pub(super) fn capture(&self, capture: &Capture, lookup: &Lookup<'_>) -> Result<String, Miss> {
        let query = filled_query(&capture.query, lookup)?;
        let what = describe_query(&query);
        let found = match self.value(&query, &capture.filters, lookup) {
            Ok(found) => found,
            Err((problem, fatal)) => return Err(Miss::problem(&what, problem, fatal)),
        };
        match found {
            Found::Value(Value::String(text)) => Ok(text),
            Found::Value(Value::Bytes(bytes)) => Ok(crate::text::hex(&bytes)),
            Found::Value(value) => Ok(value.render().unwrap_or_else(|| value.shown())),
            Found::Nothing(why) => Err(Miss {
                line: format!("capture `{}`: {what} found nothing ({why})", capture.name),
                short: format!("{what} found nothing ({why})"),
                fatal: false,
            }),
        }
    }

    /// Checks one line of `[Asserts]` (or a header or body line of the response section).
    pub(super) fn check(&self, assert: &Assert, lookup: &Lookup<'_>) -> Result<(), Miss> {
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
        let found = match self.value(&query, &assert.filters, lookup) {
            Ok(found) => found,
            Err((problem, fatal)) => return Err(Miss::problem(&what, problem, fatal)),
        };
        let (found, expected) = as_json_documents(assert, found, expected);
        // A response section's `Name: value` holds when one of the header's values is it.
        let found = match found {
            Found::Value(Value::List(values))
                if assert.implicit && matches!(assert.query, Query::Header(_)) =>
            {
                match &expected {
                    Some(Expected::Value { value, .. }) if values.contains(value) => {
                        Found::Value(value.clone())
                    }
                    _ => Found::Value(Value::List(values)),
                }
            }
            found => found,
        };
        let Err(got) = evaluate(predicate, &found, expected.as_ref(), self.secrets) else {
            return Ok(());
        };
        let wanted = describe_predicate(assert, expected.as_ref(), self.secrets);
        Err(Miss {
            line: format!("{what}: expected {wanted}, got {got}"),
            short: format!("{what} was {got}, expected {wanted}"),
            fatal: false,
        })
    }

    /// The query's value after its filters; an error says why it could not be had, and
    /// whether that is final.
    fn value(
        &self,
        query: &Query,
        filters: &[Filter],
        lookup: &Lookup<'_>,
    ) -> Result<Found, (String, bool)> {
        // `count` right after a JSONPath query that is not singular counts the nodes it
        // selects (RFC 9535) where Hurl 8.0 fails: on no node, or on one that is no list.
        if let (Query::JsonPath(path), Some(Filter::Count)) = (query, filters.first())
            && !jsonpath_is_singular(path)
        {
            let doc = self.json().map_err(|problem| (problem, false))?;
            let nodes = jsonpath::select(path, doc).map_err(|problem| (problem, true))?;
            // One node that is a list is counted by its items, as Hurl counts it
            // (`$..book count == 4`); otherwise the nodes are counted.
            let count = match nodes.as_slice() {
                [Json::Array(items)] => items.len(),
                _ => nodes.len(),
            };
            let count = Value::Number(Number::Integer(count as i64));
            return filter::apply(&filters[1..], Some(count), lookup)
                .map(found)
                .map_err(|problem| (problem, false));
        }
        let value = self.query(query, lookup)?;
        if filters.is_empty() {
            return Ok(value);
        }
        filter::apply(filters, value.into_option(), lookup)
            .map(found)
            .map_err(|problem| (problem, false))
    }

    /// The value of a query, or why it could not be evaluated and whether that is final.
    fn query(&self, query: &Query, lookup: &Lookup<'_>) -> Result<Found, (String, bool)> {
        let body = &self.response.body;
        match query {
            Query::Status => Ok(Found::Value(Value::Number(Number::Integer(i64::from(
                self.response.status.as_u16(),
            ))))),
            Query::Header(name) => {
                let mut values: Vec<Value> = self
                    .response
                    .headers
                    .get_all(name.as_str())
                    .iter()
                    .map(|value| Value::String(String::from_utf8_lossy(value.as_bytes()).into()))
                    .collect();
                Ok(match values.len() {
                    0 => Found::Nothing("no such header"),
                    1 => Found::Value(values.remove(0)),
                    _ => Found::Value(Value::List(values)),
                })
            }
            Query::Body => match self.text() {
                Ok(text) => Ok(Found::Value(Value::String(text.to_string()))),
                Err(problem) => Err((problem, false)),
            },
            Query::Bytes => Ok(Found::Value(Value::Bytes(body.clone()))),
            Query::Sha256 => Ok(Found::Value(Value::Bytes(Sha256::digest(body).to_vec()))),
            Query::Duration => Ok(Found::Value(Value::Number(Number::Integer(
                i64::try_from(self.response.elapsed.as_millis()).unwrap_or(i64::MAX),
            )))),
            Query::Regex(pattern) => {
                let text = self.text().map_err(|problem| (problem, false))?;
                let pattern = fill(pattern, lookup, "the regex").map_err(|p| (p, true))?;
                let regex =
                    Regex::new(&pattern).map_err(|e| (format!("invalid regex: {e}"), true))?;
                Ok(
                    match regex.captures(text).and_then(|groups| groups.get(1)) {
                        Some(group) => Found::Value(Value::String(group.as_str().to_owned())),
                        None => Found::Nothing("no match"),
                    },
                )
            }
            // A word that is no variable reads back as written (`{{name}}`): nothing, here.
            Query::Variable(name) => Ok(match lookup(name) {
                Some(text) if text != format!("{{{{{name}}}}}") => Found::Value(typed_text(text)),
                _ => Found::Nothing("no such variable"),
            }),
            Query::JsonPath(path) => {
                let doc = self.json().map_err(|problem| (problem, false))?;
                let nodes = jsonpath::select(path, doc).map_err(|problem| (problem, true))?;
                Ok(match jsonpath::as_hurl(nodes) {
                    Some(value) => Found::Value(value),
                    None => Found::Nothing("no such path"),
                })
            }
        }
    }

    /// The body as text, in the charset its `Content-Type` names (UTF-8 when it names none),
    /// as Hurl decodes it.
    fn text(&self) -> Result<&str, String> {
        let body: &'r [u8] = &self.response.body;
        let charset = self
            .response
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value.split(';').skip(1).find_map(|parameter| {
                    let (name, value) = parameter.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("charset")
                        .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
                })
            });
        self.text
            .get_or_init(|| match charset.as_deref() {
                None | Some("utf-8" | "utf8") => std::str::from_utf8(body)
                    .map(std::borrow::Cow::Borrowed)
                    .map_err(|e| {
                        format!(
                            "response body is not valid UTF-8 (invalid byte at offset {})",
                            e.valid_up_to()
                        )
                    }),
                Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1") => Ok(
                    std::borrow::Cow::Owned(body.iter().map(|&b| char::from(b)).collect()),
                ),
                Some("us-ascii" | "ascii") if body.is_ascii() => Ok(std::borrow::Cow::Borrowed(
                    std::str::from_utf8(body).unwrap_or_default(),
                )),
                Some(other) => Err(format!(
                    "the response's charset `{other}` is not supported by labrun (UTF-8, ISO-8859-1 and US-ASCII are)"
                )),
            })
            .as_deref()
            .map_err(Clone::clone)
    }

    fn json(&self) -> Result<&Json, String> {
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

fn found(value: Option<Value>) -> Found {
    match value {
        Some(value) => Found::Value(value),
        None => Found::Nothing("the filters gave nothing"),
    }
}

/// A variable's text as the value it was captured from: a number, a boolean or null when
/// the text is one as JSON writes it (labrun's variables are text; Hurl's keep their kind).
fn typed_text(text: String) -> Value {
    match serde_json::from_str::<Json>(&text) {
        Ok(json @ (Json::Number(_) | Json::Bool(_) | Json::Null)) => Value::from_json(&json),
        _ => Value::String(text),
    }
}

/// The query with `{{NAME}}` filled into its JSONPath, header or variable name.
fn filled_query(query: &Query, lookup: &Lookup<'_>) -> Result<Query, Miss> {
    let fatal = |problem| Miss::problem(&describe_query(query), problem, true);
    Ok(match query {
        Query::JsonPath(path) => {
            Query::JsonPath(fill(path, lookup, "the JSONPath").map_err(fatal)?)
        }
        Query::Header(name) => Query::Header(fill(name, lookup, "the header name").map_err(fatal)?),
        other => other.clone(),
    })
}

fn describe_query(query: &Query) -> String {
    let quoted = |text: &str| Json::from(text).to_string();
    match query {
        Query::JsonPath(path) => format!("jsonpath {}", quoted(path)),
        Query::Header(name) => format!("header {}", quoted(name)),
        Query::Regex(pattern) => format!("regex {}", quoted(pattern)),
        Query::Variable(name) => format!("variable {}", quoted(name)),
        Query::Status => "status".to_string(),
        Query::Body => "body".to_string(),
        Query::Bytes => "bytes".to_string(),
        Query::Sha256 => "sha256".to_string(),
        Query::Duration => "duration".to_string(),
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
        PredicateValue::Number(n) => (Value::Number(Number::from_json(n)), false),
        PredicateValue::Bool(b) => (Value::Bool(*b), false),
        PredicateValue::Null => (Value::Null, false),
        PredicateValue::Bytes(bytes) => (Value::Bytes(bytes.clone()), false),
    };
    Ok(Expected::Value {
        value,
        lone_variable,
    })
}

/// A response section's JSON body is compared as JSON with the body, when both parse: labrun
/// reads JSON whatever its spacing and key order (Hurl compares the text as written).
fn as_json_documents(
    assert: &Assert,
    found: Found,
    expected: Option<Expected>,
) -> (Found, Option<Expected>) {
    if let (true, Found::Value(Value::String(text)), Some(Expected::Value { value, .. })) = (
        assert.implicit && assert.query == Query::Body,
        &found,
        &expected,
    ) && let Value::String(want) = value
        && want.trim_start().starts_with(['{', '['])
        && let (Ok(actual), Ok(want)) = (
            serde_json::from_str::<Json>(text),
            serde_json::from_str::<Json>(want),
        )
    {
        let expected = Expected::Value {
            value: Value::from_json(&want),
            lone_variable: false,
        };
        return (Found::Value(Value::from_json(&actual)), Some(expected));
    }
    (found, expected)
}

/// `Ok` when the predicate holds; otherwise what was found, as the failure shows it. As in
/// Hurl: nothing fails every predicate unless `not` comes first; a value of a kind the
/// predicate cannot test fails with or without `not`.
fn evaluate(
    predicate: &Predicate,
    found: &Found,
    expected: Option<&Expected>,
    secrets: &Secrets,
) -> Result<(), String> {
    let value = match found {
        Found::Nothing(_) if predicate.not => return Ok(()),
        Found::Nothing(why) => return Err(format!("nothing ({why})")),
        Found::Value(value) => value,
    };
    let got = show(value, secrets);
    match holds(predicate.op, value, expected) {
        Ok(holds) if holds != predicate.not => Ok(()),
        Ok(_) => Err(got),
        Err(TypeMismatch) => Err(format!(
            "{got}, which is {} {}",
            article(value.kind()),
            value.kind()
        )),
    }
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Whether `actual OP expected`; a mismatch when `actual` is of a kind `OP` cannot test.
fn holds(
    op: PredicateOp,
    actual: &Value,
    expected: Option<&Expected>,
) -> Result<bool, TypeMismatch> {
    use PredicateOp as Op;
    let value = match expected {
        Some(Expected::Regex(regex)) => {
            return match actual {
                Value::String(text) => Ok(regex.is_match(text)),
                _ => Err(TypeMismatch),
            };
        }
        Some(Expected::Value {
            value,
            lone_variable,
        }) => Some(if *lone_variable {
            typed_like(value, actual)
        } else {
            value.clone()
        }),
        None => None,
    };
    let value = value.as_ref();
    match (op, value) {
        (Op::Eq, Some(value)) => Ok(actual == value),
        (Op::Ne, Some(value)) => Ok(actual != value),
        (Op::Lt | Op::Le | Op::Gt | Op::Ge, Some(value)) => {
            let ordering = actual.compare(value)?;
            Ok(match op {
                Op::Lt => ordering.is_lt(),
                Op::Le => ordering.is_le(),
                Op::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
        (Op::Contains, Some(value)) => actual.contains(value),
        (Op::StartsWith, Some(value)) => actual.starts_with(value),
        (Op::EndsWith, Some(value)) => actual.ends_with(value),
        (Op::Includes, Some(value)) => actual.includes(value),
        (Op::Exists, _) => Ok(true),
        (Op::IsEmpty, _) => actual.size().map(|size| size == 0),
        (Op::IsBoolean, _) => Ok(matches!(actual, Value::Bool(_))),
        (Op::IsCollection, _) => Ok(matches!(
            actual,
            Value::List(_) | Value::Object(_) | Value::Bytes(_)
        )),
        (Op::IsDate, _) => Ok(matches!(actual, Value::Date(_))),
        (Op::IsFloat, _) => Ok(matches!(actual, Value::Number(Number::Float(_)))),
        (Op::IsInteger, _) => Ok(matches!(
            actual,
            Value::Number(Number::Integer(_) | Number::Big(_))
        )),
        (Op::IsNumber, _) => Ok(matches!(actual, Value::Number(_))),
        (Op::IsList, _) => Ok(matches!(actual, Value::List(_) | Value::Bytes(_))),
        (Op::IsObject, _) => Ok(matches!(actual, Value::Object(_))),
        (Op::IsString, _) => Ok(matches!(actual, Value::String(_))),
        (Op::IsIpv4 | Op::IsIpv6 | Op::IsUuid | Op::IsIsoDate, _) => {
            let Value::String(text) = actual else {
                return Err(TypeMismatch);
            };
            Ok(match op {
                Op::IsIpv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
                Op::IsIpv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
                Op::IsUuid => is_uuid(text),
                _ => is_rfc3339(text),
            })
        }
        // `matches` has its regex above; a predicate that takes a value always has one (the
        // parser sees to it).
        (Op::Matches, _) | (_, None) => Err(TypeMismatch),
    }
}

/// A UUID as RFC 9562 writes it (`8-4-4-4-12` hex digits), or its 32 digits alone, braced,
/// or as a `urn:uuid:`.
fn is_uuid(text: &str) -> bool {
    let text = text
        .strip_prefix("urn:uuid:")
        .or_else(|| text.strip_prefix('{').and_then(|t| t.strip_suffix('}')))
        .unwrap_or(text);
    let hex =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_hexdigit());
    match text.split('-').collect::<Vec<_>>().as_slice() {
        [whole] => hex(whole, 32),
        [a, b, c, d, e] => hex(a, 8) && hex(b, 4) && hex(c, 4) && hex(d, 4) && hex(e, 12),
        _ => false,
    }
}

/// A date-time as RFC 3339 writes it, with its zone (`2026-12-04T10:00:00Z`).
fn is_rfc3339(text: &str) -> bool {
    text.parse::<jiff::Timestamp>().is_ok()
        && text.len() >= 20
        && text
            .as_bytes()
            .get(10)
            .is_some_and(|b| matches!(b, b'T' | b't' | b' '))
}

/// A lone `{{NAME}}` value as a number, boolean or null when the actual value is one and
/// the text reads as one.
fn typed_like(expected: &Value, actual: &Value) -> Value {
    let Value::String(text) = expected else {
        return expected.clone();
    };
    let typed = match actual {
        Value::Number(_) => text
            .parse::<serde_json::Number>()
            .ok()
            .map(|n| Value::Number(Number::from_json(&n))),
        Value::Bool(_) => text.parse::<bool>().ok().map(Value::Bool),
        Value::Null => (text == "null").then_some(Value::Null),
        _ => None,
    };
    typed.unwrap_or_else(|| expected.clone())
}

/// `count not == 2`, `matches /^a/`, `split "," nth 0 == "a"`, `exists`.
fn describe_predicate(assert: &Assert, expected: Option<&Expected>, secrets: &Secrets) -> String {
    let predicate = &assert.predicate;
    let mut out = String::new();
    for filter in &assert.filters {
        out.push_str(&describe_filter(filter));
        out.push(' ');
    }
    if predicate.not {
        out.push_str("not ");
    }
    out.push_str(predicate.op.as_str());
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

fn describe_filter(filter: &Filter) -> String {
    let quoted = |text: &str| Json::from(text).to_string();
    let word = serde_json::to_value(filter)
        .ok()
        .and_then(|value| match value {
            Json::String(word) => Some(word),
            Json::Object(map) => map.keys().next().cloned(),
            _ => None,
        })
        .unwrap_or_default();
    match filter {
        Filter::Nth(n) => format!("nth {n}"),
        Filter::NthOf(name) => format!("nth {{{{{name}}}}}"),
        Filter::Split(text)
        | Filter::Regex(text)
        | Filter::JsonPath(text)
        | Filter::Decode(text)
        | Filter::UrlQueryParam(text)
        | Filter::ToDate(text)
        | Filter::Format(text) => format!("{word} {}", quoted(text)),
        Filter::Replace { old, new } => format!("replace {} {}", quoted(old), quoted(new)),
        Filter::ReplaceRegex { pattern, new } => {
            format!("replaceRegex {} {}", quoted(pattern), quoted(new))
        }
        _ => word,
    }
}

/// A value as a failure shows it (JSON, or `hex,...;` for bytes), secrets masked, cut to
/// [`SHOWN_CHARS`] characters.
pub(super) fn show(value: &Value, secrets: &Secrets) -> String {
    clip(&secrets.mask(&value.shown()), SHOWN_CHARS)
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
