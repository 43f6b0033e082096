//! labrun: an interactive guided lab runner.
//!
//! A lesson is a Markdown file (or a folder of them) that still reads well on GitHub.
//! [`lesson`] parses it into a model that keeps every source position; [`ui`] renders it and
//! its diagnostics; [`cli`] is the command line.

#![forbid(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod exec;
// The entry points of the fuzz targets in `fuzz/`: not part of the library's API.
#[doc(hidden)]
pub mod fuzzing;
pub mod lesson;
pub mod progress;
pub mod report;
pub mod ui;

pub use cli::run;
