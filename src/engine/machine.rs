//! The step state machine: pure, no I/O. The session loop feeds it what happened and
//! performs the effects it asks for.
//!
//! ```text
//!            start / jump / back / next
//!   ┌───────────────► Entered ──(setup, files, render)──► Waiting ◄──────────────┐
//!   │                                                        │  learner action    │
//!   │     check ─────► Checking ──passed──► verified/solved ─┼──► next step ──────┘
//!   │                      └──failed──► Waiting (status failed, attempt + 1)
//!   │     continue (no checks) ─► confirmed ─► next step
//!   │     skip ─► skipped ─► next step        hint / solution / run / shell ─► Waiting
//!   └──── quit ─► Finished(quit)              after the last step ─► Finished(completed?)
//! ```

use crate::progress::{EndReason, Event as LogEvent, StepState};

/// What the machine needs to know of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts {
    pub id: String,
    /// Check blocks or quizzes.
    pub has_checks: bool,
    pub hints: u32,
    pub has_solution: bool,
    /// Blocks labrun can run for the learner (`run`, or shown shell blocks).
    pub has_commands: bool,
    /// `run` blocks: they run when the step is entered.
    pub has_run_blocks: bool,
}

/// A learner's choice at a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run the step's checks.
    Check,
    /// Go on: confirms a step without checks, checks one that has them.
    Continue,
    /// Run the step's commands for the learner.
    Run,
    /// Reveal the next hint.
    Hint,
    /// Show the solution.
    Solution,
    /// Run the solution.
    RunSolution,
    /// Open a shell in the workspace.
    Shell,
    Skip,
    Back,
    /// Go to the step with this index.
    Jump(usize),
    /// Save and quit.
    Quit,
}

/// What happened, fed to [`Machine::transition`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The session starts at this step.
    Start(usize),
    Chose(Action),
    /// The checks asked for by [`Effect::RunChecks`] finished. A result the machine did not
    /// ask for (no `RunChecks` just before) is ignored: only a check can verify a step.
    Checked {
        passed: bool,
    },
    /// The step's `run` blocks ran ([`Effect::RunBlocks`], [`Effect::RunCommands`]);
    /// `pending` when some did not (the learner said no, or Ctrl-C).
    Ran {
        pending: bool,
    },
}

/// What the session loop must do, in order.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Effect {
    /// Enter the step: write its files, run its setup, show it.
    Enter(usize),
    /// Append this to the progress log.
    Record(LogEvent),
    /// Run the step's checks, then feed back [`Input::Checked`].
    RunChecks(usize),
    /// Run the step's `run` blocks, as the step is entered, then feed back [`Input::Ran`].
    RunBlocks(usize),
    /// Run the step's commands for the learner (`run` blocks not run yet, shown shell
    /// blocks), then feed back [`Input::Ran`].
    RunCommands(usize),
    /// Show hint number `number` (1-based).
    ShowHint {
        step: usize,
        number: u32,
    },
    ShowSolution(usize),
    RunSolution(usize),
    OpenShell,
    /// Tell the learner something (no more hints, already at the first step, ...).
    Notice(String),
    /// Ask the learner what to do next at this step.
    AskAction(usize),
    /// The session is over.
    Finish(EndReason),
}

/// The state of a session: where the learner is and how each step stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    steps: Vec<StepFacts>,
    states: Vec<StepState>,
    current: usize,
    /// Checks run at the current step in this visit.
    attempts: u32,
    /// Checks that failed at the current step in this visit.
    failures: u32,
    /// The current step's `run` blocks did not all run in this visit.
    runs_pending: bool,
    /// The solution was applied in this visit.
    applied: bool,
    /// The learner went back (`back`, `jump`) from this step: going on returns there.
    return_to: Option<usize>,
    /// The step whose checks were asked for by the last transition, awaiting their result.
    checking: Option<usize>,
    finished: bool,
}

impl Machine {
    /// A machine over `steps`, with the states derived from the log (same order).
    pub fn new(steps: Vec<StepFacts>, states: Vec<StepState>) -> Self {
        let mut states = states;
        states.resize(steps.len(), StepState::default());
        Self {
            steps,
            states,
            current: 0,
            attempts: 0,
            failures: 0,
            runs_pending: false,
            applied: false,
            return_to: None,
            checking: None,
            finished: false,
        }
    }

    pub fn current(&self) -> usize {
        self.current
    }

    pub fn state(&self, step: usize) -> Option<&StepState> {
        self.states.get(step)
    }

    pub fn facts(&self, step: usize) -> Option<&StepFacts> {
        self.steps.get(step)
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Every step complete (verified, solved or confirmed).
    pub fn is_complete(&self) -> bool {
        self.states.iter().all(|state| state.status.is_complete())
    }

    /// Checks that failed at the current step in this visit.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The action taken when the learner just presses Enter: the first that makes progress.
    /// Run the step's `run` blocks not run yet; check; after a failed check, the next hint,
    /// the solution, applying it; after a second failure with no help left, skip (the
    /// learner can come back); on a step that is done, continue.
    pub fn default_action(&self, step: usize) -> Action {
        let (Some(facts), Some(state)) = (self.steps.get(step), self.states.get(step)) else {
            return Action::Quit;
        };
        let here = step == self.current;
        if state.status.is_complete() {
            // Back at a step done earlier (a token to get again): Enter checks it once more,
            // then returns where the learner was.
            if here && self.return_to.is_some() && facts.has_checks && self.attempts == 0 {
                return Action::Check;
            }
            return Action::Continue;
        }
        if here && self.runs_pending {
            return Action::Run;
        }
        if !facts.has_checks {
            return Action::Continue;
        }
        if !here || self.failures == 0 {
            return Action::Check;
        }
        if state.hints_shown < facts.hints {
            Action::Hint
        } else if facts.has_solution && !state.solution_shown {
            Action::Solution
        } else if facts.has_solution && !self.applied {
            Action::RunSolution
        } else if self.failures >= 2 {
            Action::Skip
        } else {
            Action::Check
        }
    }

    /// The actions of `step`, always in the same order (so a number typed in the plain menu
    /// means the same thing at every visit); the default is [`Machine::default_action`].
    pub fn actions(&self, step: usize) -> Vec<Action> {
        let Some(facts) = self.steps.get(step) else {
            return vec![Action::Quit];
        };
        let state = &self.states[step];
        let mut actions = Vec::new();
        let mut push = |action: Action, when: bool| {
            if when {
                actions.push(action);
            }
        };
        push(Action::Check, facts.has_checks);
        push(Action::Continue, true);
        push(Action::Run, facts.has_commands);
        push(Action::Hint, facts.hints > 0);
        push(Action::Solution, facts.has_solution);
        push(Action::RunSolution, facts.has_solution);
        push(Action::Shell, true);
        push(Action::Skip, !state.status.is_complete());
        push(Action::Back, step > 0);
        push(Action::Quit, true);
        actions
    }

    /// Applies `input` and returns the effects to perform, in order.
    pub fn transition(&mut self, input: Input) -> Vec<Effect> {
        if self.finished {
            return Vec::new();
        }
        if self.steps.is_empty() {
            self.finished = true;
            return vec![Effect::Finish(EndReason::Completed)];
        }
        let step = self.current;
        let requested = self.checking.take();
        match input {
            Input::Checked { .. } if requested != Some(step) => Vec::new(),
            Input::Ran { pending } => {
                self.runs_pending = pending;
                Vec::new()
            }
            Input::Start(at) => self.enter(at.min(self.steps.len() - 1)),
            Input::Chose(Action::Check) if self.steps[step].has_checks => self.check(step),
            Input::Chose(Action::Check | Action::Continue) => self.go_on(step),
            Input::Checked { passed: true } => {
                let event = LogEvent::StepVerified {
                    step: self.steps[step].id.clone(),
                };
                self.apply(step, &event);
                let mut effects = vec![Effect::Record(event)];
                effects.extend(self.next(step));
                effects
            }
            // The step's status follows the `check_failed` events the session wrote and
            // passed to [`Machine::observe`], so it is what the log says.
            Input::Checked { passed: false } => {
                self.failures += 1;
                vec![Effect::AskAction(step)]
            }
            Input::Chose(Action::Run) => vec![Effect::RunCommands(step), Effect::AskAction(step)],
            Input::Chose(Action::Hint) => {
                let shown = self.states[step].hints_shown;
                if shown >= self.steps[step].hints {
                    let notice = if shown == 0 {
                        "this step has no hints"
                    } else {
                        "no more hints for this step"
                    };
                    return vec![Effect::Notice(notice.into()), Effect::AskAction(step)];
                }
                let number = shown + 1;
                let event = LogEvent::HintShown {
                    step: self.steps[step].id.clone(),
                    hint: number,
                };
                self.apply(step, &event);
                vec![
                    Effect::Record(event),
                    Effect::ShowHint { step, number },
                    Effect::AskAction(step),
                ]
            }
            Input::Chose(Action::Solution | Action::RunSolution)
                if !self.steps[step].has_solution =>
            {
                vec![
                    Effect::Notice("this step has no solution to show".into()),
                    Effect::AskAction(step),
                ]
            }
            Input::Chose(action @ (Action::Solution | Action::RunSolution)) => {
                let mut effects = Vec::new();
                if !self.states[step].solution_shown {
                    let event = LogEvent::SolutionShown {
                        step: self.steps[step].id.clone(),
                    };
                    self.apply(step, &event);
                    effects.push(Effect::Record(event));
                }
                if action == Action::Solution {
                    effects.extend([Effect::ShowSolution(step), Effect::AskAction(step)]);
                    return effects;
                }
                // Applying the solution is checked at once: that is what it is for.
                self.applied = true;
                effects.push(Effect::RunSolution(step));
                if self.steps[step].has_checks {
                    effects.extend(self.check(step));
                } else {
                    effects.push(Effect::AskAction(step));
                }
                effects
            }
            Input::Chose(Action::Shell) => vec![Effect::OpenShell, Effect::AskAction(step)],
            Input::Chose(Action::Skip) => {
                let event = LogEvent::StepSkipped {
                    step: self.steps[step].id.clone(),
                };
                self.apply(step, &event);
                let mut effects = vec![Effect::Record(event)];
                effects.extend(self.next(step));
                effects
            }
            Input::Chose(Action::Back) if step == 0 => {
                vec![
                    Effect::Notice("this is the first step".into()),
                    Effect::AskAction(step),
                ]
            }
            Input::Chose(Action::Back) => self.go_to(step - 1),
            Input::Chose(Action::Jump(to)) if to < self.steps.len() => self.go_to(to),
            Input::Chose(Action::Jump(_)) => vec![
                Effect::Notice("no such step".into()),
                Effect::AskAction(step),
            ],
            Input::Chose(Action::Quit) => {
                self.finished = true;
                vec![Effect::Finish(EndReason::Quit)]
            }
        }
    }

    fn enter(&mut self, step: usize) -> Vec<Effect> {
        self.current = step;
        self.attempts = 0;
        self.failures = 0;
        self.applied = false;
        self.runs_pending = false;
        let mut effects = vec![
            Effect::Record(LogEvent::StepEntered {
                step: self.steps[step].id.clone(),
            }),
            Effect::Enter(step),
        ];
        if self.steps[step].has_run_blocks {
            // Until told otherwise: a learner who quits at the confirmation has not run them.
            self.runs_pending = true;
            effects.push(Effect::RunBlocks(step));
        }
        effects.push(Effect::AskAction(step));
        effects
    }

    /// Continue at a step: confirm it (no checks), move on (already done), or check it.
    fn go_on(&mut self, step: usize) -> Vec<Effect> {
        let status = self.states[step].status;
        if status.is_complete() {
            return self.next(step);
        }
        if self.steps[step].has_checks {
            return self.check(step);
        }
        let event = LogEvent::StepConfirmed {
            step: self.steps[step].id.clone(),
        };
        self.apply(step, &event);
        let mut effects = vec![Effect::Record(event)];
        effects.extend(self.next(step));
        effects
    }

    fn check(&mut self, step: usize) -> Vec<Effect> {
        self.attempts += 1;
        self.checking = Some(step);
        vec![Effect::RunChecks(step)]
    }

    /// `back` or `jump`: going back remembers where the learner was (the furthest point), so
    /// that going on returns there; going forward forgets it.
    fn go_to(&mut self, to: usize) -> Vec<Effect> {
        let from = self.current;
        self.return_to = if to < from {
            Some(self.return_to.map_or(from, |earlier| earlier.max(from)))
        } else {
            None
        };
        self.enter(to)
    }

    /// Moves past `step`: back where the learner was before going back, to the next step, or
    /// to the end of the lesson.
    fn next(&mut self, step: usize) -> Vec<Effect> {
        if let Some(back) = self.return_to.take()
            && back > step
            && back < self.steps.len()
        {
            return self.enter(back);
        }
        if step + 1 < self.steps.len() {
            return self.enter(step + 1);
        }
        self.finished = true;
        let reason = if self.is_complete() {
            EndReason::Completed
        } else {
            EndReason::Quit
        };
        vec![Effect::Finish(reason)]
    }

    /// An event the session wrote to the log itself (a check's result, a quiz answer): the
    /// step it is about changes as the log will say when it is read back.
    pub fn observe(&mut self, event: &LogEvent) {
        let index = event
            .step()
            .and_then(|id| self.steps.iter().position(|facts| facts.id == id));
        if let Some(index) = index {
            self.apply(index, event);
        }
    }

    fn apply(&mut self, step: usize, event: &LogEvent) {
        let mut state = crate::progress::LessonState {
            steps: vec![(self.steps[step].id.clone(), self.states[step].clone())],
            ..Default::default()
        };
        state.apply(event);
        if let Some((_, updated)) = state.steps.pop() {
            self.states[step] = updated;
        }
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
