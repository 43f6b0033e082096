//! What the session commands share: who the learner is, where their progress and workspace
//! live, and loading a lesson that must be valid.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::lesson::{self, Lesson, Severity};
use crate::progress::{self, LessonState, ProgressLog};
use crate::ui::diagnostics::Renderer;
use crate::ui::style::Term;

use super::CliError;
use super::args::LearnerArgs;

/// The learner: `--learner`, `LABRUN_LEARNER`, or the OS user.
pub fn learner_name(args: &LearnerArgs) -> String {
    args.learner
        .clone()
        .filter(|name| !name.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|n| !n.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|n| !n.is_empty()))
        .unwrap_or_else(|| "learner".to_owned())
}

pub fn progress_dir(args: &LearnerArgs) -> PathBuf {
    args.progress_dir
        .clone()
        .unwrap_or_else(progress::default_dir)
}

/// `--workspace`; else `workspaces/LESSON/LEARNER` beside the default progress folder
/// (`~/.local/share/labrun/workspaces/...`), or inside a progress folder given with
/// `--progress-dir`, as `.workspaces/...`, so two progress folders never share a workspace.
pub fn workspace_dir(args: &LearnerArgs, lesson: &str, learner: &str) -> PathBuf {
    if let Some(dir) = &args.workspace {
        return dir.clone();
    }
    let base = match &args.progress_dir {
        Some(progress) => progress.join(".workspaces"),
        None => {
            let progress = progress::default_dir();
            progress.parent().map_or_else(
                || progress.join(".workspaces"),
                |data| data.join("workspaces"),
            )
        }
    };
    let log = progress::log_path(&base, learner, lesson);
    log.with_extension("")
}

/// Loads a lesson for running: lint errors are printed to stderr and refuse it (exit 3).
pub fn load_runnable(path: &Path) -> Result<Lesson, CliError> {
    if !path.exists() {
        return Err(CliError::NotFound(path.to_path_buf()));
    }
    let loaded = lesson::load(path)?;
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return Ok(loaded.lesson);
    }
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    let renderer = Renderer::new(Term::stderr());
    for diag in &errors {
        renderer.render(&mut out, &loaded.lesson, diag)?;
    }
    Err(CliError::InvalidLesson {
        path: path.to_path_buf(),
        errors: errors.len(),
    })
}

/// Opens the learner's log for a lesson (refusing a second session) and derives the state.
pub fn open_log(
    args: &LearnerArgs,
    lesson: &Lesson,
) -> Result<(ProgressLog, LessonState, String), CliError> {
    let learner = learner_name(args);
    let path = progress::log_path(&progress_dir(args), &learner, &lesson.id);
    let (log, read) = ProgressLog::open(&path, &learner, &lesson.id)?;
    for warning in &read.warnings {
        crate::note!("warning: {warning}");
    }
    let state = LessonState::from_events(read.records.iter().map(|record| &record.event));
    Ok((log, state, learner))
}

/// Ctrl-C sets the returned flag: the running command's process group is killed, the
/// interruption recorded, and labrun exits 130. A second Ctrl-C exits at once.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    {
        use signal_hook::consts::SIGINT;
        let _ = signal_hook::flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(&flag));
        let _ = signal_hook::flag::register(SIGINT, Arc::clone(&flag));
    }
    flag
}

/// Empties the lesson workspace when a lesson starts over, so its checks fail again until the
/// learner redoes the work. A folder given with `--workspace` is the learner's own and is
/// never touched. True when something was removed.
pub fn clear_workspace(args: &LearnerArgs, lesson: &str, learner: &str) -> bool {
    if args.workspace.is_some() {
        return false;
    }
    let dir = workspace_dir(args, lesson, learner);
    dir.is_dir() && std::fs::remove_dir_all(&dir).is_ok()
}

/// The index of step `id`, or a usage error naming the steps there are.
pub fn step_index(lesson: &Lesson, id: &str) -> Result<usize, CliError> {
    lesson
        .steps
        .iter()
        .position(|step| step.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = lesson.steps.iter().map(|step| step.id.as_str()).collect();
            CliError::Usage(format!(
                "no step `{id}` in this lesson (steps: {})",
                known.join(", ")
            ))
        })
}

/// Checks the values given with `--var` (and `--vars-file`) before anything runs: each must
/// satisfy its variable's `choices` and `pattern`, as an answer typed at the prompt would.
/// With `known_only`, a name the lesson neither declares nor sets is refused too, with the
/// nearest one (a typo would otherwise be ignored in silence).
pub fn check_given_vars(
    lesson: &Lesson,
    given: &[(String, String)],
    known_only: bool,
) -> Result<(), CliError> {
    let mut names = lesson.variable_names();
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(*name));
    for (name, value) in given {
        if lesson::BUILTIN_VARS.contains(&name.as_str()) {
            return Err(CliError::Usage(format!(
                "`--var {name}=…`: `{name}` is set by labrun{}",
                match name.as_str() {
                    "learner" => " (use --learner)",
                    "workspace" => " (use --workspace)",
                    _ => "",
                }
            )));
        }
        if let Some(spec) = lesson.var(name) {
            crate::engine::validate(spec, value)
                .map_err(|why| CliError::Usage(format!("`--var {name}=…`: {why}")))?;
        } else if known_only && !names.contains(&name.as_str()) {
            let nearest = lesson::nearest(name, names.iter().copied())
                .map(|near| format!(" (did you mean `{near}`?)"))
                .unwrap_or_default();
            let all = if names.is_empty() {
                "it has none".to_owned()
            } else {
                format!("its variables: {}", names.join(", "))
            };
            return Err(CliError::Usage(format!(
                "`--var {name}=…`: the lesson has no variable `{name}`{nearest}; {all}"
            )));
        }
    }
    Ok(())
}
