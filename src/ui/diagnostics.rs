//! Diagnostics for people (source line, caret, help) and for tools (JSON).

use std::fmt;
use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use crate::lesson::{Diagnostic, Lesson, Severity};

use crate::style::Term;

/// One diagnostic as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

pub fn to_json(lesson: &Lesson, diag: &Diagnostic) -> JsonDiagnostic {
    let (file, line_col) = locate(lesson, diag);
    JsonDiagnostic {
        file,
        line: line_col.line,
        column: line_col.column,
        severity: diag.severity,
        code: diag.code.as_str(),
        message: diag.message.clone(),
        help: diag.help.clone(),
    }
}

fn locate(lesson: &Lesson, diag: &Diagnostic) -> (String, crate::lesson::LineCol) {
    match lesson.sources.get(diag.file) {
        Some(source) => (
            source.path.display().to_string(),
            source.line_index().line_col(&source.text, diag.span.start),
        ),
        None => (
            lesson.path.display().to_string(),
            crate::lesson::LineCol { line: 1, column: 1 },
        ),
    }
}

/// Renders diagnostics with their source lines, like a compiler.
pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    pub fn new(term: Term) -> Self {
        let theme = if term.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // The header's line:column is ours (columns in characters, as editors count; miette
        // counts bytes), and lines are not wrapped: wrapping broke paths and code apart.
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(term.width.max(60))
            .with_wrap_lines(false)
            .with_links(false)
            .without_primary_span_start()
            .with_context_lines(1);
        Self { handler }
    }

    pub fn render(
        &self,
        out: &mut dyn Write,
        lesson: &Lesson,
        diag: &Diagnostic,
    ) -> io::Result<()> {
        let source = lesson.sources.get(diag.file);
        let report = Report {
            diag,
            source: source.map(|s| {
                let at = s.line_index().line_col(&s.text, diag.span.start);
                // A file's name is as untrusted as its text.
                let name =
                    crate::text::line(&format!("{}:{}:{}", s.path.display(), at.line, at.column));
                NamedSource::new(name, s.text.clone())
            }),
        };
        let mut text = String::new();
        self.handler
            .render_report(&mut text, &report)
            .map_err(|_| io::Error::other("cannot format a diagnostic"))?;
        writeln!(out, "{}", text.trim_end())?;
        writeln!(out)
    }
}

/// Adapts a lesson diagnostic to miette's rendering.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<std::sync::Arc<str>>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.diag.severity.as_str(),
            self.diag.code
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = SourceSpan::new(self.diag.span.start.into(), self.diag.span.len());
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, span),
        )))
    }
}
