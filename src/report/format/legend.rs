//! How statuses, durations and times read to a person, the same in every human format.

use jiff::Timestamp;

use crate::progress::StepStatus;
use crate::report::{LearnerRow, Provenance};

/// Every status, in the order a legend lists them.
pub(super) const STATUSES: [StepStatus; 6] = [
    StepStatus::Verified,
    StepStatus::Solved,
    StepStatus::Confirmed,
    StepStatus::Skipped,
    StepStatus::Failed,
    StepStatus::Pending,
];

/// One character per status, distinct without colour (for print and `NO_COLOR`).
pub(super) fn symbol(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Verified => "✓",
        StepStatus::Solved => "S",
        StepStatus::Confirmed => "C",
        StepStatus::Skipped => "»",
        StepStatus::Failed => "✗",
        StepStatus::Pending => "·",
    }
}

/// What a status means, for legends.
pub(super) fn meaning(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Verified => "checks passed",
        StepStatus::Solved => "checks passed after the solution was shown",
        StepStatus::Confirmed => "no checks; the learner said done",
        StepStatus::Skipped => "the learner moved on without it",
        StepStatus::Failed => "the last check failed",
        StepStatus::Pending => "not done yet",
    }
}

/// What a report can believe of a learner's row, in a few words: the log's integrity
/// (`ok`, `unchained`, `broken`), `other lesson` when the learner ran another version of
/// the instructor's lesson, and where the events came from when not from local files
/// (`live`, `late`, `imported`).
pub(super) fn trust(row: &LearnerRow) -> String {
    let mut words = vec![row.integrity.as_str()];
    if row.lesson_matches == Some(false) {
        words.push("other lesson");
    }
    if row.evidence != Provenance::Local {
        words.push(row.evidence.as_str());
    }
    words.join(", ")
}

/// `42s`, `4m 05s`, `2h 03m`; `-` for none.
pub(super) fn duration(seconds: Option<u64>) -> String {
    match seconds {
        None => "-".to_owned(),
        Some(s) if s < 60 => format!("{s}s"),
        Some(s) if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        Some(s) => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

/// `2026-11-26 09:31 UTC`: minutes are enough to read a report by.
pub(super) fn moment(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// `3/5 (60%)`.
pub(super) fn fraction(part: usize, whole: usize) -> String {
    if whole == 0 {
        return format!("{part}/0");
    }
    format!("{part}/{whole} ({}%)", part * 100 / whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_the_right_scale() {
        assert_eq!(duration(None), "-");
        assert_eq!(duration(Some(0)), "0s");
        assert_eq!(duration(Some(59)), "59s");
        assert_eq!(duration(Some(65)), "1m 05s");
        assert_eq!(duration(Some(3599)), "59m 59s");
        assert_eq!(duration(Some(7380)), "2h 03m");
    }

    #[test]
    fn every_status_has_its_own_symbol() {
        let symbols: std::collections::HashSet<_> = STATUSES.iter().map(|s| symbol(*s)).collect();
        assert_eq!(symbols.len(), STATUSES.len());
    }

    #[test]
    fn moments_are_utc_to_the_minute_and_fractions_round_down() {
        let ts: Timestamp = "2026-11-26T09:31:59.9Z".parse().unwrap();
        assert_eq!(moment(ts), "2026-11-26 09:31 UTC");
        assert_eq!(fraction(2, 3), "2/3 (66%)");
        assert_eq!(fraction(0, 0), "0/0");
    }
}
