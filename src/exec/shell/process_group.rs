//! The process group of a non-interactive command: the shell and everything it started.

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The group a command runs in, led by its shell. Until [`ProcessGroup::release`] is called,
/// dropping it kills the whole group, so a command is never left running when [`run`]
/// is left early: an error, or a panic in the output callback.
///
/// [`run`]: super::run()
#[derive(Debug)]
pub(super) struct ProcessGroup {
    id: Pid,
    armed: bool,
}

impl ProcessGroup {
    /// The group led by `leader`, which was started with `process_group(0)`.
    pub(super) fn led_by(leader: u32) -> Option<Self> {
        let id = i32::try_from(leader).ok().filter(|&id| id > 1)?;
        Some(Self {
            id: Pid::from_raw(id),
            armed: true,
        })
    }

    /// Sends `signal` to every process in the group. A group that is gone is not an error.
    pub(super) fn signal(&self, signal: Signal) {
        // ESRCH: all gone already, or the leader has not yet made its group (`setsid` runs
        // a moment after the start): then the leader alone, which is not reaped yet, so its
        // id is still its own. EPERM: what is left is not ours to kill (a setuid program
        // such as `sudo`); nothing more can be done about it from here.
        if killpg(self.id, signal) == Err(Errno::ESRCH) {
            let _ = nix::sys::signal::kill(self.id, signal);
        }
    }

    /// Whether any process of the group is left. The leader counts until it is reaped, so
    /// reap it first.
    pub(super) fn is_alive(&self) -> bool {
        !matches!(killpg(self.id, None), Err(Errno::ESRCH))
    }

    /// The command ended normally: its background jobs are the learner's, and stay.
    pub(super) fn release(&mut self) {
        self.armed = false;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        if self.armed {
            self.signal(Signal::SIGKILL);
        }
    }
}
