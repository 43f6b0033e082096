//! `labrun import`: a Killercoda or Katacoda scenario, or an Instruqt track, written out as a
//! lesson folder, with what could not be carried over listed.

use std::io::Write;

use crate::lesson;

use super::args::ImportArgs;
use super::{CliError, exit};

pub(super) fn run(args: &ImportArgs) -> Result<u8, CliError> {
    if !args.path.exists() {
        return Err(CliError::NotFound(args.path.clone()));
    }
    let occupied = std::fs::read_dir(&args.output).is_ok_and(|mut dir| dir.next().is_some());
    if occupied || args.output.is_file() {
        return Err(CliError::Usage(format!(
            "`{}` is not empty: import into a new folder",
            args.output.display()
        )));
    }
    let imported =
        lesson::import(&args.path).map_err(|error| CliError::Usage(error.to_string()))?;
    std::fs::create_dir_all(&args.output)?;
    for (name, text) in &imported.files {
        std::fs::write(args.output.join(name), text)?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "Imported the {} \"{}\" into {}: {} parts.",
        imported.kind,
        imported.title,
        args.output.display(),
        imported.files.len()
    )?;
    if !imported.left_out.is_empty() {
        writeln!(out, "Not carried over, or changed:")?;
        for item in &imported.left_out {
            writeln!(out, "  - {item}")?;
        }
    }
    let loaded = lesson::load(&args.output)?;
    let (errors, _) = loaded.counts();
    if errors > 0 {
        return Err(CliError::InvalidLesson {
            path: args.output.clone(),
            errors,
        });
    }
    writeln!(
        out,
        "Next: `labrun show {0} --commands` to read what it runs, then `labrun start {0}`.",
        args.output.display()
    )?;
    Ok(exit::OK)
}
