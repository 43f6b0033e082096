//! Rendering lessons: for a reader (`labrun show`), for an audit of what they run
//! (`show --commands`), for a learner's session, and as a listing (`labrun list`).
//! (`show --json` is a view model of its own, `ui::show_json`.)
//!
//! Everything writes to an `io::Write` with a [`Term`](crate::style::Term) that decides
//! colour, links and width, so every output can be snapshot-tested.
//!
//! The pipeline, for one piece of a lesson:
//!
//! 1. a view (`lesson.rs` for `show`, `session.rs` for a session's intro and steps,
//!    `commands.rs`, `listing.rs`) takes the lesson's parts and steps, and makes a `Scope`
//!    (`scope.rs`): the source text, the blocks, quizzes and hints in it, what is revealed;
//! 2. `markdown.rs` walks the Markdown of each content entry (pulldown-cmark's events):
//!    headings, lists, quotes and callouts, tables (laid out by comfy-table), HTML (`html.rs`), and the
//!    lesson's blocks, which `block.rs` draws with their badges;
//! 3. `inline.rs` gathers a paragraph's inline events into styled `Piece`s (`pieces.rs`),
//!    with `{{NAME}}` shown as its value;
//! 4. `pieces.rs` wraps pieces to the width, and `canvas.rs` writes the lines with their
//!    margins (quotes, list markers), painted in the looks of `theme.rs`.

mod block;
mod canvas;
mod commands;
mod html;
mod inline;
mod lesson;
mod listing;
mod markdown;
mod pieces;
mod scope;
mod session;
mod theme;

#[cfg(test)]
mod tests;

pub(crate) use block::{FOLD, fold};
pub use commands::commands;
pub use lesson::lesson;
pub use listing::{ListEntry, list};
pub use pieces::Resolver;
pub use scope::ShowOptions;
pub use session::{intro, markdown, step};
