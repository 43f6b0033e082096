//! What running a block gave: a value, never an error. A failed check is an ordinary outcome.

use serde::{Deserialize, Serialize};

/// What a run leaves as proof, stored in the progress log and shown in reports.
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
