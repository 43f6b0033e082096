//! What Ctrl-C, SIGTERM and SIGHUP ask of a session.
//!
//! Ctrl-C while a command runs stops that command, and the learner is back at the step's
//! menu; a second Ctrl-C before the session has taken the first in, or one at a menu, saves
//! and quits. SIGTERM and SIGHUP stop the command and quit. The signal handlers only set
//! these flags; the session acts on them between blocks, and the executor while a command runs.

use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Default)]
pub struct Interrupt {
    /// Stop what runs now. The executor watches it.
    stop: AtomicBool,
    /// Save and quit.
    quit: AtomicBool,
}

impl Interrupt {
    pub fn new() -> Self {
        Self::default()
    }

    /// The flag the executor watches while a command runs.
    pub fn stop_flag(&self) -> &AtomicBool {
        &self.stop
    }

    /// Ctrl-C: stop what runs; a second one before the first was taken in quits.
    pub fn ctrl_c(&self) {
        if self.stop.swap(true, Ordering::SeqCst) {
            self.quit.store(true, Ordering::SeqCst);
        }
    }

    /// SIGTERM, SIGHUP, or Ctrl-C at a prompt: stop and quit.
    pub fn quit(&self) {
        self.quit.store(true, Ordering::SeqCst);
        self.stop.store(true, Ordering::SeqCst);
    }

    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    pub fn quit_requested(&self) -> bool {
        self.quit.load(Ordering::SeqCst)
    }

    /// The session took in a Ctrl-C (the command stopped, the learner is back at the menu):
    /// the next one stops the next command only.
    pub fn take_stop(&self) -> bool {
        self.stop.swap(false, Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ctrl_c_stops_two_quit_and_a_taken_one_is_forgotten() {
        let interrupt = Interrupt::new();
        interrupt.ctrl_c();
        assert!(interrupt.stop_requested() && !interrupt.quit_requested());
        assert!(interrupt.take_stop());
        interrupt.ctrl_c();
        assert!(!interrupt.quit_requested(), "the first was taken in");
        interrupt.ctrl_c();
        assert!(interrupt.quit_requested());
    }
}
