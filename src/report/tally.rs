//! One learner's lesson as a report sees it: the step statuses come from [`LessonState`]
//! (the rules live there, once); beside it, what a report adds: when, for how long, and
//! how hard each step was.

use jiff::Timestamp;

use crate::progress::{Event, Integrity, LessonState, StepStatus};

use super::summary::Provenance;

/// A gap between two events of a session counts as active time up to this many seconds.
pub const ACTIVE_GAP_CAP_SECONDS: u64 = 5 * 60;

/// What a report keeps about one step of one learner, beside its status. Times are
/// milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepTally {
    /// The first `step_entered` since the step last went back to pending.
    pub entered: Option<i64>,
    /// When the step became verified, solved or confirmed (cleared by a reset).
    pub completed: Option<i64>,
    /// Every `check_failed`, resets included.
    pub failed_attempts: u32,
    /// Every `hint_shown`, resets included.
    pub hints: u32,
}

impl StepTally {
    /// Seconds from entering the step to completing it, when both are known.
    pub fn seconds_to_complete(&self) -> Option<u64> {
        let millis = self.completed?.checked_sub(self.entered?)?;
        u64::try_from(millis).ok().map(|millis| millis / 1000)
    }

    fn reset(&mut self) {
        self.entered = None;
        self.completed = None;
    }
}

/// One learner's lesson, folded event by event.
///
/// Steps are named by their index in the lesson's `StepIds`:
/// the caller interns `event.step()` and passes the index with the event.
#[derive(Debug, Clone)]
pub struct LearnerTally {
    state: LessonState,
    /// Indexed by step index.
    steps: Vec<StepTally>,
    /// Where the last step looked up sits in `state.steps`: consecutive events are mostly
    /// about one step, so this saves a search through the step ids.
    position: usize,
    started: Timestamp,
    last_activity: Timestamp,
    active_millis: u64,
    /// The previous event's time, and whether the gap after it counts (it does not after a
    /// `session_ended`).
    previous: Option<(Timestamp, bool)>,
    hints: u32,
    /// When every step of the lesson was first complete; kept after a later reset.
    completed_at: Option<Timestamp>,
    /// How far the learner's events can be believed.
    pub trust: Trust,
}

/// How far a learner's events in one lesson can be believed: what their log's chain says,
/// where the events came from, and which lesson they were done on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    /// The worst of the learner's logs.
    pub integrity: Integrity,
    /// Where the chain first breaks: `FILE line N: how`.
    pub broken_at: Option<String>,
    pub evidence: Provenance,
    /// The `lesson_hash` of the learner's newest `session_started`.
    pub lesson_hash: Option<String>,
}

impl Trust {
    /// Adds what one log of the learner's says: the worse integrity wins, and the first
    /// break found is kept.
    pub fn add_log(&mut self, integrity: Integrity, broken_at: Option<String>) {
        if integrity > self.integrity {
            self.integrity = integrity;
        }
        if self.broken_at.is_none() {
            self.broken_at = broken_at;
        }
    }
}

impl LearnerTally {
    pub fn new(first: Timestamp) -> Self {
        Self {
            state: LessonState::default(),
            steps: Vec::new(),
            position: 0,
            started: first,
            last_activity: first,
            active_millis: 0,
            previous: None,
            hints: 0,
            completed_at: None,
            trust: Trust::default(),
        }
    }

    /// Folds one event, written at `ts`, in log order; `step` is the index of the event's
    /// step, when it has one.
    pub fn apply(&mut self, ts: Timestamp, event: &Event, step: Option<usize>) {
        self.clock(ts, event);
        let millis = ts.as_millisecond();
        if let Some(index) = step {
            let tally = self.step_mut(index);
            match event {
                Event::StepEntered { .. } => {
                    tally.entered.get_or_insert(millis);
                }
                Event::CheckFailed { .. } => tally.failed_attempts += 1,
                Event::HintShown { .. } => {
                    tally.hints += 1;
                    self.hints += 1;
                }
                Event::StepReset { .. } => tally.reset(),
                _ => {}
            }
        }
        match event {
            // A report never prints a variable's value, so it never holds one.
            Event::VarSet { .. } => {}
            Event::SessionStarted { lesson_hash, .. } => {
                if self.trust.lesson_hash.as_deref() != Some(lesson_hash) {
                    self.trust.lesson_hash = Some(lesson_hash.clone());
                }
                self.state.apply(event);
            }
            Event::LessonReset => {
                self.steps.iter_mut().for_each(StepTally::reset);
                self.state.apply(event);
            }
            _ => match (event.step(), step) {
                (Some(id), Some(index)) => {
                    let before = self.status(id);
                    self.state.apply(event);
                    if !before.is_complete() && self.status(id).is_complete() {
                        self.step_mut(index).completed = Some(millis);
                    }
                }
                _ => self.state.apply(event),
            },
        }
        // Only an event that completes a step can complete the lesson.
        if self.completed_at.is_none()
            && matches!(
                event,
                Event::StepVerified { .. } | Event::StepConfirmed { .. }
            )
            && self.state.is_complete()
        {
            self.completed_at = Some(ts);
        }
    }

    fn clock(&mut self, ts: Timestamp, event: &Event) {
        let starts_session = matches!(event, Event::SessionStarted { .. });
        if let Some((previous, counts)) = self.previous
            && counts
            && !starts_session
        {
            // A clock that went backwards (or logs merged out of order) adds nothing.
            let gap = ts
                .as_millisecond()
                .saturating_sub(previous.as_millisecond());
            let gap = u64::try_from(gap).unwrap_or(0);
            self.active_millis += gap.min(ACTIVE_GAP_CAP_SECONDS * 1000);
        }
        self.previous = Some((ts, !matches!(event, Event::SessionEnded { .. })));
        self.started = self.started.min(ts);
        self.last_activity = self.last_activity.max(ts);
    }

    /// The step's status in [`LessonState`], looked up where the last one was first.
    fn status(&mut self, id: &str) -> StepStatus {
        let steps = &self.state.steps;
        if steps
            .get(self.position)
            .is_none_or(|(known, _)| known != id)
        {
            match steps.iter().position(|(known, _)| known == id) {
                Some(position) => self.position = position,
                None => return StepStatus::Pending,
            }
        }
        steps[self.position].1.status
    }

    fn step_mut(&mut self, index: usize) -> &mut StepTally {
        if index >= self.steps.len() {
            self.steps.resize(index + 1, StepTally::default());
        }
        &mut self.steps[index]
    }

    /// Moves each step's figures from index `i` to `mapping[i]`: the tally now speaks of
    /// another `StepIds`, where `mapping` says each id went.
    pub fn renumber(&mut self, mapping: &[usize]) {
        let size = mapping.iter().max().map_or(0, |max| max + 1);
        let mut steps = vec![StepTally::default(); size.max(self.steps.len())];
        for (index, tally) in self.steps.iter().enumerate() {
            if let Some(&to) = mapping.get(index) {
                steps[to] = *tally;
            }
        }
        self.steps = steps;
    }

    /// The statuses, as [`LessonState`] derives them.
    pub fn state(&self) -> &LessonState {
        &self.state
    }

    /// The figures of the step at `index` (zero when the log never named it).
    pub fn step(&self, index: usize) -> StepTally {
        self.steps.get(index).copied().unwrap_or_default()
    }

    /// The earliest event.
    pub fn started(&self) -> Timestamp {
        self.started
    }

    /// The latest event.
    pub fn last_activity(&self) -> Timestamp {
        self.last_activity
    }

    /// See [`ACTIVE_GAP_CAP_SECONDS`].
    pub fn active_seconds(&self) -> u64 {
        self.active_millis / 1000
    }

    /// Every hint revealed, in every step, resets included.
    pub fn hints(&self) -> u32 {
        self.hints
    }

    /// When the lesson was first complete, even if it was reset since.
    pub fn completed_at(&self) -> Option<Timestamp> {
        self.completed_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::EndReason;
    use crate::report::step_ids::StepIds;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    /// A tally, and the ids its step indexes stand for.
    struct Folded {
        tally: LearnerTally,
        ids: StepIds,
    }

    impl std::ops::Deref for Folded {
        type Target = LearnerTally;
        fn deref(&self) -> &LearnerTally {
            &self.tally
        }
    }

    impl Folded {
        fn step_of(&self, id: &str) -> StepTally {
            self.tally
                .step(self.ids.get(id).expect("a step of the log"))
        }
    }

    fn fold(events: &[(i64, Event)]) -> Folded {
        let mut ids = StepIds::default();
        let mut tally = LearnerTally::new(at(events[0].0));
        for (seconds, event) in events {
            let step = event.step().map(|id| ids.intern(id));
            tally.apply(at(*seconds), event, step);
        }
        Folded { tally, ids }
    }

    fn started() -> Event {
        Event::SessionStarted {
            title: "T".into(),
            lesson_hash: "h".into(),
            steps: vec!["a".into(), "b".into()],
        }
    }

    fn entered(step: &str) -> Event {
        Event::StepEntered { step: step.into() }
    }

    fn verified(step: &str) -> Event {
        Event::StepVerified { step: step.into() }
    }

    fn failed(step: &str) -> Event {
        Event::CheckFailed {
            step: step.into(),
            attempt: 1,
            reason: "no".into(),
            evidence: Default::default(),
        }
    }

    fn ended() -> Event {
        Event::SessionEnded {
            reason: EndReason::Quit,
        }
    }

    #[test]
    fn active_time_caps_each_gap_and_skips_the_time_between_sessions() {
        let tally = fold(&[
            (0, started()),
            (30, entered("a")),
            // 1 hour idle in the session: capped at 5 minutes.
            (3630, failed("a")),
            (3640, ended()),
            // A day away: not counted, nor the gap into the next session.
            (90_000, started()),
            (90_020, verified("a")),
        ]);
        assert_eq!(tally.active_seconds(), 30 + 300 + 10 + 20);
        assert_eq!(tally.started(), at(0));
        assert_eq!(tally.last_activity(), at(90_020));
    }

    #[test]
    fn the_first_completion_is_kept_after_a_later_reset() {
        let tally = fold(&[
            (0, started()),
            (10, verified("a")),
            (20, verified("b")),
            (30, Event::LessonReset),
            (40, started()),
            (50, verified("a")),
            (60, verified("b")),
        ]);
        assert_eq!(tally.completed_at(), Some(at(20)));
        assert!(
            tally
                .state()
                .steps
                .iter()
                .all(|(_, s)| s.status.is_complete())
        );
        let never = fold(&[(0, started()), (10, verified("a"))]);
        assert_eq!(never.completed_at(), None);
    }

    #[test]
    fn a_crashed_session_without_an_end_still_does_not_bridge_into_the_next() {
        let tally = fold(&[(0, started()), (60, entered("a")), (9000, started())]);
        assert_eq!(tally.active_seconds(), 60);
    }

    #[test]
    fn a_clock_that_goes_backwards_adds_no_time_and_keeps_the_extremes() {
        let tally = fold(&[(100, started()), (40, entered("a")), (70, failed("a"))]);
        assert_eq!(tally.active_seconds(), 30);
        assert_eq!(tally.started(), at(40));
        assert_eq!(tally.last_activity(), at(100));
    }

    #[test]
    fn time_to_complete_runs_from_the_first_entry_to_the_completing_event() {
        let tally = fold(&[
            (0, started()),
            (10, entered("a")),
            (20, entered("b")),
            (25, entered("a")),
            (70, verified("a")),
            // Verified again later: the first completion stands.
            (500, verified("a")),
        ]);
        assert_eq!(tally.step_of("a").seconds_to_complete(), Some(60));
        assert_eq!(tally.step_of("b").seconds_to_complete(), None);
    }

    #[test]
    fn a_reset_restarts_the_clock_of_a_step_but_keeps_its_struggle() {
        let tally = fold(&[
            (0, started()),
            (10, entered("a")),
            (20, failed("a")),
            (
                30,
                Event::HintShown {
                    step: "a".into(),
                    hint: 1,
                },
            ),
            (40, verified("a")),
            (100, Event::StepReset { step: "a".into() }),
            (200, entered("a")),
            (260, verified("a")),
        ]);
        let a = tally.step_of("a");
        assert_eq!(a.seconds_to_complete(), Some(60));
        assert_eq!((a.failed_attempts, a.hints), (1, 1));
        assert_eq!(tally.hints(), 1);
        assert_eq!(tally.state().status("a"), StepStatus::Verified);
        assert_eq!(tally.step_of("a").completed, Some(at(260).as_millisecond()));
    }

    #[test]
    fn a_lesson_reset_clears_every_completion() {
        let tally = fold(&[
            (0, started()),
            (10, entered("a")),
            (20, verified("a")),
            (30, Event::LessonReset),
        ]);
        let a = tally.step_of("a");
        assert_eq!((a.entered, a.completed), (None, None));
        assert_eq!(tally.state().status("a"), StepStatus::Pending);
    }

    #[test]
    fn variable_values_are_never_kept() {
        let tally = fold(&[
            (0, started()),
            (
                1,
                Event::VarSet {
                    name: "token".into(),
                    value: "hunter2".into(),
                },
            ),
        ]);
        assert!(tally.state().vars.is_empty());
        assert!(!format!("{:?}", tally.tally).contains("hunter2"));
    }
}
