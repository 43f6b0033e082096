//! What running a block gave: a value, never an error. A failed check is an ordinary outcome.

use crate::progress::Evidence;

/// The result of one block: it passed, or it failed for a reason a learner can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed { evidence: Evidence },
    Failed { reason: String, evidence: Evidence },
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

    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Passed { .. } => None,
            Self::Failed { reason, .. } => Some(reason),
        }
    }
}
