//! The session loop: feeds the [`Machine`] and performs its effects through the UI and the
//! [`Runtime`]. One queue of effects, one `match`.

use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;

use crate::exec::BlockRun;
use crate::lesson::{Block, Lesson, Role, Step, template};
use crate::progress::{EndReason, Event, LessonState, LogError};

use super::interrupt::Interrupt;
use super::machine::{Action, Effect, Input, Machine, StepFacts};
use super::runtime::{Runtime, Setting};
use super::tools::missing_tools;
use super::ui::{SessionSummary, Ui, UiError};
use super::vars::ValueSource;
use super::watch::{ExecutorFactory, Watch};

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
    /// Ctrl-C, SIGTERM or SIGHUP.
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
    runtime: Runtime<'a>,
    lesson: &'a Lesson,
    ui: &'a mut dyn Ui,
    interrupt: &'a Interrupt,
    options: Options,
    machine: Machine,
    /// The blocks of the current step that ran in this visit (indices into its blocks).
    ran: HashSet<usize>,
    /// The last check of the current step failed and the learner has not been told what
    /// Enter does now.
    advise: bool,
    /// Makes the executor of watch mode; `None`: no watching (`--no-watch`, the plain UI).
    watch_exec: Option<ExecutorFactory>,
}

impl<'a> Session<'a> {
    pub fn new(
        lesson: &'a Lesson,
        ui: &'a mut dyn Ui,
        exec: &'a mut dyn crate::exec::Executor,
        journal: &'a mut dyn super::Journal,
        interrupt: &'a Interrupt,
        options: Options,
        prior: &LessonState,
    ) -> Self {
        let facts = lesson.steps.iter().map(step_facts).collect();
        let states = lesson
            .steps
            .iter()
            .map(|step| prior.step(&step.id).cloned().unwrap_or_default())
            .collect();
        let setting = Setting {
            learner: options.learner.clone(),
            workspace: options.workspace.clone(),
            vars: options.vars.clone(),
            yes: options.yes,
        };
        let runtime = Runtime::new(
            lesson,
            exec,
            journal,
            interrupt.stop_flag(),
            &setting,
            prior,
        );
        Self {
            runtime,
            lesson,
            ui,
            interrupt,
            machine: Machine::new(facts, states),
            options,
            ran: HashSet::new(),
            advise: false,
            watch_exec: None,
        }
    }

    /// Watch mode: at a step with checks, they re-run in the background with executors made
    /// by `factory` (see [`Watch`]).
    pub fn watching(mut self, factory: ExecutorFactory) -> Self {
        self.watch_exec = Some(factory);
        self
    }

    /// A watch of step `index`'s checks, when the step can be watched: not done, checks and
    /// no quiz (only the learner answers one), none marked `watch=false`, the lesson not
    /// `watch: false`, and everything the checks need at hand.
    fn watch(&self, index: usize) -> Option<Watch> {
        let factory = self.watch_exec.as_ref()?;
        let step = &self.lesson.steps[index];
        let done = self
            .machine
            .state(index)
            .is_some_and(|state| state.status.is_complete());
        let checks: Vec<Block> = step.blocks_with(Role::Check).cloned().collect();
        let watchable = self.lesson.watch
            && !done
            && step.quizzes.is_empty()
            && !checks.is_empty()
            && checks.iter().all(|block| block.attrs.watch != Some(false))
            && self.runtime.can_check(index);
        watchable.then(|| Watch::start(checks, self.runtime.snapshot(), factory()))
    }

    /// Runs the session to its end. `prior` is the state derived from the log so far.
    pub fn run(mut self, prior: &LessonState) -> Result<SessionEnd, SessionError> {
        let start = self.start_index(prior)?;
        let first_time = !prior.started;
        let event = Event::SessionStarted {
            title: self.lesson.title.clone(),
            lesson_hash: self.runtime.hash().to_owned(),
            steps: self
                .lesson
                .steps
                .iter()
                .map(|step| step.id.clone())
                .collect(),
        };
        self.runtime.journal().append(event)?;
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
                let _ = self.runtime.journal().append(Event::SessionEnded {
                    reason: EndReason::Error,
                });
                return Err(error);
            }
        };
        if finished_now {
            self.runtime.cleanup(&mut *self.ui)?;
        }
        self.runtime
            .journal()
            .append(Event::SessionEnded { reason })?;
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
        // Where this session really starts: the step left, unless it is done since.
        let resume_at = prior
            .current
            .as_ref()
            .filter(|_| self.options.step.is_none())
            .map(|_| self.lesson.steps[start].id.as_str());
        // What the intro shows must have its value first.
        self.ask_vars(FirstUse::Intro)?;
        self.ui
            .lesson_start(self.lesson, resume_at, self.runtime.vars());
        if prior
            .lesson_hash
            .as_ref()
            .is_some_and(|before| before != self.runtime.hash())
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
        // Variables no text names; the others when their step comes.
        self.ask_vars(FirstUse::Start)?;
        if self.runtime.needs_consent() {
            self.ask_consent()?;
        }
        let workspace = self.options.workspace.clone();
        self.runtime
            .open_workspace(&mut *self.ui)
            .map_err(|reason| {
                Stop::Failed(SessionError::Workspace {
                    path: workspace,
                    reason,
                })
            })?;
        if first_time {
            self.runtime.forget_shell();
            self.runtime.lesson_setup(&mut *self.ui)?;
        }

        let mut queue: VecDeque<Effect> = self.machine.transition(Input::Start(start)).into();
        while let Some(effect) = queue.pop_front() {
            if self.interrupt.quit_requested() {
                return Err(Stop::Interrupted);
            }
            let input = match effect {
                Effect::Record(event) => {
                    let verified = match &event {
                        Event::StepVerified { step } => Some(step.clone()),
                        _ => None,
                    };
                    self.runtime.journal().append(event)?;
                    if let Some(step) = verified {
                        // Told only once it is saved: a crash cannot take back what was said.
                        let solved = self
                            .lesson
                            .steps
                            .iter()
                            .position(|s| s.id == step)
                            .and_then(|index| self.machine.state(index))
                            .is_some_and(|state| {
                                state.status == crate::progress::StepStatus::Solved
                            });
                        let said = solved
                            .then_some("✔ Step solved: it checks out, with the solution's help.");
                        self.ui.checks_finished(true, &[], said);
                    }
                    None
                }
                Effect::Enter(index) => {
                    self.enter(index)?;
                    None
                }
                Effect::RunBlocks(index) => Some(self.run_blocks(index, false)?),
                Effect::RunCommands(index) => Some(self.run_blocks(index, true)?),
                Effect::AskAction(index) => {
                    if std::mem::take(&mut self.advise) {
                        let advice = self.advice(index);
                        self.ui.notice(&advice);
                    }
                    let actions = self.machine.actions(index);
                    let default = self.machine.default_action(index);
                    let watch = self.watch(index);
                    let chosen =
                        self.ui
                            .choose(self.lesson, index, &actions, &default, watch.as_ref());
                    // Stops the watch (and a check it is running) before anything else runs.
                    drop(watch);
                    Some(Input::Chose(chosen?))
                }
                Effect::RunChecks(index) => Some(Input::Checked {
                    passed: self.run_checks(index)?,
                }),
                Effect::ShowHint { step, number } => {
                    let lesson_step = &self.lesson.steps[step];
                    if let Some(hint) = lesson_step.hints.get(number as usize - 1) {
                        let source = &self.lesson.sources[lesson_step.file];
                        let text = self
                            .runtime
                            .vars()
                            .substitute_for_display(source.slice(hint.body))
                            .into_owned();
                        self.ui.hint(number, lesson_step.hints.len() as u32, &text);
                    }
                    None
                }
                Effect::ShowSolution(index) => {
                    let shown: Vec<(String, String)> = self.lesson.steps[index]
                        .blocks_with(Role::Solve)
                        .map(|b| (b.lang.clone(), self.runtime.display_code(b)))
                        .collect();
                    self.ui.solution(&shown);
                    None
                }
                Effect::RunSolution(index) => {
                    let step = &self.lesson.steps[index];
                    for block in step.blocks_with(Role::Solve) {
                        if let Some(run) = self.run_confirmed(&step.id, block)?
                            && run.interrupted
                        {
                            break;
                        }
                    }
                    None
                }
                Effect::OpenShell => {
                    self.ui
                        .notice("opening a shell in the lesson's folder; type `exit` to come back");
                    if let Err(reason) = self.runtime.open_shell() {
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
                if self.interrupt.quit_requested() {
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

    /// Asks for every variable with a `prompt` that has no value yet and is first needed
    /// `when` (see [`FirstUse`]). One without a prompt takes its `default`.
    fn ask_vars(&mut self, when: FirstUse) -> Result<(), Stop> {
        let lesson = self.lesson;
        for spec in &lesson.vars {
            if self.runtime.vars().get(&spec.name).is_some() || spec.value.is_some() {
                continue;
            }
            if spec.prompt.is_none() {
                if let Some(default) = spec.default.as_ref().filter(|_| !spec.secret) {
                    self.runtime.vars_mut().set(
                        &spec.name,
                        default.clone(),
                        ValueSource::Default,
                        spec.secret,
                    );
                }
                continue;
            }
            if first_use(lesson, &spec.name) != when {
                continue;
            }
            let mut problem: Option<String> = None;
            let value = loop {
                let answer = self
                    .ui
                    .ask_var(spec, spec.default.as_deref(), problem.as_deref())?;
                // A secret never takes a value written in the lesson.
                let answer = match &spec.default {
                    Some(default) if answer.is_empty() && !spec.secret => default.clone(),
                    _ => answer,
                };
                match spec.validate(&answer) {
                    Ok(()) => break answer,
                    Err(reason) => problem = Some(reason),
                }
            };
            if !spec.secret {
                self.runtime.journal().append(Event::VarSet {
                    name: spec.name.clone(),
                    value: value.clone(),
                })?;
            }
            self.runtime
                .vars_mut()
                .set(&spec.name, value, ValueSource::Prompt, spec.secret);
        }
        self.runtime.vars_mut().compute(&lesson.vars);
        Ok(())
    }

    fn enter(&mut self, index: usize) -> Result<(), Stop> {
        self.ran.clear();
        self.advise = false;
        self.ask_vars(FirstUse::Step(index))?;
        self.restore_lost_captures(index)?;
        let mut replace = Vec::new();
        for path in self.runtime.foreign_files(index) {
            let question = format!(
                "The lesson writes `{path}`, which is already in its folder and was not written \
                 by it. Replace it?"
            );
            if self.options.yes || self.ui.confirm(&question)? {
                replace.push(path);
            }
        }
        self.runtime.enter_step(index, &replace, &mut *self.ui)?;
        let state = self.machine.state(index).cloned().unwrap_or_default();
        self.ui
            .step(self.lesson, index, &state, self.runtime.vars());
        Ok(())
    }

    /// A secret an earlier step captured is kept in memory only: after a resume, the block
    /// that set it runs again (asked first unless `--yes`) before a step that needs it.
    fn restore_lost_captures(&mut self, index: usize) -> Result<(), Stop> {
        for (name, setter, block) in self.runtime.lost_captures(index) {
            if self.runtime.vars().get(&name).is_some() {
                continue;
            }
            let step = &self.lesson.steps[setter];
            self.ui.notice(&format!(
                "`{name}` is needed here and is kept in memory only: step \"{}\" sets it, so \
                 its block runs again",
                step.title
            ));
            let run = self.run_confirmed(&step.id, block)?;
            if self.runtime.vars().get(&name).is_none() && run.is_some_and(|r| !r.interrupted) {
                self.ui.notice(&format!(
                    "`{name}` still has no value: do step \"{}\" again (`jump {}`)",
                    step.title, step.id
                ));
            }
        }
        Ok(())
    }

    /// The step's `run` blocks not run yet in this visit, each confirmed unless `--yes`; with
    /// `shown`, also the shell blocks the step shows (the `run` action).
    fn run_blocks(&mut self, index: usize, shown: bool) -> Result<Input, Stop> {
        let step = &self.lesson.steps[index];
        let blocks: Vec<(usize, &Block)> = step
            .blocks
            .iter()
            .enumerate()
            .filter(|(i, b)| {
                (b.role == Some(Role::Run) && !self.ran.contains(i))
                    || (shown && b.is_shown_command())
            })
            .collect();
        if blocks.is_empty() && shown {
            self.ui.notice("this step has no commands to run");
        }
        let mut pending = false;
        for (i, block) in blocks {
            match self.run_confirmed(&step.id, block)? {
                Some(run) if run.interrupted => {
                    pending |= block.role == Some(Role::Run);
                    break;
                }
                Some(_) => {
                    self.ran.insert(i);
                }
                None => pending |= block.role == Some(Role::Run),
            }
        }
        let pending = pending
            || step
                .blocks
                .iter()
                .enumerate()
                .any(|(i, b)| b.role == Some(Role::Run) && !self.ran.contains(&i));
        Ok(Input::Ran { pending })
    }

    /// Runs every check and quiz of a step; true when all that must pass did.
    fn run_checks(&mut self, index: usize) -> Result<bool, Stop> {
        let step = &self.lesson.steps[index];
        if step.blocks_with(Role::Check).next().is_some() && self.runtime.needs_consent() {
            self.ask_consent()?;
        }
        let attempt = self.runtime.next_attempt(index);
        let checked = self.runtime.check_step(index, attempt, &mut *self.ui)?;
        if checked.interrupted {
            self.take_interrupt()?;
            return Ok(false);
        }
        if checked.no_consent {
            self.ui
                .notice("the checks were not run: they need your consent");
            return Ok(false);
        }
        for failure in checked.failures.iter().filter(|f| f.optional) {
            self.ui
                .notice(&format!("an optional check failed: {}", failure.reason));
        }
        let mut failures: Vec<String> = checked.blocking().map(|f| f.reason.clone()).collect();
        for quiz in &step.quizzes {
            let vars = self.runtime.vars();
            let quiz = &quiz.filled(|text| vars.substitute_for_display(text).into_owned());
            let Some(answers) = self.ui.ask_quiz(quiz)? else {
                self.ui
                    .notice("not answered; `check` asks the question again");
                return Ok(false);
            };
            let correct = self.runtime.record_quiz(index, attempt, quiz, &answers)?;
            self.ui.quiz_result(quiz, correct);
            if !correct {
                failures.push(format!("wrong answer to \"{}\"", quiz.plain_question()));
            }
        }
        if failures.is_empty() {
            return Ok(true);
        }
        // What the learner can do about it comes with the menu (see `advice`).
        self.ui.checks_finished(false, &failures, None);
        self.advise = true;
        Ok(false)
    }

    /// What pressing Enter does now, after a failed check, in the learner's words.
    fn advice(&self, index: usize) -> String {
        let step = &self.lesson.steps[index];
        let quiz_only = step.blocks_with(Role::Check).next().is_none();
        match self.machine.default_action(index) {
            Action::Run => {
                "this step's commands have not all run yet: press Enter to run them".to_owned()
            }
            Action::Hint => "press Enter for a hint".to_owned(),
            Action::Solution => "press Enter to see the solution".to_owned(),
            Action::RunSolution => {
                "press Enter to apply the solution: labrun runs it, then checks".to_owned()
            }
            Action::Skip => "press Enter to skip this step for now (`jump` comes back to it), \
                 or fix it and choose `check`"
                .to_owned(),
            _ if quiz_only => "press Enter to answer again".to_owned(),
            _ => "fix it, then press Enter to check again".to_owned(),
        }
    }

    /// Asks the learner to allow the lesson's commands; a yes is saved for this version of
    /// the lesson.
    fn ask_consent(&mut self) -> Result<(), Stop> {
        if self.ui.consent(self.lesson, &self.options.vars)? {
            self.runtime.give_consent()?;
        }
        Ok(())
    }

    /// Asks (unless `--yes`), then runs a block for the learner. `None`: the learner said no.
    /// A Ctrl-C that stopped it is taken in (back at the menu), unless it asked to quit.
    fn run_confirmed(&mut self, step: &str, block: &Block) -> Result<Option<BlockRun>, Stop> {
        if let Some(reason) = self.runtime.missing_vars(block) {
            self.ui.notice(&reason);
            return Ok(None);
        }
        if !self.options.yes {
            let code = self.runtime.display_code(block);
            if !self.ui.confirm_block(block, &code)? {
                self.ui.notice("not run");
                return Ok(None);
            }
        }
        let run = self.runtime.run_block(step, block, &mut *self.ui)?;
        if run.interrupted {
            self.take_interrupt()?;
        }
        Ok(Some(run))
    }

    /// A command was stopped by Ctrl-C: back to the menu, or quit when asked twice.
    fn take_interrupt(&mut self) -> Result<(), Stop> {
        if self.interrupt.quit_requested() {
            return Err(Stop::Interrupted);
        }
        self.interrupt.take_stop();
        self.ui
            .notice("stopped; you are back at the step (Ctrl-C at the menu saves and quits)");
        Ok(())
    }

    fn summary(&mut self) -> SessionSummary {
        SessionSummary {
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
            log: self.runtime.journal().location(),
            next: self.next_command(),
        }
    }

    /// What is left, for the closing summary: the skipped steps to come back to, or where
    /// the next session resumes.
    fn next_command(&self) -> Option<String> {
        if self.machine.is_complete() {
            return None;
        }
        let path = self.lesson.path.display();
        let open: Vec<(usize, &Step)> = self
            .lesson
            .steps
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                !self
                    .machine
                    .state(*i)
                    .is_some_and(|state| state.status.is_complete())
            })
            .collect();
        let skipped: Vec<&Step> = open
            .iter()
            .filter(|(i, _)| {
                self.machine
                    .state(*i)
                    .is_some_and(|state| state.status == crate::progress::StepStatus::Skipped)
            })
            .map(|(_, step)| *step)
            .collect();
        let (_, first) = open.first()?;
        Some(match skipped.first() {
            Some(step) if open.len() == skipped.len() => format!(
                "Not complete: {} skipped ({}). Do {} with `labrun start {path} --step {}`.",
                plural(skipped.len(), "step was", "steps were"),
                skipped
                    .iter()
                    .map(|step| format!("\"{}\"", step.title))
                    .collect::<Vec<_>>()
                    .join(", "),
                if skipped.len() == 1 {
                    "it"
                } else {
                    "the first"
                },
                step.id
            ),
            _ => {
                // Where the next session resumes: here, unless this step is done.
                let current = self.machine.current();
                let at = open
                    .iter()
                    .find(|(i, _)| *i == current)
                    .map_or(*first, |(_, step)| *step);
                format!(
                    "Progress saved. `labrun start {path}` resumes at \"{}\".",
                    at.title
                )
            }
        })
    }
}

fn step_facts(step: &Step) -> StepFacts {
    StepFacts {
        id: step.id.clone(),
        has_checks: step.has_checks(),
        hints: step.hints.len() as u32,
        has_solution: step.blocks_with(Role::Solve).next().is_some(),
        has_commands: step.blocks.iter().any(Block::is_offered_to_learner),
        has_run_blocks: step.blocks_with(Role::Run).next().is_some(),
    }
}

/// Where a variable is first needed, so it is asked just before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstUse {
    /// The intro's text names it: asked before the intro is shown.
    Intro,
    /// No text names it (commands read it from their environment; a computed value uses it):
    /// asked before the first step.
    Start,
    /// The step with this index names it first.
    Step(usize),
}

/// The lesson's intro is the first part's; a later part's intro is shown as that part begins,
/// so what it names is first needed at the part's first step.
fn first_use(lesson: &Lesson, name: &str) -> FirstUse {
    let named = |text: &str| template::references(text).any(|(n, _)| n == name);
    let intro_names = |part: &crate::lesson::Part| {
        let source = &lesson.sources[part.file];
        let spans = part.intro.iter().filter_map(|content| match content {
            crate::lesson::Content::Markdown { span }
            | crate::lesson::Content::Callout { span, .. } => Some(*span),
            _ => None,
        });
        spans.into_iter().any(|span| named(source.slice(span)))
            || part.blocks.iter().any(|b| named(&b.code))
    };
    if lesson.parts.first().is_some_and(intro_names) {
        return FirstUse::Intro;
    }
    let in_part_intro = lesson
        .parts
        .iter()
        .skip(1)
        .find(|part| intro_names(part))
        .map(|part| part.steps.start);
    let in_step = lesson.steps.iter().position(|step| {
        let source = &lesson.sources[step.file];
        named(source.slice(step.span)) || named(source.slice(step.body))
    });
    match (in_part_intro, in_step) {
        (Some(a), Some(b)) => FirstUse::Step(a.min(b)),
        (Some(first), None) | (None, Some(first)) => FirstUse::Step(first),
        (None, None) => FirstUse::Start,
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

#[cfg(test)]
mod tests;
