//! `labrun check`: run a lesson's checks now, without prompts, and record what passes.

use std::io::{IsTerminal, Write};

use crate::engine::{Runtime, Setting, Silent};
use crate::exec::BlockRunner;
use crate::lesson::Role;
use crate::progress::{EndReason, Event};
use crate::text::TerminalText;

use super::args::CheckArgs;
use super::learner::{
    Notes, check_given_vars, interrupt, load_runnable, open_log_sending, step_index, workspace_dir,
};
use super::{CliError, exit};

pub(super) fn run(args: &CheckArgs) -> Result<u8, CliError> {
    let path = args.lesson.clone();
    let lesson = load_runnable(&path)?;
    check_given_vars(&lesson, &args.vars.given, true)?;
    let (mut log, prior, learner, _sending) = open_log_sending(&args.learner, &lesson)?;
    let steps: Vec<usize> = match &args.step {
        Some(id) => vec![step_index(&lesson, id)?],
        None => (0..lesson.steps.len()).collect(),
    };
    // Saved answers, `--var`, each variable's environment variable, then its default; never
    // a prompt.
    let workspace = workspace_dir(&args.learner, &lesson.id, &learner);
    super::learner::protect_secrets();
    let interrupt = interrupt();
    let mut exec = BlockRunner::new();
    let setting = Setting {
        learner,
        workspace,
        vars: args.vars.given.clone(),
        // Consent given earlier for this version of the lesson counts; else `--yes`.
        yes: args.yes,
    };
    let mut runtime = Runtime::new(
        &lesson,
        &mut exec,
        &mut log,
        interrupt.stop_flag(),
        &setting,
        &prior,
    );
    runtime.use_defaults();
    if runtime.needs_consent() {
        let question = format!(
            "This lesson {} on this machine. Allow them to run?",
            lesson.consent_summary()
        );
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if terminal {
            for line in lesson.consent_details(&args.vars.given) {
                crate::note!("{line}");
            }
        }
        let allowed = terminal
            && match crate::ui::terminal::confirm_once(&question) {
                Ok(answer) => answer,
                Err(crate::engine::UiError::Io(error)) => return Err(CliError::Output(error)),
                Err(_) => false,
            };
        if !allowed {
            return Err(CliError::Usage(format!(
                "the lesson's check commands were not allowed to run: allow them in `labrun \
                 start {0}`, or pass --yes (`labrun show {0} --commands` lists them)",
                path.display()
            )));
        }
        runtime.give_consent()?;
    }
    runtime
        .open_workspace(&mut Notes)
        .map_err(|reason| CliError::Usage(format!("cannot use the lesson workspace: {reason}")))?;
    // A check run is a session of its own in the log, so a report knows the lesson's steps
    // even for a learner who only ever ran `labrun check`.
    let hash = runtime.hash().to_owned();
    runtime.journal().append(Event::SessionStarted {
        title: lesson.title.clone(),
        lesson_hash: hash,
        steps: lesson.steps.iter().map(|step| step.id.clone()).collect(),
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_passed = true;
    for index in steps {
        let step = &lesson.steps[index];
        if step.blocks_with(Role::Check).next().is_none() {
            let why = if step.quizzes.is_empty() {
                "no checks"
            } else {
                "a quiz: answered in `labrun start`"
            };
            writeln!(out, "  -         {} ({why})", step.id)?;
            continue;
        }
        let attempt = runtime.next_attempt(index);
        let checked = runtime.check_step(index, attempt, &mut Silent)?;
        if checked.interrupted {
            runtime.journal().append(Event::SessionEnded {
                reason: EndReason::Interrupted,
            })?;
            return Ok(exit::INTERRUPTED);
        }
        let step_passed = checked.passed();
        if step_passed {
            runtime.journal().append(Event::StepVerified {
                step: step.id.clone(),
            })?;
            writeln!(out, "  ok        {}", step.id)?;
        } else {
            writeln!(out, "  FAIL      {}", step.id)?;
            for failure in checked.blocking() {
                writeln!(
                    out,
                    "            check at {}:",
                    TerminalText::line(&failure.location)
                )?;
                for line in TerminalText::lines(&failure.reason).as_str().lines() {
                    writeln!(out, "              {line}")?;
                }
            }
            if prior.status(&step.id).is_complete() {
                // The log keeps what was proven; a later failure does not undo it.
                writeln!(
                    out,
                    "            (done earlier, and it stays so in the record; `labrun reset {} --step {}` redoes it)",
                    path.display(),
                    step.id
                )?;
            }
        }
        all_passed &= step_passed;
    }
    let reason = if all_passed {
        EndReason::Completed
    } else {
        EndReason::Quit
    };
    runtime.journal().append(Event::SessionEnded { reason })?;
    Ok(if all_passed { exit::OK } else { exit::FAILED })
}
