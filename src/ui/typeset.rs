//! Typesetting Markdown for a terminal: the engine under every rendered lesson.
//!
//! It knows the Markdown of the lesson format (the parser's options, `{{NAME}}`, callouts) and
//! terminals, not lessons: what a fenced block of a lesson means is the views' business
//! (`ui::render`), which the walker asks through `Fences`.
//!
//! The pipeline, for one slice of Markdown:
//!
//! 1. `markdown.rs` walks pulldown-cmark's events: headings, lists, quotes and callouts, tables
//!    (laid out by comfy-table), HTML (`html.rs`), and fenced code, handed to the view's
//!    `Fences` (or drawn as an example, `code.rs`);
//! 2. `inline.rs` gathers a paragraph's inline events into styled `Piece`s (`pieces.rs`),
//!    with `{{NAME}}` shown as `VarsShown` says;
//! 3. `pieces.rs` wraps pieces to the width, and `Canvas` (`canvas.rs`) writes the lines with
//!    their margins (quotes, list markers), painted in the `Look`s of `theme.rs`.
//!
//! Code lines are not wrapped but folded (`code.rs`), so a command keeps its gutter.

mod canvas;
mod code;
mod html;
mod inline;
mod markdown;
mod pieces;
mod theme;

pub(crate) use canvas::Canvas;
pub(crate) use code::{FOLD, example, fold, gutter};
pub(crate) use markdown::{Examples, Fence, Fences, References, inline, references, render};
pub use pieces::Resolver;
pub(crate) use pieces::{Piece, VarsShown, paint_one, width, with_vars};
pub(crate) use theme::{Hue, Look};
