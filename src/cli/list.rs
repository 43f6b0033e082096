//! `labrun list`: the lessons in a folder, with their lint status.

use crate::lesson;
use crate::style::Term;
use crate::ui::render::{self, ListEntry};

use super::args::{ListArgs, ListFormat};
use super::{CliError, discover, exit};

/// Lists every lesson under the folder. A lesson that cannot be read is listed as
/// `unreadable` rather than ending the listing; lint problems do not change the exit code.
pub(super) fn run(args: &ListArgs) -> Result<u8, CliError> {
    let paths = discover::lessons_in(&args.dir)?;
    if paths.is_empty() {
        return Err(CliError::NoLessons(vec![args.dir.clone()]));
    }
    let entries: Vec<ListEntry> = paths.iter().map(|path| entry(path)).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ListFormat::Json => {
            crate::text::write_json(&mut out, &entries)?;
        }
        ListFormat::Table => render::list(&mut out, &entries, Term::stdout())?,
    }
    Ok(exit::OK)
}

fn entry(path: &std::path::Path) -> ListEntry {
    match lesson::load(path) {
        Ok(loaded) => {
            let (errors, warnings) = loaded.counts();
            let lesson = loaded.lesson;
            ListEntry {
                id: lesson.id,
                title: Some(lesson.title),
                path: path.display().to_string(),
                steps: Some(lesson.steps.len()),
                duration: lesson.duration,
                summary: lesson.summary,
                errors,
                warnings,
                status: ListEntry::status_of(errors, warnings),
            }
        }
        Err(error) => ListEntry {
            id: path
                .file_stem()
                .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned()),
            title: None,
            path: path.display().to_string(),
            steps: None,
            duration: None,
            summary: None,
            errors: 0,
            warnings: 0,
            status: format!("unreadable: {}", reason(&error)),
        },
    }
}

/// The error without the path, which the row already shows.
fn reason(error: &lesson::LoadError) -> String {
    match error {
        lesson::LoadError::Io { source, .. } => source.to_string(),
        lesson::LoadError::NoMarkdown(_) => "no Markdown files".into(),
        lesson::LoadError::NotUtf8(_) => "not UTF-8 text".into(),
        lesson::LoadError::NotAFile(_) => "not a regular file".into(),
        lesson::LoadError::TooLarge { size, .. } => format!("{size} bytes: larger than 16 MiB"),
    }
}
