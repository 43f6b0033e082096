//! Running things: shell commands (duct) and HTTP requests (reqwest on tokio).
//!
//! Nothing here knows about steps or learners; the engine decides what to run and when.

pub mod executor;
pub mod outcome;
pub mod secrets;

pub use executor::{BlockRun, Executor, Progress, RunContext, Stream};
pub use outcome::{Evidence, Outcome};
pub use secrets::{MASK, Secrets};
