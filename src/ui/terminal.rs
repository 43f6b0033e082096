//! The terminal UI: inquire prompts, console styles, an indicatif spinner while blocks run.
//! Used when stdin and stderr are both terminals and `--plain` is not given; covered by the
//! PTY tests in `tests/integration/pty.rs`.

mod marks;
mod menu;
mod prompt;
mod running;
mod spinner;
mod terminal_ui;
mod watch_menu;

pub use prompt::{confirm_once, pick};
pub use terminal_ui::TerminalUi;
