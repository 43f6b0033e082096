//! The learner's stdin for the plain UI, read so that Ctrl-C is heard while it waits.
//!
//! A line read from a terminal blocks in `read(2)`, and Rust retries it when a signal
//! interrupts it: a Ctrl-C there would only set labrun's flag and be ignored until Enter. This
//! reader waits with `poll(2)` in short slices and ends the read with [`CtrlC`] as soon as the
//! flag is set.

use std::io::{self, Read};
use std::os::fd::AsFd;
use std::sync::Arc;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::engine::Interrupt;

/// The error a read ends with when Ctrl-C was pressed while it waited.
#[derive(Debug, thiserror::Error)]
#[error("interrupted by Ctrl-C")]
pub struct CtrlC;

impl CtrlC {
    /// Whether `error` is a [`CtrlC`].
    pub fn is(error: &io::Error) -> bool {
        error.get_ref().is_some_and(|inner| inner.is::<CtrlC>())
    }
}

pub struct InterruptibleStdin {
    /// fd 0, unbuffered: a buffer here could hold a line that `poll` no longer sees.
    stdin: std::fs::File,
    interrupt: Arc<Interrupt>,
}

impl InterruptibleStdin {
    pub fn new(interrupt: Arc<Interrupt>) -> io::Result<Self> {
        let fd = io::stdin().as_fd().try_clone_to_owned()?;
        Ok(Self {
            stdin: std::fs::File::from(fd),
            interrupt,
        })
    }
}

impl Read for InterruptibleStdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.interrupt.stop_requested() {
                return Err(io::Error::other(CtrlC));
            }
            let fd = self.stdin.as_fd();
            let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::from(100u8)) {
                Ok(0) => continue,
                Ok(_) => return self.stdin.read(buf),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(errno) => return Err(errno.into()),
            }
        }
    }
}
