//! `labrun show`: a lesson rendered for reading, its commands for auditing, or its model as JSON.

use std::io::Write;

use crate::lesson;
use crate::ui::style::Term;

use super::args::ShowArgs;
use super::{CliError, exit};

pub fn run(args: &ShowArgs) -> Result<u8, CliError> {
    if !args.lesson.exists() {
        return Err(CliError::NotFound(args.lesson.clone()));
    }
    let loaded = lesson::load(&args.lesson)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut term = Term::stdout();
    if let Some(width) = args.width {
        term.width = width.max(20);
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &loaded.lesson).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        crate::ui::render::lesson(&mut out, &loaded.lesson, term)?;
    }
    Ok(if loaded.has_errors() {
        exit::INVALID_LESSON
    } else {
        exit::OK
    })
}
