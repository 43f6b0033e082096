//! `labrun reset`: a lesson, or one step, goes back to pending.

use std::io::{IsTerminal, Write};

use crate::engine::{NoJournal, Runtime, Setting};
use crate::exec::BlockRunner;
use crate::lesson::{Block, Lesson, Role};
use crate::progress::{self, Event, LessonState};

use super::args::ResetArgs;
use super::learner::{
    Notes, clear_workspace, interrupt, learner_name, load_runnable, open_log_sending, progress_dir,
    step_index, workspace_dir,
};
use super::{CliError, exit};

pub(super) fn run(args: &ResetArgs) -> Result<u8, CliError> {
    let lesson = load_runnable(&args.lesson)?;
    if let Some(id) = &args.step {
        step_index(&lesson, id)?;
    }
    let learner = learner_name(&args.learner);
    let path = progress::log_path(&progress_dir(&args.learner), &learner, &lesson.id);
    if !path.exists() {
        crate::note!(
            "{learner} has not started {} yet: nothing to reset.",
            lesson.title
        );
        return Ok(exit::OK);
    }
    let (mut log, prior, learner, _sending) = open_log_sending(&args.learner, &lesson)?;
    match &args.step {
        Some(id) => {
            step_index(&lesson, id)?;
            log.append(Event::StepReset { step: id.clone() })?;
            crate::note!(
                "Step `{id}` of {} is pending again for {learner}.",
                lesson.title
            );
        }
        None => {
            cleanup(args, &lesson, &prior, &learner)?;
            log.append(Event::LessonReset)?;
            let cleared = clear_workspace(&args.learner, &lesson.id, &learner);
            crate::note!(
                "{} starts over for {learner}: every step is pending and saved answers are forgotten{}.",
                lesson.title,
                if cleared {
                    "; the lesson workspace was emptied"
                } else {
                    ""
                }
            );
        }
    }
    Ok(exit::OK)
}

/// Runs the lesson's cleanup blocks before it starts over: with `--yes`, or when the learner
/// agrees at a terminal; never silently.
fn cleanup(
    args: &ResetArgs,
    lesson: &Lesson,
    prior: &LessonState,
    learner: &str,
) -> Result<(), CliError> {
    let blocks: Vec<&Block> = lesson
        .all_blocks()
        .filter(|block| block.role == Some(Role::Cleanup))
        .collect();
    if blocks.is_empty() {
        return Ok(());
    }
    if !args.yes {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !interactive {
            crate::note!(
                "The lesson's {} cleanup commands were not run: pass --yes to run them.",
                blocks.len()
            );
            return Ok(());
        }
        crate::note_inline!(
            "Run the lesson's {} cleanup commands first? [Y/n] ",
            blocks.len()
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if matches!(answer.trim().to_ascii_lowercase().as_str(), "n" | "no") {
            return Ok(());
        }
    }
    let interrupt = interrupt();
    let mut exec = BlockRunner::new();
    let mut journal = NoJournal;
    let setting = Setting {
        learner: learner.to_owned(),
        workspace: workspace_dir(&args.learner, &lesson.id, learner),
        vars: Vec::new(),
        yes: true,
    };
    let mut runtime = Runtime::new(
        lesson,
        &mut exec,
        &mut journal,
        interrupt.stop_flag(),
        &setting,
        prior,
    );
    runtime.use_defaults();
    runtime
        .open_workspace(&mut Notes)
        .map_err(|reason| CliError::Usage(format!("cannot use the lesson workspace: {reason}")))?;
    // `NoJournal` keeps nothing and never fails; a failed cleanup is told as a note.
    let _ = runtime.cleanup(&mut Notes);
    runtime.forget_shell();
    Ok(())
}
