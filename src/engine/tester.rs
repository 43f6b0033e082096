//! `labrun test`: a lesson run end to end without a learner, as an instructor's proof that
//! it works. For every step, in order: setup, then the learner's part (the `solve` blocks,
//! or when there are none the `run` blocks and the shell blocks shown to the learner), then
//! the checks; a quiz is answered with its own answer. Cleanup blocks always run at the end.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::exec::{Executor, Outcome, RunContext};
use crate::lesson::{Block, Lesson, Role, Step};

use super::session::is_runnable_for_learner;
use super::vars::{Source, Vars};
use super::workspace;

/// How a step fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed (or, with no checks, every block ran).
    Passed,
    Failed {
        reason: String,
    },
    /// The step's checks fail, and nothing of the step (no solution, command or file) can
    /// make them pass.
    Untestable,
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
    pub interrupt: &'a AtomicBool,
}

impl TestRun<'_> {
    /// Runs the lesson; `each` hears about every step as soon as it is done.
    pub fn run(mut self, mut each: impl FnMut(&StepResult)) -> Result<Vec<StepResult>, TestError> {
        let mut vars = self.vars()?;
        workspace::prepare(self.workspace).map_err(TestError::Workspace)?;
        let mut results = Vec::new();
        let lesson = self.lesson;
        let setup: Vec<&Block> = lesson
            .lesson_blocks()
            .filter(|b| b.role == Some(Role::Setup))
            .collect();
        let lesson_setup = self.run_all(&setup, &mut vars);
        for step in &lesson.steps {
            let started = Instant::now();
            let verdict = match &lesson_setup {
                Err(reason) => Verdict::Failed {
                    reason: failed("the lesson's setup", reason),
                },
                Ok(()) => self.step(step, &mut vars),
            };
            let result = StepResult {
                id: step.id.clone(),
                title: step.title.clone(),
                verdict,
                duration: started.elapsed(),
            };
            each(&result);
            results.push(result);
            if self.interrupt.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
        }
        let cleanup: Vec<&Block> = lesson
            .lesson_blocks()
            .chain(lesson.steps.iter().flat_map(|s| &s.blocks))
            .filter(|b| b.role == Some(Role::Cleanup))
            .collect();
        let _ = self.run_all(&cleanup, &mut vars);
        Ok(results)
    }

    fn vars(&self) -> Result<Vars, TestError> {
        let lesson = self.lesson;
        let builtins = [
            ("learner", "labrun-test".to_owned()),
            ("lesson", lesson.id.clone()),
            ("workspace", self.workspace.display().to_string()),
        ];
        let vars = Vars::preset(&lesson.vars, &builtins, &self.vars, &[], true);
        let missing: Vec<String> = lesson
            .vars
            .iter()
            .filter(|spec| spec.prompt.is_some() && vars.get(&spec.name).is_none())
            .map(|spec| spec.name.clone())
            .collect();
        if missing.is_empty() {
            Ok(vars)
        } else {
            Err(TestError::MissingVars(missing))
        }
    }

    fn step(&mut self, step: &Step, vars: &mut Vars) -> Verdict {
        for block in step
            .blocks
            .iter()
            .filter(|b| b.role.is_none() && b.attrs.file.is_some())
        {
            let path = vars
                .substitute(block.attrs.file.as_deref().unwrap_or_default())
                .into_owned();
            // As in a session: a secret is never written to disk.
            let text = if block.attrs.raw {
                block.code.clone()
            } else {
                vars.substitute_for_display(&block.code).into_owned()
            };
            if let Err(reason) =
                workspace::write_file(self.workspace, std::path::Path::new(&path), &text)
            {
                return Verdict::Failed {
                    reason: format!("cannot write `{path}`: {reason}"),
                };
            }
        }
        let setup: Vec<&Block> = step.blocks_with(Role::Setup).collect();
        if let Err(reason) = self.run_all(&setup, vars) {
            return Verdict::Failed {
                reason: failed("setup", &reason),
            };
        }
        let solve: Vec<&Block> = step.blocks_with(Role::Solve).collect();
        let actions: Vec<&Block> = if solve.is_empty() {
            step.blocks
                .iter()
                .filter(|b| is_runnable_for_learner(b))
                .collect()
        } else {
            solve
        };
        if let Err(reason) = self.run_all(&actions, vars) {
            let what = if step.blocks_with(Role::Solve).next().is_some() {
                "the solution"
            } else {
                "the step's commands"
            };
            return Verdict::Failed {
                reason: failed(what, &reason),
            };
        }
        let checks: Vec<&Block> = step.blocks_with(Role::Check).collect();
        // Nothing of the step leads to its checks: they may hold already (a server the
        // lesson's setup started, a file an earlier step wrote); if not, nothing here can
        // make them, and the step is untestable rather than failed.
        let wrote_files = step
            .blocks
            .iter()
            .any(|b| b.role.is_none() && b.attrs.file.is_some());
        let reachable = !actions.is_empty() || wrote_files;
        let mut failures = Vec::new();
        for block in &checks {
            let run = self.run_one(block, vars);
            if let Outcome::Failed { reason, .. } = &run
                && !block.attrs.optional
            {
                failures.push(vars.secrets().mask(reason).into_owned());
            }
        }
        // A quiz is answered with its own answer: it can only fail if it is malformed, which
        // lint reports.
        if failures.is_empty() {
            Verdict::Passed
        } else if !reachable {
            Verdict::Untestable
        } else {
            Verdict::Failed {
                reason: failures.join("\n"),
            }
        }
    }

    /// Runs blocks in order, stopping at the first failure.
    fn run_all(&mut self, blocks: &[&Block], vars: &mut Vars) -> Result<(), String> {
        for block in blocks {
            if let Outcome::Failed { reason, .. } = self.run_one(block, vars) {
                return Err(vars.secrets().mask(&reason).into_owned());
            }
        }
        Ok(())
    }

    fn run_one(&mut self, block: &Block, vars: &mut Vars) -> Outcome {
        let env = vars.env();
        let snapshot = vars.clone();
        let lookup = |name: &str| snapshot.get(name).map(str::to_owned);
        let context = RunContext {
            vars: &lookup,
            env: &env,
            secrets: snapshot.secrets(),
            workspace: self.workspace,
            interrupt: self.interrupt,
        };
        let run = self.exec.run(block, &context, &mut |_| {});
        for (name, value) in run.captures {
            vars.set(&name, value, Source::Step, false);
        }
        vars.compute(&self.lesson.vars);
        run.outcome
    }
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
