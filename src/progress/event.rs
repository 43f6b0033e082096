//! The progress log's line format (version 1).
//!
//! ```json
//! {"v":1,"seq":7,"prev":"5f1c…","ts":"2026-11-26T19:02:16Z","learner":"ada","lesson":"welcome","event":"check_failed","step":"workspace","attempt":1,"reason":"notes.txt is missing","evidence":{"exit_code":1,"duration_ms":12,"attempts":1}}
//! ```
//!
//! `seq` and `prev` chain the lines (see `chain`); lines written before labrun chained its
//! logs have neither. Readers skip events they do not know (a newer labrun may add some)
//! and lines of a newer format version `v`; a field added to an event after version 1's
//! first release (`evidence`, `reason`, `attempt`) may be missing from an older line, and
//! the event still counts.

use serde::{Deserialize, Serialize};

/// The version written in every line's `v`.
pub const FORMAT_VERSION: u32 = 1;

/// What a block's run leaves as proof: part of the log's schema (a check's events carry it),
/// filled in by the executor and shown in reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The command's exit code, when it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// How long the run took, retries included.
    #[serde(default)]
    pub duration_ms: u64,
    /// The last HTTP status seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// SHA-256 of the last HTTP response body, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    /// How many attempts were made (1 unless polling).
    #[serde(default = "one")]
    pub attempts: u32,
}

fn one() -> u32 {
    1
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The line format version.
    pub v: u32,
    /// The line's position in its file, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// SHA-256 (hex) of the line before, absent on the first line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// When it happened, RFC 3339 in UTC.
    pub ts: jiff::Timestamp,
    /// Who: `--learner`, `LABRUN_LEARNER`, or the OS user.
    pub learner: String,
    /// The lesson id.
    pub lesson: String,
    /// What happened: the `event` field names it, the others depend on it.
    #[serde(flatten)]
    pub event: Event,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Every step is done.
    Completed,
    /// The learner saved and quit (or input ended).
    Quit,
    /// Ctrl-C.
    Interrupted,
    /// labrun stopped on an error.
    Error,
}

/// What happened. Every variant about a step carries its id as `step`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The first event of a session: enough about the lesson that a report needs no file.
    SessionStarted {
        /// The lesson title.
        title: String,
        /// SHA-256 of the lesson's sources, hex: tells a report the lesson changed.
        lesson_hash: String,
        /// The ordered step ids.
        steps: Vec<String>,
    },
    SessionEnded {
        reason: EndReason,
    },
    StepEntered {
        step: String,
    },
    /// A block ran (any role).
    BlockRan {
        step: String,
        /// `run`, `check`, `solve`, `setup`, `cleanup`, or `shown` for a block with no role.
        role: String,
        /// The exit code, when the block is a command that exited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        duration_ms: u64,
    },
    CheckPassed {
        step: String,
        /// Which run of the step's checks this was, counted from 1 since the step was last
        /// reset, across sessions and `labrun check`. The checks of one run share it.
        #[serde(default)]
        attempt: u32,
        #[serde(default)]
        evidence: Evidence,
    },
    CheckFailed {
        step: String,
        /// As in `check_passed`.
        #[serde(default)]
        attempt: u32,
        /// What the learner was shown, secrets masked.
        #[serde(default)]
        reason: String,
        #[serde(default)]
        evidence: Evidence,
    },
    /// Every check of the step passed.
    StepVerified {
        step: String,
    },
    /// A step without checks, confirmed done by the learner.
    StepConfirmed {
        step: String,
    },
    StepSkipped {
        step: String,
    },
    HintShown {
        step: String,
        /// 1-based number of the hint revealed.
        hint: u32,
    },
    SolutionShown {
        step: String,
    },
    QuizAnswered {
        step: String,
        correct: bool,
        /// The answer given (never for a secret).
        answer: String,
    },
    /// A variable got a value. Never written for a secret.
    VarSet {
        name: String,
        value: String,
    },
    /// The step goes back to pending.
    StepReset {
        step: String,
    },
    /// Every step goes back to pending; saved answers are forgotten.
    LessonReset,
    /// The learner allowed the lesson's setup, check and cleanup commands to run, for this
    /// version of the lesson: not asked again until the lesson changes.
    ConsentGiven {
        /// The `lesson_hash` of the lesson agreed to.
        lesson_hash: String,
    },
    /// An event written by a newer labrun: kept out of the way, never fatal.
    #[serde(other)]
    Unknown,
}

impl Event {
    /// The step an event is about, if any.
    pub fn step(&self) -> Option<&str> {
        match self {
            Self::StepEntered { step }
            | Self::BlockRan { step, .. }
            | Self::CheckPassed { step, .. }
            | Self::CheckFailed { step, .. }
            | Self::StepVerified { step }
            | Self::StepConfirmed { step }
            | Self::StepSkipped { step }
            | Self::HintShown { step, .. }
            | Self::SolutionShown { step }
            | Self::QuizAnswered { step, .. }
            | Self::StepReset { step } => Some(step),
            _ => None,
        }
    }
}

/// The most of a failure's reason a log keeps: what a learner reads of a failure, many times
/// over. A log line stays far below [`MAX_LINE_BYTES`](super::MAX_LINE_BYTES) however noisy
/// the check.
pub const MAX_REASON_BYTES: usize = 16 * 1024;

/// The longest lesson id a class server keeps, in bytes.
pub const MAX_LESSON_ID_BYTES: usize = 200;

/// Whether `lesson` can be a lesson's id on a class server: 1 to [`MAX_LESSON_ID_BYTES`]
/// bytes, none of them control characters. The server refuses a line that breaks it, so a
/// learner's sender sends such a line as a stand-in.
pub fn check_lesson_id(lesson: &str) -> Result<(), String> {
    if lesson.is_empty()
        || lesson.len() > MAX_LESSON_ID_BYTES
        || lesson.chars().any(crate::text::is_control)
    {
        return Err(format!(
            "a lesson's id is 1 to {MAX_LESSON_ID_BYTES} bytes, none of them control characters"
        ));
    }
    Ok(())
}

/// `reason` cut to [`MAX_REASON_BYTES`] (between characters), saying so.
pub fn clip_reason(mut reason: String) -> String {
    if reason.len() <= MAX_REASON_BYTES {
        return reason;
    }
    let total = reason.len();
    let mut end = MAX_REASON_BYTES;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason.truncate(end);
    reason.push_str(&format!("\n… (cut: the reason was {total} bytes)"));
    reason
}
