//! Everything that reaches a person's eyes: styles, rendered lessons, rendered diagnostics.
//!
//! Renderers write to any `io::Write`, so they can be snapshot-tested; only the command layer
//! decides whether that is a terminal.

pub mod diagnostics;
pub mod plain;
pub mod render;
pub mod style;
pub mod terminal;
