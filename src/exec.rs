//! Running things: shell commands (duct) and HTTP requests (reqwest on tokio).
//!
//! Nothing here knows about steps or learners; the engine decides what to run and when.

pub mod outcome;
pub mod secrets;

pub use outcome::{Evidence, Outcome};
pub use secrets::{MASK, Secrets};
