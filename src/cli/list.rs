//! `labrun list`: the lessons in a folder.

use std::io::Write;

use crate::lesson;

use super::args::{ListArgs, ListFormat};
use super::{CliError, discover, exit};

pub fn run(args: &ListArgs) -> Result<u8, CliError> {
    let paths = discover::lessons(std::slice::from_ref(&args.dir))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = args.format == ListFormat::Json;
    for path in paths {
        let loaded = lesson::load(&path)?;
        writeln!(
            out,
            "{}\t{}\t{}",
            loaded.lesson.id,
            loaded.lesson.title,
            loaded.lesson.steps.len()
        )?;
    }
    Ok(exit::OK)
}
