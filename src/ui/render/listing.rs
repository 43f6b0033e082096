//! `labrun list`: one row per lesson, as an aligned table or as JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::style::{Term, plural};

use crate::ui::typeset::{Hue, Look, paint_one};

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
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::TableStyle::new())
        // Colour is `Term`'s decision, painted into the cells: comfy-table only measures.
        .force_no_tty()
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .set_header(head.iter().map(|name| paint_one(term, name, Look::BOLD)));
    for entry in entries {
        let steps = entry
            .steps
            .map_or_else(|| "-".to_owned(), |steps| steps.to_string());
        table.add_row([
            paint_one(term, &entry.id, Look::hue(Hue::Cyan)),
            entry.title.as_deref().unwrap_or("-").to_owned(),
            steps,
            entry.duration.as_deref().unwrap_or("-").to_owned(),
            paint_one(term, &entry.status, Look::hue(entry.status_hue())),
            paint_one(term, &entry.path, Look::DIM),
        ]);
    }
    // Two spaces between columns; the step count right-aligned.
    let last = table.column_count().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index < last { 2 } else { 0 }));
        if index == 2 {
            column.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
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
