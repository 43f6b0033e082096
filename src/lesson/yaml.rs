//! YAML inside lessons (front matter, quizzes): one configuration, positions mapped back into
//! the Markdown file, and a tolerant parse that reports every problem it can.
//!
//! Each YAML text is read twice. The first pass keeps only the keys and their positions
//! ([`KeyTree`]): it finds syntax errors, unknown keys and duplicates, all at once. The second
//! pass reads the typed values; when one has the wrong type, the entry holding it is reported
//! and blanked out, and the pass runs again, so one bad value never hides the rest.

use std::fmt;

use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{DuplicateKeyPolicy, Location, Options, Spanned};

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;

/// YAML 1.2 booleans (`yes` is a string), and plain scalars read as written when a string
/// is wanted (`version: 1.10` stays `1.10`).
fn options(duplicates: DuplicateKeyPolicy) -> Options {
    let mut options = Options::default();
    options.strict_booleans = true;
    options.duplicate_keys = duplicates;
    options
}

/// A YAML text at byte `base` of a lesson file.
#[derive(Clone, Copy)]
pub struct Yaml<'t> {
    pub text: &'t str,
    pub base: usize,
}

impl<'t> Yaml<'t> {
    pub fn new(text: &'t str, base: usize) -> Self {
        Self { text, base }
    }

    /// The keys, or the syntax error that stops everything.
    pub fn keys(&self) -> Result<KeyTree, Diagnostic> {
        serde_saphyr::from_str_with_options::<KeyTree>(
            self.text,
            options(DuplicateKeyPolicy::PassThrough),
        )
        .map_err(|error| self.diagnostic(&error, Code::YamlSyntax))
    }

    /// Reads `T`, reporting each entry with a value of the wrong type and reading on
    /// without it. `entries` are the line ranges that may be dropped, innermost first;
    /// `keys` is what [`Self::keys`] found in the same text.
    pub fn typed<T: DeserializeOwned + Default>(
        &self,
        keys: &KeyTree,
        entries: &[LineRange],
        code: Code,
        diags: &mut Vec<Diagnostic>,
    ) -> T {
        // `LastWins` buffers every entry of every mapping to collapse repeated keys, which
        // costs as much as the parse itself; without repeated keys (reported already) it
        // reads the same as `PassThrough`, which streams.
        let duplicates = if keys.has_duplicates() {
            DuplicateKeyPolicy::LastWins
        } else {
            DuplicateKeyPolicy::PassThrough
        };
        let mut text = self.text.to_owned();
        for _ in 0..=entries.len() {
            let error = match serde_saphyr::from_str_with_options::<T>(&text, options(duplicates)) {
                Ok(value) => return value,
                Err(error) => error,
            };
            diags.push(self.diagnostic(&error, code));
            let line = error
                .location()
                .map_or(0, |location| location.line() as usize);
            match entries.iter().find(|range| range.contains(line)) {
                Some(range) => text = blank_lines(&text, *range),
                None => break,
            }
        }
        T::default()
    }

    /// The span of the scalar or key at `location`.
    pub fn span_at(&self, location: &Location) -> Span {
        let offset = self.offset(location);
        let rest = &self.text[offset..];
        let len = rest.find(['\n', '\r', '#']).unwrap_or(rest.len());
        let len = rest[..len].trim_end().len().max(1).min(rest.len().max(1));
        Span::new(
            self.base + offset,
            self.base + (offset + len).min(self.text.len().max(offset)),
        )
    }

    /// The span of a key (its text only).
    pub fn key_span(&self, key: &Spanned<String>) -> Span {
        let offset = self.offset(&key.referenced);
        let quoted = matches!(self.text[offset..].chars().next(), Some('"' | '\''));
        let len = key.value.len() + if quoted { 2 } else { 0 };
        Span::new(
            self.base + offset,
            self.base + (offset + len).min(self.text.len()),
        )
    }

    /// The byte offset of a location, from its line and (character) column: the only
    /// coordinates every error carries.
    fn offset(&self, location: &Location) -> usize {
        let (line, column) = (location.line() as usize, location.column() as usize);
        if line == 0 {
            return 0;
        }
        // Walk to the line rather than index every line: this runs for each key reported.
        let mut line_start = 0;
        for _ in 1..line {
            match self.text[line_start..].find('\n') {
                Some(at) => line_start += at + 1,
                None => return self.text.len(),
            }
        }
        let rest = &self.text[line_start..];
        let line_text = rest[..rest.find('\n').unwrap_or(rest.len())].trim_end_matches('\r');
        let within: usize = line_text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        (line_start + within).min(self.text.len())
    }

    pub fn diagnostic(&self, error: &serde_saphyr::Error, code: Code) -> Diagnostic {
        let span = error
            .location()
            .map_or(Span::new(self.base, self.base), |location| {
                self.span_at(&location)
            });
        let message = plain_message(error);
        if let Some(field) = unknown_field(&message) {
            return Diagnostic::new(Code::UnknownKey, span, format!("unknown key `{field}`"));
        }
        Diagnostic::new(code, span, message)
    }
}

/// Lines `first..=last` (1-based) of a YAML text: an entry that can be dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRange {
    pub first: usize,
    pub last: usize,
}

impl LineRange {
    fn contains(&self, line: usize) -> bool {
        (self.first..=self.last).contains(&line)
    }
}

/// The line ranges of the entries of a mapping, each up to the next key.
pub fn entry_lines(keys: &[(Spanned<String>, KeyTree)], end_line: usize) -> Vec<LineRange> {
    let starts: Vec<usize> = keys
        .iter()
        .map(|(key, _)| key.referenced.line() as usize)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &first)| LineRange {
            first,
            last: starts
                .get(i + 1)
                .map_or(end_line, |next| next.saturating_sub(1).max(first)),
        })
        .collect()
}

/// Replaces lines `range` with spaces, keeping every byte offset.
fn blank_lines(text: &str, range: LineRange) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| {
            if range.contains(i + 1) {
                line.chars()
                    .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
                    .collect()
            } else {
                line.to_owned()
            }
        })
        .collect()
}

fn plain_message(error: &serde_saphyr::Error) -> String {
    let options = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let rendered = error.render_with_options(options);
    let first_line = rendered.lines().next().unwrap_or("invalid YAML");
    let message = match first_line.rfind(" at line ") {
        Some(at) => &first_line[..at],
        None => first_line,
    };
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".into(),
    }
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// The keys of a YAML document and where they are, values ignored.
#[derive(Debug, Default)]
pub struct KeyTree {
    /// Mapping entries, duplicates included, in order.
    pub keys: Vec<(Spanned<String>, KeyTree)>,
    /// Sequence items.
    pub items: Vec<KeyTree>,
}

impl KeyTree {
    pub fn get(&self, name: &str) -> Option<&KeyTree> {
        self.keys
            .iter()
            .rev()
            .find(|(key, _)| key.value == name)
            .map(|(_, value)| value)
    }

    /// Whether a mapping, at any depth, gives a key twice.
    pub fn has_duplicates(&self) -> bool {
        let repeated = self.keys.iter().enumerate().any(|(index, (key, _))| {
            self.keys[..index]
                .iter()
                .any(|(earlier, _)| earlier.value == key.value)
        });
        repeated
            || self.keys.iter().any(|(_, value)| value.has_duplicates())
            || self.items.iter().any(KeyTree::has_duplicates)
    }

    /// The last line any key of this tree is on.
    pub fn last_line(&self) -> usize {
        let keys = self
            .keys
            .iter()
            .map(|(key, value)| value.last_line().max(key.referenced.line() as usize));
        keys.chain(self.items.iter().map(KeyTree::last_line))
            .max()
            .unwrap_or(0)
    }
}

impl<'de> Deserialize<'de> for KeyTree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TreeVisitor;
        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = KeyTree;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyTree, A::Error> {
                let mut tree = KeyTree::default();
                while let Some(entry) = map.next_entry()? {
                    tree.keys.push(entry);
                }
                Ok(tree)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyTree, A::Error> {
                let mut tree = KeyTree::default();
                while let Some(item) = seq.next_element()? {
                    tree.items.push(item);
                }
                Ok(tree)
            }
            fn visit_bool<E>(self, _: bool) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_unit<E>(self) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
        }
        deserializer.deserialize_any(TreeVisitor)
    }
}

/// A YAML scalar kept as written: `version: 1.10` stays `1.10`, `title: Yes` stays `Yes`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Scalar)
    }
}

/// Reports every key of `tree` not among `known`, with the nearest known one.
pub fn report_unknown(
    yaml: &Yaml,
    tree: &KeyTree,
    known: &[&str],
    place: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, _) in &tree.keys {
        if known.contains(&key.value.as_str()) {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::UnknownKey,
                yaml.key_span(key),
                format!("unknown key `{}`{place}", key.value),
            )
            .with_suggestion(&key.value, known.iter().copied())
            .with_help_unless_set(format!("expected one of {}", known.join(", "))),
        );
    }
}

/// Reports keys given twice in one mapping (YAML forbids it; the last one would win).
pub fn report_duplicates(
    yaml: &Yaml,
    tree: &KeyTree,
    code: Code,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (index, (key, _)) in tree.keys.iter().enumerate() {
        if tree.keys[..index]
            .iter()
            .any(|(earlier, _)| earlier.value == key.value)
        {
            diags.push(
                Diagnostic::new(
                    code,
                    yaml.key_span(key),
                    format!("{what} `{}` is declared twice", key.value),
                )
                .with_help("keep one of the two declarations"),
            );
        }
    }
}
