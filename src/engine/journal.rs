//! Where a session's events go: the progress log, or nowhere (`labrun test`), or a list in
//! tests.

use crate::progress::{Event, LogError, ProgressLog};

pub trait Journal {
    fn append(&mut self, event: Event) -> Result<(), LogError>;

    /// Where the events are kept, for the closing summary.
    fn location(&self) -> String;
}

impl Journal for ProgressLog {
    fn append(&mut self, event: Event) -> Result<(), LogError> {
        ProgressLog::append(self, event).map(drop)
    }

    fn location(&self) -> String {
        self.path().display().to_string()
    }
}

/// Keeps nothing: `labrun test` proves a lesson without a learner's log.
pub struct NoJournal;

impl Journal for NoJournal {
    fn append(&mut self, _: Event) -> Result<(), LogError> {
        Ok(())
    }

    fn location(&self) -> String {
        String::from("(not kept)")
    }
}
