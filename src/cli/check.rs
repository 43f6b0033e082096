//! `labrun check`: run a lesson's checks now, without prompts, and record what passes.

use std::io::Write;

use crate::engine::{Source, Vars};
use crate::exec::{BlockRunner, Executor, Outcome, RunContext};
use crate::lesson::Role;
use crate::progress::{EndReason, Event};

use super::args::CheckArgs;
use super::learner::{
    check_given_vars, interrupt_flag, load_runnable, open_log, step_index, workspace_dir,
};
use super::{CliError, exit};

pub fn run(args: &CheckArgs) -> Result<u8, CliError> {
    let path = args.lesson.clone();
    let lesson = load_runnable(&path)?;
    check_given_vars(&lesson, &args.vars, true)?;
    let (mut log, prior, learner) = open_log(&args.learner, &lesson)?;
    let steps: Vec<usize> = match &args.step {
        Some(id) => vec![step_index(&lesson, id)?],
        None => (0..lesson.steps.len()).collect(),
    };
    // Saved answers, `--var`, and each variable's environment variable; never a prompt.
    let workspace = workspace_dir(&args.learner, &lesson.id, &learner);
    let builtins = [
        ("learner", learner.clone()),
        ("lesson", lesson.id.clone()),
        ("workspace", workspace.display().to_string()),
    ];
    let mut vars = Vars::preset(&lesson.vars, &builtins, &args.vars, &prior.vars, true);
    std::fs::create_dir_all(&workspace)?;

    let interrupt = interrupt_flag();
    let mut exec = BlockRunner::new();
    // A check run is a session of its own in the log, so a report knows the lesson's steps
    // even for a learner who only ever ran `labrun check`.
    log.append(Event::SessionStarted {
        title: lesson.title.clone(),
        lesson_hash: crate::engine::lesson_hash(&lesson),
        steps: lesson.steps.iter().map(|step| step.id.clone()).collect(),
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_passed = true;
    for index in steps {
        let step = &lesson.steps[index];
        let checks: Vec<_> = step.blocks_with(Role::Check).collect();
        if checks.is_empty() {
            let why = if step.quizzes.is_empty() {
                "no checks"
            } else {
                "a quiz: answered in `labrun start`"
            };
            writeln!(out, "  -         {} ({why})", step.id)?;
            continue;
        }
        let mut step_passed = true;
        for (attempt, block) in checks.into_iter().enumerate() {
            let env = vars.env();
            let lookup = |name: &str| vars.get(name).map(str::to_owned);
            let context = RunContext {
                vars: &lookup,
                env: &env,
                secrets: vars.secrets(),
                workspace: &workspace,
                interrupt: &interrupt,
            };
            let run = exec.run(block, &context, &mut |_| {});
            // What a check captures feeds the later checks, as in a session.
            for (name, value) in &run.captures {
                if !vars.is_secret(name) {
                    log.append(Event::VarSet {
                        name: name.clone(),
                        value: value.clone(),
                    })?;
                }
                vars.set(name, value.clone(), Source::Step, false);
            }
            vars.compute(&lesson.vars);
            let attempt = u32::try_from(attempt + 1).unwrap_or(u32::MAX);
            match run.outcome {
                Outcome::Passed { evidence } => {
                    log.append(Event::CheckPassed {
                        step: step.id.clone(),
                        attempt,
                        evidence,
                    })?;
                }
                Outcome::Failed { reason, evidence } => {
                    let reason = vars.secrets().mask(&reason).into_owned();
                    log.append(Event::CheckFailed {
                        step: step.id.clone(),
                        attempt,
                        reason: reason.clone(),
                        evidence,
                    })?;
                    if !block.attrs.optional {
                        step_passed = false;
                        writeln!(out, "  FAIL      {}", step.id)?;
                        for line in reason.lines() {
                            writeln!(out, "            {line}")?;
                        }
                    }
                }
            }
            if run.interrupted {
                return Ok(exit::INTERRUPTED);
            }
        }
        if step_passed {
            log.append(Event::StepVerified {
                step: step.id.clone(),
            })?;
            writeln!(out, "  ok        {}", step.id)?;
        } else if prior.status(&step.id).is_complete() {
            // The log keeps what was proven; a later failure does not undo it.
            writeln!(
                out,
                "            (done earlier, and it stays so in the record; `labrun reset {} --step {}` redoes it)",
                path.display(),
                step.id
            )?;
        }
        all_passed &= step_passed;
    }
    let reason = if all_passed {
        EndReason::Completed
    } else {
        EndReason::Quit
    };
    log.append(Event::SessionEnded { reason })?;
    Ok(if all_passed { exit::OK } else { exit::FAILED })
}
