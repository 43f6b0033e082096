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
                  Exit codes: 0 success, 1 a check failed, 2 usage, 3 invalid lesson, 4 labrun could not\n\
                  work here (progress log in use, permission denied, disk full), 130 interrupted,\n\
                  141 output closed before it was all written.\n\
                  NO_COLOR=1 turns colour off."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Follow a lesson step by step (resumes where you left off).
    #[command(after_help = "Examples:\n  labrun start lessons/welcome.md\n  \
                            labrun start lessons/iks-security --var region=eu-de --yes\n  \
                            labrun start lessons/welcome.md --step workspace\n  \
                            labrun start                      # pick a lesson from lessons/\n\n\
                            With no terminal (CI, pipes) or --plain, menus are numbered lines read from stdin;\n\
                            an empty line takes the default, end of input saves and quits.\n\
                            Exit codes: 0 lesson complete, 1 ended incomplete, 3 invalid lesson, 130 interrupted.")]
    Start(StartArgs),
    /// Show your progress in a lesson, or in every lesson you have started.
    #[command(
        after_help = "Examples:\n  labrun status lessons/welcome.md\n  labrun status\n  labrun status lessons/welcome.md --json"
    )]
    Status(StatusArgs),
    /// Run a lesson's checks now, without prompts, and record what passes.
    #[command(
        after_help = "Examples:\n  labrun check lessons/welcome.md\n  labrun check lessons/welcome.md --step workspace\n  \
                            labrun check lessons/welcome.md --yes   (in CI: allow the lesson's checks to run)\n\n\
                            A lesson's check commands run only once you allowed them, in `labrun start` or here.\n\
                            Exit codes: 0 every check passed, 1 a check failed, 2 not allowed to run."
    )]
    Check(CheckArgs),
    /// Run lessons end to end without a learner: setup, solution, checks, for every step.
    #[command(after_help = "Examples:\n  labrun test lessons/welcome.md\n  \
                            labrun test lessons/iks-security --vars-file ci.env --junit report.xml\n  \
                            labrun test lessons/*.md\n\n\
                            Each step is run as by a learner who presses Enter and applies the solution: its files and \
                            setup, its run blocks, its solve blocks (or the shell blocks it shows, when it has none), \
                            then its checks; a quiz is answered with its own answer. A failing check fails its step, \
                            named by file:line with its output. Variables come \
                            from --var, --vars-file, each variable's environment variable, then its default; nothing \
                            is asked. Each lesson runs in a fresh temporary workspace.\n\
                            Exit codes: 0 every step passed, 1 a step failed, 3 invalid lesson.")]
    Test(TestArgs),
    /// Create a new lesson from a template that passes lint and test.
    #[command(
        after_help = "Examples:\n  labrun new my-lesson\n  labrun new lessons/kubernetes-basics.md"
    )]
    New(NewArgs),
    /// Make a Killercoda or Katacoda scenario, or an Instruqt track, into a lesson folder.
    #[command(
        after_help = "Examples:\n  labrun import ./my-scenario -o lessons/my-scenario\n  \
                            labrun import ./instruqt/track -o lessons/track && labrun lint lessons/track\n\n\
                            A scenario is a folder with an index.json (Killercoda, Katacoda); a track a \
                            folder with a track.yml and a folder per challenge (Instruqt). Each step \
                            becomes a numbered part: its text, its verify or check script as a check, \
                            its solve script as a solution, its background or setup script as a setup \
                            (a script that reaches outside the lesson's folder becomes a command the \
                            learner sees and runs instead). What cannot be carried over is listed.\n\
                            Exit codes: 0 imported, 2 not a scenario or the output folder is not empty, \
                            3 the lesson made has lint errors."
    )]
    Import(ImportArgs),
    /// Start a lesson (or one step) over: its steps go back to pending.
    #[command(
        after_help = "Examples:\n  labrun reset lessons/welcome.md\n  labrun reset lessons/welcome.md --step workspace"
    )]
    Reset(ResetArgs),
    /// Check lessons for mistakes, with file:line:column and a hint for each.
    #[command(
        after_help = "Examples:\n  labrun lint lessons/\n  labrun lint my-lesson.md --deny-warnings\n  \
                            labrun lint lessons/ --format json | jq '.[] | select(.severity == \"error\")'\n\n\
                            A folder whose Markdown files are numbered (1-intro.md, 2-setup.md) is one \
                            lesson in parts; any other folder is searched for lessons.\n\
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
    /// Who finished what: a completion report from progress logs (no lesson file needed).
    #[command(
        after_help = "Examples:\n  labrun report ~/.local/share/labrun/progress\n  \
                            labrun report logs/ --lesson welcome --require-complete\n  \
                            labrun report logs/ --format html > report.html\n  \
                            labrun report logs/ --since 2026-11-01 --format csv > progress.csv\n  \
                            labrun report logs/ --format json | jq '.steps | sort_by(-.failed_attempts)[:3]'\n\n\
                            A step is verified, solved (verified after the solution was shown), confirmed, \
                            skipped, failed (its last check failed, and it was never done) or pending; a learner has completed a lesson \
                            when every step is verified, solved or confirmed. Unreadable log lines are skipped \
                            with a warning naming file:line.\n\
                            Exit codes: 0 report written, 1 --require-complete and someone has not completed \
                            (or a log cannot be read), 2 bad path or option."
    )]
    Report(ReportArgs),
    /// Run a class server: learners' progress arrives live, the instructor sees it on a dashboard.
    #[command(after_help = "Examples:\n  labrun serve\n  \
                            labrun serve --listen 0.0.0.0:7474\n  \
                            labrun serve --database postgres://labrun@db.example/class\n  \
                            labrun serve --roster names.txt\n\n\
                            Learners: LABRUN_REPORT_TO=http://HOST:7474 LABRUN_CLASS_CODE=CODE labrun start LESSON\n\
                            Instructor: open the dashboard address it prints; \
                            LABRUN_INSTRUCTOR_TOKEN=TOKEN labrun report --server http://HOST:7474\n\n\
                            The first line on stdout is `listening on http://HOST:PORT`. The instructor token \
                            and class code come from LABRUN_INSTRUCTOR_TOKEN and LABRUN_CLASS_CODE; unset, \
                            they are made, printed once, and only their hashes stored. With a roster, \
                            each name on it joins with its own code (printed at every start) instead of the class code.\n\
                            Exit codes: 0 stopped with Ctrl-C, 4 cannot listen or open the database.")]
    Serve(ServeArgs),
    /// Send progress a class server does not have yet (or, as instructor, import collected logs).
    #[command(
        after_help = "Examples:\n  labrun sync                                   # send what your sessions could not\n  \
                            labrun sync --report-to http://class.example:7474\n  \
                            LABRUN_INSTRUCTOR_TOKEN=TOKEN labrun sync --server http://HOST:7474 collected-logs/\n\n\
                            Without --server, each of your logs goes to the server it was last sent to \
                            (or --report-to); joining needs LABRUN_CLASS_CODE. With --server, the logs \
                            under DIR are imported with the instructor token.\n\
                            Exit codes: 0 everything sent, 4 a server could not be reached or refused."
    )]
    Sync(SyncArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:7474", value_name = "ADDR")]
    pub listen: String,
    /// sqlite://FILE or postgres://USER@HOST/DB (default: class.sqlite in labrun's data folder).
    // A PostgreSQL URL may hold a password: `--help` never prints the variable's value.
    #[arg(
        long,
        env = "LABRUN_DATABASE",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database: Option<String>,
    /// A file of learners' names, one per line: only they may join, each with its own code
    /// (printed at start), so no one takes a classmate's name. The database keeps the
    /// roster: give it again only to change it; an empty file opens the class to anyone
    /// with the class code.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// As instructor: import the logs under the paths into this server
    /// (needs LABRUN_INSTRUCTOR_TOKEN).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Folders or files of collected logs, with --server.
    pub paths: Vec<PathBuf>,
    /// As learner: send to this server (default: the one each log was last sent to, else
    /// LABRUN_REPORT_TO).
    #[arg(long, value_name = "URL")]
    pub report_to: Option<String>,
    /// Where your progress logs live (default: $XDG_DATA_HOME/labrun/progress).
    #[arg(long, env = "LABRUN_PROGRESS_DIR", value_name = "DIR")]
    pub progress_dir: Option<PathBuf>,
}

/// Who is learning and where progress is kept; shared by the session commands.
#[derive(Debug, Args, Clone)]
pub struct LearnerArgs {
    /// The learner's name in the progress log (default: the OS user).
    #[arg(long, env = "LABRUN_LEARNER")]
    pub learner: Option<String>,
    /// Where progress logs live (default: $XDG_DATA_HOME/labrun/progress).
    #[arg(long, env = "LABRUN_PROGRESS_DIR", value_name = "DIR")]
    pub progress_dir: Option<PathBuf>,
    /// The lesson's working folder (default: workspaces/LESSON/LEARNER in labrun's data folder, or
    /// .workspaces/LESSON/LEARNER in the progress folder when that is given).
    #[arg(long, env = "LABRUN_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
}

/// Values for the lesson's variables given on the command line; shared by the commands that
/// run a lesson's blocks.
#[derive(Debug, Args, Clone, Default)]
pub struct VarArgs {
    /// Set a variable (repeatable): `--var region=eu-de`. Not for secrets: other users of
    /// the machine can read a command line; give a secret at its prompt, or through the
    /// environment variable the lesson names for it (`env:`).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub given: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// A lesson file or folder; without one, choose among the lessons in `lessons/`.
    pub lesson: Option<PathBuf>,
    /// Forget this lesson's progress and start from the first step.
    #[arg(long)]
    pub restart: bool,
    /// Start at this step id.
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// Run commands without asking first (otherwise each command labrun runs for you is
    /// confirmed, and the lesson's setup, check and cleanup commands are allowed once per
    /// version of the lesson).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Use the plain line UI even on a terminal.
    #[arg(long)]
    pub plain: bool,
    /// Do not re-run a step's checks in the background while you work (the terminal UI
    /// otherwise does, every few seconds and when a file changes, and moves on when they pass).
    #[arg(long)]
    pub no_watch: bool,
    /// Send your progress to a class server as you go (`labrun serve`); joining needs the
    /// class code in LABRUN_CLASS_CODE. Nothing waits for it: what cannot be sent waits for
    /// `labrun sync`.
    #[arg(long, env = "LABRUN_REPORT_TO", value_name = "URL")]
    pub report_to: Option<String>,
    #[command(flatten)]
    pub learner: LearnerArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A lesson file or folder; without one, every lesson with progress.
    pub lesson: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub learner: LearnerArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A lesson file or folder.
    pub lesson: PathBuf,
    /// Check only this step.
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// Allow the lesson's check commands to run, when you have not allowed them in
    /// `labrun start` for this version of the lesson (on a terminal, labrun asks instead).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub learner: LearnerArgs,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// A lesson file or folder.
    pub lesson: PathBuf,
    /// Reset only this step.
    #[arg(long, value_name = "ID")]
    pub step: Option<String>,
    /// Run the lesson's cleanup commands without asking (a full reset runs them first).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub learner: LearnerArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Lesson files or folders.
    #[arg(required = true)]
    pub lessons: Vec<PathBuf>,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Variables from a file: `NAME=value` lines, or a YAML mapping.
    #[arg(long, value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// Write a JUnit XML report: one test case per step.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Accepted for older scripts: every failing check now fails its step.
    #[arg(long, hide = true)]
    pub strict: bool,
    /// Run in this folder instead of a fresh temporary one.
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The scenario's or track's folder.
    pub path: PathBuf,
    /// The lesson folder to write (it must not exist, or be empty).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The lesson's name or path (`.md` is added when it does not end so).
    pub name: String,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got `{text}`"))?;
    if !crate::lesson::is_identifier(name) {
        return Err(format!(
            "`{name}` is not a variable name (letters, digits, `_`)"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
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
    /// Aligned columns, the status in colour on a terminal.
    #[default]
    Table,
    /// An array of {id, title, path, steps, duration, summary, errors, warnings, status}.
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The folder of lessons: each Markdown file in it is a lesson, and each sub-folder is a
    /// lesson in parts (Markdown files only) or a further folder of lessons.
    #[arg(default_value = "lessons")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// Per lesson, a row per learner with a strip of step symbols, then the step figures.
    #[default]
    Table,
    /// {format, lessons, learners, steps}: every figure, for tools.
    Json,
    /// One row per learner, lesson and step, with a header.
    Csv,
    /// JUnit XML: a test suite per lesson, a test case per learner, failed when incomplete.
    Junit,
    /// GitHub-flavoured Markdown tables (a CI job summary, an issue).
    Markdown,
    /// One self-contained page: a learner × step grid coloured by status, step figures.
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Progress logs, or folders searched recursively for `*.jsonl` files
    /// (default: $LABRUN_PROGRESS_DIR, else $XDG_DATA_HOME/labrun/progress).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Only this lesson id (repeatable).
    #[arg(long = "lesson", value_name = "ID")]
    pub lessons: Vec<String>,
    /// Only this learner (repeatable).
    #[arg(long = "learner", value_name = "NAME")]
    pub learners: Vec<String>,
    /// Only learners active since DATE (`2026-11-26`, or a time such as
    /// `2026-11-26T09:00:00Z`); what they did before still counts.
    #[arg(long, value_name = "DATE", value_parser = crate::report::parse_since)]
    pub since: Option<jiff::Timestamp>,
    /// Exit 1, naming them on stderr, when anyone in the report has not completed their lesson.
    #[arg(long)]
    pub require_complete: bool,
    /// Read the report from a class server instead of log files (needs
    /// LABRUN_INSTRUCTOR_TOKEN).
    #[arg(long, value_name = "URL", conflicts_with = "paths")]
    pub server: Option<String>,
    /// The lesson as the instructor has it (repeatable): learners whose newest session ran
    /// another version of it (an edited check, say) are flagged (`lesson_matches: false`).
    #[arg(long, value_name = "LESSON")]
    pub lesson_file: Vec<PathBuf>,
}
