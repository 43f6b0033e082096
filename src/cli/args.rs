//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "labrun",
    version,
    about = "Interactive guided labs from Markdown lessons: run, verify, record.",
    long_about = "labrun walks a learner through a Markdown lesson step by step, runs or verifies \
                  each step's commands and API checks, and records progress in a durable log.\n\n\
                  Lessons are plain GitHub-flavoured Markdown: every `##` is a step, and fenced \
                  blocks marked {run}, {check}, {solve}, {setup} or {cleanup} give labrun work to do.",
    after_help = "Examples:\n  labrun show lessons/welcome.md\n  labrun lint lessons/\n  labrun list\n\n\
                  Exit codes: 0 success, 1 a check failed, 2 usage, 3 invalid lesson, 130 interrupted.\n\
                  NO_COLOR=1 turns colour off."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check lessons for mistakes, with file:line:column and a hint for each.
    #[command(
        after_help = "Examples:\n  labrun lint lessons/\n  labrun lint my-lesson.md --deny-warnings\n  \
                            labrun lint lessons/ --format json | jq '.[] | select(.severity == \"error\")'\n\n\
                            A folder with Markdown files and no sub-folders of lessons is one lesson \
                            (its files are the parts); any other folder is searched for lessons.\n\
                            Exit codes: 0 no errors (warnings allowed), 3 errors found, 2 bad path."
    )]
    Lint(LintArgs),
    /// Render a lesson in the terminal without running anything.
    #[command(after_help = "Examples:\n  labrun show lessons/welcome.md\n  \
                            labrun show lessons/iks-security --commands   # audit what it would run\n  \
                            labrun show lessons/welcome.md --hints --solutions   # reveal what is collapsed\n  \
                            labrun show lessons/welcome.md --json | jq '.steps[].id'\n\n\
                            Exit codes: 0 shown, 3 the lesson has lint errors (what can be shown still is).")]
    Show(ShowArgs),
    /// List the lessons in a folder: id, title, steps, duration and lint status.
    #[command(after_help = "Examples:\n  labrun list\n  labrun list ~/courses --format json")]
    List(ListArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LintFormat {
    /// Source lines with carets, for people.
    #[default]
    Human,
    /// An array of {file, line, column, severity, code, message, help}.
    Json,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Lesson files or folders (searched recursively).
    #[arg(default_value = "lessons")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: LintFormat,
    /// Treat warnings as errors (exit 3 when there are any).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A lesson file, or a folder whose Markdown files are the lesson's parts.
    pub lesson: PathBuf,
    /// List every command and HTTP request the lesson can run, step by step.
    #[arg(long, conflicts_with = "json")]
    pub commands: bool,
    /// Print the parsed lesson as JSON, for tools.
    #[arg(long)]
    pub json: bool,
    /// Reveal hints and other collapsed `<details>` sections instead of only naming them.
    #[arg(long)]
    pub hints: bool,
    /// Reveal the `{solve}` blocks (solutions) instead of only saying one is available.
    #[arg(long)]
    pub solutions: bool,
    /// Wrap text at this width (default: the terminal's, at most 100).
    #[arg(long)]
    pub width: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The folder to search for lessons.
    #[arg(default_value = "lessons")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}
