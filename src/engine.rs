//! The engine: the pure step state machine, the step runtime that runs a lesson's blocks for
//! every command, and the session loop that drives both for a learner.
//!
//! The engine never touches the terminal or the network itself: it talks to a [`Ui`] and an
//! [`crate::exec::Executor`], and writes to a [`Journal`], so tests drive it with scripted ones.

mod interrupt;
mod journal;
mod machine;
mod runtime;
mod session;
mod shell_state;
mod tester;
mod tools;
mod ui;
mod vars;
mod watch;
mod workspace;

pub use interrupt::Interrupt;
pub use journal::{Journal, NoJournal};
pub use machine::{Action, Effect, Input, Machine, StepFacts};
pub use runtime::{Checked, Failure, Reporter, Runtime, Setting, Silent};
pub use session::{Options, Session, SessionEnd, SessionError};
pub use shell_state::STATE_DIR;
pub use tester::{StepResult, TestError, TestRun, Verdict};
pub use tools::missing_tools;
pub use ui::{SessionSummary, Ui, UiError};
pub use vars::{ValueSource, Vars};
pub use watch::{ExecutorFactory, Watch, WatchEvent};
