//! The info string of a fenced code block: `LANG {ROLE key=value flag ...}`.
//!
//! Grammar (GitHub shows only `LANG`, the first word):
//!
//! ```text
//! info   := LANG? ( "{" item* "}" )?
//! item   := ROLE | FLAG | KEY "=" value
//! value  := '"' (char | '\"' | '\\')* '"' | "'" (char | "\'" | '\\')* "'" | bare
//!                                                      (bare: no space, quote or brace)
//! ROLE   := run | check | solve | setup | cleanup
//! FLAG   := interactive | optional | raw
//! KEY    := timeout | retry | interval | expect | exit | capture | file | shell | watch
//! ```
//!
//! Words after `LANG` outside braces are ignored, as GitHub ignores them, so plain Markdown
//! with `title="x"` style info strings still parses.

use super::diagnostic::{Code, Diagnostic};
use super::duration::parse_duration;
use super::model::{Attrs, Role, Shell};
use super::span::Span;
use super::validate;

pub(crate) const FLAGS: &[&str] = &["interactive", "optional", "raw"];
pub(crate) const KEYS: &[&str] = &[
    "timeout", "retry", "interval", "expect", "exit", "capture", "file", "shell", "watch",
];

/// What an info string says about its block.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Info {
    pub lang: String,
    pub role: Option<Role>,
    pub attrs: Attrs,
}

/// Parses `info`, which starts at byte `base` of the file. Problems are pushed to `diags`;
/// what could be understood is still returned.
pub(crate) fn parse_info_string(info: &str, base: usize, diags: &mut Vec<Diagnostic>) -> Info {
    let mut result = Info::default();
    let lang_end = info
        .find(|c: char| c.is_whitespace() || c == '{')
        .unwrap_or(info.len());
    result.lang = info[..lang_end].to_owned();
    let Some(open) = info[lang_end..].find('{').map(|i| i + lang_end) else {
        return result;
    };
    let mut parser = Items {
        info,
        pos: open + 1,
        base,
        stopped: false,
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut role_span: Option<Span> = None;
    loop {
        parser.skip_space();
        match parser.peek() {
            None if parser.stopped => break,
            None => {
                diags.push(
                    Diagnostic::new(
                        Code::InvalidAttribute,
                        parser.span(open, open + 1),
                        "unclosed `{` in the info string",
                    )
                    .with_help("close the attribute list with `}`"),
                );
                break;
            }
            Some('}') => {
                let rest = info[parser.pos + 1..].trim();
                if !rest.is_empty() {
                    let start = parser.pos + 1 + info[parser.pos + 1..].find(rest).unwrap_or(0);
                    diags.push(Diagnostic::new(
                        Code::InvalidAttribute,
                        parser.span(start, start + rest.len()),
                        format!("unexpected `{rest}` after the attribute list"),
                    ));
                }
                break;
            }
            Some(_) => {}
        }
        let Some(item) = parser.item(diags) else {
            continue;
        };
        let name_span = parser.span(item.name_start, item.name_start + item.name.len());
        if let Some(role) = Role::from_name(item.name) {
            if let Some(first) = role_span {
                diags.push(Diagnostic::new(
                    Code::InvalidAttribute,
                    name_span,
                    format!(
                        "a block has one role, but `{}` follows `{}`",
                        item.name,
                        &info[first.start - base..first.end - base]
                    ),
                ));
            } else {
                role_span = Some(name_span);
                result.role = Some(role);
            }
            if item.value.is_some() {
                diags.push(Diagnostic::new(
                    Code::InvalidAttribute,
                    name_span,
                    format!("the role `{}` takes no value", item.name),
                ));
            }
            continue;
        }
        let known = FLAGS.contains(&item.name) || KEYS.contains(&item.name);
        if !known {
            let looks_like_role = item.value.is_none();
            let candidates: Vec<&str> = if looks_like_role {
                Role::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .chain(FLAGS.iter().copied())
                    .collect()
            } else {
                KEYS.to_vec()
            };
            let (code, what) = if looks_like_role {
                (Code::UnknownRole, "role or flag")
            } else {
                (Code::UnknownAttribute, "block attribute")
            };
            let mut diagnostic = Diagnostic::new(
                code,
                name_span,
                format!(
                    "unknown {what} `{}` (expected one of {})",
                    item.name,
                    candidates.join(", ")
                ),
            );
            diagnostic = if item.name.contains(',') {
                diagnostic
                    .with_help("separate attributes with spaces, not commas: `{run timeout=5s}`")
            } else {
                diagnostic.with_suggestion(item.name, candidates.iter().copied())
            };
            diags.push(diagnostic);
            continue;
        }
        if seen.contains(&item.name) {
            diags.push(Diagnostic::new(
                Code::InvalidAttribute,
                name_span,
                format!("duplicate attribute `{}`", item.name),
            ));
            continue;
        }
        seen.push(item.name);
        apply(&mut result.attrs, &item, name_span, parser.base, diags);
    }
    result
}

struct Item<'a> {
    name: &'a str,
    name_start: usize,
    /// The unquoted value and the span of its text in the info string (quotes included).
    value: Option<(String, usize, usize)>,
}

struct Items<'a> {
    info: &'a str,
    pos: usize,
    base: usize,
    /// A problem already ate the rest of the string: report nothing more about it.
    stopped: bool,
}

impl<'a> Items<'a> {
    fn peek(&self) -> Option<char> {
        self.info[self.pos..].chars().next()
    }

    fn skip_space(&mut self) {
        let rest = &self.info[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    /// Reads one item at `pos`; on a syntax error reports it and skips to the next space.
    fn item(&mut self, diags: &mut Vec<Diagnostic>) -> Option<Item<'a>> {
        let start = self.pos;
        let rest = &self.info[start..];
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '}' || c == '"')
            .unwrap_or(rest.len());
        if name_len == 0 {
            let bad = rest.chars().next().map_or(1, char::len_utf8);
            diags.push(Diagnostic::new(
                Code::InvalidAttribute,
                self.span(start, start + bad),
                format!("unexpected `{}` in the attribute list", &rest[..bad]),
            ));
            self.pos += bad;
            return None;
        }
        let name = &rest[..name_len];
        self.pos += name_len;
        if self.peek() != Some('=') {
            return Some(Item {
                name,
                name_start: start,
                value: None,
            });
        }
        self.pos += 1;
        let value_start = self.pos;
        if let Some(quote @ ('"' | '\'')) = self.peek() {
            let mut value = String::new();
            let mut chars = self.info[self.pos + 1..].char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, escaped)) if escaped == quote || escaped == '\\' => {
                            value.push(escaped);
                        }
                        Some((_, other)) => {
                            value.push('\\');
                            value.push(other);
                        }
                        None => value.push('\\'),
                    },
                    c if c == quote => {
                        self.pos += 1 + i + 1;
                        return Some(Item {
                            name,
                            name_start: start,
                            value: Some((value, value_start, self.pos)),
                        });
                    }
                    other => value.push(other),
                }
            }
            diags.push(
                Diagnostic::new(
                    Code::InvalidAttribute,
                    self.span(value_start, self.info.len()),
                    format!("unterminated quoted value for `{name}`"),
                )
                .with_help(format!("close the value with `{quote}`")),
            );
            self.pos = self.info.len();
            self.stopped = true;
            return None;
        }
        let rest = &self.info[self.pos..];
        // A bare value ends at a space or at the `}` closing the list; braces inside it
        // (a regex such as `\d{3}`) are balanced so the list still closes where it should.
        let mut depth = 0usize;
        let mut len = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth > 0 => depth -= 1,
                '}' => {
                    len = i;
                    break;
                }
                c if c.is_whitespace() && depth == 0 => {
                    len = i;
                    break;
                }
                _ => {}
            }
        }
        self.pos += len;
        if rest[..len].contains('{') {
            diags.push(
                Diagnostic::new(
                    Code::InvalidAttribute,
                    self.span(value_start, value_start + len),
                    format!("the value of `{name}` holds braces, so it must be quoted"),
                )
                .with_help(format!("write `{name}=\"{}\"`", &rest[..len])),
            );
            return None;
        }
        Some(Item {
            name,
            name_start: start,
            value: Some((rest[..len].to_owned(), value_start, value_start + len)),
        })
    }
}

fn apply(
    attrs: &mut Attrs,
    item: &Item,
    name_span: Span,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) {
    let is_flag = FLAGS.contains(&item.name);
    let Some((value, value_start, value_end)) = &item.value else {
        if is_flag {
            match item.name {
                "interactive" => attrs.interactive = true,
                "optional" => attrs.optional = true,
                _ => attrs.raw = true,
            }
        } else {
            diags.push(Diagnostic::new(
                Code::InvalidAttribute,
                name_span,
                format!(
                    "`{}` needs a value, as in `{}`",
                    item.name,
                    example(item.name)
                ),
            ));
        }
        return;
    };
    let span = Span::new(base + value_start, base + value_end);
    if is_flag {
        diags.push(
            Diagnostic::new(
                Code::InvalidAttribute,
                name_span,
                format!("`{}` is a flag and takes no value", item.name),
            )
            .with_help(format!("write just `{}`", item.name)),
        );
        return;
    }
    let invalid = |message: String| Diagnostic::new(Code::InvalidAttribute, span, message);
    match item.name {
        "timeout" | "interval" => match parse_duration(value) {
            Ok(duration) if duration.is_zero() => diags.push(Diagnostic::new(
                Code::BadDuration,
                span,
                format!("`{}` must be longer than zero", item.name),
            )),
            Ok(duration) if item.name == "timeout" => attrs.timeout = Some(duration),
            Ok(duration) => attrs.interval = Some(duration),
            Err(reason) => diags.push(
                Diagnostic::new(Code::BadDuration, span, format!("bad duration: {reason}"))
                    .with_help("write a number and a unit, as in `500ms`, `30s`, `5m` or `1m30s`"),
            ),
        },
        "retry" => match value.parse::<u32>() {
            Ok(retry) => attrs.retry = Some(retry),
            Err(_) => diags.push(invalid(format!(
                "`retry` must be a whole number of retries, not `{value}`"
            ))),
        },
        "exit" => match value.parse::<i32>() {
            Ok(code @ 0..=255) => attrs.exit = Some(code),
            _ => diags.push(invalid(format!(
                "`exit` must be an exit code from 0 to 255, not `{value}`"
            ))),
        },
        "expect" => {
            if let Err(reason) = validate::regex(value) {
                diags.push(Diagnostic::new(
                    Code::BadRegex,
                    span,
                    format!("bad regex: {reason}"),
                ));
            }
            attrs.expect = Some(value.clone());
        }
        "capture" => {
            if validate::is_identifier(value) {
                attrs.capture = Some(value.clone());
            } else {
                diags.push(invalid(format!(
                    "`capture` needs a variable name (letters, digits, `_`), not `{value}`"
                )));
            }
        }
        "file" => {
            if let Err(reason) = validate::workspace_path(value) {
                diags.push(
                    Diagnostic::new(Code::FileOutsideWorkspace, span, reason)
                        .with_help("use a relative path inside the lesson workspace, such as `app/config.yaml`"),
                );
            }
            attrs.file = Some(value.clone());
        }
        "watch" => match value.as_str() {
            "true" => attrs.watch = Some(true),
            "false" => attrs.watch = Some(false),
            other => diags.push(invalid(format!(
                "`watch` is `true` or `false`, not `{other}`"
            ))),
        },
        "shell" => match value.as_str() {
            "bash" => attrs.shell = Shell::Bash,
            "sh" => attrs.shell = Shell::Sh,
            other => diags.push(
                invalid(format!("unknown shell `{other}` (expected bash or sh)"))
                    .with_suggestion(other, ["bash", "sh"]),
            ),
        },
        _ => {}
    }
}

fn example(name: &str) -> &'static str {
    match name {
        "timeout" => "timeout=30s",
        "interval" => "interval=5s",
        "retry" => "retry=3",
        "expect" => "expect=\"ready\"",
        "exit" => "exit=1",
        "capture" => "capture=NAME",
        "file" => "file=path/in/workspace.txt",
        "watch" => "watch=false",
        _ => "shell=bash",
    }
}

#[cfg(test)]
mod tests;
