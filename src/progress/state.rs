//! The state of a learner's lesson, derived from the log by folding its events in order.
//!
//! [`LessonState::apply`] is pure: replaying any prefix of a log gives the state that was
//! live when its last event was written. The engine resumes from it; reports aggregate it.

use serde::Serialize;

use super::event::Event;

/// Where a step stands. Reports keep verified and self-reported apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Nothing done yet (or reset).
    #[default]
    Pending,
    /// The last check failed and the step is not yet verified.
    Failed,
    /// Every check passed without the solution being shown.
    Verified,
    /// Every check passed after the solution was shown or run.
    Solved,
    /// No checks; the learner said it is done.
    Confirmed,
    /// The learner skipped it.
    Skipped,
}

impl StepStatus {
    /// Done in a way that counts toward completing the lesson.
    pub fn is_complete(self) -> bool {
        matches!(self, Self::Verified | Self::Solved | Self::Confirmed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Verified => "verified",
            Self::Solved => "solved",
            Self::Confirmed => "confirmed",
            Self::Skipped => "skipped",
        }
    }
}

/// One step's derived state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StepState {
    pub status: StepStatus,
    /// Hints revealed since the last reset.
    pub hints_shown: u32,
    pub solution_shown: bool,
    /// Failed checks since the last reset.
    pub failed_checks: u32,
    /// How many times the step's checks ran since the last reset (the highest `attempt`).
    pub attempts: u32,
}

/// A learner's lesson, as far as the log tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LessonState {
    /// Step ids in lesson order, with their state. Steps first seen in events but not in
    /// the latest `session_started` list are kept at the end.
    pub steps: Vec<(String, StepState)>,
    /// The step the learner was last in.
    pub current: Option<String>,
    /// Saved answers (non-secret variables), in the order they were set.
    pub vars: Vec<(String, String)>,
    pub title: Option<String>,
    pub lesson_hash: Option<String>,
    /// The version of the lesson (its hash) whose commands the learner allowed to run.
    pub consented: Option<String>,
    /// A session started since the lesson was last reset: the lesson's setup has run.
    pub started: bool,
}

impl LessonState {
    pub fn step(&self, id: &str) -> Option<&StepState> {
        self.steps
            .iter()
            .find(|(step, _)| step == id)
            .map(|(_, state)| state)
    }

    fn step_mut(&mut self, id: &str) -> &mut StepState {
        let index = match self.steps.iter().position(|(step, _)| step == id) {
            Some(index) => index,
            None => {
                self.steps.push((id.to_owned(), StepState::default()));
                self.steps.len() - 1
            }
        };
        &mut self.steps[index].1
    }

    pub fn status(&self, id: &str) -> StepStatus {
        self.step(id)
            .map_or(StepStatus::Pending, |state| state.status)
    }

    /// Every step of the lesson complete.
    pub fn is_complete(&self) -> bool {
        !self.steps.is_empty()
            && self
                .steps
                .iter()
                .all(|(_, state)| state.status.is_complete())
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }

    /// Folds all `events` into a fresh state.
    pub fn from_events<'e>(events: impl IntoIterator<Item = &'e Event>) -> Self {
        let mut state = Self::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// Applies one event.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::SessionStarted {
                title,
                lesson_hash,
                steps,
            } => {
                self.started = true;
                self.title = Some(title.clone());
                self.lesson_hash = Some(lesson_hash.clone());
                let mut ordered: Vec<(String, StepState)> = steps
                    .iter()
                    .map(|id| (id.clone(), self.step(id).cloned().unwrap_or_default()))
                    .collect();
                ordered.extend(self.steps.drain(..).filter(|(id, _)| !steps.contains(id)));
                self.steps = ordered;
            }
            Event::StepEntered { step } => {
                self.step_mut(step);
                self.current = Some(step.clone());
            }
            Event::CheckPassed { step, attempt, .. } => {
                let state = self.step_mut(step);
                state.attempts = state.attempts.max(*attempt);
            }
            Event::CheckFailed { step, attempt, .. } => {
                let state = self.step_mut(step);
                state.attempts = state.attempts.max(*attempt);
                state.failed_checks += 1;
                if !state.status.is_complete() {
                    state.status = StepStatus::Failed;
                }
            }
            Event::StepVerified { step } => {
                let state = self.step_mut(step);
                // Verified without help stays so when checked again after a look at the
                // solution: the first pass was the learner's own.
                state.status = if state.solution_shown && state.status != StepStatus::Verified {
                    StepStatus::Solved
                } else {
                    StepStatus::Verified
                };
            }
            Event::StepConfirmed { step } => {
                let state = self.step_mut(step);
                if !matches!(state.status, StepStatus::Verified | StepStatus::Solved) {
                    state.status = StepStatus::Confirmed;
                }
            }
            Event::StepSkipped { step } => {
                let state = self.step_mut(step);
                if !state.status.is_complete() {
                    state.status = StepStatus::Skipped;
                }
            }
            Event::HintShown { step, .. } => self.step_mut(step).hints_shown += 1,
            Event::SolutionShown { step } => self.step_mut(step).solution_shown = true,
            Event::VarSet { name, value } => {
                match self.vars.iter_mut().find(|(known, _)| known == name) {
                    Some((_, old)) => old.clone_from(value),
                    None => self.vars.push((name.clone(), value.clone())),
                }
            }
            Event::StepReset { step } => {
                *self.step_mut(step) = StepState::default();
                // The step to do again is where the learner stands now.
                self.current = Some(step.clone());
            }
            Event::ConsentGiven { lesson_hash } => self.consented = Some(lesson_hash.clone()),
            Event::LessonReset => {
                for (_, state) in &mut self.steps {
                    *state = StepState::default();
                }
                self.vars.clear();
                self.current = None;
                self.started = false;
            }
            Event::SessionEnded { .. }
            | Event::BlockRan { .. }
            | Event::QuizAnswered { .. }
            | Event::Unknown => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str) -> String {
        id.to_owned()
    }

    fn started(steps: &[&str]) -> Event {
        Event::SessionStarted {
            title: "T".into(),
            lesson_hash: "h".into(),
            steps: steps.iter().map(|s| step(s)).collect(),
        }
    }

    fn failed(id: &str) -> Event {
        Event::CheckFailed {
            step: step(id),
            attempt: 1,
            reason: "no".into(),
            evidence: Default::default(),
        }
    }

    #[test]
    fn statuses_follow_the_rules() {
        let events = [
            started(&["a", "b", "c", "d", "e", "f"]),
            failed("a"),
            Event::StepVerified { step: step("a") },
            Event::SolutionShown { step: step("b") },
            Event::StepVerified { step: step("b") },
            Event::StepConfirmed { step: step("c") },
            Event::StepSkipped { step: step("d") },
            failed("e"),
        ];
        let state = LessonState::from_events(&events);
        let statuses: Vec<_> = state
            .steps
            .iter()
            .map(|(id, s)| (id.as_str(), s.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("a", StepStatus::Verified),
                ("b", StepStatus::Solved),
                ("c", StepStatus::Confirmed),
                ("d", StepStatus::Skipped),
                ("e", StepStatus::Failed),
                ("f", StepStatus::Pending),
            ]
        );
        assert!(!state.is_complete());
    }

    #[test]
    fn a_step_verified_unaided_stays_verified_when_checked_again_after_its_solution() {
        let state = LessonState::from_events(&[
            started(&["a", "b"]),
            Event::StepVerified { step: step("a") },
            Event::SolutionShown { step: step("a") },
            Event::StepVerified { step: step("a") },
            // Solved, then checked again: still solved.
            Event::SolutionShown { step: step("b") },
            Event::StepVerified { step: step("b") },
            Event::StepVerified { step: step("b") },
        ]);
        assert_eq!(state.status("a"), StepStatus::Verified);
        assert_eq!(state.status("b"), StepStatus::Solved);
    }

    #[test]
    fn a_failed_check_after_verification_keeps_the_step_verified() {
        let state = LessonState::from_events(&[
            started(&["a"]),
            Event::StepVerified { step: step("a") },
            failed("a"),
        ]);
        assert_eq!(state.status("a"), StepStatus::Verified);
        assert_eq!(state.step("a").map(|s| s.failed_checks), Some(1));
        assert!(state.is_complete());
    }

    #[test]
    fn resets_return_steps_to_pending() {
        let mut state = LessonState::from_events(&[
            started(&["a", "b"]),
            Event::SolutionShown { step: step("a") },
            Event::StepVerified { step: step("a") },
            Event::StepVerified { step: step("b") },
            Event::VarSet {
                name: "x".into(),
                value: "1".into(),
            },
        ]);
        state.apply(&Event::StepReset { step: step("a") });
        assert_eq!(state.status("a"), StepStatus::Pending);
        assert!(
            !state.step("a").is_some_and(|s| s.solution_shown),
            "a reset forgets the solution"
        );
        assert_eq!(state.status("b"), StepStatus::Verified);
        assert_eq!(state.var("x"), Some("1"));
        state.apply(&Event::LessonReset);
        assert_eq!(state.status("b"), StepStatus::Pending);
        assert_eq!(state.var("x"), None);
    }

    #[test]
    fn resume_point_and_answers_are_remembered() {
        let state = LessonState::from_events(&[
            started(&["a", "b"]),
            Event::StepEntered { step: step("a") },
            Event::VarSet {
                name: "region".into(),
                value: "us-south".into(),
            },
            Event::StepEntered { step: step("b") },
            Event::VarSet {
                name: "region".into(),
                value: "eu-de".into(),
            },
        ]);
        assert_eq!(state.current.as_deref(), Some("b"));
        assert_eq!(state.var("region"), Some("eu-de"));
    }

    #[test]
    fn a_new_lesson_version_reorders_steps_and_keeps_old_ones() {
        let state = LessonState::from_events(&[
            started(&["a", "old"]),
            Event::StepVerified { step: step("old") },
            started(&["new", "a"]),
        ]);
        let ids: Vec<_> = state.steps.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["new", "a", "old"]);
        assert_eq!(state.status("old"), StepStatus::Verified);
    }
}
