//! `labrun status`: where a learner stands in a lesson, or in every lesson they started.

use std::io::Write;

use serde::Serialize;

use console::Style;

use crate::lesson;
use crate::progress::{self, LessonState, StepStatus};
use crate::style::Term;
use crate::text::TerminalText;

use super::args::StatusArgs;
use super::learner::{learner_name, progress_dir};
use super::{CliError, exit};

/// One lesson's progress, as `--json` prints it.
#[derive(Debug, Serialize)]
struct LessonStatus {
    /// The lesson id.
    lesson: String,
    title: String,
    learner: String,
    /// Every step of the lesson complete.
    complete: bool,
    /// A session began since the log started or since the last full reset.
    started: bool,
    /// The step the learner was last in.
    current: Option<String>,
    steps: Vec<StepLine>,
}

#[derive(Debug, Serialize)]
struct StepLine {
    id: String,
    /// The step's heading, when the lesson file was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    status: StepStatus,
    hints_shown: u32,
    failed_checks: u32,
}

pub(super) fn run(args: &StatusArgs) -> Result<u8, CliError> {
    let learner = learner_name(&args.learner);
    let dir = progress_dir(&args.learner);
    let mut statuses = Vec::new();
    if let Some(path) = &args.lesson {
        if !path.exists() {
            return Err(CliError::NotFound(path.clone()));
        }
        let loaded = lesson::load(path)?;
        let log = progress::log_path(&dir, &learner, &loaded.lesson.id);
        let state = read_state(&log)?;
        let steps: Vec<(String, Option<String>)> = loaded
            .lesson
            .steps
            .iter()
            .map(|s| (s.id.clone(), Some(s.title.clone())))
            .collect();
        statuses.push(status(
            &loaded.lesson.id,
            &loaded.lesson.title,
            &learner,
            &state,
            &steps,
        ));
    } else {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let log = progress::learner_log(&entry.path(), &learner);
            if !log.exists() {
                continue;
            }
            let state = read_state(&log)?;
            let ids: Vec<(String, Option<String>)> = state
                .steps
                .iter()
                .map(|(id, _)| (id.clone(), None))
                .collect();
            let title = state.title.clone().unwrap_or_default();
            statuses.push(status(
                &entry.file_name().to_string_lossy(),
                &title,
                &learner,
                &state,
                &ids,
            ));
        }
        statuses.sort_by(|a, b| a.lesson.cmp(&b.lesson));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        crate::text::write_json(&mut out, &statuses)?;
        return Ok(exit::OK);
    }
    if statuses.is_empty() {
        writeln!(
            out,
            "{learner} has not started any lesson yet (progress folder: {})",
            dir.display()
        )?;
    }
    let term = Term::stdout();
    for lesson in &statuses {
        let done = lesson
            .steps
            .iter()
            .filter(|s| s.status.is_complete())
            .count();
        let verdict = if lesson.complete {
            term.paint(&Style::new().green().bold(), "complete")
        } else if lesson.started || done > 0 {
            term.paint(&Style::new().yellow(), "in progress")
        } else {
            "not started".to_owned()
        };
        writeln!(
            out,
            "{} ({}) — {verdict}, {done}/{} steps",
            term.paint(&Style::new().bold(), &lesson.title),
            TerminalText::line(&lesson.lesson),
            lesson.steps.len()
        )?;
        let width = lesson.steps.iter().map(|s| s.id.len()).max().unwrap_or(0);
        for step in &lesson.steps {
            let id = TerminalText::line(&step.id);
            let here = if lesson.current.as_deref() == Some(step.id.as_str()) {
                "▸"
            } else {
                " "
            };
            let word = term.paint(
                &status_style(step.status),
                &format!("{:<10}", step.status.as_str()),
            );
            match &step.title {
                Some(title) => writeln!(
                    out,
                    " {here} {word} {:<width$}  {}",
                    id,
                    term.paint(&Style::new().dim(), title)
                )?,
                None => writeln!(out, " {here} {word} {id}")?,
            }
        }
        if let (Some(path), false) = (&args.lesson, lesson.complete) {
            writeln!(out, "{}", next_command(path, lesson))?;
        }
    }
    Ok(exit::OK)
}

fn status_style(status: StepStatus) -> Style {
    match status {
        StepStatus::Verified | StepStatus::Confirmed => Style::new().green(),
        StepStatus::Solved => Style::new().yellow(),
        StepStatus::Failed => Style::new().red(),
        StepStatus::Skipped | StepStatus::Pending => Style::new().dim(),
    }
}

/// `next: labrun start PATH (resumes at "TITLE")`: where `start` would take the learner.
fn next_command(path: &std::path::Path, lesson: &LessonStatus) -> String {
    let open = |step: &&StepLine| !step.status.is_complete();
    let resume = lesson
        .current
        .as_deref()
        .and_then(|id| lesson.steps.iter().find(|s| s.id == id))
        .filter(open)
        .or_else(|| lesson.steps.iter().find(open));
    let at = resume
        .map(|step| {
            let name = step.title.as_deref().unwrap_or(&step.id);
            let verb = if lesson.started { "resumes" } else { "starts" };
            format!(" ({verb} at \"{name}\")")
        })
        .unwrap_or_default();
    format!("next: labrun start {}{at}", path.display())
}

fn read_state(log: &std::path::Path) -> Result<LessonState, CliError> {
    if !log.exists() {
        return Ok(LessonState::default());
    }
    let read = progress::read_log(log)?;
    super::learner::note_log_warnings(&read);
    Ok(read.state)
}

fn status(
    lesson: &str,
    title: &str,
    learner: &str,
    state: &LessonState,
    step_ids: &[(String, Option<String>)],
) -> LessonStatus {
    let steps: Vec<StepLine> = step_ids
        .iter()
        .map(|(id, title)| {
            let step = state.step(id).cloned().unwrap_or_default();
            StepLine {
                id: id.clone(),
                title: title.clone(),
                status: step.status,
                hints_shown: step.hints_shown,
                failed_checks: step.failed_checks,
            }
        })
        .collect();
    LessonStatus {
        lesson: lesson.to_owned(),
        title: title.to_owned(),
        learner: learner.to_owned(),
        complete: !steps.is_empty() && steps.iter().all(|s| s.status.is_complete()),
        started: state.started,
        current: state.current.clone(),
        steps,
    }
}
