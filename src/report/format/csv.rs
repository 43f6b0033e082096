//! `--format csv`: one row per learner, lesson and step (RFC 4180, with a header).
//!
//! The long layout stays the same whatever lessons a report holds, and a spreadsheet's pivot
//! table (or `pandas.pivot`) turns it into a learner × step grid in one move:
//!
//! ```text
//! lesson,learner,learner_complete,step,status,failed_attempts,hints,seconds_to_complete,integrity,evidence,lesson_matches
//! welcome,ada,true,hello,verified,0,0,42,ok,local,
//! ```
//!
//! Written by hand: quoting is the only subtle part, and it is a dozen lines.

use std::io::{self, Write};

use crate::report::Summary;

const HEADER: &str = "lesson,learner,learner_complete,step,status,failed_attempts,hints,\
                      seconds_to_complete,integrity,evidence,lesson_matches";

pub fn write(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for row in &summary.learners {
        let lesson = field(&row.lesson);
        let learner = field(&row.learner);
        // Empty without `--lesson-file`.
        let matches = row
            .lesson_matches
            .map(|m| m.to_string())
            .unwrap_or_default();
        for step in &row.steps {
            let seconds = step.seconds.map(|s| s.to_string()).unwrap_or_default();
            writeln!(
                out,
                "{lesson},{learner},{},{},{},{},{},{seconds},{},{},{matches}",
                row.complete,
                field(&step.id),
                step.status.as_str(),
                step.failed_attempts,
                step.hints,
                row.integrity.as_str(),
                row.evidence.as_str(),
            )?;
        }
    }
    Ok(())
}

/// A text field, quoted when it must be. A name that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) gets a leading `'`, as OWASP advises against CSV injection:
/// learner names come from whoever ran labrun.
fn field(text: &str) -> String {
    // A report is read in a terminal as often as in a spreadsheet.
    let text = crate::text::TerminalText::lines(text);
    let text = text.as_str();
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_needed_and_quotes_are_doubled() {
        assert_eq!(field("ada"), "ada");
        assert_eq!(field("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(" padded"), "\" padded\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@sum"), "'@sum");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("a=b"), "a=b");
    }
}
