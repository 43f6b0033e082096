//! Strings and the cursor over a line: unquoted values, backtick and quoted strings with
//! their escapes, and the `HTTP` status line.

use super::*;

/// An unquoted value: up to an unescaped `#`, without trailing space, escapes resolved.
/// Returns it and the length of its raw text.
pub(super) fn value_string(s: &str) -> (String, usize) {
    let bytes = s.as_bytes();
    let mut end = s.len();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            // One byte is enough to skip: `#` and `\` never occur inside a UTF-8 sequence.
            b'\\' => i += 2,
            b'#' => {
                end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let raw = s.get(..end).unwrap_or(s).trim_end();
    (unescape(raw), raw.len())
}

/// Resolves Hurl's escapes in unquoted text; an unknown escape is kept as written.
/// Where the `` `...` `` string that `rest` follows its opening backtick with ends: the first
/// backtick not escaped by a `\`.
pub(super) fn backtick_end(rest: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '`' => return Some(at),
            _ => {}
        }
    }
    None
}

pub(super) fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let mut look = chars.clone();
        let escaped = look.next().filter(|_| c == '\\');
        match escaped.and_then(|e| escaped_char(e, &mut look)) {
            Some(e) => {
                out.push(e);
                chars = look;
            }
            None => out.push(c),
        }
    }
    out
}

/// The character for `\` then `e` (and, for `\u{hex}`, the rest of the escape from `rest`).
pub(super) fn escaped_char(e: char, rest: &mut std::str::Chars<'_>) -> Option<char> {
    Some(match e {
        '"' | '\\' | '#' | ':' | '/' | '`' => e,
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'u' if rest.next()? == '{' => {
            let mut code = 0u32;
            loop {
                match rest.next()? {
                    '}' => break char::from_u32(code)?,
                    c => code = code.checked_mul(16)?.checked_add(c.to_digit(16)?)?,
                }
            }
        }
        _ => return None,
    })
}

/// A position in one trimmed line, which starts at absolute offset `abs`.
pub(super) struct Cursor<'a> {
    pub(super) s: &'a str,
    pub(super) i: usize,
    pub(super) abs: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(s: &'a str, abs: usize) -> Self {
        Self { s, i: 0, abs }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.abs + start, self.abs + end)
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// At the end of the line's content: its end, or a comment.
    pub(super) fn done(&self) -> bool {
        matches!(self.peek(), None | Some(b'#'))
    }

    /// The bytes up to the next space (or `#`, when `stop_at_hash`).
    pub(super) fn take(&mut self, stop_at_hash: bool) -> (&'a str, Span) {
        let start = self.i;
        while let Some(b) = self.peek() {
            if b == b' ' || b == b'\t' || (stop_at_hash && b == b'#') {
                break;
            }
            self.i += 1;
        }
        let taken = self.s.get(start..self.i).unwrap_or("");
        (taken, self.span(start, self.i))
    }

    pub(super) fn word(&mut self) -> (&'a str, Span) {
        self.take(false)
    }

    /// A `"..."` string at the cursor: its value and the span of what is between the quotes.
    pub(super) fn quoted(&mut self) -> Result<(String, Span), Diagnostic> {
        let open = self.i;
        let body = self.s.get(open + 1..).unwrap_or("");
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            let at = open + 1 + body.len() - chars.as_str().len() - c.len_utf8();
            match c {
                '"' => {
                    self.i = at + 1;
                    return Ok((out, self.span(open + 1, at)));
                }
                '\\' => {
                    let Some(e) = chars.next() else { break };
                    let Some(e) = escaped_char(e, &mut chars) else {
                        let span = self.span(at, at + 1 + e.len_utf8());
                        return Err(malformed(span, format!("invalid escape `\\{e}` in string")));
                    };
                    out.push(e);
                }
                c => out.push(c),
            }
        }
        let span = self.span(open, self.s.len());
        Err(malformed(span, "unterminated string"))
    }
}

pub(super) fn parse_status(
    cur: &mut Cursor<'_>,
    version: &str,
    at: Span,
) -> Result<Option<u16>, Diagnostic> {
    if !matches!(
        version,
        "HTTP" | "HTTP/1.0" | "HTTP/1.1" | "HTTP/2" | "HTTP/3" | "HTTP/*"
    ) {
        let message = format!("unknown HTTP version `{version}`");
        return Err(malformed(at, message).with_help("use `HTTP`, `HTTP/1.1` or `HTTP/2`"));
    }
    cur.skip_ws();
    if cur.done() {
        let help = "add one, e.g. `HTTP 200`, or `HTTP *` for any status";
        return Err(malformed(at, format!("missing status after `{version}`")).with_help(help));
    }
    let (text, span) = cur.take(true);
    let status = if text == "*" {
        None
    } else if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(span, format!("invalid status `{text}`")));
    } else {
        match text.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Some(code),
            _ => {
                let message = format!("status `{text}` is not between 100 and 599");
                return Err(malformed(span, message));
            }
        }
    };
    cur.skip_ws();
    if !cur.done() {
        let (extra, span) = cur.take(true);
        let help = "Hurl does not accept a reason phrase after the status";
        let message = format!("unexpected `{extra}` after the status");
        return Err(malformed(span, message).with_help(help));
    }
    Ok(status)
}

/// A `/.../` at the cursor, with `\/` read as `/`.
pub(super) fn slashed(cur: &mut Cursor<'_>) -> Result<String, Diagnostic> {
    let start = cur.i;
    let rest = cur.s.get(start + 1..).unwrap_or("");
    let mut out = String::new();
    let mut chars = rest.char_indices();
    loop {
        match chars.next() {
            Some((k, '/')) => {
                cur.i = start + k + 2;
                return Ok(out);
            }
            Some((_, '\\')) => match chars.next() {
                Some((_, '/')) => out.push('/'),
                Some((_, c)) => out.extend(['\\', c]),
                None => out.push('\\'),
            },
            Some((_, c)) => out.push(c),
            None => {
                return Err(malformed(
                    cur.span(start, cur.s.len()),
                    "unterminated regex",
                ));
            }
        }
    }
}
