//! Every learner of every lesson, folded record by record, then summed up per step.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use std::path::Path;

use crate::progress::{Event, LogScan, Record, StepStatus};

use super::filter::Filter;
use super::step_ids::StepIds;
use super::summary::{LearnerRow, LearnerStep, LessonInfo, Provenance, StepStats, Summary, median};
use super::tally::LearnerTally;

/// The fold of a whole report: feed it records in log order, then [`finish`](Self::finish).
///
/// Records of one learner and lesson must come in the order they were written; records of
/// different learners may interleave freely (they are keyed by the record's own `learner`
/// and `lesson`, not by the file they came from).
#[derive(Debug, Default)]
pub struct Aggregate {
    filter: Filter,
    lessons: HashMap<String, LessonTally>,
}

#[derive(Debug, Clone, Default)]
struct LessonTally {
    /// From the newest `session_started`: its time, the title and the step ids.
    announced: Option<(Timestamp, String, Vec<String>)>,
    /// Every step id any event of the lesson named.
    ids: StepIds,
    learners: HashMap<String, LearnerTally>,
}

impl Aggregate {
    pub fn new(filter: Filter) -> Self {
        Self {
            filter,
            lessons: HashMap::new(),
        }
    }

    /// Adds what one log file's chain says to the learner it belongs to, in the lessons its
    /// events were about.
    pub fn checked_log(&mut self, path: &Path, scan: &LogScan, lessons: &[String]) {
        let Some(owner) = &scan.owner else {
            return;
        };
        let broken_at = scan
            .chain
            .broken()
            .map(|bad| format!("{} line {}: {}", path.display(), bad.line, bad.why));
        for lesson in lessons {
            if let Some(tally) = self
                .lessons
                .get_mut(lesson)
                .and_then(|lesson| lesson.learners.get_mut(owner))
            {
                tally
                    .trust
                    .add_log(scan.chain.integrity(), broken_at.clone());
            }
        }
    }

    /// What a class server knows of an event just folded: where it came from, and its chain
    /// (`broken` says how the chain broke at it). The learner's evidence is the weakest of
    /// their events', their integrity the worst.
    pub fn received(
        &mut self,
        learner: &str,
        lesson: &str,
        evidence: Provenance,
        integrity: crate::progress::Integrity,
        broken: Option<String>,
    ) {
        if let Some(tally) = self
            .lessons
            .get_mut(lesson)
            .and_then(|lesson| lesson.learners.get_mut(learner))
        {
            if tally.trust.evidence == Provenance::Local || evidence > tally.trust.evidence {
                tally.trust.evidence = evidence;
            }
            tally.trust.add_log(integrity, broken);
        }
    }

    /// The report of what the filter keeps, leaving the aggregate as it is (a class server
    /// keeps folding events into it).
    pub fn summary(&self, filter: &Filter) -> Summary {
        let mut kept = Aggregate {
            filter: filter.clone(),
            lessons: HashMap::new(),
        };
        for (id, lesson) in &self.lessons {
            if !filter.keeps_lesson(id) {
                continue;
            }
            let learners = lesson
                .learners
                .iter()
                .filter(|(name, _)| filter.keeps_learner(name))
                .map(|(name, tally)| (name.clone(), tally.clone()))
                .collect();
            kept.lessons.insert(
                id.clone(),
                LessonTally {
                    announced: lesson.announced.clone(),
                    ids: lesson.ids.clone(),
                    learners,
                },
            );
        }
        kept.finish()
    }

    /// Folds one record; records of lessons or learners the filter leaves out are dropped.
    pub fn record(&mut self, record: Record) {
        if !self.filter.keeps_lesson(&record.lesson) || !self.filter.keeps_learner(&record.learner)
        {
            return;
        }
        let lesson = self.lessons.entry(record.lesson).or_default();
        if let Event::SessionStarted { title, steps, .. } = &record.event {
            let newer = lesson
                .announced
                .as_ref()
                .is_none_or(|(seen, _, _)| record.ts >= *seen);
            if newer {
                lesson.announced = Some((record.ts, title.clone(), steps.clone()));
            }
        }
        let step = record.event.step().map(|id| lesson.ids.intern(id));
        lesson
            .learners
            .entry(record.learner)
            .or_insert_with(|| LearnerTally::new(record.ts))
            .apply(record.ts, &record.event, step);
    }

    /// Adds what `later` read from files that come after this one's, when no learner's
    /// lesson is in both; otherwise leaves `self` as it was and gives `later` back, as the two
    /// could only be combined by reading that learner's events again, in order.
    pub fn merge(&mut self, later: Aggregate) -> Result<(), Box<Aggregate>> {
        let shared = later.lessons.iter().any(|(id, lesson)| {
            self.lessons.get(id).is_some_and(|mine| {
                lesson
                    .learners
                    .keys()
                    .any(|learner| mine.learners.contains_key(learner))
            })
        });
        if shared {
            return Err(Box::new(later));
        }
        for (id, lesson) in later.lessons {
            let mine = self.lessons.entry(id).or_default();
            let newer = match (&mine.announced, &lesson.announced) {
                (_, None) => false,
                (None, Some(_)) => true,
                // A tie goes to the later files, as when read in one pass.
                (Some((seen, _, _)), Some((ts, _, _))) => ts >= seen,
            };
            if newer {
                mine.announced = lesson.announced;
            }
            let mapping: Vec<usize> = (0..)
                .map_while(|index| lesson.ids.name(index))
                .map(|name| mine.ids.intern(name))
                .collect();
            for (learner, mut tally) in lesson.learners {
                tally.renumber(&mapping);
                mine.learners.insert(learner, tally);
            }
        }
        Ok(())
    }

    /// The report: lessons by id, learners by lesson and name. A lesson none of whose
    /// learners passes `--since` is left out.
    pub fn finish(self) -> Summary {
        let mut summary = Summary {
            format: super::summary::FORMAT,
            lessons: Vec::new(),
            learners: Vec::new(),
            steps: Vec::new(),
        };
        let mut lessons: Vec<_> = self.lessons.into_iter().collect();
        lessons.sort_by(|a, b| a.0.cmp(&b.0));
        for (id, mut lesson) in lessons {
            let mut learners: Vec<_> = lesson
                .learners
                .into_iter()
                .filter(|(_, tally)| self.filter.keeps_activity(tally.last_activity()))
                .collect();
            if learners.is_empty() {
                continue;
            }
            learners.sort_by(|a, b| a.0.cmp(&b.0));
            let (title, steps) = match lesson.announced {
                Some((_, title, steps)) => (title, steps),
                None => (id.clone(), steps_seen(&learners)),
            };
            let indexes: Vec<usize> = steps.iter().map(|step| lesson.ids.intern(step)).collect();
            let first_row = summary.learners.len();
            // Each tally is dropped as its row is made, so the two never all live at once.
            for (name, tally) in learners {
                let row = learner_row(&id, name, &tally, &lesson.ids, &indexes);
                summary.learners.push(row);
            }
            let rows = &summary.learners[first_row..];
            summary.steps.extend(
                steps
                    .iter()
                    .enumerate()
                    .map(|(index, step)| step_stats(&id, step, index, rows)),
            );
            summary.lessons.push(LessonInfo { id, title, steps });
        }
        summary
    }
}

/// The steps of a lesson no log announced (its `session_started` lines were lost): every
/// step any learner's events name, in the order first seen.
fn steps_seen(learners: &[(String, LearnerTally)]) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    for (_, tally) in learners {
        for (id, _) in &tally.state().steps {
            if !steps.contains(id) {
                steps.push(id.clone());
            }
        }
    }
    steps
}

/// One learner's row over the lesson's steps (`indexes` into `ids`, in lesson order).
fn learner_row(
    lesson: &str,
    learner: String,
    tally: &LearnerTally,
    ids: &StepIds,
    indexes: &[usize],
) -> LearnerRow {
    // The state's steps, by step index: one pass instead of a search per lesson step.
    let mut statuses = vec![StepStatus::Pending; indexes.iter().max().map_or(0, |max| max + 1)];
    for (id, state) in &tally.state().steps {
        if let Some(slot) = ids.get(id).and_then(|index| statuses.get_mut(index)) {
            *slot = state.status;
        }
    }
    let steps: Vec<LearnerStep> = indexes
        .iter()
        .map(|&index| {
            let status = statuses[index];
            let step = tally.step(index);
            LearnerStep {
                id: ids.name(index).map_or_else(|| Arc::from(""), Arc::clone),
                status,
                failed_attempts: step.failed_attempts,
                hints: step.hints,
                seconds: if status.is_complete() {
                    step.seconds_to_complete()
                } else {
                    None
                },
            }
        })
        .collect();
    let count = |wanted: &[StepStatus]| {
        steps
            .iter()
            .filter(|step| wanted.contains(&step.status))
            .count()
    };
    LearnerRow {
        learner,
        lesson: lesson.to_owned(),
        complete: !steps.is_empty() && steps.iter().all(|step| step.status.is_complete()),
        verified: count(&[StepStatus::Verified, StepStatus::Solved]),
        self_reported: count(&[StepStatus::Confirmed]),
        skipped: count(&[StepStatus::Skipped]),
        steps: super::summary::Steps(steps),
        started: tally.started(),
        last_activity: tally.last_activity(),
        completed_at: tally.completed_at(),
        active_seconds: tally.active_seconds(),
        hints: tally.hints(),
        integrity: tally.trust.integrity,
        broken_at: tally.trust.broken_at.clone(),
        evidence: tally.trust.evidence,
        lesson_hash: tally.trust.lesson_hash.clone(),
        lesson_matches: None,
    }
}

fn step_stats(lesson: &str, step: &str, index: usize, rows: &[LearnerRow]) -> StepStats {
    let mut stats = StepStats {
        lesson: lesson.to_owned(),
        step: step.to_owned(),
        learners: rows.len(),
        completed: 0,
        median_seconds: None,
        failed_attempts: 0,
        hints: 0,
        stuck: 0,
        skipped: 0,
    };
    let mut seconds = Vec::new();
    for row in rows {
        let learner = &row.steps[index];
        stats.failed_attempts += learner.failed_attempts;
        stats.hints += learner.hints;
        match learner.status {
            status if status.is_complete() => {
                stats.completed += 1;
                seconds.extend(learner.seconds);
            }
            StepStatus::Failed => stats.stuck += 1,
            StepStatus::Skipped => stats.skipped += 1,
            _ => {}
        }
    }
    stats.median_seconds = median(&mut seconds);
    stats
}

#[cfg(test)]
mod tests;
