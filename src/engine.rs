//! The engine: the pure step state machine and the session loop that drives it.
//!
//! The engine never touches the terminal or the network itself: it talks to a [`crate::ui::Ui`]
//! and an [`crate::exec::Executor`], so tests drive it with scripted ones.

mod machine;

pub use machine::{Action, Effect, Input, Machine, StepFacts};
