//! Why a command could not be run at all. What the script itself does (fail, crash, time out)
//! is a [`Termination`](super::Termination), never an error.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    #[error("the lesson workspace `{}` does not exist", path.display())]
    WorkspaceMissing { path: PathBuf },
    /// The workspace is a file, or cannot be looked at.
    #[error("cannot use the lesson workspace `{}`: {}", path.display(), describe(cause))]
    Workspace { path: PathBuf, cause: io::Error },
    /// The shell is missing or cannot be executed.
    #[error("cannot start `{shell}`: {}", describe(cause))]
    Spawn {
        shell: &'static str,
        cause: io::Error,
    },
    #[error("the command contains a NUL byte, which no shell can run")]
    NulInScript,
    #[error("cannot pass variable `{name}` to the command: {reason}")]
    Variable { name: String, reason: &'static str },
    #[error("cannot create `{}` for `$LABRUN_OUTPUT`: {}", path.display(), describe(cause))]
    OutputFile { path: PathBuf, cause: io::Error },
    #[error("cannot create `{}` for the shell's state: {}", path.display(), describe(cause))]
    StateFile { path: PathBuf, cause: io::Error },
    #[error("cannot set up pipes for the command's output: {}", describe(cause))]
    Pipe { cause: io::Error },
    #[error("cannot read the command's output: {}", describe(cause))]
    Read { cause: io::Error },
    #[error("lost track of the running command: {}", describe(cause))]
    Wait { cause: io::Error },
}

/// The OS's words for an error, without Rust's "(os error 2)" suffix: "No such file or
/// directory".
fn describe(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => nix::errno::Errno::from_raw(code).desc().to_owned(),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_read_as_the_os_words_them() {
        let error = ShellError::Spawn {
            shell: "bash",
            cause: io::Error::from_raw_os_error(nix::libc::ENOENT),
        };
        assert_eq!(
            error.to_string(),
            "cannot start `bash`: No such file or directory"
        );
        let other = ShellError::Wait {
            cause: io::Error::other("gone"),
        };
        assert_eq!(other.to_string(), "lost track of the running command: gone");
    }
}
