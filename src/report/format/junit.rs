//! `--format junit`: JUnit XML for CI dashboards.
//!
//! One `<testsuite>` per lesson and one `<testcase>` per learner (`classname` the lesson,
//! `name` the learner, `time` the active seconds): the question a CI job asks is "who has
//! not finished", and GitLab, Jenkins and GitHub test reporters list failed test cases by
//! name, so a learner who has not completed is one failure whose message says how far they
//! got and whose text lists each step's status. Every test case also carries the step
//! statuses in `<system-out>`, as evidence for the ones that pass.

use std::io::{self, Write};

use crate::report::{LearnerRow, Summary};

pub fn write(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let failures = summary
        .learners
        .iter()
        .filter(|row| !row.is_complete_and_sound())
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="labrun report" tests="{}" failures="{failures}">"#,
        summary.learners.len()
    )?;
    for lesson in &summary.lessons {
        let rows: Vec<&LearnerRow> = summary.learners_of(&lesson.id).collect();
        let failed = rows
            .iter()
            .filter(|row| !row.is_complete_and_sound())
            .count();
        let time: u64 = rows.iter().map(|row| row.active_seconds).sum();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failed}" errors="0" skipped="0" time="{time}">"#,
            escape(&lesson.id),
            rows.len(),
        )?;
        writeln!(
            out,
            r#"    <properties><property name="title" value="{}"/></properties>"#,
            escape(&lesson.title)
        )?;
        for row in rows {
            testcase(out, row)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn testcase(out: &mut dyn Write, row: &LearnerRow) -> io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="{}" name="{}" time="{}">"#,
        escape(&row.lesson),
        escape(&row.learner),
        row.active_seconds
    )?;
    let statuses: String = row
        .steps
        .iter()
        .map(|step| format!("{}: {}\n", step.id, step.status.as_str()))
        .collect();
    if let Some(doubt) = row.doubt() {
        // A completion that cannot be taken as it stands is no pass.
        writeln!(
            out,
            r#"      <failure type="doubtful" message="{}">{}</failure>"#,
            escape(&doubt),
            escape_text(&statuses)
        )?;
    } else if !row.complete {
        let open: Vec<String> = row
            .steps
            .iter()
            .filter(|step| !step.status.is_complete())
            .map(|step| format!("{} ({})", step.id, step.status.as_str()))
            .collect();
        let message = format!(
            "{} of {} steps not complete: {}",
            open.len(),
            row.steps.len(),
            open.join(", ")
        );
        writeln!(
            out,
            r#"      <failure type="incomplete" message="{}">{}</failure>"#,
            escape(&message),
            escape_text(&statuses)
        )?;
    }
    writeln!(
        out,
        "      <system-out>{}</system-out>",
        escape_text(&statuses)
    )?;
    writeln!(out, "    </testcase>")
}

/// Element text: like [`escape`], but line breaks stay line breaks.
fn escape_text(text: &str) -> String {
    escape(text).replace("&#10;", "\n")
}

/// Text safe in XML attribute values (and content). Characters XML 1.0 cannot hold at all
/// (most control characters) become U+FFFD rather than breaking the file.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\t' | '\r' => escaped.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                escaped.push('\u{FFFD}')
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_text};

    #[test]
    fn markup_and_control_characters_cannot_break_the_xml() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("bell\u{7}"), "bell\u{FFFD}");
        assert_eq!(escape("a\nb"), "a&#10;b");
        assert_eq!(escape_text("a\n<b>"), "a\n&lt;b&gt;");
    }
}
