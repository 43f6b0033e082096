//! A session of its own for a command that does not get the terminal.
//!
//! A command run with its output captured could still open `/dev/tty`, labrun's terminal:
//! write escape sequences past every filter, read what the learner types, or leave the
//! terminal raw. In a session of its own it has no controlling terminal, so `/dev/tty`
//! cannot be opened (ENXIO), and a program that would have asked for a password there fails
//! at once instead of waiting for ever.
//!
//! Starting a session must happen in the child, between fork and exec, which the standard
//! library offers only through `unsafe` (`pre_exec`). labrun forbids `unsafe` and uses the
//! `setsid` program instead (util-linux, busybox): it calls setsid(2) and execs the shell,
//! keeping its process id. It forks first only when it leads a process group already, so
//! the command is started outside one: the session it starts is a group of its own, led by
//! the same process, that [`ProcessGroup`](super::process_group::ProcessGroup) signals.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where `setsid` is looked for: the system's own folders only, never the `PATH` a lesson's
/// commands run with.
const PLACES: &[&str] = &["/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid"];

/// The `setsid` program, when the system has one.
pub(super) fn program() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            PLACES
                .iter()
                .map(PathBuf::from)
                .find(|path| super::command::is_executable(path))
        })
        .as_deref()
}

/// The settings of labrun's terminal (its stdin), put back when dropped.
pub(super) struct SavedTerminal {
    settings: Option<nix::sys::termios::Termios>,
}

impl SavedTerminal {
    /// Saves the settings when stdin is a terminal that labrun has in the foreground (a
    /// job in the background that set them would be stopped for it, by SIGTTOU).
    pub(super) fn save() -> Self {
        let stdin = std::io::stdin();
        let foreground = nix::unistd::tcgetpgrp(&stdin) == Ok(nix::unistd::getpgrp());
        Self {
            settings: foreground
                .then(|| nix::sys::termios::tcgetattr(&stdin).ok())
                .flatten(),
        }
    }
}

impl Drop for SavedTerminal {
    fn drop(&mut self) {
        if let Some(settings) = &self.settings {
            // Once what the command queued is written, so its last output is not cut short.
            let _ = nix::sys::termios::tcsetattr(
                std::io::stdin(),
                nix::sys::termios::SetArg::TCSADRAIN,
                settings,
            );
        }
    }
}
