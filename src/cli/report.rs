//! `labrun report`: who finished what, from progress logs alone.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use crate::progress;
use crate::report::{self, FileWarnings, Filter, LearnerRow, Summary, format};
use crate::style::{Term, error_prefix, note_painted, plural};

use super::args::{ReportArgs, ReportFormat};
use super::{CliError, exit};

/// Reads every log under the paths, prints the report on stdout and unreadable lines on
/// stderr. Exit 1 with `--require-complete` when someone has not completed.
pub(super) fn run(args: &ReportArgs) -> Result<u8, CliError> {
    let filter = Filter {
        lessons: args.lessons.clone(),
        learners: args.learners.clone(),
        since: args.since,
    };
    if let Some(url) = &args.server {
        return from_server(args, url, &filter);
    }
    let paths = if args.paths.is_empty() {
        vec![default_dir()]
    } else {
        args.paths.clone()
    };
    if let Some(missing) = paths.iter().find(|path| !path.exists()) {
        return Err(CliError::NotFound(missing.clone()));
    }
    // An easy slip: the lesson instead of its logs.
    if let Some(lesson) = paths
        .iter()
        .find(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "md"))
    {
        return Err(CliError::Usage(format!(
            "`{}` is a lesson, not a progress log: give the folder of the logs (default `{}`), \
             and `--lesson ID` to keep to one lesson; `labrun status {}` shows your own progress",
            lesson.display(),
            default_dir().display(),
            lesson.display()
        )));
    }
    let files = report::log_files(&paths)?;
    if files.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        crate::note!(
            "warning: no progress logs (*.jsonl) in {}",
            names.join(", ")
        );
    }
    let mut summary = report::scan(&files, &filter, print_warnings)?.finish();
    expect_lessons(&mut summary, &args.lesson_file)?;
    write(args, &summary)
}

/// `--lesson-file`: flags the learners who ran another version of these lessons.
fn expect_lessons(summary: &mut Summary, lessons: &[PathBuf]) -> Result<(), CliError> {
    for path in lessons {
        let lesson = crate::lesson::load(path)?.lesson;
        summary.expect_lesson(&lesson.id, &lesson.fingerprint());
    }
    Ok(())
}

/// `--server URL`: the same report, made by a class server of what it received.
fn from_server(args: &ReportArgs, url: &str, filter: &Filter) -> Result<u8, CliError> {
    let token = std::env::var("LABRUN_INSTRUCTOR_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            CliError::Usage(
                "a report from a class server needs the instructor token in LABRUN_INSTRUCTOR_TOKEN"
                    .into(),
            )
        })?;
    let server = progress::ClassServer::new(url, None)?;
    let mut query: Vec<(&str, String)> = Vec::new();
    if !filter.lessons.is_empty() {
        query.push(("lesson", filter.lessons.join(",")));
    }
    if !filter.learners.is_empty() {
        query.push(("learner", filter.learners.join(",")));
    }
    if let Some(since) = filter.since {
        query.push(("since", since.to_string()));
    }
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    let request = server
        .client()
        .get(format!("{}/api/v1/report?{query}", server.url()))
        .bearer_auth(token);
    let mut summary: Summary = server.call(request)?;
    expect_lessons(&mut summary, &args.lesson_file)?;
    write(args, &summary)
}

/// The report in its format on stdout; the exit code `--require-complete` asks for.
fn write(args: &ReportArgs, summary: &Summary) -> Result<u8, CliError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        ReportFormat::Table => {
            let width = std::io::stdout()
                .is_terminal()
                .then(|| console::Term::stdout().size().1);
            format::table::write(&mut out, summary, Term::stdout(), width)?;
        }
        ReportFormat::Json => format::json::write(&mut out, summary)?,
        ReportFormat::Csv => format::csv::write(&mut out, summary)?,
        ReportFormat::Junit => format::junit::write(&mut out, summary)?,
        ReportFormat::Markdown => format::markdown::write(&mut out, summary)?,
        ReportFormat::Html => format::html::write(&mut out, summary)?,
    }
    out.flush()?;
    drop(out);

    if args.require_complete && !everyone_complete(summary) {
        return Ok(exit::FAILED);
    }
    Ok(exit::OK)
}

/// `$LABRUN_PROGRESS_DIR`, else the platform data folder: where `labrun start` writes.
fn default_dir() -> PathBuf {
    std::env::var_os("LABRUN_PROGRESS_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(progress::default_dir, PathBuf::from)
}

fn print_warnings(file: FileWarnings) {
    for warning in &file.shown {
        crate::note!("warning: {warning}");
    }
    if file.more > 0 {
        crate::note!(
            "warning: {}: {} more skipped",
            file.path.display(),
            plural(file.more, "unreadable line")
        );
    }
}

/// Names on stderr everyone who has not completed, or whose completion is in doubt; false
/// when anyone has not, or when
/// there is nobody to judge (a gate that passes on no evidence would be no gate).
fn everyone_complete(summary: &Summary) -> bool {
    if summary.learners.is_empty() {
        note_painted(
            &error_prefix(),
            "--require-complete: no learner progress in the report",
        );
        return false;
    }
    // A completion the report cannot take as it stands (an edited log, another version of
    // the lesson) does not pass the gate.
    let incomplete: Vec<&LearnerRow> = summary
        .learners
        .iter()
        .filter(|row| !row.is_complete_and_sound())
        .collect();
    if incomplete.is_empty() {
        return true;
    }
    let total = summary.learners.len();
    note_painted(
        &error_prefix(),
        &format!(
            "{} of {total} {} not completed their lesson:",
            incomplete.len(),
            if total == 1 {
                "learner has"
            } else {
                "learners have"
            }
        ),
    );
    for row in incomplete {
        crate::note!("  {}", incomplete_line(row));
    }
    false
}

/// `bob (welcome): 3 of 5 steps complete; deploy failed, cleanup pending`.
fn incomplete_line(row: &LearnerRow) -> String {
    const SHOWN: usize = 4;
    let open: Vec<String> = row
        .steps
        .iter()
        .filter(|step| !step.status.is_complete())
        .map(|step| format!("{} {}", step.id, step.status.as_str()))
        .collect();
    let mut reasons = open
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if open.len() > SHOWN {
        reasons.push_str(&format!(", {} more", open.len() - SHOWN));
    }
    if row.steps.is_empty() {
        reasons = "the lesson has no steps in the log".into();
    }
    if let Some(doubt) = row.doubt() {
        reasons = if open.is_empty() {
            doubt
        } else {
            format!("{reasons}; {doubt}")
        };
    }
    format!(
        "{} ({}): {} of {} complete; {reasons}",
        row.learner,
        row.lesson,
        row.done(),
        plural(row.steps.len(), "step")
    )
}
