//! Text from outside labrun on its way to a terminal.
//!
//! A lesson, a command's output, a server's reply and a progress log are written by someone
//! else. Printed raw, a control character in them can move the cursor, erase a line, set
//! the window's title or reorder what follows (U+202E): it can show `echo hello` while
//! another command runs, or overwrite a failure with "all good". [`TerminalText`] is that
//! text made safe: every such character replaced by a visible stand-in.

use std::borrow::Cow;
use std::fmt;

/// Text that can be printed to a terminal as it is: it holds no control character but,
/// for [`TerminalText::lines`], line feeds and tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalText<'t>(Cow<'t, str>);

/// What a secret looks like wherever it would have appeared: on screen, in a log, in a report.
pub const MASK: &str = "••••";

impl<'t> TerminalText<'t> {
    /// `text` for one line: line breaks and tabs are control characters too.
    pub fn line(text: &'t str) -> Self {
        Self(clean(text, Mode::Line))
    }

    /// `text` as lines: line feeds (a CR-LF pair too) and tabs are kept, and a carriage
    /// return alone ends its line (as CommonMark reads it), so it cannot overwrite one.
    pub fn lines(text: &'t str) -> Self {
        Self(clean(text, Mode::Lines))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_cow(self) -> Cow<'t, str> {
        self.0
    }

    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl fmt::Display for TerminalText<'_> {
    /// Width and alignment are honoured (`{:<20}`), as for a `str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl AsRef<str> for TerminalText<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// `text` as one terminal line, owned: the shorthand for [`TerminalText::line`].
pub fn line(text: &str) -> String {
    TerminalText::line(text).into_owned()
}

/// `text` as terminal lines, owned: the shorthand for [`TerminalText::lines`].
pub fn lines(text: &str) -> String {
    TerminalText::lines(text).into_owned()
}

/// Whether a terminal would act on `c` rather than show it: the C0 and C1 controls, DEL,
/// and the bidirectional embeddings, overrides and isolates (the characters rustc refuses
/// in source for the same reason).
pub fn is_control(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` holds a character that [`TerminalText::lines`] would replace. A look at
/// the bytes first: every such character starts with a byte below 0x20, 0x7F, 0xC2 (C1) or
/// 0xE2 (the bidirectional controls), and most text has none.
pub fn has_hidden(text: &str) -> bool {
    let suspect = text.bytes().any(|b| {
        (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')) || matches!(b, 0x7f | 0xc2 | 0xe2)
    });
    suspect
        && text
            .chars()
            .any(|c| is_control(c) && !matches!(c, '\n' | '\t' | '\r'))
}

/// The first control character of `text` (other than a line break or a tab) and its byte
/// offset: what lint points at.
pub fn first_hidden(text: &str) -> Option<(usize, char)> {
    text.char_indices()
        .find(|&(_, c)| is_control(c) && !matches!(c, '\n' | '\t' | '\r'))
}

/// Text safe in HTML content and in quoted attribute values: `&`, `<`, `>`, `"` and `'` as
/// character references (`'` as `&#x27;`, as Hurl's `htmlEscape` writes it). The one HTML
/// escape of labrun: Hurl's filter and the HTML report use it.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// How a character is named in a message: `U+001B`.
/// Bytes as lowercase hexadecimal, two digits a byte (hashes, tokens, `toHex`).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Writes `value` as pretty JSON and a line feed, with every control character escaped.
/// serde_json escapes those below U+0020 only; DEL, the C1 controls and the bidirectional
/// overrides would reach a terminal raw when the JSON is read there (`| less`, a CI log).
/// Outside strings JSON is ASCII, so each can only be in a string, where `\uXXXX` is valid.
pub fn write_json(
    out: &mut dyn std::io::Write,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    write_json_as(out, value, true)
}

/// [`write_json`] on one line, for a program to read (the class server's answers).
pub fn write_json_compact(
    out: &mut dyn std::io::Write,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    write_json_as(out, value, false)
}

fn write_json_as(
    out: &mut dyn std::io::Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> std::io::Result<()> {
    let json = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(std::io::Error::from)?;
    writeln!(out, "{}", escape_controls(json))
}

/// JSON with the control characters serde_json leaves as they are (DEL, C1, bidi) escaped.
fn escape_controls(json: String) -> String {
    if json.contains(is_control) {
        let mut escaped = String::with_capacity(json.len() + 16);
        for c in json.chars() {
            if is_control(c) && !matches!(c, '\n' | '\t' | '\r') {
                escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                escaped.push(c);
            }
        }
        escaped
    } else {
        json
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Line,
    Lines,
}

fn clean(text: &str, mode: Mode) -> Cow<'_, str> {
    let keeps = |c: char| !is_control(c) || (mode == Mode::Lines && matches!(c, '\n' | '\t'));
    let Some(first) = text.find(|c: char| !keeps(c)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if keeps(c) {
            out.push(c);
            continue;
        }
        match (c, mode) {
            ('\r', Mode::Lines) if chars.peek() == Some(&'\n') => out.push('\r'),
            ('\r', Mode::Lines) => out.push('\n'),
            ('\t', Mode::Line) => out.push(' '),
            _ => stand_in(c, &mut out),
        }
    }
    Cow::Owned(out)
}

/// A visible stand-in for a control character: its Control Pictures glyph (`␛` for ESC)
/// where Unicode has one, else its code point in angle brackets (`<U+202E>`).
fn stand_in(c: char, out: &mut String) {
    let picture = match u32::from(c) {
        code @ 0x00..=0x1f => char::from_u32(0x2400 + code),
        0x7f => Some('\u{2421}'),
        _ => None,
    };
    match picture {
        Some(picture) => out.push(picture),
        None => {
            out.push('<');
            out.push_str(&code_point(c));
            out.push('>');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "échec: `kubectl get pods`\n\tdone";
        assert!(matches!(
            TerminalText::lines(text).into_cow(),
            Cow::Borrowed(_)
        ));
        assert_eq!(TerminalText::lines(text).as_str(), text);
    }

    #[test]
    fn an_erase_line_sequence_is_shown_not_obeyed() {
        let hidden = "touch pwned\r\x1b[2Kecho hello";
        assert_eq!(lines(hidden), "touch pwned\n␛[2Kecho hello");
        assert_eq!(line(hidden), "touch pwned␍␛[2Kecho hello");
    }

    #[test]
    fn window_titles_bells_and_c1_controls_are_shown() {
        assert_eq!(line("\x1b]0;owned\x07"), "␛]0;owned␇");
        assert_eq!(line("a\u{9b}2Jb"), "a<U+009B>2Jb");
        assert_eq!(line("x\u{7f}"), "x␡");
        assert_eq!(line("nul\0"), "nul␀");
    }

    #[test]
    fn a_right_to_left_override_is_shown() {
        assert_eq!(line("file\u{202e}txt.exe"), "file<U+202E>txt.exe");
        assert_eq!(line("\u{2066}x\u{2069}"), "<U+2066>x<U+2069>");
        // Letters of right-to-left scripts are text, not controls.
        assert_eq!(line("שלום"), "שלום");
    }

    #[test]
    fn line_breaks_and_tabs_depend_on_the_kind_of_text() {
        assert_eq!(lines("a\r\nb\tc\n"), "a\r\nb\tc\n");
        assert_eq!(line("a\r\nb\tc\n"), "a␍␊b c␊");
    }

    #[test]
    fn the_first_hidden_character_is_found_where_it_is() {
        assert_eq!(first_hidden("ok\n\tok\r\n"), None);
        assert_eq!(first_hidden("ab\x1bc"), Some((2, '\x1b')));
        assert!(has_hidden("\u{202e}"));
        assert!(!has_hidden("a\r\nb"));
        assert_eq!(code_point('\x1b'), "U+001B");
    }

    #[test]
    fn padding_applies_as_to_a_str() {
        assert_eq!(format!("[{:<5}]", TerminalText::line("ab")), "[ab   ]");
    }

    #[test]
    fn json_escapes_the_controls_serde_json_leaves() {
        let mut out = Vec::new();
        write_json(&mut out, &["a\u{9b}b\u{202e}c\x1b\u{7f}"]).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert!(
            !json.contains(|c: char| is_control(c) && c != '\n'),
            "{json:?}"
        );
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ["a\u{9b}b\u{202e}c\x1b\u{7f}"]);
    }

    #[test]
    fn no_control_character_survives() {
        let every: String = (0..=0x2100u32).filter_map(char::from_u32).collect();
        for shown in [line(&every), lines(&every)] {
            assert!(
                shown
                    .chars()
                    .all(|c| !is_control(c) || c == '\n' || c == '\t' || c == '\r'),
                "{shown:?}"
            );
        }
        assert!(line(&every).chars().all(|c| !is_control(c)));
    }
}
