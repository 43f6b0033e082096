//! What to run, where, and with what.

use std::ffi::OsStr;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::lesson::Shell;

/// A command block ready to run: its text already substituted.
#[derive(Debug, Clone, Copy)]
pub struct ShellCommand<'a> {
    /// The script, run with `bash -c` or `sh -c`. No `set -e` is added: the script's own exit
    /// code decides.
    pub script: &'a str,
    /// [`Shell::Auto`] is bash when it is on `PATH`, else sh.
    pub shell: Shell,
    /// The lesson workspace, the command's working directory. It must exist.
    pub cwd: &'a Path,
    /// Added to the inherited environment, in order (a later entry wins): every lesson
    /// variable, under its name as given.
    pub env: &'a [(String, String)],
    /// Removed from the inherited environment (variables an earlier block unset).
    pub env_remove: &'a [String],
    /// When it passes, the command's whole process group is ended.
    pub timeout: Option<Duration>,
    /// The command gets labrun's terminal and stays in labrun's process group (so it can read
    /// the terminal); its output is not captured.
    pub interactive: bool,
    /// Exported as `$LABRUN_OUTPUT`, created empty first; `NAME=value` lines the command
    /// writes there become [`ShellOutput::outputs`](super::ShellOutput::outputs). A relative
    /// path is taken from labrun's working directory (the command is given it absolute);
    /// `run` leaves the file in place. It overrides a variable of the same name in `env`.
    /// When `None`, an inherited `LABRUN_OUTPUT` is removed, so a nested labrun's file is
    /// never written by accident.
    pub output_file: Option<&'a Path>,
    /// Exported as `$LABRUN_SHELL_STATE`: the shell writes its working directory and
    /// environment there as it exits, read back as
    /// [`ShellOutput::changes`](super::ShellOutput::changes) (see `state_file.rs`).
    pub state_file: Option<&'a Path>,
    /// Set by labrun's Ctrl-C handler. When it becomes true the command is ended and the run
    /// reports [`Termination::Interrupted`](super::Termination::Interrupted); when it is
    /// already true, nothing is started. `run` never clears it.
    pub interrupt: &'a AtomicBool,
}

impl<'a> ShellCommand<'a> {
    /// A non-interactive command in the default shell, with no extra variables, no time limit
    /// and no output file.
    pub fn new(script: &'a str, cwd: &'a Path, interrupt: &'a AtomicBool) -> Self {
        Self {
            script,
            shell: Shell::Auto,
            cwd,
            env: &[],
            env_remove: &[],
            timeout: None,
            interactive: false,
            output_file: None,
            state_file: None,
            interrupt,
        }
    }

    /// The program that runs the script, looked up on the `PATH` the command will see.
    pub(super) fn program(&self) -> &'static str {
        match self.shell {
            Shell::Bash => "bash",
            Shell::Sh => "sh",
            Shell::Auto => {
                let path = self.search_path();
                if path.as_deref().is_some_and(|path| on_path("bash", path)) {
                    "bash"
                } else {
                    "sh"
                }
            }
        }
    }

    /// `PATH` as the command will see it: a lesson variable named `PATH` wins, as it does when
    /// the process is started.
    pub(super) fn search_path(&self) -> Option<std::ffi::OsString> {
        match self.env.iter().rev().find(|(name, _)| name == "PATH") {
            Some((_, value)) => Some(value.into()),
            None => std::env::var_os("PATH"),
        }
    }
}

pub(super) fn on_path(program: &str, path: &OsStr) -> bool {
    std::env::split_paths(path)
        // An empty entry means the current directory, which would be labrun's, not the
        // workspace: not worth guessing about.
        .filter(|dir| !dir.as_os_str().is_empty())
        .any(|dir| is_executable(&dir.join(program)))
}

pub(super) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_looks_for_bash_on_the_path_the_command_will_see() {
        let interrupt = AtomicBool::new(false);
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let env = [("PATH".to_owned(), bin.display().to_string())];
        let command = ShellCommand {
            env: &env,
            ..ShellCommand::new("true", dir.path(), &interrupt)
        };
        assert_eq!(command.program(), "sh");

        std::fs::write(bin.join("bash"), "").unwrap();
        assert_eq!(command.program(), "sh", "a file that is not executable");

        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("bash"), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(command.program(), "bash");
    }

    #[test]
    fn an_explicit_shell_is_used_as_chosen() {
        let interrupt = AtomicBool::new(false);
        let dir = Path::new("/");
        let env = [("PATH".to_owned(), String::new())];
        let sh = ShellCommand {
            shell: Shell::Sh,
            ..ShellCommand::new("true", dir, &interrupt)
        };
        let bash = ShellCommand {
            shell: Shell::Bash,
            env: &env,
            ..ShellCommand::new("true", dir, &interrupt)
        };
        assert_eq!(sh.program(), "sh");
        assert_eq!(bash.program(), "bash");
    }
}
