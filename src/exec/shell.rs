//! Running a command block: `bash -c SCRIPT` (or `sh -c`) in the lesson workspace, with the
//! lesson's variables in its environment, a time limit, Ctrl-C, its output captured (bounded)
//! and streamed as it arrives, and `$LABRUN_OUTPUT` (the GitHub Actions `$GITHUB_OUTPUT`
//! convention) read back into variables.
//!
//! How a run behaves, and why:
//! - The script is passed with `-c`; nothing is written to disk and no `set -e` is added, so
//!   the script's own exit code decides, as when a learner pastes it into a terminal.
//! - A non-interactive command gets `/dev/null` as stdin (never the learner's terminal) and
//!   runs in a process group of its own. A Ctrl-C at the terminal therefore reaches labrun
//!   only; labrun's handler sets [`ShellCommand::interrupt`] and [`run()`] ends the group. On a
//!   timeout or an interrupt the *whole group* gets SIGTERM (and SIGCONT), then SIGKILL if
//!   anything in it is still alive after half a second, so `sleep 100 &` in a timed-out check
//!   dies too. A command that opens `/dev/tty` anyway (`sudo` asking for a password) is
//!   stopped by the kernel (SIGTTIN) until the timeout or Ctrl-C ends it: such a block must
//!   be `interactive`.
//! - [`run()`] returns when the shell itself exits, not when its output pipes close. A learner's
//!   `(sleep 2; touch done) &` keeps running after the block, as in a real shell, and is not
//!   killed. What the shell wrote before exiting is already in the pipes and is read to the
//!   end; a pipe that a background job still holds open is then handed to a detached thread
//!   that reads and discards until the job closes it, so the job never dies of SIGPIPE and
//!   never blocks on a full pipe. Its later output is not shown.
//! - An interactive command shares labrun's terminal and process group (so it can read the
//!   terminal, e.g. a passphrase prompt) and its output is not captured. A timeout or an
//!   interrupt ends the shell process only: without a group of its own, its background jobs
//!   cannot be told apart from labrun. The terminal's own Ctrl-C reaches them anyway.
//! - Output kept in [`ShellOutput`] is bounded by [`MAX_CAPTURE`] per stream: the start is
//!   kept, the rest is still read (so the command never blocks) and passed to the live
//!   callback, then dropped. The live callback gets whole lines where possible, a partial line
//!   (a prompt) once the stream has been quiet for a moment, and never half a character, which
//!   also lets the caller mask secrets line by line.
//! - A missing shell or workspace is a [`ShellError`]; anything the script does (a missing
//!   command, exit 127; a crash) is a [`Termination`].

mod capture;
mod command;
mod error;
mod output;
mod output_file;
mod pipes;
mod process_group;
mod run;
mod session;
mod state_file;

#[cfg(test)]
mod tests;

pub use command::ShellCommand;
pub use error::ShellError;
pub use output::{MAX_CAPTURE, ShellOutput, Termination};
pub use output_file::OUTPUT_VAR;
pub use run::run;
pub use state_file::{STATE_VAR, ShellChanges};
