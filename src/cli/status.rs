//! `labrun status`: where a learner stands in a lesson, or in every lesson they started.

use std::io::Write;

use serde::Serialize;

use crate::lesson;
use crate::progress::{self, LessonState, StepStatus};

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
    status: StepStatus,
    hints_shown: u32,
    failed_checks: u32,
}

pub fn run(args: &StatusArgs) -> Result<u8, CliError> {
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
        let step_ids: Vec<String> = loaded.lesson.steps.iter().map(|s| s.id.clone()).collect();
        statuses.push(status(
            &loaded.lesson.id,
            &loaded.lesson.title,
            &learner,
            &state,
            &step_ids,
        ));
    } else {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let log = progress::log_path(&dir, &learner, &entry.file_name().to_string_lossy());
            if !log.exists() {
                continue;
            }
            let state = read_state(&log)?;
            let ids: Vec<String> = state.steps.iter().map(|(id, _)| id.clone()).collect();
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
        serde_json::to_writer_pretty(&mut out, &statuses).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(exit::OK);
    }
    if statuses.is_empty() {
        writeln!(
            out,
            "{learner} has not started any lesson yet (progress folder: {})",
            dir.display()
        )?;
    }
    for lesson in &statuses {
        let done = lesson
            .steps
            .iter()
            .filter(|s| s.status.is_complete())
            .count();
        let verdict = if lesson.complete {
            "complete"
        } else if lesson.started || done > 0 {
            "in progress"
        } else {
            "not started"
        };
        writeln!(
            out,
            "{} ({}) — {verdict}, {done}/{} steps",
            lesson.title,
            lesson.lesson,
            lesson.steps.len()
        )?;
        for step in &lesson.steps {
            let here = if lesson.current.as_deref() == Some(step.id.as_str()) {
                "▸"
            } else {
                " "
            };
            writeln!(out, " {here} {:<10} {}", step.status.as_str(), step.id)?;
        }
    }
    Ok(exit::OK)
}

fn read_state(log: &std::path::Path) -> Result<LessonState, CliError> {
    if !log.exists() {
        return Ok(LessonState::default());
    }
    let read = progress::read_log(log)?;
    for warning in &read.warnings {
        crate::note!("warning: {warning}");
    }
    Ok(LessonState::from_events(
        read.records.iter().map(|r| &r.event),
    ))
}

fn status(
    lesson: &str,
    title: &str,
    learner: &str,
    state: &LessonState,
    step_ids: &[String],
) -> LessonStatus {
    let steps: Vec<StepLine> = step_ids
        .iter()
        .map(|id| {
            let step = state.step(id).cloned().unwrap_or_default();
            StepLine {
                id: id.clone(),
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
