//! Rendering a lesson for a reader in the terminal (`labrun show`).

use std::io::{self, Write};

use crate::lesson::Lesson;

use super::style::Term;

pub fn lesson(out: &mut dyn Write, lesson: &Lesson, _term: Term) -> io::Result<()> {
    writeln!(out, "{}", lesson.title)?;
    for step in &lesson.steps {
        writeln!(out, "## {}", step.title)?;
    }
    Ok(())
}
