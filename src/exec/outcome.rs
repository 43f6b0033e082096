//! What running a block gave: a value, never an error. A failed check is an ordinary outcome.

use crate::progress::Evidence;

/// The result of one block: it passed, or it failed for a reason a learner can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed {
        evidence: Evidence,
    },
    Failed {
        /// Why, in full: what the command said and how it ended, or what the response was.
        reason: String,
        /// The one line of `reason` that says most, for a status line (watch mode, a polling
        /// block's progress): the command's last words, or the first assert that failed.
        headline: String,
        evidence: Evidence,
    },
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self, Self::Passed { .. })
    }

    pub fn evidence(&self) -> &Evidence {
        match self {
            Self::Passed { evidence } | Self::Failed { evidence, .. } => evidence,
        }
    }

    pub fn evidence_mut(&mut self) -> &mut Evidence {
        match self {
            Self::Passed { evidence } | Self::Failed { evidence, .. } => evidence,
        }
    }

    /// A failure whose reason's first line is its headline.
    pub fn failed(reason: String, evidence: Evidence) -> Self {
        let headline = first_line(&reason).to_owned();
        Self::Failed {
            reason,
            headline,
            evidence,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Passed { .. } => None,
            Self::Failed { reason, .. } => Some(reason),
        }
    }

    /// The one line that says why it failed (see [`Outcome::Failed`]).
    pub fn headline(&self) -> Option<&str> {
        match self {
            Self::Passed { .. } => None,
            Self::Failed { headline, .. } => Some(headline),
        }
    }
}

/// The first line of `text` with something on it.
pub(crate) fn first_line(text: &str) -> &str {
    text.lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default()
}
