//! Everything that reaches a person's eyes: rendered lessons (`render`, the views, on
//! `typeset`, the Markdown engine below them), rendered diagnostics, and the two user
//! interfaces (plain and terminal), with the words both use.
//!
//! Renderers write to any `io::Write`, so they can be snapshot-tested; only the command layer
//! decides whether that is a terminal.

pub mod diagnostics;
pub mod plain;
pub mod render;
pub mod show_json;
pub mod stdin;
pub mod terminal;
pub mod typeset;

use crate::engine::{Action, Vars};

/// The words an action is chosen by, and how it is described in a menu.
pub fn action_label(action: &Action) -> (&'static str, &'static str) {
    match action {
        Action::Check => ("check", "run the checks"),
        Action::Continue => (
            "continue",
            "go on to the next step, once this one checks out",
        ),
        Action::Run => ("run", "run this step's commands for me"),
        Action::Hint => ("hint", "show the next hint"),
        Action::Solution => ("solution", "show the solution"),
        Action::RunSolution => ("apply", "run the solution"),
        Action::Shell => ("shell", "open a shell in the workspace"),
        Action::Skip => ("skip", "skip this step"),
        Action::Back => ("back", "go back one step"),
        Action::Jump(_) => ("jump", "go to another step"),
        Action::Quit => ("quit", "save and quit"),
    }
}

/// What `{{NAME}}` shows as: the value, secrets masked.
pub fn display(vars: &Vars) -> typeset::Resolver {
    let vars = vars.clone();
    std::rc::Rc::new(move |name: &str| vars.display_value(name))
}
