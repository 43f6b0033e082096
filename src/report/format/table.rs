//! `--format table` (the default): per lesson, one row per learner with a strip of step
//! symbols, then one row per step with the figures that show where learners struggle.
//! Colour only when [`Term`] allows it; the symbols read the same without it. The counts of
//! verified (`✓/S`), self-reported (`C`) and skipped (`»`) steps are headed by their symbol,
//! which keeps a five-step lesson within 80 columns.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use console::Style;

use crate::progress::{Integrity, StepStatus};
use crate::report::{LearnerRow, LessonInfo, Summary};
use crate::style::{Term, plural};
use crate::text::TerminalText;

use super::legend::{STATUSES, duration, fraction, symbol, trust};

/// `width`: the terminal's, to fit the tables to it; `None` (a pipe, a file) never wraps.
pub fn write(
    out: &mut dyn Write,
    summary: &Summary,
    term: Term,
    width: Option<u16>,
) -> io::Result<()> {
    if summary.lessons.is_empty() {
        return writeln!(out, "No progress found.");
    }
    for (index, lesson) in summary.lessons.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let tables = Tables {
            summary,
            term,
            width,
        };
        tables.learners(out, lesson)?;
        writeln!(out)?;
        tables.steps(out, lesson)?;
    }
    writeln!(out)?;
    let legend: Vec<String> = STATUSES
        .iter()
        .map(|status| {
            format!(
                "{} {}",
                term.paint(&look(*status), symbol(*status)),
                status.as_str()
            )
        })
        .collect();
    writeln!(out, "{}", legend.join("  "))
}

/// The two tables of a lesson, from one summary, painted and fitted alike.
struct Tables<'s> {
    summary: &'s Summary,
    term: Term,
    /// The width to fit; `None` never wraps.
    width: Option<u16>,
}

impl Tables<'_> {
    /// One row per learner, then what makes a row doubtful.
    fn learners(&self, out: &mut dyn Write, lesson: &LessonInfo) -> io::Result<()> {
        let (summary, term) = (self.summary, self.term);
        let rows: Vec<_> = summary.learners_of(&lesson.id).collect();
        let complete = rows.iter().filter(|row| row.complete).count();
        let doubtful = rows.iter().filter(|row| row.is_doubtful()).count();
        writeln!(
            out,
            "{} ({}): {} of {} complete{}",
            term.paint(&Style::new().bold(), &lesson.title),
            TerminalText::line(&lesson.id),
            complete,
            plural(rows.len(), "learner"),
            if doubtful > 0 {
                format!(", {doubtful} in doubt (!)")
            } else {
                String::new()
            }
        )?;
        let mut table = self.table(&[
            "Learner",
            "Done",
            "Steps",
            "✓/S",
            "C",
            "»",
            "Active",
            "Hints",
            "Last seen",
            "Log",
        ]);
        let mut doubts = Vec::new();
        for row in &rows {
            if let Some(doubt) = row.doubt() {
                doubts.push(format!(
                    "{} {}: {}",
                    term.paint(&Style::new().red().bold(), "!"),
                    TerminalText::line(&row.learner),
                    TerminalText::line(&doubt)
                ));
            }
            let strip: String = row
                .steps
                .iter()
                .map(|step| term.paint(&look(step.status), symbol(step.status)))
                .collect();
            let verdict = if row.complete {
                term.paint(&Style::new().green(), "yes")
            } else {
                term.paint(&Style::new().red().bold(), "no")
            };
            table.add_row(vec![
                Cell::new(TerminalText::line(&row.learner)),
                Cell::new(verdict),
                Cell::new(strip),
                Cell::new(row.verified),
                Cell::new(row.self_reported),
                Cell::new(row.skipped),
                Cell::new(duration(Some(row.active_seconds))),
                Cell::new(row.hints),
                Cell::new(row.last_activity.strftime("%Y-%m-%d")),
                Cell::new(trust_cell(row, term)),
            ]);
        }
        align_right(&mut table, &[3, 4, 5, 6, 7]);
        writeln!(out, "{table}")?;
        for doubt in doubts {
            writeln!(out, "{doubt}")?;
        }
        Ok(())
    }

    /// One row per step, with the figures that show where learners struggle.
    fn steps(&self, out: &mut dyn Write, lesson: &LessonInfo) -> io::Result<()> {
        let (summary, term) = (self.summary, self.term);
        let mut table = self.table(&[
            "#",
            "Step",
            "Completed",
            "Median",
            "Failed checks",
            "Hints",
            "Stuck",
            "Skipped",
        ]);
        for (index, stats) in summary.steps_of(&lesson.id).enumerate() {
            let stuck = if stats.stuck > 0 {
                term.paint(&Style::new().red(), &stats.stuck.to_string())
            } else {
                "0".to_owned()
            };
            table.add_row(vec![
                Cell::new(index + 1),
                Cell::new(TerminalText::line(&stats.step)),
                Cell::new(fraction(stats.completed, stats.learners)),
                Cell::new(duration(stats.median_seconds)),
                Cell::new(stats.failed_attempts),
                Cell::new(stats.hints),
                Cell::new(stuck),
                Cell::new(stats.skipped),
            ]);
        }
        align_right(&mut table, &[0, 2, 3, 4, 5, 6, 7]);
        writeln!(out, "{table}")
    }

    /// An empty table with the columns `names`.
    fn table(&self, names: &[&str]) -> Table {
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
            // Colour is `Term`'s decision, painted into the cells: comfy-table only measures.
            .force_no_tty();
        match self.width {
            Some(width) => table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width),
            None => table.set_content_arrangement(ContentArrangement::Disabled),
        };
        let bold = Style::new().bold();
        table.set_header(
            names
                .iter()
                .map(|name| Cell::new(self.term.paint(&bold, name))),
        );
        table
    }
}

/// The `Log` column: red when the row's completion cannot be taken as it stands.
fn trust_cell(row: &LearnerRow, term: Term) -> String {
    let text = trust(row);
    if row.is_doubtful() {
        term.paint(&Style::new().red().bold(), &text)
    } else if row.integrity == Integrity::Ok {
        text
    } else {
        term.paint(&Style::new().dim(), &text)
    }
}

fn align_right(table: &mut Table, columns: &[usize]) {
    for index in columns {
        if let Some(column) = table.column_mut(*index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn look(status: StepStatus) -> Style {
    match status {
        StepStatus::Verified => Style::new().green(),
        StepStatus::Solved => Style::new().cyan(),
        StepStatus::Confirmed => Style::new().blue(),
        StepStatus::Skipped => Style::new().yellow(),
        StepStatus::Failed => Style::new().red().bold(),
        StepStatus::Pending => Style::new().dim(),
    }
}
