//! Typesets a slice of a lesson's Markdown: re-parses it with the lesson parser's options and
//! walks pulldown-cmark's events.
//!
//! The walker knows Markdown, not lessons. Fenced code it meets is handed to the view's
//! [`Fences`], which knows whether that code is one of the lesson's blocks (and draws its
//! badge), a quiz, or an example.

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{Alignment, BrokenLink, CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use crate::lesson::{CalloutKind, Source, Span, markdown};

use super::canvas::Canvas;
use super::html::html_text;
use super::inline::Inlines;
use super::pieces::{Piece, paint, with_vars};
use super::theme::{self, Look};

/// A fenced or indented code block met in the Markdown.
pub(crate) struct Fence<'a> {
    /// Where the block starts in the file (`usize::MAX` for front matter, which is in no file's
    /// Markdown).
    pub start: usize,
    /// The info string: `bash {check}`, `quiz`, or empty.
    pub info: &'a str,
    pub code: &'a str,
}

impl Fence<'_> {
    /// The language: the info string's first word.
    pub(crate) fn lang(&self) -> &str {
        self.info
            .split(|c: char| c.is_whitespace() || c == '{')
            .next()
            .unwrap_or("")
    }
}

/// How a view draws the code blocks in the Markdown it has the walker typeset.
pub(crate) trait Fences {
    fn fence(&mut self, canvas: &mut Canvas, fence: Fence<'_>) -> io::Result<()>;
}

/// Markdown with no blocks of a lesson in it: every fence is an example.
pub(crate) struct Examples;

impl Fences for Examples {
    fn fence(&mut self, canvas: &mut Canvas, fence: Fence<'_>) -> io::Result<()> {
        super::code::example(canvas, fence.lang(), fence.code)
    }
}

/// Link reference definitions (`[label]: url`) by lowercased label.
pub(crate) type References = HashMap<String, String>;

/// The link reference definitions of a whole file: typesetting one slice of it would not see
/// those defined elsewhere.
pub(crate) fn references(text: &str) -> Rc<References> {
    if !text.contains("]:") {
        return Rc::default();
    }
    Rc::new(
        markdown::parser(text)
            .reference_definitions()
            .iter()
            .map(|(label, def)| (label.to_lowercase(), def.dest.to_string()))
            .collect(),
    )
}

/// Typesets the Markdown at `span` of `source`, whose link definitions are `references`.
pub(crate) fn render(
    canvas: &mut Canvas,
    source: &Source,
    span: Span,
    references: &Rc<References>,
    fences: &mut dyn Fences,
) -> io::Result<()> {
    let text = source.slice(span);
    let references = Rc::clone(references);
    // A reference link whose definition is outside this slice would otherwise show as text.
    let resolve = move |link: BrokenLink| {
        references
            .get(&link.reference.to_lowercase())
            .map(|url| (CowStr::from(url.clone()), CowStr::from(String::new())))
    };
    let parser = Parser::new_with_broken_link_callback(text, markdown::options(), Some(resolve));
    let mut walker = Walker {
        inline: Inlines::new(canvas.term, canvas.vars.clone()),
        canvas,
        fences,
        base: span.start,
        lists: Vec::new(),
        table: None,
        leaf: None,
    };
    for (event, range) in parser.into_offset_iter() {
        walker.event(markdown::visible(event), range)?;
    }
    walker.flush()
}

/// The plain-text-plus-style pieces of a short inline Markdown text (a quiz question or
/// choice). Text that is more than one paragraph is shown as written.
pub(crate) fn inline(text: &str, canvas: &Canvas, look: Look) -> Vec<Piece> {
    let mut inlines = Inlines::new(canvas.term, canvas.vars.clone());
    inlines.looks.push(look);
    for event in markdown::parser(text).map(markdown::visible) {
        match event {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => inlines.pieces.push(Piece::new(" ", Look::PLAIN)),
            event => {
                if inlines.event(event).is_err() {
                    return with_vars(&canvas.vars, text, look, None, false);
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

/// The lines of a Markdown table: none outside, `│` between columns, `─┼─` under the head.
const TABLE_STYLE: comfy_table::TableStyle = comfy_table::TableStyle::new()
    .header_lines(comfy_table::ContentLineStyle::none().junction('│'))
    .header_separator(comfy_table::LineStyle::none().fill('─').junction('┼'))
    .content_lines(comfy_table::ContentLineStyle::none().junction('│'));

struct Table {
    aligns: Vec<comfy_table::CellAlignment>,
    rows: Vec<Vec<Vec<Piece>>>,
    row: Vec<Vec<Piece>>,
    head_rows: usize,
}

struct Walker<'a, 'w> {
    canvas: &'a mut Canvas<'w>,
    fences: &'a mut dyn Fences,
    /// Where the slice starts in the file.
    base: usize,
    inline: Inlines,
    /// Open lists: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    table: Option<Table>,
    leaf: Option<Leaf>,
}

impl Walker<'_, '_> {
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
                        let (icon, title, hue) = theme::callout(CalloutKind::from(kind));
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
                let rest = " ".repeat(super::pieces::width(&marker));
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
                    &" ".repeat(super::pieces::width(&marker)),
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
                let fence = Fence {
                    start,
                    info: &info,
                    code: &text,
                };
                self.fences.fence(self.canvas, fence)?;
                self.canvas.gap();
            }
            Some(Leaf::Html(html)) => {
                let pieces = html_text(&html, &self.canvas.vars);
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

    /// A Markdown table, laid out by comfy-table: columns as the table aligns them, cells
    /// wrapped so that the table fits the text column (a long cell wraps within its column
    /// rather than the terminal breaking the line), `│` between columns and a rule under the
    /// head.
    fn table(&mut self, table: Table) -> io::Result<()> {
        let term = self.canvas.term;
        let mut laid = comfy_table::Table::new();
        laid.load_style(TABLE_STYLE)
            // Colour is `Term`'s decision, painted into the cells: comfy-table only measures.
            .force_no_tty()
            .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
            .set_width(u16::try_from(self.canvas.width()).unwrap_or(u16::MAX));
        let cells = |index: usize, row: &[Vec<Piece>]| -> Vec<comfy_table::Cell> {
            row.iter()
                .map(|pieces| {
                    let mut pieces: Vec<Piece> = pieces.clone();
                    for piece in &mut pieces {
                        piece.text = piece.text.replace('\n', " ");
                        if index < table.head_rows {
                            piece.look = piece.look.with(Look::BOLD);
                        }
                    }
                    comfy_table::Cell::new(paint(term, &pieces).trim())
                })
                .collect()
        };
        for (index, row) in table.rows.iter().enumerate() {
            if index + 1 == table.head_rows {
                laid.set_header(cells(index, row));
            } else {
                laid.add_row(cells(index, row));
            }
        }
        let last = laid.column_count().saturating_sub(1);
        for (index, column) in laid.column_iter_mut().enumerate() {
            let align = table.aligns.get(index).copied();
            column.set_cell_alignment(align.unwrap_or(comfy_table::CellAlignment::Left));
            // No padding at the table's outer edges: it starts where the text does.
            let left = u16::from(index > 0);
            let right = u16::from(index < last);
            column.set_padding((left, right));
        }
        for line in laid.lines() {
            self.canvas.line(line.trim_end())?;
        }
        Ok(())
    }
}

fn align(alignment: Alignment) -> comfy_table::CellAlignment {
    match alignment {
        Alignment::None | Alignment::Left => comfy_table::CellAlignment::Left,
        Alignment::Center => comfy_table::CellAlignment::Center,
        Alignment::Right => comfy_table::CellAlignment::Right,
    }
}
