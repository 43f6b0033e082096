//! What a report says, whatever its format; `--format json` prints it as is.
//!
//! ```json
//! {"format":1,
//!  "lessons":[{"id":"welcome","title":"Welcome","steps":["hello","workspace"]}],
//!  "learners":[{"learner":"ada","lesson":"welcome","complete":false,
//!               "steps":{"hello":"verified","workspace":"failed"},
//!               "verified":1,"self_reported":0,"skipped":0,
//!               "started":"2026-11-26T09:00:00Z","last_activity":"2026-11-26T09:12:40Z",
//!               "active_seconds":760,"hints":1,"integrity":"ok","evidence":"local"}],
//!  "steps":[{"lesson":"welcome","step":"hello","learners":1,"completed":1,"median_seconds":42,
//!            "failed_attempts":0,"hints":0,"stuck":0,"skipped":0}]}
//! ```

use std::sync::Arc;

use jiff::Timestamp;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::progress::{Integrity, StepStatus};

/// The version of the JSON report, in its `format` field.
pub const FORMAT: u32 = 1;

/// A whole report: lessons by id, learners by lesson then name, steps in lesson order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The report format version ([`FORMAT`]).
    pub format: u32,
    /// Every lesson with at least one learner in the report.
    pub lessons: Vec<LessonInfo>,
    /// One row per learner and lesson.
    pub learners: Vec<LearnerRow>,
    /// One row per lesson step: where learners struggle.
    pub steps: Vec<StepStats>,
}

/// A lesson, as its newest `session_started` event describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonInfo {
    /// The lesson id.
    pub id: String,
    /// The lesson title (the id when no log says).
    pub title: String,
    /// The step ids, in lesson order.
    pub steps: Vec<String>,
}

/// One learner in one lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Read through a struct without `flatten`, which would make serde hold every row whole
// before reading it (a report from a class server holds ten thousand).
#[serde(from = "LearnerRowWire")]
pub struct LearnerRow {
    /// The learner's name.
    pub learner: String,
    /// The lesson id.
    pub lesson: String,
    /// Every step of the lesson verified, solved or confirmed.
    pub complete: bool,
    /// Each step, in lesson order: in JSON, `"steps": {"STEP": "STATUS"}` and
    /// `"step_figures": {"STEP": {"failed_attempts", "hints", "seconds"}}` for the steps with
    /// a failed check, a hint or a time (the others have none of them).
    #[serde(flatten)]
    pub steps: Steps,
    /// Steps whose checks passed: verified or solved.
    pub verified: usize,
    /// Steps the learner confirmed without checks.
    pub self_reported: usize,
    /// Steps skipped.
    pub skipped: usize,
    /// The learner's first event in this lesson.
    pub started: Timestamp,
    /// The learner's latest event in this lesson.
    pub last_activity: Timestamp,
    /// When the learner first completed the lesson, kept after a later reset or `--restart`
    /// (so `complete` can be false while this is set); absent if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// Time spent, from gaps between events (see the `report` module).
    pub active_seconds: u64,
    /// Hints revealed, every step, resets included.
    pub hints: u32,
    /// What the chain of the learner's log says: `ok`, `broken`, `unchained`.
    pub integrity: Integrity,
    /// Where the chain first breaks, when it does: `FILE line N: how`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<String>,
    /// Where the events came from.
    pub evidence: Provenance,
    /// The `lesson_hash` of the learner's newest session: which version of the lesson ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson_hash: Option<String>,
    /// Whether the learner's newest session ran the lesson the report was given
    /// (`--lesson-file`); absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson_matches: Option<bool>,
}

impl LearnerRow {
    /// Whether the row's completion cannot be taken as it stands: its log was edited, or
    /// the learner ran another version of the lesson than the one the report was given.
    pub fn is_doubtful(&self) -> bool {
        self.integrity == Integrity::Broken || self.lesson_matches == Some(false)
    }

    /// Why a doubtful row is doubtful, in a sentence; `None` for a row that is not.
    pub fn doubt(&self) -> Option<String> {
        let mut reasons = Vec::new();
        if self.integrity == Integrity::Broken {
            reasons.push(match &self.broken_at {
                Some(at) => format!("the log was edited ({at})"),
                None => "the log was edited".to_owned(),
            });
        }
        if self.lesson_matches == Some(false) {
            reasons.push("the newest session ran another version of the lesson".to_owned());
        }
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }

    /// Complete, and nothing casts a doubt on it.
    pub fn is_complete_and_sound(&self) -> bool {
        self.complete && !self.is_doubtful()
    }
}

/// Where a learner's events came from, from the strongest proof to the weakest.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Received by the class server while the session ran.
    Live,
    /// Received by the class server after the session (`labrun sync`).
    Late,
    /// Imported by the instructor from collected log files.
    Imported,
    /// Read from log files by this report.
    #[default]
    Local,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Late => "late",
            Self::Imported => "imported",
            Self::Local => "local",
        }
    }
}

/// One step of one learner. JSON shows only the status; the other figures feed the CSV
/// and HTML formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerStep {
    /// The step id, shared by every learner's row.
    pub id: Arc<str>,
    pub status: StepStatus,
    /// `check_failed` events, resets included.
    pub failed_attempts: u32,
    /// `hint_shown` events, resets included.
    pub hints: u32,
    /// From entering the step to completing it, when it is complete.
    pub seconds: Option<u64>,
}

/// A learner's steps in lesson order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Steps(pub Vec<LearnerStep>);

impl<'a> IntoIterator for &'a Steps {
    type Item = &'a LearnerStep;
    type IntoIter = std::slice::Iter<'a, LearnerStep>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl std::ops::Deref for Steps {
    type Target = Vec<LearnerStep>;

    fn deref(&self) -> &Vec<LearnerStep> {
        &self.0
    }
}

/// `{"STEP": VALUE, ...}` in the order written.
struct Ordered<T>(Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of step ids")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered<T>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// A [`LearnerRow`] as JSON has it.
#[derive(Deserialize)]
struct LearnerRowWire {
    learner: String,
    lesson: String,
    complete: bool,
    steps: Ordered<StepStatus>,
    #[serde(default)]
    step_figures: Option<Ordered<Figures>>,
    verified: usize,
    self_reported: usize,
    skipped: usize,
    started: Timestamp,
    last_activity: Timestamp,
    #[serde(default)]
    completed_at: Option<Timestamp>,
    active_seconds: u64,
    hints: u32,
    #[serde(default)]
    integrity: Integrity,
    #[serde(default)]
    broken_at: Option<String>,
    #[serde(default)]
    evidence: Provenance,
    #[serde(default)]
    lesson_hash: Option<String>,
    #[serde(default)]
    lesson_matches: Option<bool>,
}

impl From<LearnerRowWire> for LearnerRow {
    fn from(wire: LearnerRowWire) -> Self {
        let figures: std::collections::HashMap<String, Figures> = wire
            .step_figures
            .map(|ordered| ordered.0.into_iter().collect())
            .unwrap_or_default();
        let steps = wire
            .steps
            .0
            .into_iter()
            .map(|(id, status)| {
                let figures = figures.get(&id);
                LearnerStep {
                    failed_attempts: figures.map_or(0, |f| f.failed_attempts),
                    hints: figures.map_or(0, |f| f.hints),
                    seconds: figures.and_then(|f| f.seconds),
                    id: Arc::from(id),
                    status,
                }
            })
            .collect();
        Self {
            learner: wire.learner,
            lesson: wire.lesson,
            complete: wire.complete,
            steps: Steps(steps),
            verified: wire.verified,
            self_reported: wire.self_reported,
            skipped: wire.skipped,
            started: wire.started,
            last_activity: wire.last_activity,
            completed_at: wire.completed_at,
            active_seconds: wire.active_seconds,
            hints: wire.hints,
            integrity: wire.integrity,
            broken_at: wire.broken_at,
            evidence: wire.evidence,
            lesson_hash: wire.lesson_hash,
            lesson_matches: wire.lesson_matches,
        }
    }
}

/// A step's figures, as JSON has them beside its status.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Figures {
    failed_attempts: u32,
    hints: u32,
    seconds: Option<u64>,
}

impl Serialize for Steps {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Statuses<'a>(&'a [LearnerStep]);
        impl Serialize for Statuses<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for step in self.0 {
                    map.serialize_entry(&*step.id, &step.status)?;
                }
                map.end()
            }
        }
        struct AllFigures<'a>(&'a [LearnerStep]);
        impl Serialize for AllFigures<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // A step with nothing to tell (no failure, no hint, not done) is left out.
                let told = self.0.iter().filter(|step| {
                    step.failed_attempts > 0 || step.hints > 0 || step.seconds.is_some()
                });
                let mut map = serializer.serialize_map(None)?;
                for step in told {
                    let figures = Figures {
                        failed_attempts: step.failed_attempts,
                        hints: step.hints,
                        seconds: step.seconds,
                    };
                    map.serialize_entry(&*step.id, &figures)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("steps", &Statuses(&self.0))?;
        map.serialize_entry("step_figures", &AllFigures(&self.0))?;
        map.end()
    }
}

/// One step of one lesson, over every learner in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepStats {
    /// The lesson id.
    pub lesson: String,
    /// The step id.
    pub step: String,
    /// Learners of the lesson in the report.
    pub learners: usize,
    /// Learners who completed the step (verified, solved or confirmed).
    pub completed: usize,
    /// Median seconds from entering the step to completing it, over those learners;
    /// null when nobody completed it after entering it.
    pub median_seconds: Option<u64>,
    /// `check_failed` events, every learner, resets included.
    pub failed_attempts: u32,
    /// `hint_shown` events, every learner, resets included.
    pub hints: u32,
    /// Learners whose last check of the step failed: stuck there now.
    pub stuck: usize,
    /// Learners who skipped the step.
    pub skipped: usize,
}

impl Summary {
    /// Flags the learners of lesson `id` whose newest session ran another version of it
    /// than the one whose hash is `hash` (`--lesson-file`).
    pub fn expect_lesson(&mut self, id: &str, hash: &str) {
        for row in self.learners.iter_mut().filter(|row| row.lesson == id) {
            row.lesson_matches = Some(row.lesson_hash.as_deref() == Some(hash));
        }
    }

    /// The learners who have not completed their lesson, in report order.
    pub fn incomplete(&self) -> impl Iterator<Item = &LearnerRow> {
        self.learners.iter().filter(|row| !row.complete)
    }

    /// The learners of one lesson.
    pub fn learners_of<'s>(&'s self, lesson: &'s str) -> impl Iterator<Item = &'s LearnerRow> {
        self.learners.iter().filter(move |row| row.lesson == lesson)
    }

    /// The step figures of one lesson, in lesson order.
    pub fn steps_of<'s>(&'s self, lesson: &'s str) -> impl Iterator<Item = &'s StepStats> {
        self.steps
            .iter()
            .filter(move |stats| stats.lesson == lesson)
    }

    /// The latest event of any learner: what the report is up to date with.
    pub fn last_activity(&self) -> Option<Timestamp> {
        self.learners.iter().map(|row| row.last_activity).max()
    }
}

impl LearnerRow {
    /// Steps verified, solved or confirmed.
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.status.is_complete()).count()
    }
}

/// The median of `values` (sorted in place), halves rounded up; `None` when empty.
pub(crate) fn median(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        Some(values[middle])
    } else {
        Some((values[middle - 1] + values[middle]).div_ceil(2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_takes_the_middle_or_the_rounded_up_mean_of_the_two_middles() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [30, 10, 20]), Some(20));
        assert_eq!(median(&mut [10, 13]), Some(12));
        assert_eq!(median(&mut [40, 10, 20, 30]), Some(25));
    }

    #[test]
    fn learner_steps_serialize_as_a_map_in_lesson_order() {
        let step = |id: &str, status| LearnerStep {
            id: id.into(),
            status,
            failed_attempts: 3,
            hints: 1,
            seconds: None,
        };
        let row = LearnerRow {
            learner: "ada".into(),
            lesson: "welcome".into(),
            complete: false,
            steps: Steps(vec![
                step("zeta", StepStatus::Verified),
                step("alpha", StepStatus::Failed),
            ]),
            verified: 1,
            self_reported: 0,
            skipped: 0,
            started: Timestamp::UNIX_EPOCH,
            last_activity: Timestamp::UNIX_EPOCH,
            completed_at: None,
            active_seconds: 0,
            hints: 1,
            integrity: Integrity::Ok,
            broken_at: None,
            evidence: Provenance::Local,
            lesson_hash: None,
            lesson_matches: None,
        };
        let json = serde_json::to_string(&row).unwrap();
        assert!(
            json.contains(r#""steps":{"zeta":"verified","alpha":"failed"}"#),
            "{json}"
        );
        // A class server's report reads back as the row it was, figures included.
        let read: LearnerRow = serde_json::from_str(&json).unwrap();
        assert_eq!(read, row);
    }
}
