//! `labrun lint`: every problem of every lesson, for people or for tools.

use std::io::Write;

use crate::lesson::{self, Severity};
use crate::style::Term;
use crate::ui::diagnostics::{JsonDiagnostic, Renderer, to_json};

use super::args::{LintArgs, LintFormat};
use super::{CliError, discover, exit};

pub(super) fn run(args: &LintArgs) -> Result<u8, CliError> {
    let paths = discover::lessons(&args.paths)?;
    if paths.is_empty() {
        return Err(CliError::NoLessons(args.paths.clone()));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let term = Term::stdout();
    let renderer = Renderer::new(term);
    let mut json = Vec::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    // Lessons by id: two with one id would share their learners' progress logs.
    let mut ids: std::collections::HashMap<String, std::path::PathBuf> = Default::default();
    for path in &paths {
        // One unreadable lesson is reported like any problem; the others are still linted.
        let loaded = match lesson::load(path) {
            Ok(loaded) => loaded,
            Err(error) => {
                errors += 1;
                match args.format {
                    LintFormat::Human => {
                        writeln!(out, "error[unreadable]: {}:1:1: {error}\n", path.display())?;
                    }
                    LintFormat::Json => json.push(JsonDiagnostic {
                        file: path.display().to_string(),
                        line: 1,
                        column: 1,
                        severity: Severity::Error,
                        code: "unreadable",
                        message: error.to_string(),
                        help: None,
                    }),
                }
                continue;
            }
        };
        if let Some(first) = ids.get(&loaded.lesson.id) {
            let message = format!(
                "`{}` has the id `{}` of `{}`: their progress logs would be one",
                path.display(),
                loaded.lesson.id,
                first.display()
            );
            let help = "give one of them another `id:` in its front matter";
            let severity = if args.deny_warnings {
                errors += 1;
                Severity::Error
            } else {
                warnings += 1;
                Severity::Warning
            };
            match args.format {
                LintFormat::Human => writeln!(
                    out,
                    "{}[{}]: {message}\n  help: {help}\n",
                    severity.as_str(),
                    lesson::Code::DuplicateLessonId
                )?,
                LintFormat::Json => json.push(JsonDiagnostic {
                    file: path.display().to_string(),
                    line: 1,
                    column: 1,
                    severity,
                    code: lesson::Code::DuplicateLessonId.as_str(),
                    message,
                    help: Some(help.to_owned()),
                }),
            }
        } else {
            ids.insert(loaded.lesson.id.clone(), path.clone());
        }
        for diag in &loaded.diagnostics {
            let mut diag = diag.clone();
            if args.deny_warnings {
                diag.severity = Severity::Error;
            }
            if diag.severity == Severity::Error {
                errors += 1;
            } else {
                warnings += 1;
            }
            match args.format {
                LintFormat::Human => renderer.render(&mut out, &loaded.lesson, &diag)?,
                LintFormat::Json => json.push(to_json(&loaded.lesson, &diag)),
            }
        }
    }
    match args.format {
        LintFormat::Json => {
            crate::text::write_json(&mut out, &json)?;
        }
        LintFormat::Human => {
            let lessons = plural(paths.len(), "lesson");
            let summary = format!(
                "{lessons}: {}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
            let style = if errors > 0 {
                console::Style::new().red().bold()
            } else {
                console::Style::new().green().bold()
            };
            writeln!(out, "{}", term.paint(&style, &summary))?;
        }
    }
    Ok(if errors > 0 {
        exit::INVALID_LESSON
    } else {
        exit::OK
    })
}

pub(super) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
