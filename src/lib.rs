//! labrun: an interactive guided lab runner.
//!
//! A lesson is a Markdown file (or a folder of them) that still reads well on GitHub. The
//! modules, in the order each builds on the ones before (a module uses only those above it
//! in this list):
//!
//! - [`text`] and [`style`]: shared by every layer: text safe for a terminal (control
//!   characters made visible), JSON output, the HTML escape and the secret mask; colours and
//!   terminal capabilities (`NO_COLOR`), and shared words (`plural`);
//! - [`lesson`]: the format and the facts about a lesson: parsing, the model (with every
//!   source position), variables and their validation, quizzes, consent, lint and
//!   diagnostics, and the importers of other tutorial formats;
//! - [`progress`]: the progress log's schema, the append-only chained file, the state derived
//!   from it, and sending it to a class server;
//! - [`exec`]: running a block: shell commands (one shell per lesson) and HTTP checks with
//!   Hurl's meaning; what a run leaves is the log's `Evidence`;
//! - [`engine`]: the step state machine, the one step runtime and the session loop;
//! - [`ui`]: what people see: the lesson views (`render`) on a Markdown typesetting engine
//!   (`typeset`), diagnostics, and the terminal and plain user interfaces behind one trait;
//! - [`report`]: aggregating logs into a class's report, in every format;
//! - [`serve`]: the class server (`labrun serve`): the store, the HTTP API, the dashboard;
//! - [`cli`]: the command line.

#![forbid(unsafe_code)]
// An item is `pub` only where the crate's API reaches it; elsewhere `pub(crate)` says so.
#![warn(unreachable_pub)]
// `eprintln!` and friends panic when the stream is closed (`labrun lint 2>&1 | head`): the
// library writes through `note!` and `note_inline!` instead, or handles the write's error.
#![deny(clippy::disallowed_macros)]

/// Writes a line to stderr, like `eprintln!`, but never panics: when stderr is closed or
/// full, the line is lost and labrun goes on (and ends with the exit code it would have).
/// The line's control characters are made visible ([`text::TerminalText`]): what it quotes
/// (a path, a lesson's title, a server's error) may hold some. A line with labrun's own
/// colours goes through [`style::note_painted`].
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($arg)*);
        let _ = writeln!(std::io::stderr(), "{}", $crate::text::TerminalText::lines(&line));
    }};
}

/// [`note!`] without the newline, for a question on the same line as its answer.
#[macro_export]
macro_rules! note_inline {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stderr = std::io::stderr();
        let text = format!($($arg)*);
        let _ = write!(stderr, "{}", $crate::text::TerminalText::lines(&text));
        let _ = stderr.flush();
    }};
}

pub mod cli;
pub mod engine;
pub mod exec;
// The entry points of the fuzz targets in `fuzz/`: not part of the library's API.
#[doc(hidden)]
pub mod fuzzing;
pub mod lesson;
pub mod progress;
pub mod report;
pub mod serve;
pub mod style;
pub mod text;
pub mod ui;

pub use cli::run;
