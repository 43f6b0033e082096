//! `labrun show`: a lesson rendered for reading, its commands for auditing, or its model as JSON.

use std::io::Write;

use crate::lesson;
use crate::style::{Term, plural};
use crate::ui::render::{self, ShowOptions};

use super::args::ShowArgs;
use super::{CliError, exit};

/// Renders the lesson even when it has lint errors (what could be parsed is shown), then
/// exits 3 with a note on stderr.
pub(super) fn run(args: &ShowArgs) -> Result<u8, CliError> {
    if !args.lesson.exists() {
        return Err(CliError::NotFound(args.lesson.clone()));
    }
    let loaded = lesson::load(&args.lesson)?;
    let (errors, warnings) = loaded.counts();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut term = Term::stdout();
    if let Some(width) = args.width {
        term.width = width.max(20);
    }
    if args.json {
        let view = crate::ui::show_json::view(&loaded.lesson, errors, warnings);
        crate::text::write_json(&mut out, &view)?;
    } else if args.commands {
        render::commands(&mut out, &loaded.lesson, term)?;
    } else {
        let options = ShowOptions {
            hints: args.hints,
            solutions: args.solutions,
            session: false,
        };
        render::lesson(&mut out, &loaded.lesson, term, options)?;
    }
    out.flush()?;
    if errors > 0 {
        crate::style::note_painted(
            &crate::style::error_prefix(),
            &format!(
                "the lesson has {}; `labrun lint {}` shows them",
                plural(errors, "error"),
                args.lesson.display()
            ),
        );
        return Ok(exit::INVALID_LESSON);
    }
    Ok(exit::OK)
}
