//! The command line: argument parsing, and one module per command.

mod args;
mod check;
mod discover;
mod error;
mod import;
mod learner;
mod lint;
mod list;
mod new;
mod report;
mod reset;
mod serve;
mod show;
mod start;
mod status;
mod sync;
mod test;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command};
pub use error::{CliError, exit};

/// Parses `args`, runs the command, and turns the outcome into an exit code:
/// 0 success, 1 a check or requirement failed, 2 usage, 3 invalid lesson, 130 interrupted,
/// 141 output closed early.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Show(args) => show::run(&args),
        Command::List(args) => list::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Start(args) => start::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Reset(args) => reset::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Test(args) => test::run(&args),
        Command::New(args) => new::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Sync(args) => sync::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `labrun show ... | head` closed the pipe early: nothing to say, and no success
        // claimed for output that was never written.
        Err(CliError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(exit::OUTPUT_CLOSED)
        }
        Err(error) => {
            crate::style::note_painted(&crate::style::error_prefix(), &error.to_string());
            ExitCode::from(error.exit_code())
        }
    }
}
