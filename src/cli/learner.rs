//! What the session commands share: who the learner is, where their progress and workspace
//! live, and loading a lesson that must be valid.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::Interrupt;
use crate::lesson::{self, Lesson, Severity};
use crate::progress::{self, LessonState, ProgressLog};
use crate::style::Term;
use crate::ui::diagnostics::Renderer;

use super::CliError;
use super::args::LearnerArgs;

/// The learner: `--learner`, `LABRUN_LEARNER`, or the OS user.
pub(super) fn learner_name(args: &LearnerArgs) -> String {
    args.learner
        .clone()
        .filter(|name| !name.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|n| !n.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|n| !n.is_empty()))
        .unwrap_or_else(|| "learner".to_owned())
}

pub(super) fn progress_dir(args: &LearnerArgs) -> PathBuf {
    args.progress_dir
        .clone()
        .unwrap_or_else(progress::default_dir)
}

/// `--workspace`; else `workspaces/LESSON/LEARNER` beside the default progress folder
/// (`~/.local/share/labrun/workspaces/...`), or inside a progress folder given with
/// `--progress-dir`, as `.workspaces/...`, so two progress folders never share a workspace.
pub(super) fn workspace_dir(args: &LearnerArgs, lesson: &str, learner: &str) -> PathBuf {
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
pub(super) fn load_runnable(path: &Path) -> Result<Lesson, CliError> {
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
pub(super) fn open_log(
    args: &LearnerArgs,
    lesson: &Lesson,
) -> Result<(ProgressLog, LessonState, String), CliError> {
    let learner = learner_name(args);
    let path = progress::log_path(&progress_dir(args), &learner, &lesson.id);
    let (log, read) = ProgressLog::open(&path, &learner, &lesson.id)?;
    note_log_warnings(&read);
    let state = read.state;
    Ok((log, state, learner))
}

/// [`open_log`] for a command that changes the log outside a session (`check`, `reset`): its
/// events go to the class server the session reported to ([`class_sending`]) while the
/// returned guard lives.
pub(super) fn open_log_sending(
    args: &LearnerArgs,
    lesson: &Lesson,
) -> Result<(ProgressLog, LessonState, String, ClassSending), CliError> {
    let (log, prior, learner) = open_log(args, lesson)?;
    let report_to = std::env::var("LABRUN_REPORT_TO").ok();
    let sending = class_sending(report_to.as_deref(), log.path(), &learner, &lesson.id);
    Ok((log, prior, learner, sending))
}

/// Tells the lines of a log that could not be read: the first few, then how many more.
pub(super) fn note_log_warnings(read: &progress::ReadLog) {
    const SHOWN: usize = 5;
    for warning in read.warnings.iter().take(SHOWN) {
        crate::note!("warning: {warning}");
    }
    let more = read.warnings.len().saturating_sub(SHOWN) + read.more_warnings;
    if more > 0 {
        crate::note!(
            "warning: {} more unreadable lines in that log were skipped",
            more
        );
    }
}

/// Keeps secrets held in memory out of core dumps and away from other processes of the same
/// user that would read this one's memory (`ptrace`, `/proc/PID/mem`): no core file, and the
/// process not dumpable. Best effort: where the system refuses, nothing else changes.
pub(super) fn protect_secrets() {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
        let _ = nix::sys::prctl::set_dumpable(false);
    }
}

/// Tells the notices of blocks run outside a session (`check`, `reset`) on stderr.
pub(super) struct Notes;

impl crate::engine::Reporter for Notes {
    fn block_started(&mut self, _: &crate::lesson::Block, _: &str) {}
    fn progress(&mut self, _: &crate::exec::RunProgress) {}
    fn block_finished(&mut self, _: &crate::lesson::Block, _: &crate::exec::BlockRun) {}
    fn notice(&mut self, text: &str) {
        crate::note!("{text}");
    }
}

/// What Ctrl-C, SIGTERM and SIGHUP ask of the session ([`Interrupt`]): a Ctrl-C stops the
/// running command, a second one quits; SIGTERM and SIGHUP stop and quit. A session stuck at
/// a prompt (a terminal key reader does not wake for signals) is ended after a grace period,
/// with the terminal reset, so no signal is ever ignored.
pub(super) fn interrupt() -> Arc<Interrupt> {
    let interrupt = Arc::new(Interrupt::new());
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            let shared = Arc::clone(&interrupt);
            let _ = std::thread::Builder::new()
                .name("signals".into())
                .spawn(move || {
                    for signal in signals.forever() {
                        if signal == SIGINT {
                            shared.ctrl_c();
                        } else {
                            shared.quit();
                        }
                        if shared.quit_requested() {
                            std::thread::spawn(move || end_if_stuck(128 + signal));
                        }
                    }
                });
        }
    }
    interrupt
}

/// Gives the session [`STUCK_GRACE`] to save and quit by itself, then ends the process.
#[cfg(unix)]
fn end_if_stuck(code: i32) {
    std::thread::sleep(STUCK_GRACE);
    // The prompt may have left the terminal in raw mode.
    let _ = std::process::Command::new("stty")
        .arg("sane")
        .stdin(
            std::fs::File::open("/dev/tty")
                .map_or_else(|_| std::process::Stdio::null(), Into::into),
        )
        .stderr(std::process::Stdio::null())
        .status();
    let _ = console::Term::stderr().show_cursor();
    std::process::exit(code);
}

/// How long a quitting session may take to write its last events and clean up.
#[cfg(unix)]
const STUCK_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Empties the lesson workspace when a lesson starts over, so its checks fail again until the
/// learner redoes the work. A folder given with `--workspace` is the learner's own and is
/// never touched. True when something was removed.
pub(super) fn clear_workspace(args: &LearnerArgs, lesson: &str, learner: &str) -> bool {
    if args.workspace.is_some() {
        return false;
    }
    let dir = workspace_dir(args, lesson, learner);
    dir.is_dir() && std::fs::remove_dir_all(&dir).is_ok()
}

/// The index of step `id`, or a usage error naming the steps there are.
pub(super) fn step_index(lesson: &Lesson, id: &str) -> Result<usize, CliError> {
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
pub(super) fn check_given_vars(
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
            spec.validate(value)
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

/// Sends a command's events to its class server while it lives, and the last of them as it
/// is dropped (waiting a moment for a server that answers, not at all for one that does not).
pub(super) struct ClassSending(Option<progress::Background>);

/// How long the end of a command waits for its last events to reach a class server that
/// was answering.
const SENDING_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

impl Drop for ClassSending {
    fn drop(&mut self) {
        if let Some(sender) = self.0.take()
            && let Err(error) = sender.finish(SENDING_GRACE)
        {
            crate::note!(
                "Progress not all sent to the class server ({error}); it is saved here, and `labrun sync` sends it."
            );
        }
    }
}

/// The class server a command's events go to: `report_to` (`--report-to`,
/// `LABRUN_REPORT_TO`), else the one this log was sent to before, so `check` and `reset`
/// follow a session that reported to a class.
pub(super) fn class_sending(
    report_to: Option<&str>,
    log: &std::path::Path,
    learner: &str,
    lesson: &str,
) -> ClassSending {
    let url = report_to
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
        .or_else(|| progress::sent_to(log));
    ClassSending(url.map(|url| {
        progress::Background::start(
            url,
            std::env::var("LABRUN_CLASS_CODE").ok(),
            log.to_path_buf(),
            learner.to_owned(),
            lesson.to_owned(),
        )
    }))
}
