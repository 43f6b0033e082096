//! Running things: shell commands (duct) and HTTP requests (reqwest on tokio).
//!
//! Nothing here knows about steps or learners; the engine decides what to run and when.

pub mod executor;
pub mod http;
pub mod outcome;
pub mod runner;
pub mod secrets;
pub mod shell;

pub use executor::{BlockRun, Executor, RunContext, RunProgress, Stream};
pub use http::{HttpError, HttpRunner, Limits};
pub use outcome::Outcome;
pub use runner::BlockRunner;
pub use secrets::Secrets;
pub use shell::ShellChanges;
