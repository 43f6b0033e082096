//! One Markdown file → one [`ParsedFile`]: front matter, title, intro and steps.
//!
//! The grammar, on top of GitHub-flavoured Markdown:
//!
//! ```text
//! file      := front-matter? title? intro step*
//! front-matter := "---" YAML "---"                     (first line of the file only)
//! title     := "# " TEXT                              (the first level-1 heading)
//! intro     := anything before the first "## "        (setup/cleanup blocks here are lesson-wide)
//! step      := "## " TEXT ("{#" ID "}")? content*     (up to the next "## ")
//! content   := markdown | fenced-block | callout | hint | details
//! fenced-block := "```" INFO NEWLINE TEXT "```"        (INFO: see `info_string`)
//! callout   := "> [!NOTE]" | "> [!TIP]" | "> [!IMPORTANT]" | "> [!WARNING]" | "> [!CAUTION]"
//! hint      := "<details><summary>Hint…</summary>" markdown "</details>"
//! ```
//!
//! Blocks in a list or a quote are blocks of their step like any other. Blocks with a role
//! inside `<details>` belong to the step (a solution hidden from GitHub readers); blocks with
//! no role there are just part of the hint's text.
//!
//! The parse never stops at a problem: every diagnostic is collected, and what could be
//! understood is kept.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, MetadataBlockKind, Tag};

use super::diagnostic::{Code, Diagnostic};
use super::front_matter::{FrontMatter, parse_front_matter};
use super::http::parse_http_block;
use super::info_string::parse_info_string;
use super::markdown;
use super::model::{Block, CalloutKind, Content, Hint, Role, Step, VarRef};
use super::quiz::parse_quiz;
use super::span::Span;
use super::template;

mod blocks;
mod fences;

use super::commands::transcript_commands;
use blocks::*;
use fences::*;

/// An image in the text, for the missing-image rule and for `show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Image {
    pub url: String,
    pub span: Span,
}

/// Everything found in one file, before the parts of a lesson are put together.
#[derive(Debug, Default)]
pub(super) struct ParsedFile {
    pub front_matter: FrontMatter,
    /// The YAML text between the `---` lines.
    pub front_matter_span: Option<Span>,
    pub title: Option<String>,
    pub intro: Vec<Content>,
    pub intro_blocks: Vec<Block>,
    pub steps: Vec<Step>,
    pub images: Vec<Image>,
    pub var_refs: Vec<VarRef>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one lesson file; `file` is its index among the lesson's sources and `part` the
/// index of the part it makes.
pub(super) fn parse_file(text: &str, file: usize, part: usize) -> ParsedFile {
    let mut builder = Builder {
        text,
        file,
        part,
        out: ParsedFile::default(),
        details: Vec::new(),
        raw_spans: Vec::new(),
        ids: Default::default(),
        titled: Default::default(),
        next_number: Default::default(),
    };
    let mut events = markdown::parser(text)
        .into_offset_iter()
        .map(visible as fn(_) -> _);
    while let Some((event, range)) = events.next() {
        builder.top_level(event, range, &mut events);
    }
    builder.unclosed_front_matter();
    builder.finish()
}

/// An open `<details>` element.
struct OpenDetails {
    summary: String,
    is_hint: bool,
    /// The opening HTML.
    start: Span,
    /// Where its Markdown body starts.
    body_start: usize,
}

struct Builder<'t> {
    text: &'t str,
    file: usize,
    part: usize,
    out: ParsedFile,
    /// The `<details>` elements open at this point, outermost first.
    details: Vec<OpenDetails>,
    /// Code of `raw` blocks: no `{{NAME}}` references there.
    raw_spans: Vec<Span>,
    /// The ids of the steps so far, and each with its title: looked up, not searched, so a
    /// file of thousands of steps sharing a slug is numbered in linear time.
    ids: std::collections::HashSet<String>,
    titled: std::collections::HashSet<(String, String)>,
    /// Per slug, the next number to try for a title that shares it.
    next_number: std::collections::HashMap<String, usize>,
}

type Events<'t> = std::iter::Map<
    pulldown_cmark::OffsetIter<'t, pulldown_cmark::DefaultBrokenLinkCallback>,
    fn((Event<'t>, Range<usize>)) -> (Event<'t>, Range<usize>),
>;

/// An event and its range, its text's control characters made visible.
fn visible((event, range): (Event<'_>, Range<usize>)) -> (Event<'_>, Range<usize>) {
    (markdown::visible(event), range)
}

impl<'t> Builder<'t> {
    fn top_level(&mut self, event: Event<'t>, range: Range<usize>, events: &mut Events<'t>) {
        let span = Span::from(range.clone());
        match event {
            Event::Start(Tag::MetadataBlock(MetadataBlockKind::YamlStyle)) => {
                // The source text itself, not the events' text: pulldown-cmark turns CRLF
                // into LF there, and YAML positions must match the file.
                let (_, source) = self.collect_text(events, range.start);
                self.front_matter(source);
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if self.out.title.is_none() && self.out.steps.is_empty() => {
                let title = self.collect_inline_text(events);
                self.out.title = Some(title);
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                ..
            }) => {
                let title = self.collect_inline_text(events);
                self.start_step(title, id.map(|id| id.to_string()), span);
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::ExtraTitle,
                        self.first_line(span),
                        "a lesson file has one `#` title",
                    )
                    .with_help("use `##` for a step, or `###` for a section within a step"),
                );
                self.walk_nested(events);
                self.push_markdown(span);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let fenced = matches!(kind, CodeBlockKind::Fenced(_));
                let (code, source) = self.collect_text(events, range.start);
                let index = self.code_block(fenced, code, source, span);
                if let Some(content) = index {
                    self.push_content(content);
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.walk_nested(events);
                self.push_content(Content::Callout {
                    kind: CalloutKind::from(kind),
                    span,
                });
            }
            Event::Start(Tag::HtmlBlock) => {
                let (html, _) = self.collect_text(events, range.start);
                self.html_block(&html, span);
            }
            Event::Start(_) => {
                self.walk_nested(events);
                self.push_markdown(span);
            }
            Event::Rule | Event::Html(_) | Event::Text(_) => self.push_markdown(span),
            _ => {}
        }
    }

    /// A first line `---` with no front matter read: its closing `---` is missing, and the
    /// YAML became text of the lesson.
    fn unclosed_front_matter(&mut self) {
        let bom = if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let mut lines = self.text[bom..].lines().map(str::trim_end);
        let (first, second) = (lines.next(), lines.next());
        // Only when YAML follows: a first `---` above a blank line or text is a rule.
        let yaml_key = |line: &str| {
            line.split_once(':').is_some_and(|(key, _)| {
                !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
            })
        };
        if self.out.front_matter_span.is_none()
            && first == Some("---")
            && second.is_some_and(yaml_key)
        {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidFrontMatter,
                    Span::new(bom, bom + 3),
                    "the front matter is never closed",
                )
                .with_help("end it with a line of `---` before the lesson's text"),
            );
        }
    }

    fn front_matter(&mut self, source: Span) {
        self.out.front_matter_span = Some(source);
        let yaml = &self.text[source.range()];
        self.out.front_matter = parse_front_matter(yaml, source.start, &mut self.out.diagnostics);
    }

    fn start_step(&mut self, title: String, explicit_id: Option<String>, span: Span) {
        self.close_details_at(span.start);
        let id = explicit_id.unwrap_or_else(|| {
            let slug = slug(&title);
            if slug.is_empty() {
                return format!("step-{}", self.out.steps.len() + 1);
            }
            // Two titles that differ only in punctuation (`Use it!`, `Use it?`) share a slug:
            // the later one is numbered, as GitHub numbers its anchors. The same title twice
            // keeps its slug, and lint reports the duplicate.
            if !self.ids.contains(&slug) || self.titled.contains(&(slug.clone(), title.clone())) {
                return slug;
            }
            let next = self.next_number.entry(slug.clone()).or_insert(1);
            loop {
                let numbered = format!("{slug}-{next}");
                *next += 1;
                if !self.ids.contains(&numbered) {
                    return numbered;
                }
            }
        });
        self.ids.insert(id.clone());
        self.titled.insert((id.clone(), title.clone()));
        let heading = self.first_line(span);
        if let Some(previous) = self.out.steps.last_mut() {
            previous.body.end = span.start;
        }
        self.out.steps.push(Step {
            id,
            title,
            span: heading,
            body: Span::new(span.end, self.text.len()),
            file: self.file,
            part: self.part,
            content: Vec::new(),
            blocks: Vec::new(),
            hints: Vec::new(),
            quizzes: Vec::new(),
        });
    }

    /// A fence left open runs on into the next block, which then closes it (or to the end of
    /// the file): the steps in between vanish into one code block. Reported at the opening.
    fn check_fence_closed(&mut self, span: Span) {
        let block = &self.text[span.range()];
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |nl| nl + 1);
        let Some(fence) = Fence::opening(&self.text[line_start..span.start], block) else {
            return;
        };
        // Only lines holding the fence's run can open a block: find those first.
        let run = fence.char.to_string().repeat(fence.width);
        let body = block.find('\n').map_or(block.len(), |at| at + 1);
        let swallowed = block[body..]
            .match_indices(run.as_str())
            .map(|(at, _)| block[..body + at].rfind('\n').map_or(0, |nl| nl + 1))
            .find(|&line| fence.opens(first_line(&block[line..])));
        let message = match swallowed {
            Some(at) => {
                let line = self.text[..span.start + at].matches('\n').count() + 1;
                format!(
                    "this code block is never closed: it swallows everything up to the fence on line {line}"
                )
            }
            None if self.text[span.end..].trim().is_empty() && !fence.closed(block) => {
                "this code block is never closed: the rest of the file is inside it".into()
            }
            None => return,
        };
        let end = line_end(self.text, span.start);
        let end = span.start + self.text[span.start..end].trim_end().len();
        let help = format!("end it with a line of {run}, indented as its opening line");
        self.out.diagnostics.push(
            Diagnostic::new(Code::UnclosedFence, Span::new(span.start, end), message)
                .with_help(help),
        );
    }

    fn push_content(&mut self, content: Content) {
        if !self.details.is_empty() {
            return;
        }
        match self.out.steps.last_mut() {
            Some(step) => step.content.push(content),
            None => self.out.intro.push(content),
        }
    }

    /// Adds Markdown, merged with the Markdown right before it.
    fn push_markdown(&mut self, span: Span) {
        if !self.details.is_empty() {
            return;
        }
        let start = line_start(self.text, span.start);
        let contents = match self.out.steps.last_mut() {
            Some(step) => &mut step.content,
            None => &mut self.out.intro,
        };
        // Merge with the Markdown right before, unless something that is not Markdown (a quiz
        // that could not be read, say) lies between them.
        let text = self.text;
        if let Some(Content::Markdown { span: last }) = contents
            .last_mut()
            .filter(|c| matches!(c, Content::Markdown { span: last } if text[last.end..start.max(last.end)].trim().is_empty()))
        {
            last.end = span.end;
        } else {
            contents.push(Content::Markdown {
                span: Span::new(start, span.end),
            });
        }
    }

    /// Consumes events up to the end of the element just started, noting images and code
    /// blocks nested in it.
    fn walk_nested(&mut self, events: &mut Events<'t>) {
        let mut depth = 1usize;
        while let Some((event, range)) = events.next() {
            if let Event::Start(Tag::CodeBlock(kind)) = event {
                let fenced = matches!(kind, CodeBlockKind::Fenced(_));
                let (code, source) = self.collect_text(events, range.start);
                // Nested blocks are shown where their list or quote is rendered.
                let _ = self.code_block(fenced, code, source, range.into());
            } else if self.ends_element(&mut depth, &event, range) {
                return;
            }
        }
    }

    /// Follows how deep `event` is in the element being walked (`depth` 1 is the element
    /// itself), noting an image on the way: true when it ends that element.
    fn ends_element(&mut self, depth: &mut usize, event: &Event<'t>, range: Range<usize>) -> bool {
        match event {
            Event::Start(tag) => {
                if let Tag::Image { dest_url, .. } = tag {
                    self.image(dest_url.to_string(), range.into());
                }
                *depth += 1;
                false
            }
            Event::End(_) => {
                *depth -= 1;
                *depth == 0
            }
            _ => false,
        }
    }

    /// An image met in the text, kept for lint and `show`.
    fn image(&mut self, url: String, span: Span) {
        self.out.images.push(Image { url, span });
    }

    /// Concatenates the text events of a leaf element (code block, HTML, front matter);
    /// returns the text and the span of the source it came from.
    fn collect_text(&mut self, events: &mut Events<'t>, fallback: usize) -> (String, Span) {
        let mut text = String::new();
        let mut source: Option<Span> = None;
        for (event, range) in events.by_ref() {
            match event {
                Event::Text(chunk) | Event::Html(chunk) => {
                    let span = source.get_or_insert(Span::new(range.start, range.end));
                    span.end = range.end;
                    text.push_str(&chunk);
                }
                Event::End(_) => break,
                _ => {}
            }
        }
        let empty = line_end(self.text, fallback);
        (text, source.unwrap_or(Span::new(empty, empty)))
    }

    /// The plain text of a heading, without its markup.
    fn collect_inline_text(&mut self, events: &mut Events<'t>) -> String {
        let mut text = String::new();
        let mut depth = 1usize;
        for (event, range) in events.by_ref() {
            match &event {
                Event::Text(chunk) | Event::Code(chunk) => text.push_str(chunk),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ if self.ends_element(&mut depth, &event, range) => break,
                _ => {}
            }
        }
        text.trim().to_owned()
    }

    fn first_line(&self, span: Span) -> Span {
        let end = self.text[span.range()]
            .find('\n')
            .map_or(span.end, |i| span.start + i);
        Span::new(span.start, end)
    }

    fn finish(mut self) -> ParsedFile {
        self.close_details_at(self.text.len());
        self.out.var_refs = self.var_refs();
        self.out
    }

    /// Every `{{NAME}}` outside `raw` blocks and not escaped as `\{{`.
    fn var_refs(&self) -> Vec<VarRef> {
        template::references(self.text)
            .filter(|(_, range)| {
                !self
                    .raw_spans
                    .iter()
                    .any(|raw| raw.start <= range.start && range.end <= raw.end)
            })
            .filter(|(_, range)| range.start == 0 || self.text.as_bytes()[range.start - 1] != b'\\')
            .map(|(name, range)| VarRef {
                name: name.to_owned(),
                span: range.into(),
                file: self.file,
            })
            .collect()
    }
}

/// A GitHub-style heading anchor: lowercase, spaces to `-`, punctuation dropped.
pub fn slug(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_alphanumeric() || c == '_' {
            slug.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-') && !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests;
