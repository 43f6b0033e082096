//! `--format markdown`: GitHub-flavoured Markdown, for a pull request, an issue or a CI job
//! summary (`>> $GITHUB_STEP_SUMMARY`). Per lesson: a learner × step table of statuses, then
//! the step figures.

use std::io::{self, Write};

use crate::report::Summary;
use crate::style::noun_for;

use super::legend::{duration, fraction, moment, trust};

pub fn write(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    writeln!(out, "# Progress report")?;
    if summary.lessons.is_empty() {
        writeln!(out, "\nNo progress found.")?;
    }
    if let Some(last) = summary.last_activity() {
        writeln!(out, "\nUp to {}.", moment(last))?;
    }
    for lesson in &summary.lessons {
        let rows: Vec<_> = summary.learners_of(&lesson.id).collect();
        let complete = rows.iter().filter(|row| row.complete).count();
        writeln!(
            out,
            "\n## {} (`{}`)\n\n**{complete} of {}** {} complete.\n",
            escape(&lesson.title),
            lesson.id.replace('`', "'"),
            rows.len(),
            noun_for(rows.len(), "learner"),
        )?;
        let mut head = vec!["Learner".to_owned(), "Complete".to_owned()];
        head.extend(lesson.steps.iter().map(|step| escape(step)));
        head.extend([
            "Active".to_owned(),
            "Last activity".to_owned(),
            "Log".to_owned(),
        ]);
        let mut align = vec![Align::Left, Align::Left];
        align.extend(lesson.steps.iter().map(|_| Align::Centre));
        align.extend([Align::Right, Align::Left, Align::Left]);
        table_head(out, &head, &align)?;
        for row in &rows {
            let mut cells = vec![
                escape(&row.learner),
                if row.complete { "yes" } else { "**no**" }.to_owned(),
            ];
            cells.extend(row.steps.iter().map(|step| step.status.as_str().to_owned()));
            let trust = trust(row);
            cells.extend([
                duration(Some(row.active_seconds)),
                moment(row.last_activity),
                if row.is_doubtful() {
                    format!("**{trust}**")
                } else {
                    trust
                },
            ]);
            table_row(out, &cells)?;
        }
        let doubts: Vec<String> = rows
            .iter()
            .filter_map(|row| {
                Some(format!(
                    "- **{}**: {}",
                    escape(&row.learner),
                    escape(&row.doubt()?)
                ))
            })
            .collect();
        if !doubts.is_empty() {
            writeln!(out, "\n{}", doubts.join("\n"))?;
        }
        writeln!(out, "\n### Steps\n")?;
        let head = [
            "Step",
            "Completed",
            "Median time",
            "Failed checks",
            "Hints",
            "Stuck",
            "Skipped",
        ]
        .map(str::to_owned);
        let mut align = vec![Align::Left];
        align.extend([Align::Right; 6]);
        table_head(out, &head, &align)?;
        for stats in summary.steps_of(&lesson.id) {
            table_row(
                out,
                &[
                    escape(&stats.step),
                    fraction(stats.completed, stats.learners),
                    duration(stats.median_seconds),
                    stats.failed_attempts.to_string(),
                    stats.hints.to_string(),
                    stats.stuck.to_string(),
                    stats.skipped.to_string(),
                ],
            )?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Centre,
    Right,
}

/// The header row and the rule under it, which sets each column's alignment.
fn table_head(out: &mut dyn Write, head: &[String], align: &[Align]) -> io::Result<()> {
    table_row(out, head)?;
    let rule: Vec<String> = align
        .iter()
        .map(|align| match align {
            Align::Left => "---",
            Align::Centre => ":---:",
            Align::Right => "---:",
        })
        .map(str::to_owned)
        .collect();
    table_row(out, &rule)
}

fn table_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    writeln!(out, "| {} |", cells.join(" | "))
}

/// Text that stays text in a table cell: Markdown punctuation is backslash-escaped (which
/// also stops raw HTML), and a line break becomes a space.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in crate::text::TerminalText::lines(text).as_str().chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' | '\r' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn cell_text_cannot_break_the_table_or_inject_html() {
        assert_eq!(escape("a|b"), r"a\|b");
        assert_eq!(escape("<img src=x>"), r"\<img src=x\>");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(escape("snake_case"), r"snake\_case");
    }
}
