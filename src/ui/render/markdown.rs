//! Renders a slice of a lesson's Markdown: re-parses it with the lesson parser's options and
//! walks pulldown-cmark's events.
//!
//! Code blocks met on the way (in a list, a quote, a revealed hint) are looked up among the
//! blocks of the scope by their offset in the file, so they get their role's badge.

use std::io;
use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, BrokenLink, CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd,
};

use crate::lesson::{CalloutKind, Span, markdown};
use crate::ui::style::Term;

use super::block;
use super::canvas::Canvas;
use super::inline::{Piece, paint, with_vars};
use super::scope::Scope;
use super::table::{self, Align, Cell};
use super::theme::{self, Look};

/// Renders the Markdown at `span` of the scope's source.
pub(crate) fn render(canvas: &mut Canvas, scope: &mut Scope, span: Span) -> io::Result<()> {
    let source = scope.source;
    let text = source.slice(span);
    let references = Rc::clone(&scope.references);
    // A reference link whose definition is outside this slice would otherwise show as text.
    let resolve = move |link: BrokenLink| {
        references
            .get(&link.reference.to_lowercase())
            .map(|url| (CowStr::from(url.clone()), CowStr::from(String::new())))
    };
    let parser = Parser::new_with_broken_link_callback(text, markdown::options(), Some(resolve));
    let mut walker = Walker {
        inline: Inlines::new(canvas.term),
        canvas,
        scope,
        base: span.start,
        lists: Vec::new(),
        table: None,
        leaf: None,
    };
    for (event, range) in parser.into_offset_iter() {
        walker.event(event, range)?;
    }
    walker.flush()
}

/// The plain-text-plus-style pieces of a short inline Markdown text (a quiz question or
/// choice). Text that is more than one paragraph is shown as written.
pub(crate) fn inline(text: &str, term: Term, look: Look) -> Vec<Piece> {
    let mut inlines = Inlines::new(term);
    inlines.looks.push(look);
    for event in markdown::parser(text) {
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            event => {
                if inlines.event(event).is_err() {
                    return with_vars(text, look, None, false);
                }
            }
        }
    }
    inlines.pieces
}

/// A leaf element whose text is collected before it is rendered.
enum Leaf {
    Code {
        info: String,
        start: usize,
        text: String,
    },
    Html(String),
}

struct Table {
    aligns: Vec<Align>,
    rows: Vec<Vec<Vec<Piece>>>,
    row: Vec<Vec<Piece>>,
    head_rows: usize,
}

struct Walker<'a, 'w, 'l> {
    canvas: &'a mut Canvas<'w>,
    scope: &'a mut Scope<'l>,
    /// Where the slice starts in the file.
    base: usize,
    inline: Inlines,
    /// Open lists: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    table: Option<Table>,
    leaf: Option<Leaf>,
}

impl Walker<'_, '_, '_> {
    fn event(&mut self, event: Event, range: Range<usize>) -> io::Result<()> {
        if let Some(leaf) = &mut self.leaf {
            match (leaf, event) {
                (Leaf::Code { text, .. }, Event::Text(chunk)) => text.push_str(&chunk),
                (Leaf::Html(html), Event::Html(chunk) | Event::Text(chunk)) => {
                    html.push_str(&chunk)
                }
                (_, Event::End(_)) => return self.finish_leaf(),
                _ => {}
            }
            return Ok(());
        }
        let event = match self.inline.event(event) {
            Ok(()) => return Ok(()),
            Err(event) => event,
        };
        match event {
            Event::Start(Tag::Paragraph) => self.flush()?,
            Event::End(TagEnd::Paragraph) => {
                self.flush()?;
                self.canvas.gap();
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.flush()?;
                self.canvas.gap();
                self.inline.pieces.push(Piece::new(
                    format!("{} ", "#".repeat(level as usize)),
                    Look::DIM,
                ));
                self.inline.looks.push(Look::HEADING);
            }
            Event::End(TagEnd::Heading(_)) => {
                self.inline.looks.pop();
                self.flush()?;
                self.canvas.gap();
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.flush()?;
                self.canvas.gap();
                match kind {
                    Some(kind) => {
                        let (icon, title, hue) = theme::callout(callout_kind(kind));
                        self.canvas.indent("│ ", "│ ", Look::hue(hue));
                        self.canvas
                            .styled(&format!("{icon} {title}"), Look::bold_hue(hue))?;
                    }
                    None => self.canvas.indent("│ ", "│ ", Look::DIM),
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.flush()?;
                self.canvas.dedent();
                self.canvas.gap();
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.flush()?;
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.into_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.leaf = Some(Leaf::Code {
                    info,
                    start: self.base + range.start,
                    text: String::new(),
                });
            }
            Event::Start(Tag::MetadataBlock(_)) => {
                self.flush()?;
                self.leaf = Some(Leaf::Code {
                    info: "yaml".into(),
                    start: usize::MAX,
                    text: String::new(),
                });
            }
            Event::Start(Tag::HtmlBlock) => {
                self.flush()?;
                self.leaf = Some(Leaf::Html(String::new()));
            }
            Event::Html(html) => {
                self.flush()?;
                self.leaf = Some(Leaf::Html(html.into_string()));
                self.finish_leaf()?;
            }
            Event::Start(Tag::List(first)) => {
                self.flush()?;
                if self.lists.is_empty() {
                    self.canvas.gap();
                }
                self.lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                self.flush()?;
                self.lists.pop();
                if self.lists.is_empty() {
                    self.canvas.gap();
                }
            }
            Event::Start(Tag::Item) => {
                self.flush()?;
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        *number += 1;
                        format!("{}. ", *number - 1)
                    }
                    _ => format!("{} ", ["•", "◦", "▪"][depth.saturating_sub(1) % 3]),
                };
                let rest = " ".repeat(super::inline::width(&marker));
                self.canvas.indent(&marker, &rest, Look::DIM);
            }
            Event::End(TagEnd::Item) => {
                self.flush()?;
                self.canvas.dedent();
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "☑ " } else { "☐ " };
                self.inline.pieces.push(Piece::atomic(mark, Look::DIM));
            }
            Event::Start(Tag::Table(aligns)) => {
                self.flush()?;
                self.canvas.gap();
                let aligns = aligns.into_iter().map(align).collect();
                self.table = Some(Table {
                    aligns,
                    rows: Vec::new(),
                    row: Vec::new(),
                    head_rows: 0,
                });
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some(table) = &mut self.table {
                    table.row.clear();
                }
            }
            Event::End(end @ (TagEnd::TableHead | TagEnd::TableRow)) => {
                if let Some(table) = &mut self.table {
                    table.rows.push(std::mem::take(&mut table.row));
                    if end == TagEnd::TableHead {
                        table.head_rows = table.rows.len();
                    }
                }
            }
            Event::Start(Tag::TableCell) => self.inline.pieces.clear(),
            Event::End(TagEnd::TableCell) => {
                let cell = std::mem::take(&mut self.inline.pieces);
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(table) = self.table.take() {
                    self.table(table)?;
                }
                self.canvas.gap();
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.flush()?;
                self.canvas.gap();
                let marker = format!("[{label}] ");
                self.canvas.indent(
                    &marker,
                    &" ".repeat(super::inline::width(&marker)),
                    Look::DIM,
                );
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.flush()?;
                self.canvas.dedent();
                self.canvas.gap();
            }
            Event::Rule => {
                self.flush()?;
                self.canvas.gap();
                let rule = "─".repeat(self.canvas.width().min(40));
                self.canvas
                    .line(&paint(self.canvas.term, &[Piece::new(rule, Look::DIM)]))?;
                self.canvas.gap();
            }
            // Definition lists are not enabled; anything else has no text of its own.
            _ => {}
        }
        Ok(())
    }

    /// Writes the inline text gathered so far (a paragraph, a heading, a tight list item).
    fn flush(&mut self) -> io::Result<()> {
        let pieces = std::mem::take(&mut self.inline.pieces);
        self.canvas.text(&pieces)
    }

    fn finish_leaf(&mut self) -> io::Result<()> {
        match self.leaf.take() {
            Some(Leaf::Code { info, start, text }) => {
                block::code(self.canvas, self.scope, start, &info, &text)?;
                self.canvas.gap();
            }
            Some(Leaf::Html(html)) => {
                let pieces = html_text(&html);
                if !pieces.is_empty() {
                    self.canvas.gap();
                    self.canvas.text(&pieces)?;
                    self.canvas.gap();
                }
            }
            None => {}
        }
        Ok(())
    }

    fn table(&mut self, table: Table) -> io::Result<()> {
        let term = self.canvas.term;
        let rows: Vec<Vec<Cell>> = table
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| {
                row.iter()
                    .map(|pieces| {
                        let mut pieces: Vec<Piece> = pieces.clone();
                        for piece in &mut pieces {
                            piece.text = piece.text.replace('\n', " ");
                            if index < table.head_rows {
                                piece.look = piece.look.with(Look::BOLD);
                            }
                        }
                        let plain: String = pieces.iter().map(|p| p.text.as_str()).collect();
                        Cell::new(paint(term, &pieces), plain.trim())
                    })
                    .collect()
            })
            .collect();
        let widths = table::column_widths(&rows);
        let separator = format!(" {} ", paint(term, &[Piece::new("│", Look::DIM)]));
        for (index, row) in rows.iter().enumerate() {
            self.canvas
                .line(&table::row(row, &widths, &table.aligns, &separator))?;
            if index + 1 == table.head_rows {
                let rule: Vec<String> = widths.iter().map(|&width| "─".repeat(width)).collect();
                self.canvas
                    .line(&paint(term, &[Piece::new(rule.join("─┼─"), Look::DIM)]))?;
            }
        }
        Ok(())
    }
}

fn align(alignment: Alignment) -> Align {
    match alignment {
        Alignment::None | Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

fn callout_kind(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

/// Inline text being gathered, with the looks and links open at this point.
struct Inlines {
    term: Term,
    pieces: Vec<Piece>,
    looks: Vec<Look>,
    /// Open links: the target and where the link text starts in `pieces`.
    links: Vec<(String, usize)>,
    /// An open image: its path, its alt text so far, and the depth of nested images.
    image: Option<(String, String, usize)>,
}

impl Inlines {
    fn new(term: Term) -> Self {
        Self {
            term,
            pieces: Vec::new(),
            looks: Vec::new(),
            links: Vec::new(),
            image: None,
        }
    }

    fn look(&self) -> Look {
        self.looks
            .iter()
            .fold(Look::PLAIN, |look, &next| look.with(next))
    }

    fn link(&self) -> Option<&String> {
        self.links.last().map(|(url, _)| url)
    }

    /// Handles an inline event, or gives it back.
    fn event<'e>(&mut self, event: Event<'e>) -> Result<(), Event<'e>> {
        if let Some((_, alt, depth)) = &mut self.image {
            match event {
                Event::Text(text) | Event::Code(text) => alt.push_str(&text),
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => self.close_image(),
                _ => {}
            }
            return Ok(());
        }
        match event {
            Event::Text(text) => {
                let pieces = with_vars(&text, self.look(), self.link(), false);
                self.pieces.extend(pieces);
            }
            Event::Code(code) => {
                // Without colour, the backticks are what sets code apart.
                let text = if self.term.color {
                    code.into_string()
                } else {
                    format!("`{code}`")
                };
                let pieces = with_vars(&text, self.look().with(Look::CODE), self.link(), true);
                self.pieces.extend(pieces);
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.pieces
                    .push(Piece::new(text.into_string(), self.look()));
            }
            Event::SoftBreak => self.pieces.push(Piece::new(" ", Look::PLAIN)),
            Event::HardBreak => self.pieces.push(Piece::new("\n", Look::PLAIN)),
            Event::InlineHtml(html) => {
                if html
                    .trim_start_matches('<')
                    .to_ascii_lowercase()
                    .starts_with("br")
                {
                    self.pieces.push(Piece::new("\n", Look::PLAIN));
                }
            }
            Event::FootnoteReference(label) => self
                .pieces
                .push(Piece::atomic(format!("[{label}]"), Look::DIM)),
            Event::Start(Tag::Emphasis) => self.looks.push(Look {
                italic: true,
                ..Look::PLAIN
            }),
            Event::Start(Tag::Strong) => self.looks.push(Look::BOLD),
            Event::Start(Tag::Strikethrough) => self.looks.push(Look {
                strike: true,
                ..Look::PLAIN
            }),
            Event::Start(Tag::Superscript | Tag::Subscript) => self.looks.push(Look::PLAIN),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {
                self.looks.pop();
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.looks.push(Look::LINK);
                self.links.push((dest_url.into_string(), self.pieces.len()));
            }
            Event::End(TagEnd::Link) => {
                self.looks.pop();
                self.close_link();
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.image = Some((dest_url.into_string(), String::new(), 0))
            }
            event => return Err(event),
        }
        Ok(())
    }

    /// Shows a link's target after its text where the terminal cannot make the text a link.
    fn close_link(&mut self) {
        let Some((url, start)) = self.links.pop() else {
            return;
        };
        let text: String = self
            .pieces
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        let text = text.trim_matches('`');
        let obvious = url.is_empty()
            || url.starts_with('#')
            || text == url
            || Some(text) == url.strip_prefix("mailto:");
        if !self.term.links && !obvious {
            self.pieces.push(Piece::new(" ", Look::PLAIN));
            self.pieces
                .push(Piece::atomic(format!("({url})"), Look::DIM));
        }
    }

    /// `[image: alt] (path)`.
    fn close_image(&mut self) {
        let Some((url, alt, _)) = self.image.take() else {
            return;
        };
        let label = if alt.trim().is_empty() {
            "[image]".to_owned()
        } else {
            format!("[image: {}]", alt.trim())
        };
        let look = self.look().with(Look::IMAGE);
        self.pieces.push(Piece {
            text: label,
            look,
            link: Some(url.clone()),
            atomic: false,
        });
        if !url.is_empty() {
            self.pieces.push(Piece::new(" ", Look::PLAIN));
            self.pieces
                .push(Piece::atomic(format!("({url})"), Look::DIM));
        }
    }
}

/// The readable text of raw HTML: comments and tags dropped, `<br>` and block tags kept as
/// line breaks, `<img>` shown as an image. Line breaks of the HTML source are layout, not text.
fn html_text(html: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open].replace('\n', " "));
        rest = &rest[open..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[1..close];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        match name.to_ascii_lowercase().as_str() {
            "br" | "p" | "div" | "li" | "tr" if !text.trim().is_empty() => text.push('\n'),
            "img" => {
                pieces.extend(with_vars(&decode(&text), Look::PLAIN, None, false));
                text.clear();
                let alt = attribute(tag, "alt").unwrap_or_default();
                let label = if alt.is_empty() {
                    "[image]".to_owned()
                } else {
                    format!("[image: {alt}]")
                };
                pieces.push(Piece::new(label, Look::IMAGE));
                if let Some(src) = attribute(tag, "src") {
                    pieces.push(Piece::new(" ", Look::PLAIN));
                    pieces.push(Piece::atomic(format!("({src})"), Look::DIM));
                }
            }
            _ => {}
        }
        rest = &rest[close + 1..];
    }
    text.push_str(&rest.replace('\n', " "));
    pieces.extend(with_vars(&decode(&text), Look::PLAIN, None, false));
    while pieces
        .last()
        .is_some_and(|piece| piece.text.trim().is_empty())
    {
        pieces.pop();
    }
    if let Some(last) = pieces.last_mut() {
        last.text = last.text.trim_end().to_owned();
    }
    pieces
}

/// The value of `name="value"` in a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = tag[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value = after[1..].trim_start();
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
        let value = match quote {
            Some(q) => value[1..].split(q).next().unwrap_or(""),
            None => value
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(decode(value));
    }
    None
}

fn decode(text: &str) -> String {
    text.replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
