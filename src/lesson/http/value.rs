//! The values of predicates: strings, numbers, booleans, `null`, `/regex/`, `{{NAME}}`,
//! `hex,…;` and `base64,…;`, and whether a value suits its predicate.

use super::*;

pub(super) fn parse_value(cur: &mut Cursor<'_>) -> Result<(PredicateValue, Span), Diagnostic> {
    let start = cur.i;
    let (rest, t_len) = (cur.s.get(start..).unwrap_or(""), cur.s.len());
    let value = if cur.peek() == Some(b'"') {
        PredicateValue::String(cur.quoted()?.0)
    } else if rest.starts_with("```") {
        // Hurl 8 takes one over several lines (labrun reads an assert per line) and refuses one
        // on a single line.
        let message = "a ``` string as an expected value is not supported by labrun";
        let help = "write it as one string: `body == \"line1\\nline2\\n\"`";
        return Err(malformed(cur.span(start, t_len), message).with_help(help));
    } else if let Some(inner) = rest.strip_prefix('`') {
        // A `...` string, as Hurl writes one where quotes would need escaping.
        let Some(close) = backtick_end(inner) else {
            return Err(malformed(cur.span(start, t_len), "unclosed `` ` `` string"));
        };
        cur.i = start + 1 + close + 1;
        PredicateValue::String(unescape(&inner[..close]))
    } else if rest.starts_with('/') {
        PredicateValue::Regex(slashed(cur)?)
    } else if rest.starts_with("{{") {
        let Some(close) = rest.find("}}") else {
            return Err(malformed(cur.span(start, t_len), "unclosed `{{` template"));
        };
        cur.i = start + close + 2;
        PredicateValue::String(rest[..close + 2].to_string())
    } else if let Some(encoded) = rest.strip_prefix("hex,").or(rest.strip_prefix("base64,")) {
        let Some(end) = encoded.find(';') else {
            let message = "unterminated bytes: end them with `;`";
            return Err(malformed(cur.span(start, t_len), message));
        };
        cur.i = start + (rest.len() - encoded.len()) + end + 1;
        let text: String = encoded[..end].split_whitespace().collect();
        let bytes = decode_bytes(rest.starts_with("hex,"), &text);
        let span = cur.span(start, cur.i);
        PredicateValue::Bytes(bytes.ok_or_else(|| malformed(span, "invalid bytes"))?)
    } else if rest.starts_with('[') || rest.starts_with('{') {
        let (_, span) = cur.take(true);
        let message =
            "a list or an object is no predicate value in Hurl: compare its items, or its `count`";
        return Err(malformed(span, message));
    } else {
        match cur.take(true) {
            ("true", _) => PredicateValue::Bool(true),
            ("false", _) => PredicateValue::Bool(false),
            ("null", _) => PredicateValue::Null,
            (word, span)
                if word
                    .trim_start_matches('-')
                    .starts_with(|c: char| c.is_ascii_digit()) =>
            {
                let invalid = |_| malformed(span, format!("invalid number `{word}`"));
                PredicateValue::Number(word.parse().map_err(invalid)?)
            }
            (word, span) if word.starts_with("file,") => {
                let message = "`file,` values are not supported by labrun";
                return Err(malformed(span, message));
            }
            (word, span) => {
                let help = format!("quote strings: `\"{word}\"`");
                return Err(malformed(span, format!("invalid value `{word}`")).with_help(help));
            }
        }
    };
    Ok((value, cur.span(start, cur.i)))
}

/// The bytes of a `hex,…;` (`hex`) or `base64,…;` literal, written without its spaces.
pub(super) fn decode_bytes(hex: bool, text: &str) -> Option<Vec<u8>> {
    if hex {
        decode_hex(text)
    } else {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(text).ok()
    }
}

pub(super) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks that `value` suits `op` (what Hurl's parser refuses), and that a `matches` pattern
/// is a valid regex.
pub(super) fn check_value(
    op: PredicateOp,
    op_text: &str,
    value: PredicateValue,
    span: Span,
) -> Result<PredicateValue, Diagnostic> {
    use PredicateOp as Op;
    use PredicateValue as V;
    let needs = match (op, &value) {
        (Op::Eq | Op::Ne, V::Regex(_)) => Some("a value, not a regex (use `matches`)"),
        (Op::Lt | Op::Le | Op::Gt | Op::Ge, V::Bool(_) | V::Null | V::Regex(_) | V::Bytes(_)) => {
            Some("a number or a string")
        }
        (Op::StartsWith | Op::EndsWith, V::String(_) | V::Bytes(_)) => None,
        (Op::StartsWith | Op::EndsWith, _) => Some("a string or bytes"),
        (Op::Contains, V::Regex(_)) => Some("a value, not a regex (use `matches`)"),
        (Op::Matches, V::String(_) | V::Regex(_)) => None,
        (Op::Matches, _) => Some("a regex or a string"),
        _ => None,
    };
    if let Some(needs) = needs {
        return Err(malformed(span, format!("`{op_text}` needs {needs}")));
    }
    if let (V::String(pattern) | V::Regex(pattern), Op::Matches) = (&value, op) {
        check_regex(pattern, span)?;
    }
    Ok(value)
}

pub(super) fn check_regex(pattern: &str, span: Span) -> Result<(), Diagnostic> {
    if pattern.contains("{{") {
        return Ok(());
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| {
            let why = match &e {
                regex_syntax::Error::Parse(e) => e.kind().to_string(),
                regex_syntax::Error::Translate(e) => e.kind().to_string(),
                _ => e.to_string(),
            };
            Diagnostic::new(Code::BadRegex, span, format!("invalid regex: {why}"))
        })
}
