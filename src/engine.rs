//! The engine: the pure step state machine and the session loop that drives it.
//!
//! The engine never touches the terminal or the network itself: it talks to a [`Ui`] and an
//! [`crate::exec::Executor`], and writes to a [`Journal`], so tests drive it with scripted ones.

mod machine;
mod session;
mod tester;
mod tools;
mod ui;
mod vars;
mod workspace;

pub use machine::{Action, Effect, Input, Machine, StepFacts};
pub use session::{
    Journal, Options, Session, SessionEnd, SessionError, is_runnable_for_learner, lesson_hash,
};
pub use tester::{StepResult, TestError, TestRun, Verdict};
pub use tools::missing_tools;
pub use ui::{Summary, Ui, UiError};
pub use vars::{Source, Vars, validate};
