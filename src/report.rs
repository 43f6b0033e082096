//! Reports: who finished what, from progress logs alone (no lesson file needed).
//!
//! [`scan()`] streams every log line through [`Aggregate`], which keeps one [`LearnerTally`]
//! per learner and lesson (the [`LessonState`](crate::progress::LessonState) that decides
//! each step's status, plus a few counters per step) and never the events themselves, so
//! memory grows with learners × steps, not with the size of the logs.
//! [`Aggregate::finish`] turns the tallies into a [`Summary`], which every output format
//! renders.
//!
//! The figures, defined once:
//!
//! - a step's **status** is [`LessonState`](crate::progress::LessonState)'s: `verified`,
//!   `solved` (verified after the solution was shown), `confirmed`, `skipped`, `failed` (the
//!   last check failed and the step is not verified), `pending`; `step_reset` and
//!   `lesson_reset` send steps back to `pending`;
//! - a learner has **completed** a lesson when every step of it is verified, solved or
//!   confirmed. The lesson's steps are those of its newest `session_started` event among the
//!   logs read: a learner whose log predates a new step has not done it;
//! - **active time** is the sum of the gaps between consecutive events of one session, each
//!   gap capped at [`ACTIVE_GAP_CAP_SECONDS`]: the time between a `session_ended` and the
//!   next `session_started` is not counted, and a learner who left a session open over
//!   lunch is credited five minutes, not an hour;
//! - a step's **time to complete** runs from its first `step_entered` (since it was last
//!   reset) to the event that completed it; a step's `median_seconds` is the median of that
//!   over the learners who completed it, rounded to the second;
//! - **hints** and **failed attempts** count every `hint_shown` and `check_failed` in the
//!   log, resets included: a reset does not undo the struggle an instructor wants to see.
//!
//! `var_set` events are never folded, so a report cannot print a variable's value.

mod aggregate;
mod filter;
pub mod format;
mod scan;
mod step_ids;
mod summary;
mod tally;

pub use aggregate::Aggregate;
pub use filter::{Filter, parse_since};
pub use scan::{FileWarnings, log_files, scan};
pub use summary::{
    FORMAT, LearnerRow, LearnerStep, LessonInfo, Provenance, StepStats, Steps, Summary,
};
pub use tally::{ACTIVE_GAP_CAP_SECONDS, LearnerTally, StepTally, Trust};
