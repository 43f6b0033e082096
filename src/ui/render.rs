//! The lesson views: a lesson for a reader (`labrun show`), for an audit of what it runs
//! (`show --commands`), for a learner's session, and as a listing (`labrun list`).
//! (`show --json` is a view model of its own, `ui::show_json`.)
//!
//! Everything writes to an `io::Write` with a [`Term`](crate::style::Term) that decides
//! colour, links and width, so every output can be snapshot-tested.
//!
//! A view (`lesson.rs` for `show`, `session.rs` for a session's intro and steps,
//! `commands.rs`, `listing.rs`) takes the lesson's parts and steps and makes a `Scope`
//! (`scope.rs`) for each: the source file, the blocks, quizzes and hints in it, what is
//! revealed. It has the typesetting engine ([`ui::typeset`](crate::ui::typeset)) lay out the
//! Markdown, and answers the engine's questions about fenced code: `block.rs` draws a
//! lesson's block with its role's badge, a quiz, a hint, a collapsed section.

mod block;
mod commands;
mod lesson;
mod listing;
mod scope;
mod session;

#[cfg(test)]
mod tests;

pub use commands::commands;
pub use lesson::lesson;
pub use listing::{ListEntry, list};
pub use scope::ShowOptions;
pub use session::{intro, markdown, step};
