//! YAML inside lessons (front matter, quizzes): read once into a tree of [`Node`]s that keep
//! their byte spans in the lesson file, then read into the lesson's types by hand
//! ([`Reader`]), so that every problem is reported at its place and none hides the others.
//!
//! The tree is built from granit-parser's event stream, the YAML 1.2 parser underneath. It
//! keeps scalars as written (`version: 1.10` stays `1.10`, `title: Yes` stays `Yes`): a
//! value is text, a list or a mapping, and what a text means (a flag, nothing) is decided
//! when it is read. Anchors and aliases are resolved, within a budget (an alias that expands
//! to a billion nodes is refused); `<<` merge keys are applied.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;

/// The most values a YAML text's aliases may expand to, all aliases together.
const NODE_BUDGET: usize = 10_000;

/// A YAML value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The value's first line in the lesson file (the whole value when it fits on one):
    /// where a problem with it is shown.
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A scalar as written. `plain` when it was written plain (not quoted, not a block
    /// scalar), or tagged `!!bool`, `!!null`, `!!int`...: only a plain scalar can mean
    /// nothing (`~`, `null`) or a flag (`true`). `!!str` makes any scalar text.
    Text {
        text: String,
        plain: bool,
    },
    List(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Repeated keys are all kept, in order: the last one is the one read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: Key,
    pub value: Node,
}

/// A mapping key and the span of its text (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub name: String,
    pub span: Span,
}

impl Node {
    /// Parses the YAML `text`, found at byte `base` of a lesson file. An empty text (or
    /// only comments) is [`Node::is_null`]. A syntax error is reported with `code`.
    pub(crate) fn parse(text: &str, base: usize, code: Code) -> Result<Node, Diagnostic> {
        let mut builder = Builder::new(text, base);
        builder.build().map_err(|(message, at)| {
            let code = if builder.control {
                Code::ControlCharacter
            } else {
                code
            };
            let diagnostic = Diagnostic::new(code, line_span(text, base, at), message);
            if builder.control {
                diagnostic.with_help(
                    "delete the escape: a terminal acts on this character rather than shows \
                     it, so it can hide or disguise text on the learner's screen",
                )
            } else if builder.scan_failed {
                // The parser notices some mistakes a line late: point at both.
                diagnostic.with_help(
                    "look at this line and the one before: an unclosed quote or bracket, a `: ` \
                     or ` #` in a value that is not quoted, or uneven indentation",
                )
            } else {
                diagnostic
            }
        })
    }

    /// A plain `~`, `null` or nothing at all.
    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.value, Value::Text { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The entries of a mapping; none for anything else.
    pub(crate) fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a list; none for anything else.
    pub(crate) fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            _ => &[],
        }
    }

    /// The value of `name` in a mapping: the last one when it is repeated.
    pub(crate) fn get(&self, name: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .rev()
            .find(|entry| entry.key.name == name)
            .map(|entry| &entry.value)
    }

    /// What the value is, for a message: `a list`, `a mapping`, `` `text` ``.
    fn describe(&self) -> String {
        match &self.value {
            Value::List(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
            Value::Text { text, .. } if text.chars().count() > 40 || text.contains('\n') => {
                "a long text".into()
            }
            Value::Text { text, .. } if text.is_empty() => "an empty text".into(),
            Value::Text { text, .. } => format!("`{text}`"),
        }
    }
}

/// Reads the typed values of a tree, reporting each value of the wrong kind with `code` and
/// reading on without it.
pub(crate) struct Reader<'d> {
    code: Code,
    pub diags: &'d mut Vec<Diagnostic>,
}

impl<'d> Reader<'d> {
    pub(crate) fn new(code: Code, diags: &'d mut Vec<Diagnostic>) -> Self {
        Self { code, diags }
    }

    fn wrong(&mut self, node: &Node, message: String, help: &str) {
        self.diags
            .push(Diagnostic::new(self.code, node.span, message).with_help(help));
    }

    /// A text; `None` for nothing (`~`, `null`, no value) or for a list or mapping, which
    /// is reported.
    pub(crate) fn text(&mut self, node: Option<&Node>, what: &str) -> Option<String> {
        let node = node.filter(|node| !node.is_null())?;
        match &node.value {
            Value::Text { text, .. } => Some(text.clone()),
            _ => {
                let message = format!("{what} must be text, not {}", node.describe());
                self.wrong(
                    node,
                    message,
                    "write one value on the key's line; quote it if it holds `: ` or ` #`",
                );
                None
            }
        }
    }

    /// `true` or `false` (YAML 1.2: `yes` and `on` are text).
    pub(crate) fn flag(&mut self, node: Option<&Node>, what: &str) -> Option<bool> {
        let node = node.filter(|node| !node.is_null())?;
        if let Value::Text { text, plain: true } = &node.value {
            match text.as_str() {
                "true" | "True" | "TRUE" => return Some(true),
                "false" | "False" | "FALSE" => return Some(false),
                _ => {}
            }
        }
        let found = match &node.value {
            Value::Text { text, plain: false } if matches!(text.as_str(), "true" | "false") => {
                format!("the quoted text `\"{text}\"`")
            }
            _ => node.describe(),
        };
        let message = format!("{what} must be `true` or `false`, not {found}");
        self.wrong(node, message, "write `true` or `false`, without quotes");
        None
    }

    /// A list of texts; a list item that is not text is reported and skipped.
    pub(crate) fn texts(&mut self, node: Option<&Node>, what: &str) -> Vec<String> {
        let Some(node) = node.filter(|node| !node.is_null()) else {
            return Vec::new();
        };
        if !matches!(node.value, Value::List(_)) {
            let message = format!("{what} must be a list, not {}", node.describe());
            self.wrong(
                node,
                message,
                "write a list: `[one, two]`, or one `- item` per line",
            );
            return Vec::new();
        }
        let item_what = format!("an item of {what}");
        let mut texts = Vec::new();
        for item in node.items() {
            if item.is_null() {
                let message = format!("{item_what} is empty");
                self.wrong(
                    item,
                    message,
                    "give every item a value; quote `null` or `~` to mean the word",
                );
            } else if let Some(text) = self.text(Some(item), &item_what) {
                texts.push(text);
            }
        }
        texts
    }

    /// The entries of a mapping; nothing (`vars:` with nothing under it) has none, and
    /// anything else is reported.
    pub(crate) fn map<'n>(&mut self, node: Option<&'n Node>, what: &str) -> &'n [Entry] {
        let Some(node) = node.filter(|node| !node.is_null()) else {
            return &[];
        };
        if !matches!(node.value, Value::Map(_)) {
            let message = format!("{what} must be a mapping, not {}", node.describe());
            self.wrong(node, message, "write `key: value` lines, indented under it");
        }
        node.entries()
    }

    /// The items of a list; nothing has none, and anything else is reported.
    pub(crate) fn list<'n>(&mut self, node: Option<&'n Node>, what: &str) -> &'n [Node] {
        let Some(node) = node.filter(|node| !node.is_null()) else {
            return &[];
        };
        if !matches!(node.value, Value::List(_)) {
            let message = format!("{what} must be a list, not {}", node.describe());
            self.wrong(
                node,
                message,
                "write one `- item` per line, indented under it",
            );
        }
        node.items()
    }
}

/// Reports every key of a mapping not among `known`, with the nearest known one.
pub(crate) fn report_unknown(
    node: &Node,
    known: &[&str],
    place: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for entry in node.entries() {
        let name = &entry.key.name;
        if known.contains(&name.as_str()) {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::UnknownKey,
                entry.key.span,
                format!("unknown key `{name}`{place}"),
            )
            .with_suggestion(name, known.iter().copied())
            .with_help_unless_set(format!("expected one of {}", known.join(", "))),
        );
    }
}

/// Reports keys given twice in one mapping (YAML forbids it; the last one would win).
pub(crate) fn report_duplicates(node: &Node, code: Code, what: &str, diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    for entry in node.entries() {
        if !seen.insert(entry.key.name.as_str()) {
            diags.push(
                Diagnostic::new(
                    code,
                    entry.key.span,
                    format!("{what} `{}` is declared twice", entry.key.name),
                )
                .with_help("keep one of the two declarations"),
            );
        }
    }
}

/// The span from byte `at` of `text` to the end of its line (or a comment), trailing blanks
/// left out; one character at least, where there is one.
fn line_span(text: &str, base: usize, at: usize) -> Span {
    let at = floor_char_boundary(text, at.min(text.len()));
    let rest = &text[at..];
    let len = rest.find(['\n', '\r', '#']).unwrap_or(rest.len());
    let len = match rest[..len].trim_end().len() {
        0 => rest.chars().next().map_or(0, char::len_utf8),
        len => len,
    };
    Span::new(base + at, base + at + len)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// An open list or mapping, while its items come.
enum Frame {
    List {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        /// The key whose value comes next, and whether it is a plain `<<`.
        key: Option<(Key, bool)>,
        /// The values of `<<` keys, merged when the mapping ends.
        merges: Vec<Node>,
    },
}

/// What stops the tree: a message and the byte of the text it points at.
type Stop = (String, usize);

struct Builder<'t> {
    text: &'t str,
    base: usize,
    stack: Vec<Frame>,
    /// Anchored nodes by id, with how many nodes each is.
    anchors: HashMap<usize, (Node, usize)>,
    root: Option<Node>,
    documents: usize,
    /// Values that aliases have expanded to so far.
    expanded: usize,
    /// The YAML parser itself stopped (not a check of the tree).
    scan_failed: bool,
    /// A quoted scalar's escape made a control character.
    control: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, base: usize) -> Self {
        Self {
            text,
            base,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            expanded: 0,
            scan_failed: false,
            control: false,
        }
    }

    fn build(&mut self) -> Result<Node, Stop> {
        for next in Parser::new_from_str(self.text) {
            let (event, span) = next.map_err(|error| self.syntax(&error))?;
            let (start, end) = (self.offset(&span.start), self.offset(&span.end));
            let (node, anchor) = match event {
                Event::DocumentStart(..) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(("only one YAML document is allowed here".into(), start));
                    }
                    continue;
                }
                Event::Scalar(text, style, anchor, tag) => {
                    // A core-schema tag says how to read the text: `!!str` as text, `!!bool`
                    // or `!!null` as a plain scalar would be; other tags change nothing.
                    // The text itself holds none (the source was cleaned): an escape
                    // (`"\e"`, `"\u202e"`) made it.
                    if let Some((_, c)) = crate::text::first_hidden(&text) {
                        self.control = true;
                        return Err((
                            format!(
                                "an escape here makes a control character ({}) that a \
                                 terminal acts on rather than shows",
                                crate::text::code_point(c)
                            ),
                            start,
                        ));
                    }
                    let plain = match tag.as_deref().and_then(granit_parser::Tag::core_suffix) {
                        Some("str") => false,
                        Some(_) => true,
                        None => style == ScalarStyle::Plain,
                    };
                    let value = Value::Text {
                        text: text.into_owned(),
                        plain,
                    };
                    (self.node(start, end, value), anchor)
                }
                Event::SequenceStart(_, anchor, _) => {
                    self.stack.push(Frame::List {
                        start,
                        anchor,
                        items: Vec::new(),
                    });
                    continue;
                }
                Event::MappingStart(_, anchor, _) => {
                    self.stack.push(Frame::Map {
                        start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        merges: Vec::new(),
                    });
                    continue;
                }
                Event::SequenceEnd => match self.stack.pop() {
                    Some(Frame::List {
                        start,
                        anchor,
                        items,
                    }) => (self.node(start, end, Value::List(items)), anchor),
                    _ => return Err(("a list ends that never began".into(), start)),
                },
                Event::MappingEnd => match self.stack.pop() {
                    Some(Frame::Map {
                        start,
                        anchor,
                        mut entries,
                        merges,
                        ..
                    }) => {
                        if let Some(wrong) = merges.iter().find(|m| !is_mergeable(m)) {
                            return Err((
                                "`<<` merges a mapping, or a list of mappings, into this one"
                                    .into(),
                                wrong.span.start - self.base,
                            ));
                        }
                        merge(&mut entries, merges);
                        (self.node(start, end, Value::Map(entries)), anchor)
                    }
                    _ => return Err(("a mapping ends that never began".into(), start)),
                },
                Event::Alias(id) => {
                    let Some((node, size)) = self.anchors.get(&id) else {
                        return Err((
                            "an alias to an anchor that is not complete yet (it refers to itself)"
                                .into(),
                            start,
                        ));
                    };
                    self.expanded += size;
                    if self.expanded > NODE_BUDGET {
                        return Err((
                            format!("aliases expand to more than {NODE_BUDGET} values"),
                            start,
                        ));
                    }
                    let node = Node {
                        span: self.head(start, end),
                        value: node.value.clone(),
                    };
                    (node, 0)
                }
                Event::UnresolvedAlias(name) => {
                    return Err((
                        format!("no anchor `&{name}` comes before this alias"),
                        start,
                    ));
                }
                _ => continue,
            };
            if anchor != 0 {
                let size = size(&node);
                self.anchors.insert(anchor, (node.clone(), size));
            }
            self.attach(node)?;
        }
        Ok(self.root.take().unwrap_or_else(|| Node {
            span: Span::new(self.base, self.base),
            value: Value::Text {
                text: String::new(),
                plain: true,
            },
        }))
    }

    fn node(&self, start: usize, end: usize, value: Value) -> Node {
        Node {
            span: self.head(start, end),
            value,
        }
    }

    /// Where a value is shown: its first line, trailing blanks left out.
    fn head(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let value = &self.text[start..end];
        let first_line = value.split(['\n', '\r']).next().unwrap_or("").trim_end();
        let len = match first_line.len() {
            0 => value.chars().next().map_or(0, char::len_utf8),
            len => len,
        };
        Span::new(self.base + start, self.base + start + len)
    }

    fn attach(&mut self, node: Node) -> Result<(), Stop> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::List { items, .. }) => items.push(node),
            Some(Frame::Map {
                key,
                entries,
                merges,
                ..
            }) => match key.take() {
                Some((_, true)) => merges.push(node),
                Some((key, false)) => entries.push(Entry { key, value: node }),
                None => {
                    let Value::Text { text, plain } = node.value else {
                        let at = node.span.start - self.base;
                        return Err(("a key must be text, not a list or mapping".into(), at));
                    };
                    let merge = plain && text == "<<";
                    // A key of nothing (`~:`, `null:`) keeps its text, to be named in messages.
                    *key = Some((
                        Key {
                            name: text,
                            span: node.span,
                        },
                        merge,
                    ));
                }
            },
        }
        Ok(())
    }

    /// A byte offset of the text, from a marker.
    fn offset(&self, marker: &Marker) -> usize {
        marker
            .byte_offset()
            .unwrap_or_else(|| char_to_byte(self.text, marker.index()))
            .min(self.text.len())
    }

    fn syntax(&mut self, error: &ScanError) -> Stop {
        self.scan_failed = true;
        let message = error.info();
        let message = message.trim().trim_end_matches('.');
        let mut chars = message.chars();
        let message = match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => "invalid YAML".into(),
        };
        (message, self.offset(error.marker()))
    }
}

/// Applies `<<` merges: the entries of each merged mapping (or list of mappings, the first
/// winning) that the mapping does not give itself.
fn merge(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for merged in merges {
        let maps: Vec<Node> = match merged.value {
            Value::Map(_) => vec![merged],
            Value::List(items) => items,
            Value::Text { .. } => Vec::new(),
        };
        for map in maps {
            for entry in map.entries() {
                if !entries.iter().any(|own| own.key.name == entry.key.name) {
                    entries.push(entry.clone());
                }
            }
        }
    }
}

/// Whether `<<` can merge `node`: a mapping, or a list of mappings.
fn is_mergeable(node: &Node) -> bool {
    match &node.value {
        Value::Map(_) => true,
        Value::List(items) => items.iter().all(|item| matches!(item.value, Value::Map(_))),
        Value::Text { .. } => false,
    }
}

/// How many nodes a value is.
fn size(node: &Node) -> usize {
    1 + match &node.value {
        Value::Text { .. } => 0,
        Value::List(items) => items.iter().map(size).sum(),
        Value::Map(entries) => entries.iter().map(|entry| 1 + size(&entry.value)).sum(),
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(at, _)| at)
}

#[cfg(test)]
mod tests;
