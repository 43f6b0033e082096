//! What a run gave: how the command ended and what it printed.

use std::fmt;
use std::time::Duration;

use nix::sys::signal::Signal;

use super::state_file::ShellChanges;

/// How much of each output stream is kept: the first MiB.
pub const MAX_CAPTURE: usize = 1024 * 1024;

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// The shell exited with this code (127: a command was not found).
    Exited(i32),
    /// The shell was killed by this signal, not by labrun.
    Signaled(i32),
    /// The time limit passed and labrun ended the command.
    TimedOut,
    /// The learner pressed Ctrl-C and labrun ended the command (or never started it).
    Interrupted,
}

impl Termination {
    /// The exit code, when the shell exited by itself.
    pub fn exit_code(self) -> Option<i32> {
        match self {
            Self::Exited(code) => Some(code),
            _ => None,
        }
    }

    pub fn success(self) -> bool {
        self == Self::Exited(0)
    }
}

impl fmt::Display for Termination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Exited(code) => write!(f, "exited with code {code}"),
            Self::Signaled(signal) => match Signal::try_from(signal) {
                Ok(name) => write!(f, "killed by signal {signal} ({})", name.as_str()),
                Err(_) => write!(f, "killed by signal {signal}"),
            },
            Self::TimedOut => f.write_str("timed out"),
            Self::Interrupted => f.write_str("interrupted"),
        }
    }
}

/// The result of [`run()`](super::run()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellOutput {
    pub termination: Termination,
    /// The start of stdout, at most [`MAX_CAPTURE`] bytes, decoded lossily. Empty for an
    /// interactive command.
    pub stdout: String,
    /// The start of stderr, bounded the same way.
    pub stderr: String,
    /// Whether either stream was longer than what was kept.
    pub truncated: bool,
    /// `NAME=value` pairs read from `$LABRUN_OUTPUT`, in the order written (a later value for
    /// the same name wins).
    pub outputs: Vec<(String, String)>,
    /// What was wrong in `$LABRUN_OUTPUT`, one message per bad line (`outputs` holds the good
    /// ones). Worth showing to the author: GitHub Actions fails a step for these.
    pub output_errors: Vec<String>,
    /// The working directory and exported variables the shell left, when
    /// [`ShellCommand::state_file`](super::ShellCommand::state_file) was given and the shell
    /// exited through its trap.
    pub changes: Option<ShellChanges>,
    /// From start to end, waiting for the command to be killed included.
    pub duration: Duration,
}

impl ShellOutput {
    pub(super) fn nothing(termination: Termination) -> Self {
        Self {
            termination,
            stdout: String::new(),
            stderr: String::new(),
            truncated: false,
            outputs: Vec::new(),
            output_errors: Vec::new(),
            changes: None,
            duration: Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminations_read_as_sentences() {
        assert_eq!(Termination::Exited(3).to_string(), "exited with code 3");
        assert_eq!(
            Termination::Signaled(9).to_string(),
            "killed by signal 9 (SIGKILL)"
        );
        assert_eq!(Termination::Signaled(99).to_string(), "killed by signal 99");
        assert_eq!(Termination::TimedOut.to_string(), "timed out");
        assert_eq!(Termination::Interrupted.to_string(), "interrupted");
    }

    #[test]
    fn only_exit_zero_is_success() {
        assert!(Termination::Exited(0).success());
        assert!(!Termination::Exited(1).success());
        assert!(!Termination::Signaled(0).success());
        assert!(!Termination::TimedOut.success());
        assert_eq!(Termination::Exited(2).exit_code(), Some(2));
        assert_eq!(Termination::Interrupted.exit_code(), None);
    }
}
