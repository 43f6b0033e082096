//! The step runtime: the one piece of code that runs a lesson's blocks, for `start`, `check`,
//! `test` and `reset` alike, so what `labrun test` proves is what a learner gets.
//!
//! It owns what a lesson's commands share: the variables, the lesson's one shell session
//! (working directory and exports, see [`ShellState`]), the workspace, consent, the executor
//! and the log. Callers decide *when* blocks run (the session asks the learner, `test` plays a
//! learner who presses Enter); the runtime decides *how*: in which directory, with what
//! environment, what is recorded, what a failure tells the learner.
//!
//! What it reports goes to a [`Reporter`] (the session's UI, `test`'s progress lines, nothing).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::exec::{BlockRun, Executor, Outcome, RunContext, RunProgress};
use crate::lesson::{Block, Lesson, Quiz, Role, template};
use crate::progress::{Event, LessonState, LogError};

use super::journal::Journal;
use super::shell_state::ShellState;
use super::vars::{ValueSource, Vars};
use super::workspace;

/// Where the runtime tells what happens while blocks run.
pub trait Reporter {
    fn block_started(&mut self, block: &Block, code: &str);
    fn progress(&mut self, progress: &RunProgress);
    fn block_finished(&mut self, block: &Block, run: &BlockRun);
    fn notice(&mut self, text: &str);
}

/// Tells nobody.
pub struct Silent;

impl Reporter for Silent {
    fn block_started(&mut self, _: &Block, _: &str) {}
    fn progress(&mut self, _: &RunProgress) {}
    fn block_finished(&mut self, _: &Block, _: &BlockRun) {}
    fn notice(&mut self, _: &str) {}
}

/// Who runs the lesson, and where.
#[derive(Debug, Clone, Default)]
pub struct Setting {
    pub learner: String,
    pub workspace: PathBuf,
    /// `--var NAME=VALUE` (and `--vars-file`).
    pub vars: Vec<(String, String)>,
    /// `--yes`: consent is given.
    pub yes: bool,
}

/// A check that did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What the learner reads: the check's output, or what is missing. Secrets masked.
    pub reason: String,
    /// `file:line` of the check.
    pub location: String,
    /// An `optional` check: it warns, it does not block.
    pub optional: bool,
}

/// The result of running a step's check blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub failures: Vec<Failure>,
    /// Ctrl-C stopped a check.
    pub interrupted: bool,
    /// The checks did not run: the learner has not allowed the lesson's commands.
    pub no_consent: bool,
}

impl Checked {
    /// Every check that must pass passed.
    pub fn passed(&self) -> bool {
        !self.interrupted && !self.no_consent && self.failures.iter().all(|f| f.optional)
    }

    pub fn blocking(&self) -> impl Iterator<Item = &Failure> {
        self.failures.iter().filter(|f| !f.optional)
    }
}

pub struct Runtime<'a> {
    lesson: &'a Lesson,
    exec: &'a mut dyn Executor,
    journal: &'a mut dyn Journal,
    interrupt: &'a AtomicBool,
    workspace: PathBuf,
    vars: Vars,
    shell: ShellState,
    consented: bool,
    hash: String,
    /// Per step: how many times its checks ran since its last reset.
    attempts: Vec<u32>,
    /// The files the lesson's `file=` blocks wrote in the workspace (relative paths): the ones
    /// it may write again without asking.
    written: std::collections::BTreeSet<String>,
}

impl<'a> Runtime<'a> {
    /// A runtime over `lesson` for the learner and workspace of `setting`, with what the log
    /// says so far (`prior`): saved answers, consent, attempts, and the shell state kept in the
    /// workspace.
    pub fn new(
        lesson: &'a Lesson,
        exec: &'a mut dyn Executor,
        journal: &'a mut dyn Journal,
        interrupt: &'a AtomicBool,
        setting: &Setting,
        prior: &LessonState,
    ) -> Self {
        let hash = lesson.fingerprint();
        let builtins = [
            ("learner", setting.learner.clone()),
            ("lesson", lesson.id.clone()),
            ("workspace", setting.workspace.display().to_string()),
        ];
        let mut vars = Vars::preset(&lesson.vars, &builtins, &setting.vars, &prior.vars, false);
        vars.set_names(&lesson.variables);
        let attempts = lesson
            .steps
            .iter()
            .map(|step| prior.step(&step.id).map_or(0, |state| state.attempts))
            .collect();
        Self {
            lesson,
            exec,
            journal,
            interrupt,
            workspace: setting.workspace.clone(),
            vars,
            shell: ShellState::default(),
            consented: setting.yes || prior.consented.as_ref() == Some(&hash),
            hash,
            attempts,
            written: Default::default(),
        }
    }

    pub fn lesson(&self) -> &'a Lesson {
        self.lesson
    }

    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    pub fn vars_mut(&mut self) -> &mut Vars {
        &mut self.vars
    }

    /// This version of the lesson ([`Lesson::fingerprint`]).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn workspace(&self) -> &Path {
        &self.workspace
    }

    pub fn journal(&mut self) -> &mut dyn Journal {
        self.journal
    }

    pub fn interrupted(&self) -> bool {
        self.interrupt.load(Ordering::SeqCst)
    }

    /// Every variable with a `default` and no value takes it: where nobody can be asked
    /// (`test`, `check`, `reset`).
    pub fn use_defaults(&mut self) {
        for spec in self
            .lesson
            .vars
            .iter()
            .filter(|spec| spec.value.is_none() && !spec.secret)
        {
            if let (None, Some(default)) = (self.vars.get(&spec.name), &spec.default) {
                self.vars.set(
                    &spec.name,
                    default.clone(),
                    ValueSource::Default,
                    spec.secret,
                );
            }
        }
        self.vars.compute(&self.lesson.vars);
    }

    /// Consent is still to be asked before the lesson's setup, check and cleanup commands.
    pub fn needs_consent(&self) -> bool {
        !self.consented && self.lesson.needs_consent()
    }

    /// The learner allowed the lesson's commands: remembered for this version of the lesson.
    pub fn give_consent(&mut self) -> Result<(), LogError> {
        self.consented = true;
        self.journal.append(Event::ConsentGiven {
            lesson_hash: self.hash.clone(),
        })
    }

    /// Creates the workspace and takes up the shell state saved in it.
    pub fn open_workspace(&mut self, reporter: &mut dyn Reporter) -> Result<(), String> {
        workspace::prepare(&self.workspace)?;
        let (shell, problem) = ShellState::load(&self.workspace);
        self.shell = shell;
        self.written = workspace::written_files(&self.workspace);
        if let Some(problem) = problem {
            reporter.notice(&problem);
        }
        Ok(())
    }

    /// Forgets the lesson's shell state (the lesson starts over).
    pub fn forget_shell(&mut self) {
        ShellState::remove(&self.workspace);
        self.shell = ShellState::default();
    }

    /// The lesson's own setup (before the first step), once per lesson. Failures are
    /// returned, and told to `reporter`.
    pub fn lesson_setup(&mut self, reporter: &mut dyn Reporter) -> Result<Vec<String>, LogError> {
        let lesson = self.lesson;
        let blocks: Vec<&Block> = lesson
            .lesson_blocks()
            .filter(|b| b.role == Some(Role::Setup))
            .collect();
        self.run_quietly("", &blocks, "a setup command", reporter)
    }

    /// The workspace paths step `index`'s `file=` blocks write to.
    fn file_targets(&self, index: usize) -> Vec<(&'a Block, String)> {
        let lesson = self.lesson;
        lesson.steps[index]
            .blocks
            .iter()
            .filter(|b| b.role.is_none() && b.attrs.file.is_some())
            .map(|block| {
                let path = block.attrs.file.as_deref().unwrap_or_default();
                (block, self.vars.substitute_for_display(path).into_owned())
            })
            .collect()
    }

    /// Whether the `file=` path of `block` would hold a secret (a value captured at run
    /// time that holds one): such a file is never written, as its name would be on disk.
    fn names_a_secret(&self, block: &Block) -> bool {
        let path = block.attrs.file.as_deref().unwrap_or_default();
        self.vars.substitute_for_display(path) != self.vars.substitute(path)
    }

    /// Files step `index` would write over that the lesson did not write itself (the
    /// learner's own, in a `--workspace` of theirs): to ask about first.
    pub fn foreign_files(&self, index: usize) -> Vec<String> {
        self.file_targets(index)
            .into_iter()
            .map(|(_, path)| path)
            .filter(|path| {
                !self.written.contains(path) && self.workspace.join(path).symlink_metadata().is_ok()
            })
            .collect()
    }

    /// Entering a step: its `file=` blocks are written (with consent; a file the lesson did
    /// not write is replaced only when in `replace`), then its setup runs. Problems are
    /// returned, and told to `reporter`.
    pub fn enter_step(
        &mut self,
        index: usize,
        replace: &[String],
        reporter: &mut dyn Reporter,
    ) -> Result<Vec<String>, LogError> {
        let step = &self.lesson.steps[index];
        let mut problems = Vec::new();
        let foreign = self.foreign_files(index);
        for (block, path) in self.file_targets(index) {
            let refused = if !self.consented {
                Some(format!(
                    "`{path}` was not written: the lesson's files need your consent"
                ))
            } else if self.names_a_secret(block) {
                Some(format!(
                    "`{path}` was not written: its name would hold a secret, and a secret \
                     never reaches the disk"
                ))
            } else if foreign.contains(&path) && !replace.contains(&path) {
                Some(format!(
                    "`{path}` was left as it is: it was there already, and the lesson did not \
                     write it"
                ))
            } else {
                None
            };
            if let Some(problem) = refused {
                reporter.notice(&problem);
                problems.push(problem);
                continue;
            }
            // A secret is never written to disk: in a file it shows as the mask.
            let text = self.display_code(block);
            match workspace::write_file(&self.workspace, Path::new(&path), &text) {
                Ok(_) => {
                    if self.written.insert(path.clone())
                        && let Err(reason) =
                            workspace::save_written_files(&self.workspace, &self.written)
                    {
                        reporter.notice(&format!(
                            "cannot note which files the lesson wrote: {reason}"
                        ));
                    }
                }
                Err(reason) => {
                    let problem = format!("cannot write `{path}`: {reason}");
                    reporter.notice(&problem);
                    problems.push(problem);
                }
            }
        }
        let setup: Vec<&Block> = step.blocks_with(Role::Setup).collect();
        problems.extend(self.run_quietly(&step.id, &setup, "a setup command", reporter)?);
        Ok(problems)
    }

    /// Cleanup blocks of the lesson and its steps, in order; failures told, not fatal.
    pub fn cleanup(&mut self, reporter: &mut dyn Reporter) -> Result<Vec<String>, LogError> {
        let lesson = self.lesson;
        let mut problems = Vec::new();
        let blocks = lesson
            .lesson_blocks()
            .map(|b| ("", b))
            .chain(
                lesson
                    .steps
                    .iter()
                    .flat_map(|s| s.blocks.iter().map(move |b| (s.id.as_str(), b))),
            )
            .filter(|(_, b)| b.role == Some(Role::Cleanup));
        for (step, block) in blocks {
            problems.extend(self.run_quietly(step, &[block], "a cleanup command", reporter)?);
            if self.interrupted() {
                break;
            }
        }
        Ok(problems)
    }

    /// Runs blocks the learner does not confirm one by one (setup, cleanup): only with
    /// consent; a failure is told with `what` and returned.
    fn run_quietly(
        &mut self,
        step: &str,
        blocks: &[&Block],
        what: &str,
        reporter: &mut dyn Reporter,
    ) -> Result<Vec<String>, LogError> {
        if blocks.is_empty() {
            return Ok(Vec::new());
        }
        if !self.consented {
            let problem = format!("{what} was not run: it needs your consent");
            reporter.notice(&problem);
            return Ok(vec![problem]);
        }
        let mut problems = Vec::new();
        for block in blocks {
            let run = self.run_block(step, block, reporter)?;
            if let Some(reason) = run.outcome.reason() {
                let problem = format!("{what} failed: {reason}");
                reporter.notice(&problem);
                problems.push(problem);
            }
            if run.interrupted {
                break;
            }
        }
        Ok(problems)
    }

    /// The next attempt number of step `index`'s checks (see `check_passed.attempt`).
    pub fn next_attempt(&mut self, index: usize) -> u32 {
        let attempts = &mut self.attempts[index];
        *attempts = attempts.saturating_add(1);
        *attempts
    }

    /// Runs the check blocks of step `index` as attempt `attempt`, recording each result.
    /// Quizzes are the caller's: only a learner can answer them ([`Runtime::record_quiz`]).
    pub fn check_step(
        &mut self,
        index: usize,
        attempt: u32,
        reporter: &mut dyn Reporter,
    ) -> Result<Checked, LogError> {
        let step = &self.lesson.steps[index];
        let checks: Vec<&Block> = step.blocks_with(Role::Check).collect();
        let mut checked = Checked::default();
        if checks.is_empty() {
            return Ok(checked);
        }
        if !self.consented {
            checked.no_consent = true;
            return Ok(checked);
        }
        for block in checks {
            let outcome = match self.missing_vars(block) {
                Some(reason) => {
                    reporter.notice(&reason);
                    Outcome::failed(reason, Default::default())
                }
                None => {
                    let run = self.run_block(&step.id, block, reporter)?;
                    if run.interrupted {
                        checked.interrupted = true;
                        break;
                    }
                    run.outcome
                }
            };
            match outcome {
                Outcome::Passed { evidence } => self.journal.append(Event::CheckPassed {
                    step: step.id.clone(),
                    attempt,
                    evidence,
                })?,
                Outcome::Failed {
                    reason, evidence, ..
                } => {
                    let reason = self.vars.secrets().mask(&reason).into_owned();
                    let reason = crate::progress::clip_reason(reason);
                    self.journal.append(Event::CheckFailed {
                        step: step.id.clone(),
                        attempt,
                        reason: reason.clone(),
                        evidence,
                    })?;
                    checked.failures.push(Failure {
                        reason,
                        // Only for a failure: it indexes the lines of the whole file.
                        location: self.lesson.location(block),
                        optional: block.attrs.optional,
                    });
                }
            }
        }
        Ok(checked)
    }

    /// Records the learner's answer to a quiz of step `index`; true when it is right.
    pub fn record_quiz(
        &mut self,
        index: usize,
        attempt: u32,
        quiz: &Quiz,
        answers: &[String],
    ) -> Result<bool, LogError> {
        let step = &self.lesson.steps[index];
        let correct = quiz.is_correct(answers);
        self.journal.append(Event::QuizAnswered {
            step: step.id.clone(),
            correct,
            answer: answers.join(", "),
        })?;
        let evidence = Default::default();
        self.journal.append(if correct {
            Event::CheckPassed {
                step: step.id.clone(),
                attempt,
                evidence,
            }
        } else {
            Event::CheckFailed {
                step: step.id.clone(),
                attempt,
                reason: format!("wrong answer to \"{}\"", quiz.plain_question()),
                evidence,
            }
        })?;
        Ok(correct)
    }

    /// Why `block` cannot run yet: a `{{NAME}}` it uses has no value. Says which step sets
    /// it, or how to give it.
    pub fn missing_vars(&self, block: &Block) -> Option<String> {
        if block.attrs.raw {
            return None;
        }
        // A later entry of an HTTP block may use what an earlier one captures.
        let name = references(block).find(|name| {
            self.lesson.is_variable(name)
                && self.vars.get(name).is_none()
                && !block.captured_names().any(|n| n == *name)
        })?;
        Some(match self.lesson.setter_of(name) {
            Some((index, _)) => format!(
                "`{name}` has no value yet: step \"{}\" (`{}`) sets it; do that step first",
                self.lesson.steps[index].title, self.lesson.steps[index].id
            ),
            None => format!(
                "`{name}` has no value yet: an earlier step sets it, or pass `--var {name}=...`"
            ),
        })
    }

    /// Variables step `index` needs that an earlier step sets and that have no value now: a
    /// secret is never saved, so after a resume the block that captured it must run again.
    /// Each with the step and block that set it.
    pub fn lost_captures(&self, index: usize) -> Vec<(String, usize, &'a Block)> {
        let lesson = self.lesson;
        let step = &lesson.steps[index];
        let mut lost: Vec<(String, usize, &'a Block)> = Vec::new();
        for block in &step.blocks {
            for name in references(block).map(str::to_owned) {
                if self.vars.get(&name).is_some() || lost.iter().any(|(n, ..)| *n == name) {
                    continue;
                }
                // A block of this very step sets it: it runs as part of the step anyway.
                if block.captured_names().any(|n| n == name)
                    || step
                        .blocks
                        .iter()
                        .any(|b| b.captured_names().any(|n| n == name))
                {
                    continue;
                }
                // Only a secret is lost by quitting: other captures are saved in the log. A
                // value missing because its step was never done is the learner's to do.
                if !self.vars.is_secret(&name) {
                    continue;
                }
                if let Some((setter, setter_block)) = lesson.setter_of(&name)
                    && setter < index
                {
                    lost.push((name, setter, setter_block));
                }
            }
        }
        lost
    }

    /// Runs one block in the lesson's shell and records it: `block_ran`, the variables it
    /// set, and (for every role but checks and cleanup, which only look) the directory and
    /// exports it left. A Ctrl-C shows as [`BlockRun::interrupted`].
    pub fn run_block(
        &mut self,
        step: &str,
        block: &Block,
        reporter: &mut dyn Reporter,
    ) -> Result<BlockRun, LogError> {
        let code = self.display_code(block);
        if let Some(lost) = self.shell.lost_cwd() {
            reporter.notice(&format!(
                "the folder `{}` a command moved to is gone: commands run in the workspace",
                lost.display()
            ));
            let workspace = self.workspace.clone();
            self.shell.apply(&crate::exec::ShellChanges {
                cwd: workspace,
                ..Default::default()
            });
        }
        reporter.block_started(block, &code);
        let run = self.in_shell(|exec, context| {
            exec.run(block, context, &mut |progress| reporter.progress(&progress))
        });
        reporter.block_finished(block, &run);
        self.journal.append(Event::BlockRan {
            step: step.to_owned(),
            role: block.role.map_or("shown", Role::as_str).to_owned(),
            exit_code: run.outcome.evidence().exit_code,
            duration_ms: run.outcome.evidence().duration_ms,
        })?;
        for (name, value) in &run.captures {
            // A value that holds a known secret (a header built around a token) is a secret.
            let secret = self.vars.is_secret(name) || self.vars.secrets().mask(value) != *value;
            if !secret {
                self.journal.append(Event::VarSet {
                    name: name.clone(),
                    value: value.clone(),
                })?;
            }
            self.vars
                .set(name, value.clone(), ValueSource::Step, secret);
        }
        if !run.captures.is_empty() {
            self.vars.compute(&self.lesson.vars);
        }
        let changes_shell = !matches!(block.role, Some(Role::Check | Role::Cleanup));
        if let Some(changes) = run.shell.as_ref().filter(|_| changes_shell) {
            self.shell.apply(changes);
            if let Err(reason) = self.shell.save(&self.workspace, self.vars.secrets()) {
                reporter.notice(&format!(
                    "cannot save the lesson's shell state: {reason} (it is kept until you quit)"
                ));
            }
        }
        Ok(run)
    }

    /// What a step's checks need to run on another thread ([`super::watch::Watch`]): the
    /// variables, the shell's environment and directory, and the folders to watch.
    pub fn snapshot(&self) -> super::watch::Snapshot {
        let cwd = self.shell.cwd(&self.workspace);
        let mut folders = vec![self.workspace.clone()];
        if cwd != self.workspace {
            folders.push(cwd.clone());
        }
        super::watch::Snapshot {
            vars: self.vars.clone(),
            env: self.env(),
            env_remove: self.shell.unset(),
            cwd,
            folders,
        }
    }

    /// Whether nothing stops step `index`'s checks from running now (consent, values).
    pub fn can_check(&self, index: usize) -> bool {
        !self.needs_consent()
            && self.lesson.steps[index]
                .blocks_with(Role::Check)
                .all(|block| self.missing_vars(block).is_none())
    }

    /// A block's code as the learner sees it: variables filled in, secrets masked.
    pub fn display_code(&self, block: &Block) -> String {
        if block.attrs.raw {
            block.code.clone()
        } else {
            self.vars.substitute_for_display(&block.code).into_owned()
        }
    }

    /// What commands get on top of labrun's own environment: the running labrun first on
    /// `PATH` (a lesson about labrun runs `labrun`, installed or not), every variable, then
    /// what earlier blocks exported.
    fn env(&self) -> Vec<(String, String)> {
        let mut base = Vec::new();
        if let Some(dir) = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf))
        {
            let mut dirs = vec![dir];
            dirs.extend(
                std::env::var_os("PATH")
                    .map_or_else(Vec::new, |path| std::env::split_paths(&path).collect()),
            );
            if let Ok(path) = std::env::join_paths(dirs) {
                base.push(("PATH".to_owned(), path.to_string_lossy().into_owned()));
            }
        }
        base.extend(self.vars.env());
        self.shell.env(base)
    }

    /// The environment and directory of the lesson's shell, for the `shell` action.
    pub fn open_shell(&mut self) -> Result<(), String> {
        self.in_shell(|exec, context| exec.open_shell(context))
    }

    /// Calls `f` with the executor and the context of the lesson's shell: its environment,
    /// directory and unset variables, the values of `{{NAME}}` and the secrets.
    fn in_shell<T>(&mut self, f: impl FnOnce(&mut dyn Executor, &RunContext<'_>) -> T) -> T {
        let env = self.env();
        let env_remove = self.shell.unset();
        let cwd = self.shell.cwd(&self.workspace);
        let vars = &self.vars;
        let lookup = |name: &str| vars.resolve(name);
        let context = RunContext {
            vars: &lookup,
            env: &env,
            env_remove: &env_remove,
            secrets: vars.secrets(),
            cwd: &cwd,
            interrupt: self.interrupt,
        };
        f(&mut *self.exec, &context)
    }
}

/// Every `{{NAME}}` a block uses when it runs: its code, its `expect=`, and its HTTP
/// entries' URLs, headers, parameters and bodies. A `raw` block's code is taken as written,
/// so callers skip those.
fn references(block: &Block) -> impl Iterator<Item = &str> {
    std::iter::once(block.code.as_str())
        .chain(block.attrs.expect.as_deref())
        .chain(block.http.iter().map(|entry| entry.url.as_str()))
        .flat_map(template::references)
        .map(|(name, _)| name)
        .chain(block.http.iter().flat_map(http_references))
}

/// `{{NAME}}` references in the headers, query, form and body of an HTTP entry.
fn http_references(entry: &crate::lesson::http::HttpEntry) -> impl Iterator<Item = &str> {
    entry
        .headers
        .iter()
        .chain(&entry.query)
        .chain(&entry.form)
        .flat_map(|kv| template::references(&kv.value))
        .chain(
            entry
                .body
                .iter()
                .filter(|body| body.is_template())
                .flat_map(|body| template::references(&body.text)),
        )
        .map(|(name, _)| name)
}
