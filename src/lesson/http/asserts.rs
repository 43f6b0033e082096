//! Queries, filters and predicates: the lines of `[Captures]` and `[Asserts]`, in Hurl 8's
//! grammar (hurl.dev, "Asserting response" and "Filters").
//!
//! ```text
//! capture   = name ":" query filter*
//! assert    = query filter* ["not"] predicate
//! query     = status | header "Name" | body | bytes | sha256 | duration
//!           | jsonpath "EXPR" | regex ("PATTERN" | /PATTERN/) | variable "NAME"
//! filter    = count | first | last | nth N | toString | toInt | toFloat | toHex
//!           | split "SEP" | replace "OLD" "NEW" | replaceRegex (/RE/|"RE") "NEW"
//!           | regex (/RE/|"RE") | jsonpath "EXPR" | decode "ENCODING" | urlQueryParam "NAME"
//!           | toDate "FORMAT" | dateFormat "FORMAT" (or format) | daysAfterNow | daysBeforeNow
//!           | urlEncode | urlDecode | htmlEscape | htmlUnescape | utf8Encode | utf8Decode
//!           | base64Encode | base64Decode | base64UrlSafeEncode | base64UrlSafeDecode
//! predicate = (== | != | < | <= | > | >= | contains | startsWith | endsWith | includes
//!              | matches) value
//!           | exists | isEmpty | isBoolean | isCollection | isDate | isFloat | isInteger
//!           | isIpv4 | isIpv6 | isIsoDate | isList | isNumber | isObject | isString | isUuid
//! value     = "string" | integer | float | true | false | null | /regex/ | {{NAME}}
//!           | hex,HEX; | base64,BASE64;
//! ```
//!
//! Hurl's `equals`, `notEquals`, `lessThan`... are read as their symbols. What Hurl has and
//! labrun leaves out (the queries `xpath`, `cookie`, `url`, `ip`, `redirects`, `version`,
//! `certificate`, `md5`, `rawbytes`; the filters `xpath`, `location`, `charsetDecode`; `file,`
//! values) is refused as "not supported by labrun", with the reason in
//! `docs/lesson-format.md`.

use serde::Serialize;

use super::keywords::{FILTERS, HURL_ONLY_FILTERS, HURL_ONLY_QUERIES, PREDICATES, QUERIES};
use super::{Cursor, listed, malformed, slashed, split_key, suggest, unescape};
use crate::lesson::diagnostic::{Code, Diagnostic};
use crate::lesson::span::Span;

use super::jsonpath::{checked_jsonpath, jsonpath_is_singular};
use super::value::{check_regex, check_value, parse_value};

/// `name: query` in `[Captures]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capture {
    pub name: String,
    pub query: Query,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
    pub span: Span,
}

/// The part of a response that a capture or an assert looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Query {
    /// Validated, unless it contains a `{{` template.
    JsonPath(String),
    Header(String),
    Status,
    Body,
    /// The body's bytes.
    Bytes,
    /// SHA-256 of the body's bytes.
    Sha256,
    /// Milliseconds from the request to the response.
    Duration,
    /// The first group of the pattern's first match in the body.
    Regex(String),
    /// A variable's value.
    Variable(String),
}

/// A step between a query and its predicate (or its capture).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Filter {
    Count,
    First,
    Last,
    Nth(i64),
    /// `nth {{NAME}}`: the index a variable holds.
    NthOf(String),
    ToString,
    ToInt,
    ToFloat,
    ToHex,
    Split(String),
    Replace {
        old: String,
        new: String,
    },
    ReplaceRegex {
        pattern: String,
        new: String,
    },
    Regex(String),
    JsonPath(String),
    Decode(String),
    UrlQueryParam(String),
    ToDate(String),
    Format(String),
    DaysAfterNow,
    DaysBeforeNow,
    UrlEncode,
    UrlDecode,
    HtmlEscape,
    HtmlUnescape,
    Utf8Encode,
    Utf8Decode,
    Base64Encode,
    Base64Decode,
    Base64UrlSafeEncode,
    Base64UrlSafeDecode,
}

/// A line of `[Asserts]`, or what a response header or body line means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assert {
    pub query: Query,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
    pub predicate: Predicate,
    pub span: Span,
    /// A response section's header or body line, not an `[Asserts]` line: a header sent
    /// several times holds when one of its values is the one written (as in Hurl), and a JSON
    /// body is compared as JSON (labrun's reading).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
}

impl Assert {
    /// `count` as the only filter: what a portable check usually means by it.
    pub fn counts(&self) -> bool {
        self.filters.last() == Some(&Filter::Count)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predicate {
    pub not: bool,
    pub op: PredicateOp,
    /// `None` for the predicates that take no value (`exists`, `isString`, ...).
    pub value: Option<PredicateValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PredicateOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    StartsWith,
    EndsWith,
    Includes,
    Matches,
    Exists,
    IsEmpty,
    IsBoolean,
    IsCollection,
    IsDate,
    IsFloat,
    IsInteger,
    IsIpv4,
    IsIpv6,
    IsIsoDate,
    IsList,
    IsNumber,
    IsObject,
    IsString,
    IsUuid,
}

impl PredicateOp {
    /// Whether it takes a value.
    pub fn takes_value(self) -> bool {
        matches!(
            self,
            Self::Eq
                | Self::Ne
                | Self::Lt
                | Self::Le
                | Self::Gt
                | Self::Ge
                | Self::Contains
                | Self::StartsWith
                | Self::EndsWith
                | Self::Includes
                | Self::Matches
        )
    }

    /// As Hurl writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Contains => "contains",
            Self::StartsWith => "startsWith",
            Self::EndsWith => "endsWith",
            Self::Includes => "includes",
            Self::Matches => "matches",
            Self::Exists => "exists",
            Self::IsEmpty => "isEmpty",
            Self::IsBoolean => "isBoolean",
            Self::IsCollection => "isCollection",
            Self::IsDate => "isDate",
            Self::IsFloat => "isFloat",
            Self::IsInteger => "isInteger",
            Self::IsIpv4 => "isIpv4",
            Self::IsIpv6 => "isIpv6",
            Self::IsIsoDate => "isIsoDate",
            Self::IsList => "isList",
            Self::IsNumber => "isNumber",
            Self::IsObject => "isObject",
            Self::IsString => "isString",
            Self::IsUuid => "isUuid",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "==" | "equals" => Self::Eq,
            "!=" | "notEquals" => Self::Ne,
            "<" | "lessThan" => Self::Lt,
            "<=" | "lessThanOrEquals" => Self::Le,
            ">" | "greaterThan" => Self::Gt,
            ">=" | "greaterThanOrEquals" => Self::Ge,
            "contains" => Self::Contains,
            "startsWith" => Self::StartsWith,
            "endsWith" => Self::EndsWith,
            "includes" => Self::Includes,
            "matches" => Self::Matches,
            "exists" => Self::Exists,
            "isEmpty" => Self::IsEmpty,
            "isBoolean" => Self::IsBoolean,
            "isCollection" => Self::IsCollection,
            "isDate" => Self::IsDate,
            "isFloat" => Self::IsFloat,
            "isInteger" => Self::IsInteger,
            "isIpv4" => Self::IsIpv4,
            "isIpv6" => Self::IsIpv6,
            "isIsoDate" => Self::IsIsoDate,
            "isList" => Self::IsList,
            "isNumber" => Self::IsNumber,
            "isObject" => Self::IsObject,
            "isString" => Self::IsString,
            "isUuid" => Self::IsUuid,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PredicateValue {
    /// Escapes resolved. An unquoted `{{NAME}}` is kept here as written, braces included.
    String(String),
    /// An integer or a float, as written (`1` and `1.0` differ in kind, not in value).
    Number(serde_json::Number),
    Bool(bool),
    Null,
    /// `/regex/` with `\/` read as `/`. A `matches` pattern, either kind, is validated.
    Regex(String),
    /// `hex,...;` or `base64,...;`.
    Bytes(Vec<u8>),
}

/// A warning for an assert that labrun and Hurl 8.0 decide differently, with the form both
/// read alike (`tests/hurl/differences.txt` lists the cases).
pub(super) fn hurl_difference(assert: &Assert) -> Option<Diagnostic> {
    let Query::JsonPath(path) = &assert.query else {
        return None;
    };
    if assert.filters.first() != Some(&Filter::Count) || jsonpath_is_singular(path) {
        return None;
    }
    let message = "`count` after a JSONPath with a filter, a wildcard or `..`: when it selects \
                   no node, or one that is no list, labrun counts the nodes (RFC 9535) and hurl \
                   8.0 fails";
    let help = "write it so both tools read it alike: `exists` or `not exists` for one or no \
                node, or test a field of the node (`jsonpath \"$.items[?@.id == 'a'].name\" == \"x\"`)";
    Some(Diagnostic::new(Code::HurlDifference, assert.span, message).with_help(help))
}

pub(super) fn capture(t: &str, abs: usize) -> Result<Capture, Diagnostic> {
    let span = Span::new(abs, abs + t.len());
    let Some((key_end, colon)) = split_key(t) else {
        return Err(malformed(span, "expected a capture `name: query`"));
    };
    let name = unescape(t.get(..key_end).unwrap_or(""));
    // `{{name}}` only refers to identifiers, so a capture under any other name would be lost.
    if !is_identifier(&name) {
        let message = format!("capture name `{name}` is not a valid variable name");
        let help = "use letters, digits and `_`, not starting with a digit";
        let at = Span::new(abs, abs + key_end);
        return Err(Diagnostic::new(Code::InvalidVariable, at, message).with_help(help));
    }
    let mut cur = Cursor::new(t, abs);
    cur.i = colon + 1;
    cur.skip_ws();
    let query = parse_query(&mut cur)?;
    let filters = parse_filters(&mut cur)?;
    cur.skip_ws();
    if !cur.done() {
        let (word, at) = cur.take(true);
        return Err(malformed(
            at,
            format!("unexpected `{word}` after the query"),
        ));
    }
    Ok(Capture {
        name,
        query,
        filters,
        span,
    })
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(super) fn assert(t: &str, abs: usize) -> Result<Assert, Diagnostic> {
    let mut cur = Cursor::new(t, abs);
    let query = parse_query(&mut cur)?;
    let filters = parse_filters(&mut cur)?;
    let predicate = parse_predicate(&mut cur, t)?;
    Ok(Assert {
        query,
        filters,
        predicate,
        span: Span::new(abs, abs + t.len()),
        implicit: false,
    })
}

/// The predicate after a query and its filters: `[not] OP [VALUE]`, up to the end of the line
/// (`t`, the whole line, for the operator's text).
fn parse_predicate(cur: &mut Cursor<'_>, t: &str) -> Result<Predicate, Diagnostic> {
    cur.skip_ws();
    let not = {
        let start = cur.i;
        match cur.word() {
            ("not", _) => true,
            _ => {
                cur.i = start;
                false
            }
        }
    };
    let after_not = cur.i;
    cur.skip_ws();
    if cur.done() {
        let help = "add one, e.g. `== 200` or `exists`";
        return Err(malformed(cur.span(0, after_not), "missing predicate").with_help(help));
    }
    let op_start = cur.i;
    let symbolic = matches!(cur.peek(), Some(b'=' | b'!' | b'<' | b'>'));
    while symbolic && matches!(cur.peek(), Some(b'=' | b'!' | b'<' | b'>')) {
        cur.i += 1;
    }
    let (op_text, op_span) = match symbolic {
        true => (
            t.get(op_start..cur.i).unwrap_or(""),
            cur.span(op_start, cur.i),
        ),
        false => cur.take(true),
    };
    let op = PredicateOp::parse(op_text).ok_or_else(|| {
        if listed(FILTERS, op_text) || listed(HURL_ONLY_FILTERS, op_text) {
            let message = format!("filter `{op_text}` comes before `not`");
            return malformed(op_span, message);
        }
        let diag = malformed(op_span, format!("unknown predicate `{op_text}`"));
        suggest(diag, op_text, PREDICATES.split(' '))
    })?;
    if symbolic && !matches!(cur.peek(), None | Some(b' ' | b'\t')) {
        let message = format!("expected a space after `{op_text}`");
        return Err(malformed(op_span, message));
    }
    cur.skip_ws();
    let value = match (cur.done(), op.takes_value()) {
        (true, false) => None,
        (true, true) => return Err(malformed(op_span, format!("`{op_text}` needs a value"))),
        (false, false) => {
            let (_, span) = cur.take(true);
            return Err(malformed(span, format!("`{op_text}` takes no value")));
        }
        (false, true) => {
            let (value, span) = parse_value(cur)?;
            Some(check_value(op, op_text, value, span)?)
        }
    };
    cur.skip_ws();
    if !cur.done() {
        let (extra, span) = cur.take(true);
        let message = format!("unexpected `{extra}` after the predicate");
        return Err(malformed(span, message));
    }
    Ok(Predicate { not, op, value })
}

fn parse_query(cur: &mut Cursor<'_>) -> Result<Query, Diagnostic> {
    let (word, span) = cur.word();
    match word {
        "status" => return Ok(Query::Status),
        "body" => return Ok(Query::Body),
        "bytes" => return Ok(Query::Bytes),
        "sha256" => return Ok(Query::Sha256),
        "duration" => return Ok(Query::Duration),
        "jsonpath" | "header" | "variable" | "regex" => cur.skip_ws(),
        _ if listed(HURL_ONLY_QUERIES, word) => {
            let message = format!("query `{word}` is not supported by labrun");
            return Err(malformed(span, message));
        }
        _ => {
            let diag = malformed(span, format!("unknown query `{word}`"));
            return Err(diag.with_suggestion(word, QUERIES.split(' ')));
        }
    }
    if word == "regex" {
        return Ok(Query::Regex(pattern_argument(cur, word, span)?));
    }
    let (text, text_span) = quoted_argument(cur, word, span)?;
    match word {
        "header" => Ok(Query::Header(text)),
        "variable" => Ok(Query::Variable(text)),
        _ => Ok(Query::JsonPath(checked_jsonpath(text, text_span)?)),
    }
}

/// The filters after a query, up to the predicate (or the end of a capture).
fn parse_filters(cur: &mut Cursor<'_>) -> Result<Vec<Filter>, Diagnostic> {
    let mut filters = Vec::new();
    loop {
        cur.skip_ws();
        let start = cur.i;
        let (word, span) = cur.word();
        let filter = match word {
            "count" => Filter::Count,
            "first" => Filter::First,
            "last" => Filter::Last,
            "toString" => Filter::ToString,
            "toInt" => Filter::ToInt,
            "toFloat" => Filter::ToFloat,
            "toHex" => Filter::ToHex,
            "daysAfterNow" => Filter::DaysAfterNow,
            "daysBeforeNow" => Filter::DaysBeforeNow,
            "urlEncode" => Filter::UrlEncode,
            "urlDecode" => Filter::UrlDecode,
            "htmlEscape" => Filter::HtmlEscape,
            "htmlUnescape" => Filter::HtmlUnescape,
            "utf8Encode" => Filter::Utf8Encode,
            "utf8Decode" => Filter::Utf8Decode,
            "base64Encode" => Filter::Base64Encode,
            "base64Decode" => Filter::Base64Decode,
            "base64UrlSafeEncode" => Filter::Base64UrlSafeEncode,
            "base64UrlSafeDecode" => Filter::Base64UrlSafeDecode,
            "nth" => {
                cur.skip_ws();
                let (number, at) = cur.take(true);
                match number.strip_prefix("{{").and_then(|n| n.strip_suffix("}}")) {
                    Some(name) if is_identifier(name.trim()) => {
                        Filter::NthOf(name.trim().to_owned())
                    }
                    _ => Filter::Nth(number.parse::<i64>().map_err(|_| {
                        malformed(at, format!("`nth` needs an integer, not `{number}`"))
                    })?),
                }
            }
            "split" => Filter::Split(quoted_argument(cur, word, span)?.0),
            "replace" => {
                let old = quoted_argument(cur, word, span)?.0;
                let new = quoted_argument(cur, word, span)?.0;
                Filter::Replace { old, new }
            }
            "replaceRegex" => {
                let pattern = pattern_argument(cur, word, span)?;
                let new = quoted_argument(cur, word, span)?.0;
                Filter::ReplaceRegex { pattern, new }
            }
            "regex" => Filter::Regex(pattern_argument(cur, word, span)?),
            "jsonpath" => {
                let (text, at) = quoted_argument(cur, word, span)?;
                Filter::JsonPath(checked_jsonpath(text, at)?)
            }
            "decode" => {
                let (encoding, at) = quoted_argument(cur, word, span)?;
                if encoding_known(&encoding).is_none() && !encoding.contains("{{") {
                    let message = format!(
                        "encoding `{encoding}` is not supported by labrun: use `utf-8`, `iso-8859-1` or `us-ascii`"
                    );
                    return Err(malformed(at, message));
                }
                Filter::Decode(encoding)
            }
            "urlQueryParam" => Filter::UrlQueryParam(quoted_argument(cur, word, span)?.0),
            "toDate" => Filter::ToDate(quoted_argument(cur, word, span)?.0),
            // `dateFormat` is Hurl 8's name; `format` the one it still reads.
            "format" | "dateFormat" => Filter::Format(quoted_argument(cur, word, span)?.0),
            _ if listed(HURL_ONLY_FILTERS, word) => {
                let message = format!("filter `{word}` is not supported by labrun");
                return Err(malformed(span, message));
            }
            _ => {
                cur.i = start;
                break;
            }
        };
        filters.push(filter);
    }
    Ok(filters)
}

/// The encodings `decode` reads, by any of their names.
pub fn encoding_known(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => Some("utf-8"),
        "iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" => Some("iso-8859-1"),
        "us-ascii" | "ascii" => Some("us-ascii"),
        _ => None,
    }
}

/// A `"..."` argument of `what`.
fn quoted_argument(
    cur: &mut Cursor<'_>,
    what: &str,
    at: Span,
) -> Result<(String, Span), Diagnostic> {
    cur.skip_ws();
    if cur.peek() != Some(b'"') {
        let message = format!("`{what}` needs a quoted argument, e.g. `{what} \"...\"`");
        return Err(malformed(at, message));
    }
    cur.quoted()
}

/// A `/regex/` or `"regex"` argument of `what`, validated unless it holds a template.
fn pattern_argument(cur: &mut Cursor<'_>, what: &str, at: Span) -> Result<String, Diagnostic> {
    cur.skip_ws();
    let (pattern, span) = match cur.peek() {
        Some(b'"') => cur.quoted()?,
        Some(b'/') => {
            let start = cur.i;
            let pattern = slashed(cur)?;
            (pattern, cur.span(start, cur.i))
        }
        _ => {
            let message = format!("`{what}` needs a regex, e.g. `{what} /(\\d+)/`");
            return Err(malformed(at, message));
        }
    };
    check_regex(&pattern, span)?;
    Ok(pattern)
}
