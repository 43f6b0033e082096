//! Progress: the append-only log of what a learner did, and the state derived from it.
//!
//! One JSON Lines file per learner and lesson. Lines are only ever appended, each written
//! durably (flush + fsync) before labrun goes on, so a crash loses at most the line being
//! written — and a torn last line is skipped with a warning when the log is read. Each line
//! is chained to the one before it (`chain`), so an edit shows.

mod chain;
mod event;
mod log;
mod sending;
mod state;

pub use chain::{BadLine, Chain, Integrity};
pub use event::{
    EndReason, Event, Evidence, FORMAT_VERSION, MAX_LESSON_ID_BYTES, MAX_REASON_BYTES, Record,
    check_lesson_id, clip_reason,
};
pub use log::{
    LogError, LogScan, MAX_LINE_BYTES, ProgressLog, ReadLog, Warning, default_dir, for_each_record,
    learner_log, log_path, read_log,
};
pub use sending::{Background, ClassServer, SendError, SentBy, sent_path, sent_to};
pub use state::{LessonState, StepState, StepStatus};
