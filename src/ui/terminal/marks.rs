//! The terminal UI's own marks: the signs and colours around the rendered lesson.
//! Colour only where [`Term`] allows it, so `NO_COLOR` gives the same text unpainted.

use console::Style;

use crate::progress::StepStatus;
use crate::style::Term;

#[derive(Debug, Clone, Copy)]
pub(super) struct Marks {
    pub term: Term,
}

impl Marks {
    pub(super) fn paint(self, style: &Style, text: &str) -> String {
        self.term.paint(style, text)
    }

    /// Success: `✔ done`, `✔ Step verified.`
    pub(super) fn good(self, text: &str) -> String {
        self.paint(&Style::new().green().bold(), text)
    }

    /// A verdict against the learner: `✘ Not verified yet.`
    pub(super) fn bad(self, text: &str) -> String {
        self.paint(&Style::new().red().bold(), text)
    }

    /// Why something failed.
    pub(super) fn reason(self, text: &str) -> String {
        self.paint(&Style::new().red(), text)
    }

    pub(super) fn dim(self, text: &str) -> String {
        self.paint(&Style::new().dim(), text)
    }

    pub(super) fn heading(self, text: &str) -> String {
        self.paint(&Style::new().bold().cyan(), text)
    }

    pub(super) fn code(self, text: &str) -> String {
        self.paint(&Style::new().cyan(), text)
    }

    /// `✔ verified`, the word padded to `width` for a column.
    pub(super) fn status(self, status: StepStatus, width: usize) -> String {
        let (glyph, style) = match status {
            StepStatus::Verified | StepStatus::Confirmed => ("✔", Style::new().green()),
            StepStatus::Solved => ("◆", Style::new().yellow()),
            StepStatus::Skipped => ("↷", Style::new().dim()),
            StepStatus::Failed => ("✘", Style::new().red()),
            StepStatus::Pending => ("·", Style::new().dim()),
        };
        self.paint(&style, &format!("{glyph} {:<width$}", status.as_str()))
    }

    /// The first non-blank line of a block, `…` when there is more, cut to fit a line
    /// that already has `used` columns.
    pub(super) fn first_line(self, code: &str, used: usize) -> String {
        let mut lines = code.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next().unwrap_or("");
        let more = if lines.next().is_some() { " …" } else { "" };
        let first = crate::text::TerminalText::line(first);
        let room = self.term.width.saturating_sub(used);
        console::truncate_str(&format!("{first}{more}"), room, "…").into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_named_by_its_first_line_cut_to_the_width() {
        let marks = Marks {
            term: Term::plain(40),
        };
        assert_eq!(marks.first_line("\n  echo hi\n", 0), "echo hi");
        assert_eq!(marks.first_line("echo one\necho two", 0), "echo one …");
        let long = marks.first_line(&"x".repeat(100), 10);
        assert_eq!(console::measure_text_width(&long), 30);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn without_colour_the_marks_are_plain_text() {
        let marks = Marks {
            term: Term::plain(80),
        };
        assert_eq!(marks.status(StepStatus::Verified, 9), "✔ verified ");
        assert_eq!(marks.bad("✘ Not verified yet."), "✘ Not verified yet.");
    }
}
