//! What a line is: request, response, section header, `key: value`; and the small
//! diagnostics the reader shares.

use super::*;

pub(super) fn retry(text: &str, span: Span) -> Result<u32, Diagnostic> {
    match text.parse::<i64>() {
        Ok(n) if n < 0 => {
            let help = "Hurl's `-1` retries forever; labrun needs a count, e.g. `retry: 10`";
            Err(malformed(span, "`retry` cannot be negative").with_help(help))
        }
        Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
        Err(_) => {
            let message = format!("`retry` must be a whole number of retries, not `{text}`");
            Err(malformed(span, message))
        }
    }
}

pub(super) fn too_large(text: &str) -> String {
    format!("number too large in `{text}`")
}

pub(super) fn malformed(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::MalformedHttp, span, message)
}

/// Adds "did you mean" from a list that differs from `name` in case too (`GTE`, `asserts`).
pub(super) fn suggest<'a>(
    diag: Diagnostic,
    name: &str,
    list: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let lower: Vec<String> = list.clone().map(str::to_ascii_lowercase).collect();
    let mut list = list;
    let best = nearest(name, lower.iter().map(String::as_str))
        .and_then(|best| list.find(|n| n.eq_ignore_ascii_case(best)));
    match best {
        Some(best) => diag.with_help(format!("did you mean `{best}`?")),
        None => diag,
    }
}

pub(super) fn unknown_section(name: &str, span: Span) -> Diagnostic {
    let help = match name {
        "BasicAuth" => "send an `Authorization: Basic ...` header instead",
        "Cookies" => "send a `Cookie: name=value` header instead",
        "MultipartFormData" | "Multipart" => "write the body, with its `Content-Type` header",
        _ => {
            let message = format!("unknown section `[{name}]`");
            let diag = Diagnostic::new(Code::UnknownKey, span, message);
            return suggest(diag, name, SECTIONS.split(' '));
        }
    };
    let message = format!("section `[{name}]` is not supported by labrun");
    malformed(span, message).with_help(help)
}

/// `query == "value"`, as Hurl reads a response header or body.
pub(super) fn implicit(query: Query, value: String, span: Span) -> Assert {
    let predicate = Predicate {
        not: false,
        op: PredicateOp::Eq,
        value: Some(PredicateValue::String(value)),
    };
    Assert {
        query,
        filters: Vec::new(),
        predicate,
        span,
        implicit: true,
    }
}

pub(super) fn is_blank_or_comment(s: &str) -> bool {
    let s = s.trim_start();
    s.is_empty() || s.starts_with('#')
}

pub(super) fn is_response_line(t: &str) -> bool {
    let rest = t.strip_prefix("HTTP");
    rest.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '/']))
}

/// `METHOD rest` when the first word is meant as a method: all uppercase, or a known method in
/// lowercase (reported as such). `rest` may be empty.
pub(super) fn request_parts(t: &str) -> Option<(&str, &str)> {
    let n = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (method, rest) = t.split_at(n);
    let upper = method.bytes().all(|b| b.is_ascii_uppercase());
    let lower = || method.bytes().all(|b| b.is_ascii_lowercase()) && known_method(method);
    let separated = rest.is_empty() || rest.starts_with([' ', '\t']);
    (n > 0 && separated && (upper || lower())).then(|| (method, rest.trim_start()))
}

/// Whether `word` is a method in any case, without allocating: most lines start with a word.
pub(super) fn known_method(word: &str) -> bool {
    METHODS.iter().any(|m| m.eq_ignore_ascii_case(word))
}

/// Whether a line where a request must start is one, rather than something malformed.
pub(super) fn at_request(t: &str) -> bool {
    request_parts(t).is_some_and(|(method, rest)| !rest.is_empty() || known_method(method))
}

/// Whether a line inside an entry starts the next one: a known method, or a method-like word
/// before what can only be a URL (so that `GTE /x` is reported rather than taken as a body).
pub(super) fn starts_entry(t: &str) -> bool {
    request_parts(t).is_some_and(|(method, rest)| {
        let url_like = rest.starts_with(['/', '{']) || rest.contains("://");
        !rest.is_empty() && (METHODS.contains(&method) || url_like)
    })
}

/// Stricter than [`starts_entry`], to end a body, whose lines can be anything.
pub(super) fn starts_known_request(t: &str) -> bool {
    request_parts(t).is_some_and(|(method, rest)| !rest.is_empty() && METHODS.contains(&method))
}

pub(super) fn starts_body(t: &str) -> bool {
    t.starts_with(['{', '[', '`', '<'])
}

pub(super) fn starts_bytes(t: &str) -> bool {
    t.starts_with("hex,") || t.starts_with("base64,")
}

/// `[Name]`, or `[Name` alone (unclosed: `false`), possibly followed by a comment.
pub(super) fn section_header(t: &str) -> Option<(&str, bool)> {
    let inner = t.strip_prefix('[')?;
    let n = inner.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let (name, after) = inner.split_at(n);
    // `[true]` or `[1]` is a JSON body.
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || matches!(name, "true" | "false" | "null")
    {
        return None;
    }
    match after.strip_prefix(']') {
        Some(rest) if is_blank_or_comment(rest) => Some((name, true)),
        None if is_blank_or_comment(after) => Some((name, false)),
        _ => None,
    }
}

/// Finds the colon of `name: value`, where the name is a Hurl key-string (letters, digits,
/// `_-.[]@$`, escapes, templates). Returns the end of the name and the colon's position.
pub(super) fn split_key(t: &str) -> Option<(usize, usize)> {
    let bytes = t.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'{' && bytes.get(i + 1) == Some(&b'{') {
            i += t.get(i..)?.find("}}")? + 2;
        } else if t.get(i..)?.starts_with("\\u{") {
            // `\u{5b}`: the escape runs to its brace.
            i += t.get(i..)?.find('}')? + 1;
        } else if b == b'\\' {
            i += 1 + t.get(i + 1..)?.chars().next().map_or(0, char::len_utf8);
        } else if b.is_ascii_alphanumeric() || b"_-.[]@$".contains(&b) {
            i += 1;
        } else {
            break;
        }
    }
    let key_end = i;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    (key_end > 0 && bytes.get(i) == Some(&b':')).then_some((key_end, i))
}

/// A `name: value` line at absolute offset `abs`, and the spans of its name and of its value.
pub(super) fn key_value(t: &str, abs: usize) -> Option<(KeyValue, Span, Span)> {
    let (key_end, colon) = split_key(t)?;
    let after = t.get(colon + 1..)?;
    let value_off = colon + 1 + after.len() - after.trim_start().len();
    let (value, value_len) = value_string(after.trim_start());
    let kv = KeyValue {
        name: unescape(t.get(..key_end)?),
        value,
        span: Span::new(abs, abs + t.len()),
    };
    let value_span = Span::new(abs + value_off, abs + value_off + value_len);
    Some((kv, Span::new(abs, abs + key_end), value_span))
}
