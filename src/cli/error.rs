//! Errors that end a command, each with its exit code.

use crate::lesson::LoadError;

pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID_LESSON: u8 = 3;
    /// labrun could not do its own work on this machine: the progress log is in use by
    /// another session, a file cannot be read or written (permissions, a full disk), the
    /// terminal failed. Not the learner's doing, so not 1.
    pub const ENVIRONMENT: u8 = 4;
    pub const INTERRUPTED: u8 = 130;
    /// The output was closed before it was all written (`labrun lint | head`), as a
    /// program stopped by SIGPIPE ends: never 0, so `set -o pipefail` still sees a failure.
    pub const OUTPUT_CLOSED: u8 = 141;
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("`{0}` does not exist")]
    NotFound(std::path::PathBuf),
    #[error("no lessons found in {}", .0.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", "))]
    NoLessons(Vec<std::path::PathBuf>),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error("`{}` has {errors} error{}; run `labrun lint {}` for details", path.display(), if *errors == 1 { "" } else { "s" }, path.display())]
    InvalidLesson {
        path: std::path::PathBuf,
        errors: usize,
    },
    #[error(transparent)]
    Log(#[from] crate::progress::LogError),
    #[error(transparent)]
    Session(#[from] crate::engine::SessionError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Serve(#[from] crate::serve::ServeError),
    #[error(transparent)]
    Send(#[from] crate::progress::SendError),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Load(
                LoadError::NotUtf8(_) | LoadError::NotAFile(_) | LoadError::TooLarge { .. },
            ) => exit::INVALID_LESSON,
            Self::Load(_) | Self::NotFound(_) | Self::NoLessons(_) => exit::USAGE,
            Self::Session(crate::engine::SessionError::UnknownStep { .. }) => exit::USAGE,
            Self::Output(_) | Self::Log(_) | Self::Session(_) => exit::ENVIRONMENT,
            Self::InvalidLesson { .. } => exit::INVALID_LESSON,
            Self::Usage(_) => exit::USAGE,
            Self::Serve(_) | Self::Send(_) => exit::ENVIRONMENT,
        }
    }
}
