//! `labrun list`: one row per lesson, as an aligned table or as JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::style::{Term, plural};

use super::pieces::paint_one;
use super::table::{self, Align, Cell};
use super::theme::{Hue, Look};

/// One lesson as `labrun list` shows it; `--format json` prints an array of these.
#[derive(Debug, Clone, Serialize)]
pub struct ListEntry {
    /// The lesson id (front matter `id`, else the file or folder name without extension).
    pub id: String,
    /// The lesson title; null when the lesson could not be read.
    pub title: Option<String>,
    /// The lesson file, or the folder of a lesson in parts.
    pub path: String,
    /// The number of steps; null when the lesson could not be read.
    pub steps: Option<usize>,
    /// How long the lesson takes, from the front matter.
    pub duration: Option<String>,
    /// One line about the lesson, from the front matter.
    pub summary: Option<String>,
    /// Number of lint errors.
    pub errors: usize,
    /// Number of lint warnings.
    pub warnings: usize,
    /// `ok`, `2 warnings`, `3 errors` or `unreadable: REASON`.
    pub status: String,
}

impl ListEntry {
    /// The status for these lint counts: errors first, then warnings, else `ok`.
    pub fn status_of(errors: usize, warnings: usize) -> String {
        match (errors, warnings) {
            (0, 0) => "ok".into(),
            (0, warnings) => plural(warnings, "warning"),
            (errors, _) => plural(errors, "error"),
        }
    }

    fn status_hue(&self) -> Hue {
        if self.steps.is_none() || self.errors > 0 {
            Hue::Red
        } else if self.warnings > 0 {
            Hue::Yellow
        } else {
            Hue::Green
        }
    }
}

/// The lessons as a table: id, title, steps, duration, status and path.
pub fn list(out: &mut dyn Write, entries: &[ListEntry], term: Term) -> io::Result<()> {
    let head = ["ID", "TITLE", "STEPS", "DURATION", "STATUS", "PATH"];
    let aligns = [
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Left,
    ];
    let mut rows = vec![
        head.iter()
            .map(|name| Cell::new(paint_one(term, name, Look::BOLD), name))
            .collect::<Vec<_>>(),
    ];
    for entry in entries {
        let plain = |text: &str| Cell::new(text.to_owned(), text);
        let steps = entry
            .steps
            .map_or_else(|| "-".to_owned(), |steps| steps.to_string());
        rows.push(vec![
            Cell::new(paint_one(term, &entry.id, Look::hue(Hue::Cyan)), &entry.id),
            plain(entry.title.as_deref().unwrap_or("-")),
            plain(&steps),
            plain(entry.duration.as_deref().unwrap_or("-")),
            Cell::new(
                paint_one(term, &entry.status, Look::hue(entry.status_hue())),
                &entry.status,
            ),
            Cell::new(paint_one(term, &entry.path, Look::DIM), &entry.path),
        ]);
    }
    let widths = table::column_widths(&rows);
    for row in &rows {
        writeln!(out, "{}", table::row(row, &widths, &aligns, "  "))?;
    }
    let with_errors = entries
        .iter()
        .filter(|entry| entry.steps.is_none() || entry.errors > 0)
        .count();
    let mut summary = plural(entries.len(), "lesson");
    if with_errors > 0 {
        summary.push_str(&format!(
            ", {with_errors} with errors (`labrun lint` explains them)"
        ));
    }
    writeln!(out, "\n{}", paint_one(term, &summary, Look::DIM))
}
