//! The seam between the engine and the outside world: run one block, get an outcome.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::lesson::Block;

use super::shell::ShellChanges;
use super::{Outcome, Secrets};

/// Which output stream a chunk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Something worth showing while a block runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunProgress {
    /// Output as it arrives, secrets masked.
    Output { stream: Stream, text: String },
    /// An HTTP request is being sent.
    Request { method: String, url: String },
    /// Polling: the last try failed, the next comes after a wait.
    Waiting {
        attempt: u32,
        remaining: Option<Duration>,
        last: String,
    },
}

/// What a block needs from the session to run.
pub struct RunContext<'a> {
    /// Resolves `{{NAME}}`.
    pub vars: &'a dyn Fn(&str) -> Option<String>,
    /// Extra environment for commands: every variable, `LABRUN_*`, and what earlier blocks
    /// exported.
    pub env: &'a [(String, String)],
    /// Inherited variables an earlier block unset.
    pub env_remove: &'a [String],
    pub secrets: &'a Secrets,
    /// Where commands start: the lesson shell's working directory (the workspace at first).
    pub cwd: &'a Path,
    /// Set by the Ctrl-C handler.
    pub interrupt: &'a AtomicBool,
}

/// The result of running one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRun {
    pub outcome: Outcome,
    /// Variables set by the block: `capture=`, `[Captures]`, `$LABRUN_OUTPUT`.
    pub captures: Vec<(String, String)>,
    /// The run was cut short by Ctrl-C.
    pub interrupted: bool,
    /// The working directory and variables a shell block left behind.
    pub shell: Option<ShellChanges>,
}

impl BlockRun {
    /// A run that did not get to start, or failed for `reason` (its first line the
    /// headline).
    pub fn failed(reason: String, evidence: crate::progress::Evidence) -> Self {
        Self {
            outcome: Outcome::failed(reason, evidence),
            captures: Vec::new(),
            interrupted: false,
            shell: None,
        }
    }
}

/// Runs blocks: the real one uses a shell and an HTTP client, tests use fakes.
pub trait Executor {
    fn run(
        &mut self,
        block: &Block,
        context: &RunContext<'_>,
        progress: &mut dyn FnMut(RunProgress),
    ) -> BlockRun;

    /// Hands the terminal to an interactive shell in `context.cwd` until it exits.
    fn open_shell(&mut self, context: &RunContext<'_>) -> Result<(), String>;
}
