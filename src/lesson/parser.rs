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

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, MetadataBlockKind, Tag};

use super::diagnostic::{Code, Diagnostic};
use super::front_matter::{FrontMatter, parse_front_matter};
use super::http::parse_http_block;
use super::info_string::parse_info_string;
use super::markdown;
use super::model::{Block, CalloutKind, Content, Hint, Role, Step, VarRef};
use super::quiz::parse_quiz;
use super::span::Span;
use super::template;

/// An image in the text, for the missing-image rule and for `show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub url: String,
    pub span: Span,
}

/// Everything found in one file, before the parts of a lesson are put together.
#[derive(Debug, Default)]
pub struct ParsedFile {
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
pub fn parse_file(text: &str, file: usize, part: usize) -> ParsedFile {
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
                let (title, _) = self.collect_inline_text(events);
                self.out.title = Some(title);
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                ..
            }) => {
                let (title, _) = self.collect_inline_text(events);
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
                    kind: callout_kind(kind),
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

    /// Turns a fenced or indented code block into a block, quiz or nothing, and returns the
    /// content entry that shows it (none inside `<details>`).
    fn code_block(
        &mut self,
        fenced: bool,
        code: String,
        code_span: Span,
        span: Span,
    ) -> Option<Content> {
        // The info string as written: pulldown-cmark resolves backslash escapes in it, which
        // would change `expect="v1\.2"` and every position after the escape.
        let info_span = if fenced {
            raw_info(self.text, span.start)
        } else {
            Span::new(span.start, span.start)
        };
        let info_text = &self.text[info_span.range()];
        let parsed = parse_info_string(info_text, info_span.start, &mut self.out.diagnostics);
        if fenced {
            self.check_fence_closed(span);
        }
        let in_details = !self.details.is_empty();
        // YAML and HTTP are parsed from the file's own text when the block is not indented,
        // so positions stay right in CRLF files; nested blocks use the de-indented text.
        let source = &self.text[code_span.range()];
        let (exact, remap) = if source.len() == code.len() || source.replace("\r\n", "\n") == code {
            (source, None)
        } else {
            (
                code.as_str(),
                Some(Remap::new(source, code_span.start, &code)),
            )
        };
        // The de-indented text is parsed from 0, and what it reports is put back in place.
        let base = if remap.is_some() { 0 } else { code_span.start };
        let before = self.out.diagnostics.len();
        // (A problem with the quiz as a whole is at `span`, in the file already.)
        let place = |diagnostics: &mut [Diagnostic]| {
            if let Some(remap) = &remap {
                for diagnostic in diagnostics.iter_mut().filter(|d| d.span != span) {
                    diagnostic.span = remap.span(diagnostic.span);
                }
            }
        };

        if parsed.lang.eq_ignore_ascii_case("quiz") {
            let quiz = parse_quiz(exact, base, span, &mut self.out.diagnostics);
            place(&mut self.out.diagnostics[before..]);
            let quiz = quiz?;
            let Some(step) = self.out.steps.last_mut() else {
                self.out.diagnostics.push(outside_step(span, "a quiz"));
                return None;
            };
            step.quizzes.push(quiz);
            return (!in_details).then(|| Content::Quiz {
                index: step.quizzes.len() - 1,
            });
        }

        if parsed.attrs.raw {
            self.raw_spans.push(code_span);
        }
        if let (Some(role), Some(_)) = (parsed.role, &parsed.attrs.file) {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidAttribute,
                    info_span,
                    format!(
                        "`file=` is for a block with no role, not a `{}` block",
                        role.as_str()
                    ),
                )
                .with_help("write the file in its own block, then run or check it in another"),
            );
        }
        if parsed.role.is_some() && code.trim().is_empty() {
            self.out.diagnostics.push(Diagnostic::new(
                Code::EmptyBlock,
                self.first_line(span),
                "this block has a role but no code",
            ));
        }
        let http = if parsed.role.is_some() && parsed.lang.eq_ignore_ascii_case("http") {
            let (mut entries, mut diags) = parse_http_block(exact, base);
            place(&mut diags);
            self.out.diagnostics.extend(diags);
            if let Some(remap) = &remap {
                for entry in &mut entries {
                    remap.entry(entry);
                }
            }
            entries
        } else {
            Vec::new()
        };
        // A block with no role inside a hint is part of the hint's text.
        if in_details && parsed.role.is_none() {
            return None;
        }
        // A transcript (`console`, `shell-session`) shows prompts and output: what a learner
        // can run of it is its commands.
        let code = match transcript_commands(&parsed.lang, &code) {
            Some(commands) if parsed.role.is_none() => commands,
            _ => code,
        };
        let block = Block {
            lang: parsed.lang,
            role: parsed.role,
            attrs: parsed.attrs,
            code,
            span,
            info_span,
            code_span,
            file: self.file,
            http,
        };
        let blocks = match self.out.steps.last_mut() {
            Some(step) => &mut step.blocks,
            None => {
                if matches!(block.role, Some(Role::Run | Role::Check | Role::Solve)) {
                    let what = format!("a `{}` block", block.role.map_or("", Role::as_str));
                    self.out
                        .diagnostics
                        .push(outside_step(self.first_line(span), &what));
                }
                &mut self.out.intro_blocks
            }
        };
        blocks.push(block);
        (!in_details).then(|| Content::Block {
            index: blocks.len() - 1,
        })
    }

    fn html_block(&mut self, html: &str, span: Span) {
        let lower = html.to_ascii_lowercase();
        let mut found_any = false;
        let mut pos = 0;
        // Walk the `<details>` and `</details>` tags of this HTML in order.
        while let Some((at, opening)) = next_details_tag(&lower, pos) {
            found_any = true;
            if opening {
                let summary = summary_of(html, at).unwrap_or_default();
                let after_summary = lower[at..].find("</summary>").map_or_else(
                    || lower[at..].find('>').map_or(lower.len(), |i| at + i + 1),
                    |i| at + i + "</summary>".len(),
                );
                let is_hint = summary.trim().to_ascii_lowercase().starts_with("hint");
                self.details.push(OpenDetails {
                    summary,
                    is_hint,
                    start: Span::new(span.start + at, span.start + after_summary),
                    body_start: span.start + after_summary,
                });
                pos = after_summary;
            } else {
                self.close_details(Span::new(
                    span.start + at,
                    span.start + at + "</details>".len(),
                ));
                pos = at + "</details>".len();
            }
        }
        if !found_any && self.details.is_empty() {
            self.push_markdown(span);
        }
    }

    fn close_details(&mut self, closing: Span) {
        let Some(open) = self.details.pop() else {
            self.push_markdown(closing);
            return;
        };
        if !self.details.is_empty() {
            return;
        }
        let body = Span::new(open.body_start, closing.start.max(open.body_start));
        let whole = Span::new(open.start.start, closing.end);
        if open.is_hint
            && let Some(step) = self.out.steps.last_mut()
        {
            step.hints.push(Hint {
                summary: open.summary,
                body,
                span: whole,
            });
            let index = step.hints.len() - 1;
            step.content.push(Content::Hint { index });
            return;
        }
        self.push_content(Content::Details {
            summary: open.summary,
            span: body,
        });
    }

    /// Closes any `<details>` left open when a step ends, with an error.
    fn close_details_at(&mut self, end: usize) {
        if self.details.is_empty() {
            return;
        }
        let outermost_start = self.details[0].start;
        self.out.diagnostics.push(
            Diagnostic::new(
                Code::UnclosedHint,
                outermost_start,
                "`<details>` is not closed before the step ends",
            )
            .with_help("add `</details>` on its own line, after a blank line"),
        );
        while !self.details.is_empty() {
            self.close_details(Span::new(end, end));
        }
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
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let fenced = matches!(kind, CodeBlockKind::Fenced(_));
                    let (code, source) = self.collect_text(events, range.start);
                    // Nested blocks are shown where their list or quote is rendered.
                    let _ = self.code_block(fenced, code, source, range.into());
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    self.out.images.push(Image {
                        url: dest_url.into_string(),
                        span: range.into(),
                    });
                    depth += 1;
                }
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
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
    fn collect_inline_text(&mut self, events: &mut Events<'t>) -> (String, usize) {
        let mut text = String::new();
        let mut depth = 1usize;
        for (event, range) in events.by_ref() {
            match event {
                Event::Text(chunk) | Event::Code(chunk) => text.push_str(&chunk),
                Event::Start(Tag::Image { dest_url, .. }) => {
                    self.out.images.push(Image {
                        url: dest_url.into_string(),
                        span: range.into(),
                    });
                    depth += 1;
                }
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        (text.trim().to_owned(), 0)
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

/// The commands of a terminal transcript: the lines after a prompt (`$ `, `user@host:~$ `,
/// `PS C:\> `), with the lines that continue them (after a `\`); `None` for a block that is
/// no transcript (no line starts with a prompt).
pub(super) fn transcript_commands(lang: &str, code: &str) -> Option<String> {
    if !matches!(
        lang.to_ascii_lowercase().as_str(),
        "console" | "shell-session" | "terminal" | "shellsession"
    ) {
        return None;
    }
    let mut commands = String::new();
    let mut continued = false;
    for line in code.lines() {
        let command = if continued {
            Some(line)
        } else {
            after_prompt(line)
        };
        match command {
            Some(command) => {
                commands.push_str(command);
                commands.push('\n');
                continued = command.trim_end().ends_with('\\');
            }
            None => continued = false,
        }
    }
    (!commands.is_empty()).then_some(commands)
}

/// The command after a shell prompt at the start of `line`: `$ `, `% `, `user@host:~/dir$ `,
/// `(venv) $ `.
pub(super) fn after_prompt(line: &str) -> Option<&str> {
    let line = match line.strip_prefix('(') {
        // A virtualenv's name before the prompt.
        Some(rest) => rest.split_once(") ").map_or(line, |(_, after)| after),
        None => line,
    };
    if let Some(command) = line.strip_prefix("$ ").or_else(|| line.strip_prefix("% ")) {
        return Some(command);
    }
    let (prompt, command) = line.split_once("$ ")?;
    let is_prompt = !prompt.is_empty()
        && !prompt.contains(char::is_whitespace)
        && prompt.contains(['@', ':'])
        && prompt
            .chars()
            .all(|c| c.is_alphanumeric() || "@:~/._-".contains(c));
    is_prompt.then_some(command)
}

fn outside_step(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::BlockOutsideStep,
        span,
        format!("{what} must be inside a step"),
    )
    .with_help(
        "move it under a `##` heading; before the first step only `setup` and `cleanup` blocks run",
    )
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

/// The info string on the fence line starting at `block_start`, as written.
fn raw_info(text: &str, block_start: usize) -> Span {
    let line_end = line_end(text, block_start);
    let line = &text[block_start..line_end];
    let fence = line.trim_start();
    let marker = fence.chars().next().unwrap_or('`');
    let after_fence = fence.trim_start_matches(marker);
    let info = after_fence.trim();
    let start = line_end - after_fence.len() + (after_fence.len() - after_fence.trim_start().len());
    Span::new(start, start + info.len())
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

/// The next `<details` or `</details>` tag at or after `pos` in lowercased HTML.
fn next_details_tag(lower: &str, pos: usize) -> Option<(usize, bool)> {
    let open = lower[pos..].find("<details").map(|i| pos + i);
    let close = lower[pos..].find("</details>").map(|i| pos + i);
    match (open, close) {
        (Some(o), Some(c)) if o < c => Some((o, true)),
        (_, Some(c)) => Some((c, false)),
        (Some(o), None) => Some((o, true)),
        (None, None) => None,
    }
}

/// The text of the `<summary>` after the `<details` at `at`, tags stripped.
fn summary_of(html: &str, at: usize) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = at + lower[at..].find("<summary")?;
    let content_start = open + lower[open..].find('>')? + 1;
    let content_end = content_start + lower[content_start..].find("</summary>")?;
    let mut summary = String::new();
    let mut in_tag = false;
    for c in html[content_start..content_end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => summary.push(c),
            _ => {}
        }
    }
    Some(summary.split_whitespace().collect::<Vec<_>>().join(" "))
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

/// Where the lines of a nested block's de-indented code are in the file: each code line is
/// the end of its source line, whose start (list indentation, `>`) was taken off.
struct Remap {
    /// (offset of a line in the code, offset of the same text in the file), in order.
    lines: Vec<(usize, usize)>,
}

impl Remap {
    fn new(source: &str, base: usize, code: &str) -> Self {
        let mut lines = Vec::new();
        let (mut in_code, mut in_source) = (0, 0);
        let mut source_lines = source.split_inclusive('\n');
        for code_line in code.split_inclusive('\n') {
            let source_line = source_lines.next().unwrap_or("");
            let taken_off = if source_line
                .trim_end_matches(['\r', '\n'])
                .ends_with(code_line.trim_end_matches(['\r', '\n']))
            {
                source_line.trim_end_matches(['\r', '\n']).len()
                    - code_line.trim_end_matches(['\r', '\n']).len()
            } else {
                0
            };
            lines.push((in_code, base + in_source + taken_off));
            in_code += code_line.len();
            in_source += source_line.len();
        }
        Self { lines }
    }

    fn offset(&self, at: usize) -> usize {
        let index = self.lines.partition_point(|&(start, _)| start <= at);
        match index.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(in_code, in_file)) => in_file + (at - in_code),
            None => at,
        }
    }

    fn span(&self, span: Span) -> Span {
        Span::new(self.offset(span.start), self.offset(span.end))
    }

    /// Every span of an HTTP entry, put back in place.
    fn entry(&self, entry: &mut crate::lesson::http::HttpEntry) {
        entry.span = self.span(entry.span);
        let pairs = entry
            .headers
            .iter_mut()
            .chain(&mut entry.query)
            .chain(&mut entry.form);
        for pair in pairs {
            pair.span = self.span(pair.span);
        }
        for capture in &mut entry.captures {
            capture.span = self.span(capture.span);
        }
        for assert in &mut entry.asserts {
            assert.span = self.span(assert.span);
        }
    }
}

/// The fence that opens a fenced block: its character and how many, where it stands (the
/// column after its list markers or indentation) and inside how many blockquotes.
#[derive(Clone, Copy)]
struct Fence {
    char: char,
    width: usize,
    column: usize,
    quotes: usize,
}

impl Fence {
    /// The fence at the start of `block`, whose line begins with `before` (indentation, list
    /// markers, `>`).
    fn opening(before: &str, block: &str) -> Option<Self> {
        let char = block.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let width = block.chars().take_while(|&c| c == char).count();
        Some(Self {
            char,
            width,
            column: before.chars().count(),
            quotes: before.matches('>').count(),
        })
    }

    /// What follows the fence run on `line`, when the line could be a fence of this block's
    /// container: as many `>` as the opening, at most 3 columns further in (CommonMark's
    /// limit), then at least as wide a run.
    fn after_run<'l>(&self, line: &'l str) -> Option<&'l str> {
        let (quotes, column, text) = layout(line);
        if quotes != self.quotes || column > self.column + 3 {
            return None;
        }
        let run = text.chars().take_while(|&c| c == self.char).count();
        (run >= self.width).then(|| &text[run * self.char.len_utf8()..])
    }

    /// Whether `line` opens another block: a fence with an info string. Inside this block
    /// it is only text, so this block was left open.
    fn opens(&self, line: &str) -> bool {
        self.after_run(line).is_some_and(|info| {
            let info = info.trim();
            // A backtick fence's info string holds no backtick.
            let backticked = self.char == '`' && info.contains('`');
            !info.is_empty() && !backticked
        })
    }

    /// Whether `block` (the opening fence to the end of the block) ends with its closing
    /// fence: the run alone on the last line.
    fn closed(&self, block: &str) -> bool {
        let mut lines = block.trim_end().lines();
        lines.next();
        lines
            .next_back()
            .and_then(|last| self.after_run(last))
            .is_some_and(|rest| rest.trim().is_empty())
    }
}

/// A line's blockquote depth, the column its text starts at (tabs to the next multiple of
/// 4), and that text.
fn layout(line: &str) -> (usize, usize, &str) {
    let (mut quotes, mut column) = (0, 0);
    for (at, c) in line.char_indices() {
        match c {
            '>' => {
                quotes += 1;
                column += 1;
            }
            ' ' => column += 1,
            '\t' => column += 4 - column % 4,
            _ => return (quotes, column, &line[at..]),
        }
    }
    (quotes, column, "")
}

/// The first line of `text`, without its line break.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
