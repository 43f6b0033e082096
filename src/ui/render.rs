//! Rendering lessons: for a reader (`labrun show`), for an audit of what they run
//! (`show --commands`), for tools (`show --json`), and as a listing (`labrun list`).
//!
//! Everything writes to an `io::Write` with a [`Term`](crate::style::Term) that decides
//! colour, links and width, so every output can be snapshot-tested.

mod block;
mod canvas;
mod commands;
mod html;
mod inline;
mod inlines;
mod json;
mod lesson;
mod listing;
mod markdown;
mod scope;
mod session;
mod table;
mod theme;

#[cfg(test)]
mod tests;

pub(crate) use block::{FOLD, fold};
pub use commands::commands;
pub use inline::Resolver;
pub use json::{
    AttrsView, BlockView, FORMAT as JSON_FORMAT, LessonView, NameValue, PartView, QuizView,
    RequestView, StepView, ToolView, VarView, view,
};
pub use lesson::lesson;
pub use listing::{ListEntry, list};
pub use scope::ShowOptions;
pub use session::{intro, markdown, step};
