//! The parsed lesson: what the engine runs, `show` renders and `lint` checks.
//!
//! Every element keeps the [`Span`] it came from and the index of its source file, so any
//! problem found later (by lint, or at run time) can point back into the Markdown.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::front_matter::{ToolRequirement, VarSpec};
use super::http::HttpEntry;
use super::quiz::Quiz;
use super::span::{LineIndex, Span};

/// One Markdown file of a lesson: the whole lesson, or one part of a folder lesson.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl Source {
    pub fn line_index(&self) -> LineIndex {
        LineIndex::new(&self.text)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// A whole lesson, possibly made of several parts (files).
#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub duration: Option<String>,
    pub version: Option<String>,
    /// Front matter `watch`: checks may re-run in the background at a step (default true).
    pub watch: bool,
    /// The file, or the folder of a multi-part lesson.
    pub path: PathBuf,
    pub sources: Vec<Source>,
    pub parts: Vec<Part>,
    pub requires: Vec<ToolRequirement>,
    pub vars: Vec<VarSpec>,
    pub steps: Vec<Step>,
    /// Every `{{NAME}}` reference in the lesson, for lint.
    pub var_refs: Vec<VarRef>,
    /// The names that are variables: declared, set by a step (`capture=`, `[Captures]`), or
    /// labrun's own. Any other `{{word}}` is text (`{{exec}}`, Go's `{{end}}`).
    pub variables: std::collections::BTreeSet<String>,
}

impl Lesson {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|step| step.id == id)
    }

    pub fn var(&self, name: &str) -> Option<&VarSpec> {
        self.vars.iter().find(|var| var.name == name)
    }

    /// Whether the lesson uses what only labrun reads: front matter `vars` or `requires`, a
    /// block role (`{run}`, `{check}`...), a `file=` block, or a quiz. Lint is
    /// stricter with such a lesson: a near miss of labrun's names is a mistake there, while in
    /// a tutorial written for another tool it is that tool's.
    pub fn is_written_for_labrun(&self) -> bool {
        !self.vars.is_empty()
            || !self.requires.is_empty()
            || self
                .all_blocks()
                .any(|block| block.role.is_some() || block.attrs.file.is_some())
            || self.steps.iter().any(|step| !step.quizzes.is_empty())
    }

    /// Whether `{{name}}` is a variable of this lesson, rather than text.
    pub fn is_variable(&self, name: &str) -> bool {
        self.variables.contains(name)
    }

    /// Every variable the lesson declares or sets (`capture=`, `[Captures]`), in order, with
    /// repeats; not the built-in ones.
    pub fn variable_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.vars.iter().map(|var| var.name.as_str()).collect();
        let blocks = self
            .steps
            .iter()
            .flat_map(|step| &step.blocks)
            .chain(self.lesson_blocks());
        for block in blocks {
            names.extend(block.attrs.capture.as_deref());
            names.extend(
                block
                    .http
                    .iter()
                    .flat_map(|entry| entry.captures.iter().map(|c| c.name.as_str())),
            );
        }
        names
    }

    /// Blocks before the first step of each part: `setup` runs once per lesson, `cleanup`
    /// when it is reset or finished; others are shown with the intro.
    pub fn lesson_blocks(&self) -> impl Iterator<Item = &Block> {
        self.parts.iter().flat_map(|part| &part.blocks)
    }

    /// Every block of the lesson: the lesson's own (intros), then each step's, in order.
    pub fn all_blocks(&self) -> impl Iterator<Item = &Block> {
        self.lesson_blocks()
            .chain(self.steps.iter().flat_map(|step| &step.blocks))
    }

    /// Whether anything of the lesson happens without the learner confirming it one by one
    /// (setup, check or cleanup blocks, `file=` blocks): the learner's consent is asked first.
    pub fn needs_consent(&self) -> bool {
        self.all_blocks().any(|b| {
            matches!(b.role, Some(Role::Setup | Role::Check | Role::Cleanup))
                || (b.role.is_none() && b.attrs.file.is_some())
        })
    }

    /// SHA-256 of the lesson's sources in order, hex: a version of the lesson, for consent
    /// and for reports to tell an edited lesson.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for source in &self.sources {
            hasher.update(source.text.as_bytes());
            hasher.update([0]);
        }
        hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// `file:line` of a block's opening fence, for messages about it.
    pub fn location(&self, block: &Block) -> String {
        match self.sources.get(block.file) {
            Some(source) => {
                let line = source
                    .line_index()
                    .line_col(&source.text, block.span.start)
                    .line;
                format!("{}:{line}", source.path.display())
            }
            None => String::from("?"),
        }
    }

    /// The first step whose block sets `name` by `capture=` or `[Captures]`, with that block.
    pub fn setter_of(&self, name: &str) -> Option<(usize, &Block)> {
        self.steps.iter().enumerate().find_map(|(index, step)| {
            step.blocks
                .iter()
                .find(|block| block.captured_names().any(|n| n == name))
                .map(|block| (index, block))
        })
    }
}

/// One file of a lesson: its own `#` title and intro.
#[derive(Debug, Clone)]
pub struct Part {
    pub title: Option<String>,
    pub file: usize,
    /// The intro: Markdown before the first `##`.
    pub intro: Vec<Content>,
    /// Blocks of the intro; `Content::Block` in `intro` indexes this.
    pub blocks: Vec<Block>,
    /// Indices into [`Lesson::steps`].
    pub steps: std::ops::Range<usize>,
}

/// A `##` section of a lesson.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// The `##` heading line.
    pub span: Span,
    /// Everything after the heading, up to the next step or the end of the file.
    pub body: Span,
    pub file: usize,
    pub part: usize,
    /// What the learner reads, in order: prose, blocks, callouts, hints, quizzes, images.
    pub content: Vec<Content>,
    pub blocks: Vec<Block>,
    pub hints: Vec<Hint>,
    pub quizzes: Vec<Quiz>,
}

impl Step {
    pub fn blocks_with(&self, role: Role) -> impl Iterator<Item = &Block> {
        self.blocks
            .iter()
            .filter(move |block| block.role == Some(role))
    }

    /// Whether anything can verify the step: a check block or a quiz.
    pub fn has_checks(&self) -> bool {
        !self.quizzes.is_empty() || self.blocks_with(Role::Check).next().is_some()
    }

    /// Whether the step runs something: `run`, `solve` or `setup` blocks.
    pub fn runs_commands(&self) -> bool {
        self.blocks
            .iter()
            .any(|block| matches!(block.role, Some(Role::Run | Role::Solve | Role::Setup)))
    }
}

/// A piece of a step's (or intro's) content, in reading order.
#[derive(Debug, Clone)]
pub enum Content {
    /// Top-level Markdown (paragraphs, lists, tables, deeper headings), rendered from source.
    Markdown { span: Span },
    /// A GitHub alert: `> [!NOTE]` and friends; `span` covers the whole quote.
    Callout { kind: CalloutKind, span: Span },
    /// Index into the step's `blocks` (or the part's `blocks` for an intro).
    Block { index: usize },
    /// Index into the step's `hints`.
    Hint { index: usize },
    /// Index into the step's `quizzes`.
    Quiz { index: usize },
    /// A collapsed `<details>` section that is not a hint, shown as its summary and body.
    Details { summary: String, span: Span },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

/// GitHub's alert kinds, as pulldown-cmark reads them (`> [!NOTE]`).
impl From<pulldown_cmark::BlockQuoteKind> for CalloutKind {
    fn from(kind: pulldown_cmark::BlockQuoteKind) -> Self {
        use pulldown_cmark::BlockQuoteKind;
        match kind {
            BlockQuoteKind::Note => Self::Note,
            BlockQuoteKind::Tip => Self::Tip,
            BlockQuoteKind::Important => Self::Important,
            BlockQuoteKind::Warning => Self::Warning,
            BlockQuoteKind::Caution => Self::Caution,
        }
    }
}

/// A revealable hint: `<details><summary>Hint</summary> ... </details>`.
#[derive(Debug, Clone)]
pub struct Hint {
    pub summary: String,
    /// The Markdown inside the `<details>`, after the summary.
    pub body: Span,
    pub span: Span,
}

/// What a fenced code block is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Run,
    Check,
    Solve,
    Setup,
    Cleanup,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Run,
        Role::Check,
        Role::Solve,
        Role::Setup,
        Role::Cleanup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Check => "check",
            Self::Solve => "solve",
            Self::Setup => "setup",
            Self::Cleanup => "cleanup",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

/// Which shell runs a command block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    /// bash when present, else sh.
    #[default]
    Auto,
    Bash,
    Sh,
}

/// A fenced code block: a command, an HTTP exchange, a file, or just something to read.
#[derive(Debug, Clone)]
pub struct Block {
    /// The language from the info string (`bash`, `http`, `yaml`, ...), possibly empty.
    pub lang: String,
    pub role: Option<Role>,
    pub attrs: Attrs,
    /// The text between the fences.
    pub code: String,
    /// The whole block, fences included.
    pub span: Span,
    /// The info string after the opening fence.
    pub info_span: Span,
    /// The text between the fences.
    pub code_span: Span,
    pub file: usize,
    /// Parsed requests when `lang` is `http` and the block has a role.
    pub http: Vec<HttpEntry>,
}

impl Block {
    pub fn is_http(&self) -> bool {
        self.lang.eq_ignore_ascii_case("http")
    }

    /// Offered to the learner to run (the `run` action, and `test` when a step has no
    /// solution): `run` blocks, and shown shell blocks that are not files.
    pub fn is_offered_to_learner(&self) -> bool {
        match self.role {
            Some(Role::Run) => true,
            None => self.attrs.file.is_none() && self.is_shell(),
            _ => false,
        }
    }

    /// A command shown in the text with no role, which the learner is offered to run (the
    /// `$ you run this` a reader sees).
    pub fn is_shown_command(&self) -> bool {
        self.role.is_none() && self.is_offered_to_learner()
    }

    /// A language a shell runs.
    pub fn is_shell(&self) -> bool {
        matches!(
            self.lang.to_ascii_lowercase().as_str(),
            "bash" | "sh" | "shell" | "console" | "zsh" | "shell-session"
        )
    }

    /// The variables the block sets by name: `capture=` and `[Captures]` (not those a script
    /// writes to `$LABRUN_OUTPUT`, which only running it tells).
    pub fn captured_names(&self) -> impl Iterator<Item = &str> {
        self.attrs.capture.as_deref().into_iter().chain(
            self.http
                .iter()
                .flat_map(|entry| entry.captures.iter().map(|c| c.name.as_str())),
        )
    }
}

/// The `{...}` attributes of a block's info string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs {
    pub timeout: Option<Duration>,
    pub retry: Option<u32>,
    pub interval: Option<Duration>,
    pub expect: Option<String>,
    pub exit: Option<i32>,
    pub capture: Option<String>,
    pub file: Option<String>,
    pub interactive: bool,
    pub optional: bool,
    /// The block's text is used as written: no `{{NAME}}` substitution.
    pub raw: bool,
    /// `watch=false`: this check never re-runs in the background (a costly API call).
    pub watch: Option<bool>,
    pub shell: Shell,
}

/// A `{{NAME}}` in the lesson text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub span: Span,
    pub file: usize,
}
