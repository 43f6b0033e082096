//! `labrun test`: a lesson run end to end without a learner, as an instructor's proof that
//! it works. It is a learner who presses Enter at every step and applies every solution,
//! through the same [`Runtime`] as a session: the lesson's setup; then for every step its
//! files and setup, its `run` blocks, the solution (the `solve` blocks, or when there are
//! none the shell blocks the step shows), then its checks; a quiz is answered with its own
//! answer. Cleanup blocks run at the end.

use std::time::{Duration, Instant};

use crate::exec::Executor;
use crate::lesson::{Block, Lesson, Role};
use crate::progress::LessonState;

use super::interrupt::Interrupt;
use super::journal::NoJournal;
use super::runtime::{Reporter, Runtime, Setting};

/// How a step fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed (or, with no checks, every block ran).
    Passed,
    /// What failed, where, and what it said.
    Failed { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    pub id: String,
    pub title: String,
    pub verdict: Verdict,
    pub duration: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error(
        "{} no value: pass {}",
        if .0.len() == 1 { format!("the variable `{}` has", .0[0]) } else { format!("the variables {} have", .0.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")) },
        .0.iter().map(|n| format!("--var {n}=...")).collect::<Vec<_>>().join(" ")
    )]
    MissingVars(Vec<String>),
    #[error("cannot prepare the workspace: {0}")]
    Workspace(String),
}

/// Where and with what a test runs.
pub struct TestRun<'a> {
    pub lesson: &'a Lesson,
    pub exec: &'a mut dyn Executor,
    pub workspace: &'a std::path::Path,
    /// `--var` and `--vars-file` values; the lesson's `env` variables and defaults fill the rest.
    pub vars: Vec<(String, String)>,
    pub interrupt: &'a Interrupt,
    /// Hears about every block as it runs (polling included).
    pub reporter: &'a mut dyn Reporter,
}

impl TestRun<'_> {
    /// Runs the lesson; `each` hears about every step as soon as it is done.
    pub fn run(self, mut each: impl FnMut(&StepResult)) -> Result<Vec<StepResult>, TestError> {
        let lesson = self.lesson;
        let setting = Setting {
            learner: "labrun-test".to_owned(),
            workspace: self.workspace.to_path_buf(),
            vars: self.vars,
            yes: true,
        };
        let mut journal = NoJournal;
        let mut runtime = Runtime::new(
            lesson,
            self.exec,
            &mut journal,
            self.interrupt.stop_flag(),
            &setting,
            &LessonState::default(),
        );
        runtime.use_defaults();
        let missing: Vec<String> = lesson
            .vars
            .iter()
            .filter(|spec| spec.prompt.is_some() && runtime.vars().get(&spec.name).is_none())
            .map(|spec| spec.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(TestError::MissingVars(missing));
        }
        let reporter = self.reporter;
        runtime
            .open_workspace(reporter)
            .map_err(TestError::Workspace)?;
        runtime.forget_shell();
        // `NoJournal` never fails: the log errors below cannot happen.
        let lesson_setup = runtime.lesson_setup(reporter).unwrap_or_default();
        let mut results = Vec::new();
        for (index, step) in lesson.steps.iter().enumerate() {
            let started = Instant::now();
            let verdict = match lesson_setup.first() {
                Some(problem) => Verdict::Failed {
                    reason: format!("the lesson's {problem}"),
                },
                None => step_verdict(&mut runtime, index, reporter),
            };
            let result = StepResult {
                id: step.id.clone(),
                title: step.title.clone(),
                verdict,
                duration: started.elapsed(),
            };
            each(&result);
            results.push(result);
            if runtime.interrupted() {
                break;
            }
        }
        let _ = runtime.cleanup(reporter);
        Ok(results)
    }
}

/// One step, as a learner who presses Enter and applies the solution.
fn step_verdict(runtime: &mut Runtime<'_>, index: usize, reporter: &mut dyn Reporter) -> Verdict {
    let lesson = runtime.lesson();
    let step = &lesson.steps[index];
    // A test runs in a folder of its own (or one given for it): the lesson's files win.
    let replace = runtime.foreign_files(index);
    let problems = runtime
        .enter_step(index, &replace, reporter)
        .unwrap_or_default();
    if let Some(problem) = problems.first() {
        return Verdict::Failed {
            reason: problem.clone(),
        };
    }
    let run: Vec<&Block> = step.blocks_with(Role::Run).collect();
    if let Err(reason) = run_all(runtime, &step.id, &run, "a `run` block", reporter) {
        return Verdict::Failed { reason };
    }
    let solve: Vec<&Block> = step.blocks_with(Role::Solve).collect();
    let (solution, what): (Vec<&Block>, &str) = if solve.is_empty() {
        let shown = step
            .blocks
            .iter()
            .filter(|b| b.is_shown_command())
            .collect();
        (shown, "a command the step shows")
    } else {
        (solve, "the solution")
    };
    if let Err(reason) = run_all(runtime, &step.id, &solution, what, reporter) {
        return Verdict::Failed { reason };
    }
    let attempt = runtime.next_attempt(index);
    let checked = match runtime.check_step(index, attempt, reporter) {
        Ok(checked) => checked,
        Err(error) => {
            return Verdict::Failed {
                reason: error.to_string(),
            };
        }
    };
    if checked.interrupted {
        return Verdict::Failed {
            reason: "interrupted".to_owned(),
        };
    }
    let failures: Vec<String> = checked
        .blocking()
        .map(|failure| {
            failed(
                &format!("the check at {}", failure.location),
                &failure.reason,
            )
        })
        .collect();
    if failures.is_empty() {
        return Verdict::Passed;
    }
    let leads = !step.blocks.iter().any(|b| {
        matches!(b.role, Some(Role::Run | Role::Solve))
            || b.is_offered_to_learner()
            || b.attrs.file.is_some()
    });
    let mut reason = failures.join("\n");
    if leads {
        reason.push_str(
            "\n(nothing of this step leads to its checks: no solution, `run` block, shown \
             command or `file=` block; add a `solve` block, or make the check hold after the \
             earlier steps)",
        );
    }
    Verdict::Failed { reason }
}

/// Runs blocks in order, stopping at the first failure: `WHAT at FILE:LINE failed: REASON`.
fn run_all(
    runtime: &mut Runtime<'_>,
    step: &str,
    blocks: &[&Block],
    what: &str,
    reporter: &mut dyn Reporter,
) -> Result<(), String> {
    for block in blocks {
        let location = runtime.lesson().location(block);
        if let Some(reason) = runtime.missing_vars(block) {
            return Err(failed(&format!("{what} at {location}"), &reason));
        }
        let run = runtime
            .run_block(step, block, reporter)
            .map_err(|error| error.to_string())?;
        if run.interrupted {
            return Err("interrupted".to_owned());
        }
        if let Some(reason) = run.outcome.reason() {
            let reason = runtime.vars().secrets().mask(reason).into_owned();
            return Err(failed(&format!("{what} at {location}"), &reason));
        }
    }
    Ok(())
}

/// `WHAT failed: REASON`, with the reason on lines of its own when it has several (a
/// command's output).
fn failed(what: &str, reason: &str) -> String {
    if reason.contains('\n') {
        format!("{what} failed:\n{reason}")
    } else {
        format!("{what} failed: {reason}")
    }
}
