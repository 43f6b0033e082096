//! `labrun show --json`: the parsed lesson for tools.
//!
//! A view of the model made for reading, not the model itself: positions are file paths and
//! 1-based line numbers instead of byte offsets, quiz answers are left out (as `show` never
//! reveals them) and so is any value of a secret variable. HTTP requests are listed with their
//! method, URL and headers as written. Format version 1: fields may be
//! added, none is renamed or removed without raising [`LessonView::format`].

use serde::Serialize;

use crate::lesson::http::KeyValue;
use crate::lesson::{Block, Lesson, LineIndex, Role, Shell, Source, Span};

/// The current version of this JSON format.
pub const FORMAT: u32 = 1;

/// A whole lesson.
#[derive(Debug, Serialize)]
pub struct LessonView {
    /// Version of this format; a tool should refuse a version it does not know.
    pub format: u32,
    /// Stable id: the front matter `id`, or the file (or folder) name without extension.
    pub id: String,
    /// The front matter `title`, or the first `#` heading, or the id.
    pub title: String,
    /// One line about the lesson, from the front matter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// How long the lesson takes, as written in the front matter (`45m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// The lesson's own version, from the front matter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The lesson as given on the command line: a file, or the folder of a lesson in parts.
    pub path: String,
    /// Number of lint errors (`labrun lint` lists them); a lesson with errors cannot start.
    pub errors: usize,
    /// Number of lint warnings.
    pub warnings: usize,
    /// Programs that must be on `PATH`.
    pub requires: Vec<ToolView>,
    /// Declared variables, in declaration order.
    pub vars: Vec<VarView>,
    /// The files of the lesson, in order; a single-file lesson has one part.
    pub parts: Vec<PartView>,
    /// Every step of every part, in order.
    pub steps: Vec<StepView>,
}

/// A required program.
#[derive(Debug, Serialize)]
pub struct ToolView {
    /// The program name, looked up on `PATH`.
    pub name: String,
    /// How to install it, shown when it is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A declared variable. A secret's `default` and `value` are never included.
#[derive(Debug, Serialize)]
pub struct VarView {
    /// The name used as `{{name}}`.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The question asked of the learner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The proposed answer (omitted for secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The allowed answers, when the learner picks one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// A regex every answer must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Never written to disk nor printed.
    pub secret: bool,
    /// The environment variable read before asking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// A fixed or templated value: the variable is computed, never asked (omitted for secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The file that declares it.
    pub file: String,
    /// The 1-based line of its name in the front matter.
    pub line: usize,
}

/// One file of the lesson.
#[derive(Debug, Serialize)]
pub struct PartView {
    /// The part's `#` heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The Markdown file.
    pub file: String,
    /// Blocks before the first step: `setup` runs once per lesson, `cleanup` at the end.
    pub blocks: Vec<BlockView>,
    /// The ids of the part's steps, in order.
    pub steps: Vec<String>,
}

/// A `##` step.
#[derive(Debug, Serialize)]
pub struct StepView {
    /// The step id: the `{#id}` of the heading, or the slug of its title.
    pub id: String,
    /// The heading text.
    pub title: String,
    /// 1-based position among all the lesson's steps.
    pub number: usize,
    /// 0-based index of its part in `parts`.
    pub part: usize,
    /// The Markdown file of the step.
    pub file: String,
    /// The 1-based line of the `##` heading.
    pub line: usize,
    /// The last line of the step (the line before the next step, or the file's last line).
    pub end_line: usize,
    /// Whether the step is verified (by a `check` block or a quiz) rather than confirmed.
    pub verified: bool,
    /// The number of hints, revealed one at a time.
    pub hints: usize,
    /// Fenced blocks of the step, in order (blocks nested in lists and hints included).
    pub blocks: Vec<BlockView>,
    /// Quizzes, without their answers.
    pub quizzes: Vec<QuizView>,
}

/// A fenced code block.
#[derive(Debug, Serialize)]
pub struct BlockView {
    /// `run`, `check`, `solve`, `setup`, `cleanup`, or null for a block without role.
    pub role: Option<Role>,
    /// The language of the info string (`bash`, `http`, ...), possibly empty.
    pub lang: String,
    /// True for a block without role that labrun offers to run (a shell block).
    pub offered: bool,
    /// The Markdown file of the block.
    pub file: String,
    /// The 1-based line of the opening fence.
    pub line: usize,
    /// The 1-based line of the closing fence (or the last line of an unclosed block).
    pub end_line: usize,
    /// The `{...}` attributes of the info string.
    pub attrs: AttrsView,
    /// The text between the fences, as written (`{{NAME}}` not filled in).
    pub code: String,
    /// For an `http` block with a role: the requests it makes, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestView>,
}

/// One request of an HTTP block.
#[derive(Debug, Serialize)]
pub struct RequestView {
    /// The 1-based line of the request line.
    pub line: usize,
    /// `GET`, `POST`, ...
    pub method: String,
    /// As written: `{{NAME}}` not filled in.
    pub url: String,
    /// Request headers, in order.
    pub headers: Vec<NameValue>,
    /// `[QueryStringParams]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<NameValue>,
    /// `[FormParams]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<NameValue>,
    /// Whether the request has a body.
    pub body: bool,
    /// The expected status; omitted for `HTTP *` or no `HTTP` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Variables set from the response.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<String>,
    /// The number of `[Asserts]` on the response.
    pub asserts: usize,
}

/// A header or parameter.
#[derive(Debug, Serialize)]
pub struct NameValue {
    pub name: String,
    /// As written: `{{NAME}}` not filled in.
    pub value: String,
}

/// Block attributes; those not given are omitted.
#[derive(Debug, Serialize)]
pub struct AttrsView {
    /// `timeout=`, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// `retry=`: further attempts after the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<u32>,
    /// `interval=` between attempts, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_ms: Option<u64>,
    /// `expect=`: a regex stdout must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<String>,
    /// `exit=`: the expected exit code (0 when omitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit: Option<i32>,
    /// `capture=`: the variable set from stdout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture: Option<String>,
    /// `file=`: the workspace path the block's text is written to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// `interactive`: the command gets the terminal.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interactive: bool,
    /// `optional`: a failing check warns but does not block.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// `raw`: no `{{NAME}}` substitution.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub raw: bool,
    /// `shell=`: `bash` or `sh`; omitted for the default (bash when present, else sh).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shell: Option<Shell>,
}

/// A quiz, without its answer.
#[derive(Debug, Serialize)]
pub struct QuizView {
    /// The 1-based line of the opening fence.
    pub line: usize,
    pub question: String,
    /// The choices offered; empty for a free-text question.
    pub choices: Vec<String>,
    /// Whether several choices are right (the learner picks all of them).
    pub multiple: bool,
    /// Whether the answer is typed and matched against a pattern.
    pub free_text: bool,
}

/// The view of `lesson`, with the lint counts of its diagnostics.
pub fn view(lesson: &Lesson, errors: usize, warnings: usize) -> LessonView {
    let files = Files::new(&lesson.sources);
    LessonView {
        format: FORMAT,
        id: lesson.id.clone(),
        title: lesson.title.clone(),
        summary: lesson.summary.clone(),
        duration: lesson.duration.clone(),
        version: lesson.version.clone(),
        path: lesson.path.display().to_string(),
        errors,
        warnings,
        requires: lesson
            .requires
            .iter()
            .map(|tool| ToolView {
                name: tool.name.clone(),
                hint: tool.hint.clone(),
            })
            .collect(),
        vars: lesson
            .vars
            .iter()
            .map(|var| VarView {
                name: var.name.clone(),
                description: var.description.clone(),
                prompt: var.prompt.clone(),
                default: var.default.clone().filter(|_| !var.secret),
                choices: var.choices.clone(),
                pattern: var.pattern.clone(),
                secret: var.secret,
                env: var.env.clone(),
                value: var.value.clone().filter(|_| !var.secret),
                file: files.path(var.file),
                line: files.line(var.file, var.span.start),
            })
            .collect(),
        parts: lesson
            .parts
            .iter()
            .map(|part| PartView {
                title: part.title.clone(),
                file: files.path(part.file),
                blocks: part
                    .blocks
                    .iter()
                    .map(|block| block_view(&files, block))
                    .collect(),
                steps: lesson
                    .steps
                    .get(part.steps.clone())
                    .unwrap_or_default()
                    .iter()
                    .map(|s| s.id.clone())
                    .collect(),
            })
            .collect(),
        steps: lesson
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| StepView {
                id: step.id.clone(),
                title: step.title.clone(),
                number: index + 1,
                part: step.part,
                file: files.path(step.file),
                line: files.line(step.file, step.span.start),
                end_line: files.last_line(step.file, Span::new(step.span.start, step.body.end)),
                verified: step.has_checks(),
                hints: step.hints.len(),
                blocks: step
                    .blocks
                    .iter()
                    .map(|block| block_view(&files, block))
                    .collect(),
                quizzes: step
                    .quizzes
                    .iter()
                    .map(|quiz| QuizView {
                        line: files.line(step.file, quiz.span.start),
                        question: quiz.question.clone(),
                        choices: quiz.choices.clone(),
                        multiple: quiz.is_multiple_answer(),
                        free_text: quiz.answer_pattern.is_some(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn block_view(files: &Files, block: &Block) -> BlockView {
    let attrs = &block.attrs;
    let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    BlockView {
        role: block.role,
        lang: block.lang.clone(),
        offered: block.is_shown_command(),
        file: files.path(block.file),
        line: files.line(block.file, block.span.start),
        end_line: files.last_line(block.file, block.span),
        attrs: AttrsView {
            timeout_ms: attrs.timeout.map(millis),
            retry: attrs.retry,
            interval_ms: attrs.interval.map(millis),
            expect: attrs.expect.clone(),
            exit: attrs.exit,
            capture: attrs.capture.clone(),
            file: attrs.file.clone(),
            interactive: attrs.interactive,
            optional: attrs.optional,
            raw: attrs.raw,
            shell: (attrs.shell != Shell::Auto).then_some(attrs.shell),
        },
        code: block.code.clone(),
        requests: block
            .http
            .iter()
            .map(|entry| {
                let pairs = |pairs: &[KeyValue]| {
                    pairs
                        .iter()
                        .map(|kv| NameValue {
                            name: kv.name.clone(),
                            value: kv.value.clone(),
                        })
                        .collect()
                };
                RequestView {
                    line: files.line(block.file, entry.span.start),
                    method: entry.method.clone(),
                    url: entry.url.clone(),
                    headers: pairs(&entry.headers),
                    query: pairs(&entry.query),
                    form: pairs(&entry.form),
                    body: entry.body.is_some(),
                    status: entry.status,
                    captures: entry
                        .captures
                        .iter()
                        .map(|capture| capture.name.clone())
                        .collect(),
                    asserts: entry.asserts.len(),
                }
            })
            .collect(),
    }
}

/// Paths and line indexes of the lesson's files, built once.
struct Files<'l> {
    sources: &'l [Source],
    lines: Vec<LineIndex>,
}

impl<'l> Files<'l> {
    fn new(sources: &'l [Source]) -> Self {
        Self {
            sources,
            lines: sources.iter().map(Source::line_index).collect(),
        }
    }

    fn path(&self, file: usize) -> String {
        self.sources
            .get(file)
            .map(|source| source.path.display().to_string())
            .unwrap_or_default()
    }

    fn line(&self, file: usize, offset: usize) -> usize {
        match (self.sources.get(file), self.lines.get(file)) {
            (Some(source), Some(index)) => index.line_col(&source.text, offset).line,
            _ => 0,
        }
    }

    /// The line of the last character of `span`, not counting a final line break.
    fn last_line(&self, file: usize, span: Span) -> usize {
        let text = self
            .sources
            .get(file)
            .map_or("", |source| source.slice(span));
        let trailing = text.len() - text.trim_end_matches(['\n', '\r']).len();
        self.line(
            file,
            span.end
                .saturating_sub(trailing)
                .saturating_sub(1)
                .max(span.start),
        )
    }
}
