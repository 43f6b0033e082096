//! Properties of the machine over random lessons, random prior logs and random learners.
//!
//! A simulated session drives the machine as `engine::session` does: it appends every
//! `Effect::Record` to a journal, and when the machine asks for checks it writes their
//! results (`check_passed` / `check_failed`, or nothing when the learner refused to let them
//! run), tells the machine with [`Machine::observe`] and feeds back [`Input::Checked`]. Among
//! the learner's inputs are also check results nobody asked for, which must change nothing.
//!
//! After every transition the test asserts that:
//! - a step becomes verified or solved only by a passing check the machine asked for at
//!   that step, and confirmed only when it has no checks;
//! - folding the journal with [`LessonState::apply`] gives the machine's live state (so a
//!   crash after any event resumes where the learner was);
//! - a live machine always asks for what comes next, so the session loop never stalls;
//! - a reset applied to any prefix of the journal returns the steps to pending.

use proptest::prelude::*;
use proptest::sample::Index;

use super::*;
use crate::progress::{LessonState, StepStatus};

/// Step ids the random prior logs use: the lesson's, and some it no longer has.
const IDS: usize = 7;

fn id(index: usize) -> String {
    format!("s{index}")
}

fn lesson() -> impl Strategy<Value = Vec<StepFacts>> {
    prop::collection::vec(
        (
            any::<bool>(),
            0u32..3,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        0..6,
    )
    .prop_map(|steps| {
        steps
            .into_iter()
            .enumerate()
            .map(
                |(index, (has_checks, hints, has_solution, has_commands, has_run_blocks))| {
                    StepFacts {
                        id: id(index),
                        has_checks,
                        hints,
                        has_solution,
                        has_commands: has_commands || has_run_blocks,
                        has_run_blocks,
                    }
                },
            )
            .collect()
    })
}

/// Any event a log from earlier sessions (or another labrun) may hold.
fn logged_event() -> impl Strategy<Value = LogEvent> {
    let step = (0..IDS).prop_map(id);
    prop_oneof![
        step.clone().prop_map(|step| LogEvent::StepEntered { step }),
        step.clone().prop_map(|step| LogEvent::CheckFailed {
            step,
            attempt: 1,
            reason: "no".into(),
            evidence: Default::default(),
        }),
        step.clone()
            .prop_map(|step| LogEvent::StepVerified { step }),
        step.clone()
            .prop_map(|step| LogEvent::StepConfirmed { step }),
        step.clone().prop_map(|step| LogEvent::StepSkipped { step }),
        step.clone()
            .prop_map(|step| LogEvent::HintShown { step, hint: 1 }),
        step.clone()
            .prop_map(|step| LogEvent::SolutionShown { step }),
        step.prop_map(|step| LogEvent::StepReset { step }),
        Just(LogEvent::LessonReset),
        Just(LogEvent::VarSet {
            name: "region".into(),
            value: "eu-de".into(),
        }),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Check),
        Just(Action::Continue),
        Just(Action::Run),
        Just(Action::Hint),
        Just(Action::Solution),
        Just(Action::RunSolution),
        Just(Action::Shell),
        Just(Action::Skip),
        Just(Action::Back),
        (0..IDS + 1).prop_map(Action::Jump),
        Just(Action::Quit),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        1 => (0..IDS + 1).prop_map(Input::Start),
        12 => action().prop_map(Input::Chose),
        2 => any::<bool>().prop_map(|passed| Input::Checked { passed }),
    ]
}

/// What running a step's checks gave: `None` when the learner refused to let them run, else
/// each check's (passed, optional).
type ChecksRun = Option<Vec<(bool, bool)>>;

fn checks_run() -> impl Strategy<Value = ChecksRun> {
    prop::option::weighted(
        0.9,
        prop::collection::vec((any::<bool>(), prop::bool::weighted(0.2)), 0..4),
    )
}

/// A random session: a lesson, what its log held before, the learner's inputs (the first a
/// `Start`, as in a real session) and what each run of checks gives, in turn.
#[derive(Debug, Clone)]
struct Scenario {
    steps: Vec<StepFacts>,
    prior: Vec<LogEvent>,
    inputs: Vec<Input>,
    checks: Vec<ChecksRun>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        lesson(),
        prop::collection::vec(logged_event(), 0..12),
        0..IDS,
        prop::collection::vec(input(), 0..60),
        prop::collection::vec(checks_run(), 1..8),
    )
        .prop_map(|(steps, prior, start, mut inputs, checks)| {
            inputs.insert(0, Input::Start(start));
            Scenario {
                steps,
                prior,
                inputs,
                checks,
            }
        })
}

/// The machine and everything written to its log so far, the earlier sessions' events first.
struct Sim {
    lesson: Vec<StepFacts>,
    machine: Machine,
    journal: Vec<LogEvent>,
    /// The step whose checks the machine asked for in its last transition.
    asked: Option<usize>,
    checks: Vec<ChecksRun>,
    checks_used: usize,
    /// A `Start` went through: the log knows where the learner is.
    started: bool,
}

impl Sim {
    fn new(scenario: &Scenario) -> Self {
        let mut journal = scenario.prior.clone();
        // What the session writes first.
        journal.push(LogEvent::SessionStarted {
            title: "T".into(),
            lesson_hash: "h".into(),
            steps: scenario.steps.iter().map(|s| s.id.clone()).collect(),
        });
        let prior = LessonState::from_events(&journal);
        let states = scenario
            .steps
            .iter()
            .map(|facts| prior.step(&facts.id).cloned().unwrap_or_default())
            .collect();
        Self {
            lesson: scenario.steps.clone(),
            machine: Machine::new(scenario.steps.clone(), states),
            journal,
            asked: None,
            checks: scenario.checks.clone(),
            checks_used: 0,
            started: false,
        }
    }

    fn states(&self) -> Vec<StepState> {
        (0..self.lesson.len())
            .map(|i| self.machine.state(i).cloned().unwrap_or_default())
            .collect()
    }

    fn facts(&self, step: usize) -> &StepFacts {
        &self.lesson[step]
    }

    /// Feeds one input of the learner's, and the check results it leads to.
    fn feed(&mut self, input: Input) -> Result<(), TestCaseError> {
        let mut next = Some(input);
        while let Some(input) = next.take() {
            let before = self.states();
            let current = self.machine.current();
            let was_finished = self.machine.is_finished();
            let asked = self.asked.take();
            let effects = self.machine.transition(input.clone());
            for effect in &effects {
                if let Effect::Record(event) = effect {
                    self.started |= matches!(event, LogEvent::StepEntered { .. });
                    self.journal.push(event.clone());
                }
            }
            self.assert_earned(&input, current, asked, &before)?;
            self.assert_replay_is_live()?;
            self.assert_asks_what_next(&input, asked, was_finished, &effects)?;
            if let Some(Effect::RunChecks(step)) = effects.last() {
                self.asked = Some(*step);
                let passed = self.run_checks(*step)?;
                next = Some(Input::Checked { passed });
            }
        }
        Ok(())
    }

    /// What the session does between `RunChecks` and `Checked`.
    fn run_checks(&mut self, step: usize) -> Result<bool, TestCaseError> {
        let run = self.checks[self.checks_used % self.checks.len()].clone();
        self.checks_used += 1;
        let Some(checks) = run else {
            return Ok(false);
        };
        let mut passed = true;
        for (ok, optional) in checks {
            let id = self.facts(step).id.clone();
            let attempt = self.machine.attempts();
            let event = if ok {
                LogEvent::CheckPassed {
                    step: id,
                    attempt,
                    evidence: Default::default(),
                }
            } else {
                passed &= optional;
                LogEvent::CheckFailed {
                    step: id,
                    attempt,
                    reason: "no".into(),
                    evidence: Default::default(),
                }
            };
            let before = self.states();
            self.journal.push(event.clone());
            self.machine.observe(&event);
            for (index, (was, now)) in before.iter().zip(self.states()).enumerate() {
                prop_assert!(
                    was.status.is_complete() || !now.status.is_complete(),
                    "a check result alone completed step {index}: {was:?} -> {now:?}"
                );
            }
            self.assert_replay_is_live()?;
        }
        Ok(passed)
    }

    /// Steps complete only as the rules say.
    fn assert_earned(
        &self,
        input: &Input,
        current: usize,
        asked: Option<usize>,
        before: &[StepState],
    ) -> Result<(), TestCaseError> {
        for (step, (was, now)) in before.iter().zip(self.states()).enumerate() {
            let verified = |s: StepStatus| matches!(s, StepStatus::Verified | StepStatus::Solved);
            if verified(now.status) && !verified(was.status) {
                prop_assert_eq!(input, &Input::Checked { passed: true });
                prop_assert_eq!(step, current, "verified a step other than the current one");
                prop_assert_eq!(asked, Some(step), "verified without checks being asked for");
                prop_assert!(
                    self.facts(step).has_checks,
                    "verified a step without checks"
                );
            }
            if now.status == StepStatus::Confirmed && was.status != StepStatus::Confirmed {
                prop_assert!(
                    !self.facts(step).has_checks,
                    "confirmed step {step}, which has checks"
                );
                prop_assert_eq!(step, current);
                prop_assert!(
                    matches!(input, Input::Chose(Action::Continue | Action::Check)),
                    "confirmed by {input:?}"
                );
            }
        }
        Ok(())
    }

    /// The log, read back, gives what the machine holds: statuses, hints, solutions,
    /// failed checks, and where the learner is.
    fn assert_replay_is_live(&self) -> Result<(), TestCaseError> {
        let replayed = LessonState::from_events(&self.journal);
        for (step, live) in self.states().iter().enumerate() {
            let id = &self.facts(step).id;
            let logged = replayed.step(id).cloned().unwrap_or_default();
            prop_assert_eq!(&logged, live, "step {} read back from the log", id);
        }
        if self.started {
            let here = &self.facts(self.machine.current()).id;
            prop_assert_eq!(replayed.current.as_ref(), Some(here), "resume point");
        }
        Ok(())
    }

    /// Every transition of a live machine ends by asking the learner or running checks; a
    /// finished one says so; nothing is asked of a machine that has nothing to do.
    fn assert_asks_what_next(
        &self,
        input: &Input,
        asked: Option<usize>,
        was_finished: bool,
        effects: &[Effect],
    ) -> Result<(), TestCaseError> {
        let current = self.machine.current();
        if was_finished {
            prop_assert!(effects.is_empty(), "a finished machine answered {input:?}");
            return Ok(());
        }
        if matches!(input, Input::Checked { .. }) && asked.is_none() {
            prop_assert!(
                effects.is_empty(),
                "an unasked check result did {effects:?}"
            );
            return Ok(());
        }
        match effects.last() {
            Some(Effect::Finish(_)) => prop_assert!(self.machine.is_finished()),
            Some(Effect::AskAction(step) | Effect::RunChecks(step)) => {
                prop_assert!(!self.machine.is_finished());
                prop_assert_eq!(*step, current, "asked about another step than the current");
            }
            other => {
                return Err(TestCaseError::fail(format!(
                    "{input:?} ended with {other:?}: the session stalls"
                )));
            }
        }
        Ok(())
    }
}

/// 1,000 random sessions per property, or `PROPTEST_CASES` of them (a deeper run:
/// `PROPTEST_CASES=100000 cargo test --lib machine::proptests`).
fn config() -> ProptestConfig {
    let config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_some() {
        return config;
    }
    ProptestConfig {
        cases: 1_000,
        ..config
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_input_sequence_completes_a_step_except_by_the_rules(scenario in scenario()) {
        let mut sim = Sim::new(&scenario);
        for input in scenario.inputs.clone() {
            sim.feed(input)?;
        }
    }

    #[test]
    fn a_reset_in_the_log_returns_steps_to_pending_after_any_prefix(
        scenario in scenario(),
        cut in any::<Index>(),
        reset in 0..IDS,
    ) {
        let mut sim = Sim::new(&scenario);
        for input in scenario.inputs.clone() {
            sim.feed(input)?;
        }
        let prefix = &sim.journal[..cut.index(sim.journal.len() + 1)];
        let mut state = LessonState::from_events(prefix);
        let step = id(reset);
        state.apply(&LogEvent::StepReset { step: step.clone() });
        prop_assert_eq!(state.step(&step), Some(&StepState::default()));
        prop_assert_eq!(state.status(&step), StepStatus::Pending);

        let mut state = LessonState::from_events(prefix);
        state.apply(&LogEvent::LessonReset);
        for (id, step) in &state.steps {
            prop_assert_eq!(step, &StepState::default(), "step {} after a lesson reset", id);
        }
        prop_assert!(state.vars.is_empty() && state.current.is_none() && !state.started);
        // A session over the reset log starts every step afresh.
        let states = scenario
            .steps
            .iter()
            .map(|facts| state.step(&facts.id).cloned().unwrap_or_default())
            .collect();
        let machine = Machine::new(scenario.steps.clone(), states);
        for (index, facts) in scenario.steps.iter().enumerate() {
            prop_assert_eq!(machine.state(index).map(|s| s.status), Some(StepStatus::Pending));
            let default = if facts.has_checks { Action::Check } else { Action::Continue };
            prop_assert_eq!(machine.default_action(index), default);
        }
    }
}

/// The properties catch what they claim to: a machine that verifies on an unasked result,
/// or whose state is not what its log says, fails them.
#[test]
fn the_properties_fail_for_a_machine_that_breaks_them() {
    let steps = vec![
        StepFacts {
            id: id(0),
            has_checks: false,
            hints: 0,
            has_solution: false,
            has_commands: false,
            has_run_blocks: false,
        },
        StepFacts {
            id: id(1),
            has_checks: true,
            hints: 1,
            has_solution: false,
            has_commands: false,
            has_run_blocks: false,
        },
    ];
    let scenario = Scenario {
        steps,
        prior: Vec::new(),
        inputs: vec![Input::Start(0)],
        checks: vec![None],
    };
    let mut sim = Sim::new(&scenario);
    sim.feed(Input::Start(0)).expect("a fair start");
    // Verified behind the machine's back: the rule catches it.
    let before = sim.states();
    sim.machine.states[0].status = StepStatus::Verified;
    assert!(
        sim.assert_earned(&Input::Chose(Action::Shell), 0, None, &before)
            .is_err()
    );
    // The log does not say so: the replay catches it.
    assert!(sim.assert_replay_is_live().is_err());
    sim.machine.states[0].status = StepStatus::Pending;
    sim.assert_replay_is_live()
        .expect("back in line with the log");
    // A hint shown but not recorded.
    sim.machine.states[1].hints_shown = 1;
    assert!(sim.assert_replay_is_live().is_err());
}
