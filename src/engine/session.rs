//! The session loop: feeds the [`Machine`] and performs its effects through the UI, the
//! executor and the journal. One queue of effects, one `match`.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::exec::{BlockRun, Executor, Outcome, RunContext};
use crate::lesson::{Block, Lesson, Role, Step};
use crate::progress::{EndReason, Event, LessonState, LogError};

use super::machine::{Action, Effect, Input, Machine, StepFacts};
use super::tools::missing_tools;
use super::ui::{Summary, Ui, UiError};
use super::vars::{self, Source, Vars};
use super::workspace;

/// Where events go: the progress log, or a list in tests.
pub trait Journal {
    fn append(&mut self, event: Event) -> Result<(), LogError>;

    /// Where the events are kept, for the closing summary.
    fn location(&self) -> String;
}

impl Journal for crate::progress::ProgressLog {
    fn append(&mut self, event: Event) -> Result<(), LogError> {
        crate::progress::ProgressLog::append(self, event).map(drop)
    }

    fn location(&self) -> String {
        self.path().display().to_string()
    }
}

/// How the learner started the session.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run blocks without asking.
    pub yes: bool,
    /// Start at this step id.
    pub step: Option<String>,
    /// `--var NAME=VALUE`.
    pub vars: Vec<(String, String)>,
    pub learner: String,
    pub workspace: PathBuf,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// Every step is complete.
    Completed,
    /// The learner quit, or the lesson ended with steps not done.
    Incomplete,
    /// Ctrl-C.
    Interrupted,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("{0}")]
    Ui(std::io::Error),
    #[error("no step `{id}` in this lesson (steps: {known})")]
    UnknownStep { id: String, known: String },
    #[error("cannot prepare the workspace `{}`: {reason}", path.display())]
    Workspace { path: PathBuf, reason: String },
}

/// What ended the effect loop early.
enum Stop {
    Quit,
    Interrupted,
    Failed(SessionError),
}

impl From<UiError> for Stop {
    fn from(error: UiError) -> Self {
        match error {
            UiError::Eof => Stop::Quit,
            UiError::Interrupted => Stop::Interrupted,
            UiError::Io(error) => Stop::Failed(SessionError::Ui(error)),
        }
    }
}

impl From<LogError> for Stop {
    fn from(error: LogError) -> Self {
        Stop::Failed(SessionError::Log(error))
    }
}

pub struct Session<'a> {
    lesson: &'a Lesson,
    ui: &'a mut dyn Ui,
    exec: &'a mut dyn Executor,
    journal: &'a mut dyn Journal,
    interrupt: &'a AtomicBool,
    options: Options,
    vars: Vars,
    machine: Machine,
    consented: bool,
    /// This version of the lesson ([`lesson_hash`]), recorded and compared with the log's.
    hash: String,
}

impl<'a> Session<'a> {
    pub fn new(
        lesson: &'a Lesson,
        ui: &'a mut dyn Ui,
        exec: &'a mut dyn Executor,
        journal: &'a mut dyn Journal,
        interrupt: &'a AtomicBool,
        options: Options,
        prior: &LessonState,
    ) -> Self {
        let facts = lesson.steps.iter().map(step_facts).collect();
        let states = lesson
            .steps
            .iter()
            .map(|step| prior.step(&step.id).cloned().unwrap_or_default())
            .collect();
        // Asked once per version of the lesson: an edited lesson is asked about again.
        let hash = lesson_hash(lesson);
        let consented = options.yes || prior.consented.as_ref() == Some(&hash);
        Self {
            lesson,
            ui,
            exec,
            journal,
            interrupt,
            vars: Vars::new(&lesson.vars),
            machine: Machine::new(facts, states),
            options,
            consented,
            hash,
        }
    }

    /// Runs the session to its end. `prior` is the state derived from the log so far.
    pub fn run(mut self, prior: &LessonState) -> Result<SessionEnd, SessionError> {
        let start = self.start_index(prior)?;
        let first_time = !prior.started;
        self.journal.append(Event::SessionStarted {
            title: self.lesson.title.clone(),
            lesson_hash: self.hash.clone(),
            steps: self
                .lesson
                .steps
                .iter()
                .map(|step| step.id.clone())
                .collect(),
        })?;
        let outcome = self.drive(prior, start, first_time);
        // Cleanup runs when the lesson is finished in this session, not on every later visit.
        let mut finished_now = false;
        let (end, reason) = match outcome {
            Ok(()) if self.machine.is_complete() => {
                finished_now = true;
                (SessionEnd::Completed, EndReason::Completed)
            }
            Err(Stop::Quit) if self.machine.is_complete() => {
                (SessionEnd::Completed, EndReason::Quit)
            }
            Ok(()) | Err(Stop::Quit) => (SessionEnd::Incomplete, EndReason::Quit),
            Err(Stop::Interrupted) => (SessionEnd::Interrupted, EndReason::Interrupted),
            Err(Stop::Failed(error)) => {
                let _ = self.journal.append(Event::SessionEnded {
                    reason: EndReason::Error,
                });
                return Err(error);
            }
        };
        if finished_now {
            self.run_cleanup();
        }
        self.journal.append(Event::SessionEnded { reason })?;
        let summary = self.summary();
        self.ui.finished(&summary);
        Ok(end)
    }

    fn start_index(&self, prior: &LessonState) -> Result<usize, SessionError> {
        let steps = &self.lesson.steps;
        if let Some(id) = &self.options.step {
            return steps.iter().position(|step| &step.id == id).ok_or_else(|| {
                SessionError::UnknownStep {
                    id: id.clone(),
                    known: steps
                        .iter()
                        .map(|step| step.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            });
        }
        // Back where the learner was, unless that step is done: then the first one that isn't.
        let resume = prior
            .current
            .as_ref()
            .and_then(|id| steps.iter().position(|step| &step.id == id))
            .filter(|&index| !prior.status(&steps[index].id).is_complete());
        let first_open = steps
            .iter()
            .position(|step| !prior.status(&step.id).is_complete());
        Ok(resume.or(first_open).unwrap_or(0))
    }

    fn drive(&mut self, prior: &LessonState, start: usize, first_time: bool) -> Result<(), Stop> {
        let resume_at = prior
            .current
            .as_deref()
            .filter(|_| self.options.step.is_none());
        // Known values first, so the intro shows them; then the questions.
        self.preset_vars(prior);
        self.ui.lesson_start(self.lesson, resume_at, &self.vars);
        if prior
            .lesson_hash
            .as_ref()
            .is_some_and(|before| *before != self.hash)
        {
            self.ui.notice(
                "this lesson has changed since your last session: your progress is kept for the \
                 steps it still has",
            );
        }
        if prior.is_complete() && self.options.step.is_none() {
            self.ui
                .notice("you have completed this lesson already; `--restart` starts it over");
        }
        let missing = missing_tools(&self.lesson.requires);
        if !missing.is_empty() && !self.ui.missing_tools(&missing)? {
            return Err(Stop::Quit);
        }
        self.ask_vars()?;
        if !self.consented && needs_consent(self.lesson) {
            self.ask_consent()?;
        }
        workspace::prepare(&self.options.workspace).map_err(|reason| {
            Stop::Failed(SessionError::Workspace {
                path: self.options.workspace.clone(),
                reason,
            })
        })?;
        if first_time {
            let setup: Vec<&Block> = self
                .lesson
                .lesson_blocks()
                .filter(|b| b.role == Some(Role::Setup))
                .collect();
            self.run_silently("", &setup)?;
        }

        let mut queue: VecDeque<Effect> = self.machine.transition(Input::Start(start)).into();
        while let Some(effect) = queue.pop_front() {
            if self.interrupt.load(Ordering::SeqCst) {
                return Err(Stop::Interrupted);
            }
            let input = match effect {
                Effect::Record(event) => {
                    let verified = matches!(event, Event::StepVerified { .. });
                    self.journal.append(event)?;
                    if verified {
                        // Told only once it is saved: a crash cannot take back what was said.
                        self.ui.checks_finished(true, &[], false);
                    }
                    None
                }
                Effect::Enter(index) => {
                    self.enter(index)?;
                    None
                }
                Effect::AskAction(index) => {
                    let actions = self.machine.actions(index);
                    Some(Input::Chose(self.ui.choose(
                        self.lesson,
                        index,
                        &actions,
                    )?))
                }
                Effect::RunChecks(index) => Some(Input::Checked {
                    passed: self.run_checks(index)?,
                }),
                Effect::RunCommands(index) => {
                    let step = &self.lesson.steps[index];
                    let blocks: Vec<&Block> = step
                        .blocks
                        .iter()
                        .filter(|b| is_runnable_for_learner(b))
                        .collect();
                    if blocks.is_empty() {
                        self.ui.notice("this step has no commands to run");
                    }
                    for block in blocks {
                        self.run_confirmed(&step.id, block)?;
                    }
                    None
                }
                Effect::ShowHint { step, number } => {
                    let lesson_step = &self.lesson.steps[step];
                    if let Some(hint) = lesson_step.hints.get(number as usize - 1) {
                        let source = &self.lesson.sources[lesson_step.file];
                        let text = self
                            .vars
                            .substitute_for_display(source.slice(hint.body))
                            .into_owned();
                        self.ui.hint(number, lesson_step.hints.len() as u32, &text);
                    }
                    None
                }
                Effect::ShowSolution(index) => {
                    let shown: Vec<(String, String)> = self.lesson.steps[index]
                        .blocks_with(Role::Solve)
                        .map(|b| (b.lang.clone(), self.display_code(b)))
                        .collect();
                    self.ui.solution(&shown);
                    None
                }
                Effect::RunSolution(index) => {
                    let step = &self.lesson.steps[index];
                    for block in step.blocks_with(Role::Solve) {
                        self.run_confirmed(&step.id, block)?;
                    }
                    None
                }
                Effect::OpenShell => {
                    let env = self.env();
                    let lookup = |name: &str| self.vars.get(name).map(str::to_owned);
                    let context = RunContext {
                        vars: &lookup,
                        env: &env,
                        secrets: self.vars.secrets(),
                        workspace: &self.options.workspace,
                        interrupt: self.interrupt,
                    };
                    self.ui.notice(
                        "opening a shell in the lesson workspace; type `exit` to come back",
                    );
                    if let Err(reason) = self.exec.open_shell(&context) {
                        self.ui.notice(&format!("cannot open a shell: {reason}"));
                    }
                    None
                }
                Effect::Notice(text) => {
                    self.ui.notice(&text);
                    None
                }
                Effect::Finish(_) => return Ok(()),
            };
            if let Some(input) = input {
                if self.interrupt.load(Ordering::SeqCst) {
                    return Err(Stop::Interrupted);
                }
                if input == Input::Chose(Action::Quit) {
                    return Err(Stop::Quit);
                }
                queue.extend(self.machine.transition(input));
            }
        }
        Ok(())
    }

    /// The values known without asking, so the intro can show them.
    fn preset_vars(&mut self, prior: &LessonState) {
        let builtins = [
            ("learner", self.options.learner.clone()),
            ("lesson", self.lesson.id.clone()),
            ("workspace", self.options.workspace.display().to_string()),
        ];
        self.vars = Vars::preset(
            &self.lesson.vars,
            &builtins,
            &self.options.vars,
            &prior.vars,
            false,
        );
    }

    /// Asks for every variable with a `prompt` that has no value yet; one without a prompt
    /// takes its `default`.
    fn ask_vars(&mut self) -> Result<(), Stop> {
        for spec in &self.lesson.vars {
            if let (None, None, None, Some(default)) = (
                self.vars.get(&spec.name),
                &spec.prompt,
                &spec.value,
                &spec.default,
            ) {
                self.vars
                    .set(&spec.name, default.clone(), Source::Default, spec.secret);
                continue;
            }
            if self.vars.get(&spec.name).is_some() || spec.prompt.is_none() || spec.value.is_some()
            {
                continue;
            }
            let mut problem: Option<String> = None;
            let value = loop {
                let answer = self
                    .ui
                    .ask_var(spec, spec.default.as_deref(), problem.as_deref())?;
                let answer = if answer.is_empty() {
                    spec.default.clone().unwrap_or_default()
                } else {
                    answer
                };
                match vars::validate(spec, &answer) {
                    Ok(()) => break answer,
                    Err(reason) => problem = Some(reason),
                }
            };
            if !spec.secret {
                self.journal.append(Event::VarSet {
                    name: spec.name.clone(),
                    value: value.clone(),
                })?;
            }
            self.vars
                .set(&spec.name, value, Source::Prompt, spec.secret);
        }
        self.vars.compute(&self.lesson.vars);
        Ok(())
    }

    fn enter(&mut self, index: usize) -> Result<(), Stop> {
        let step = &self.lesson.steps[index];
        for block in step
            .blocks
            .iter()
            .filter(|b| b.role.is_none() && b.attrs.file.is_some())
        {
            let path = block.attrs.file.as_deref().unwrap_or_default();
            let path = self.vars.substitute(path).into_owned();
            // A secret is never written to disk: in a file it shows as the mask.
            let text = if block.attrs.raw {
                block.code.clone()
            } else {
                self.vars.substitute_for_display(&block.code).into_owned()
            };
            if let Err(reason) =
                workspace::write_file(&self.options.workspace, Path::new(&path), &text)
            {
                self.ui.notice(&format!("cannot write `{path}`: {reason}"));
            }
        }
        let setup: Vec<&Block> = step.blocks_with(Role::Setup).collect();
        self.run_silently(&step.id, &setup)?;
        let state = self.machine.state(index).cloned().unwrap_or_default();
        self.ui.step(self.lesson, index, &state, &self.vars);
        Ok(())
    }

    /// Runs every check and quiz of a step; true when all that must pass did.
    fn run_checks(&mut self, index: usize) -> Result<bool, Stop> {
        let step = &self.lesson.steps[index];
        let attempt = self.machine.attempts();
        let checks: Vec<&Block> = step.blocks_with(Role::Check).collect();
        if !checks.is_empty() && !self.consented {
            self.ask_consent()?;
            if !self.consented {
                self.ui
                    .notice("the checks were not run: they need your consent");
                return Ok(false);
            }
        }
        let mut passed = true;
        let mut failures = Vec::new();
        for block in checks {
            let run = self.run_block(&step.id, block)?;
            match &run.outcome {
                Outcome::Passed { evidence } => {
                    self.write(Event::CheckPassed {
                        step: step.id.clone(),
                        attempt,
                        evidence: evidence.clone(),
                    })?;
                }
                Outcome::Failed { reason, evidence } => {
                    let reason = self.vars.secrets().mask(reason).into_owned();
                    self.write(Event::CheckFailed {
                        step: step.id.clone(),
                        attempt,
                        reason: reason.clone(),
                        evidence: evidence.clone(),
                    })?;
                    if block.attrs.optional {
                        self.ui
                            .notice(&format!("an optional check failed: {reason}"));
                    } else {
                        passed = false;
                        failures.push(reason);
                    }
                }
            }
        }
        for quiz in &step.quizzes {
            let answers = self.ui.ask_quiz(quiz)?;
            let correct = quiz_correct(quiz, &answers);
            self.write(Event::QuizAnswered {
                step: step.id.clone(),
                correct,
                answer: answers.join(", "),
            })?;
            self.ui.quiz_result(quiz, correct);
            let evidence = Default::default();
            if correct {
                self.write(Event::CheckPassed {
                    step: step.id.clone(),
                    attempt,
                    evidence,
                })?;
            } else {
                let reason = format!("wrong answer to \"{}\"", quiz.question);
                self.write(Event::CheckFailed {
                    step: step.id.clone(),
                    attempt,
                    reason: reason.clone(),
                    evidence,
                })?;
                passed = false;
                failures.push(reason);
            }
        }
        if !passed {
            // The failures are saved already; a pass is told once `step_verified` is.
            let seen = self
                .machine
                .state(index)
                .map_or(0, |state| state.hints_shown);
            let hints_left = (seen as usize) < step.hints.len();
            self.ui.checks_finished(false, &failures, hints_left);
        }
        Ok(passed)
    }

    /// Asks the learner to allow the lesson's commands; a yes is saved for this version of
    /// the lesson.
    fn ask_consent(&mut self) -> Result<(), Stop> {
        self.consented = self.ui.consent(self.lesson)?;
        if self.consented {
            self.write(Event::ConsentGiven {
                lesson_hash: self.hash.clone(),
            })?;
        }
        Ok(())
    }

    /// Writes an event of the session's own (not one the machine asked to record) and tells
    /// the machine, so the state it shows is the state the log gives when read back.
    fn write(&mut self, event: Event) -> Result<(), LogError> {
        self.journal.append(event.clone())?;
        self.machine.observe(&event);
        Ok(())
    }

    /// Setup blocks: no confirmation beyond the session's consent, output only on failure.
    fn run_silently(&mut self, step: &str, blocks: &[&Block]) -> Result<(), Stop> {
        if blocks.is_empty() {
            return Ok(());
        }
        if !self.consented {
            self.ui
                .notice("setup commands were not run: they need your consent");
            return Ok(());
        }
        for block in blocks {
            let run = self.run_block(step, block)?;
            if let Some(reason) = run.outcome.reason() {
                self.ui.notice(&format!(
                    "a setup command failed: {}",
                    self.vars.secrets().mask(reason)
                ));
            }
        }
        Ok(())
    }

    /// Cleanup blocks of the lesson and its steps, when the lesson is finished.
    fn run_cleanup(&mut self) {
        if !self.consented {
            return;
        }
        let lesson = self.lesson;
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
            if self.run_block(step, block).is_err() {
                break;
            }
        }
    }

    /// Asks (unless `--yes`), then runs a block for the learner.
    fn run_confirmed(&mut self, step: &str, block: &Block) -> Result<(), Stop> {
        if !self.options.yes {
            let code = self.display_code(block);
            if !self.ui.confirm_block(block, &code)? {
                self.ui.notice("not run");
                return Ok(());
            }
        }
        self.run_block(step, block).map(drop)
    }

    fn run_block(&mut self, step: &str, block: &Block) -> Result<BlockRun, Stop> {
        let code = self.display_code(block);
        let env = self.env();
        let vars = &self.vars;
        let lookup = |name: &str| vars.get(name).map(str::to_owned);
        let context = RunContext {
            vars: &lookup,
            env: &env,
            secrets: vars.secrets(),
            workspace: &self.options.workspace,
            interrupt: self.interrupt,
        };
        self.ui.block_started(block, &code);
        let ui = &mut *self.ui;
        let run = self
            .exec
            .run(block, &context, &mut |progress| ui.progress(&progress));
        self.ui.block_finished(block, &run);
        self.journal.append(Event::BlockRan {
            step: step.to_owned(),
            role: block.role.map_or("shown", Role::as_str).to_owned(),
            exit_code: run.outcome.evidence().exit_code,
            duration_ms: run.outcome.evidence().duration_ms,
        })?;
        for (name, value) in &run.captures {
            let secret = self.vars.is_secret(name);
            if !secret {
                self.journal.append(Event::VarSet {
                    name: name.clone(),
                    value: value.clone(),
                })?;
            }
            self.vars.set(name, value.clone(), Source::Step, false);
        }
        if !run.captures.is_empty() {
            self.vars.compute(&self.lesson.vars);
        }
        if run.interrupted || self.interrupt.load(Ordering::SeqCst) {
            return Err(Stop::Interrupted);
        }
        Ok(run)
    }

    fn display_code(&self, block: &Block) -> String {
        if block.attrs.raw {
            block.code.clone()
        } else {
            self.vars.substitute_for_display(&block.code).into_owned()
        }
    }

    fn env(&self) -> Vec<(String, String)> {
        self.vars.env()
    }

    fn summary(&self) -> Summary {
        Summary {
            title: self.lesson.title.clone(),
            steps: self
                .lesson
                .steps
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    (
                        step.title.clone(),
                        self.machine.state(i).map(|s| s.status).unwrap_or_default(),
                    )
                })
                .collect(),
            complete: self.machine.is_complete(),
            log: self.journal.location(),
        }
    }
}

fn step_facts(step: &Step) -> StepFacts {
    StepFacts {
        id: step.id.clone(),
        has_checks: step.has_checks(),
        hints: step.hints.len() as u32,
        has_solution: step.blocks_with(Role::Solve).next().is_some(),
        has_commands: step.blocks.iter().any(is_runnable_for_learner),
    }
}

/// Blocks labrun offers to run for the learner: `run` blocks, and shown shell or HTTP blocks
/// that are not files.
pub fn is_runnable_for_learner(block: &Block) -> bool {
    match block.role {
        Some(Role::Run) => true,
        None => block.attrs.file.is_none() && is_shell_lang(&block.lang),
        _ => false,
    }
}

fn is_shell_lang(lang: &str) -> bool {
    matches!(
        lang.to_ascii_lowercase().as_str(),
        "bash" | "sh" | "shell" | "console" | "zsh" | "shell-session"
    )
}

fn needs_consent(lesson: &Lesson) -> bool {
    lesson
        .lesson_blocks()
        .chain(lesson.steps.iter().flat_map(|s| &s.blocks))
        .any(|b| matches!(b.role, Some(Role::Setup | Role::Check | Role::Cleanup)))
}

fn quiz_correct(quiz: &crate::lesson::Quiz, answers: &[String]) -> bool {
    if let Some(pattern) = &quiz.answer_pattern {
        let answer = answers.first().map_or("", |a| a.trim());
        return regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .is_ok_and(|re| re.is_match(answer));
    }
    let mut given: Vec<&str> = answers.iter().map(|a| a.trim()).collect();
    let mut expected: Vec<&str> = quiz.answers.iter().map(String::as_str).collect();
    given.sort_unstable();
    expected.sort_unstable();
    given == expected
}

/// SHA-256 of the lesson's sources, in order.
pub fn lesson_hash(lesson: &Lesson) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for source in &lesson.sources {
        hasher.update(source.text.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
