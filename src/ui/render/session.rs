//! Rendering for a learner's session: one step at a time, variables shown with their values.

use std::io::{self, Write};
use std::rc::Rc;
use std::sync::Arc;

use crate::lesson::{Lesson, Source, Span};
use crate::style::Term;

use crate::ui::typeset::{self, Canvas, Examples, Resolver, VarsShown, references};

use super::lesson::{contents, part_heading, step_heading};
use super::scope::{Scope, ShowOptions};

const SESSION: ShowOptions = ShowOptions {
    hints: false,
    solutions: false,
    session: true,
};

/// The intro of the lesson's first part.
pub fn intro(out: &mut dyn Write, lesson: &Lesson, term: Term, vars: Resolver) -> io::Result<()> {
    let mut canvas = Canvas::new(
        out,
        term,
        VarsShown::named(&lesson.variables).with_values(vars),
    );
    let Some(part) = lesson.parts.first() else {
        return Ok(());
    };
    let Some(source) = lesson.sources.get(part.file) else {
        return Ok(());
    };
    let mut scope = Scope::intro(source, part, SESSION, references(&source.text));
    contents(&mut canvas, &mut scope, &part.intro)
}

/// Step `index`: its heading and content (a part's heading and intro first, when the step
/// opens a part other than the first). The first `hints_seen` hints are shown open: the
/// learner has seen them (in this session or an earlier one), and `hint` gives the next.
pub fn step(
    out: &mut dyn Write,
    lesson: &Lesson,
    index: usize,
    hints_seen: usize,
    term: Term,
    vars: Resolver,
) -> io::Result<()> {
    let mut canvas = Canvas::new(
        out,
        term,
        VarsShown::named(&lesson.variables).with_values(vars),
    );
    let Some(step) = lesson.steps.get(index) else {
        return Ok(());
    };
    let Some(source) = lesson.sources.get(step.file) else {
        return Ok(());
    };
    let references = references(&source.text);
    if let Some((number, part)) = lesson
        .parts
        .iter()
        .enumerate()
        .find(|(_, part)| part.steps.start == index)
        && number > 0
    {
        part_heading(&mut canvas, lesson, part, number)?;
        let mut scope = Scope::intro(source, part, SESSION, Rc::clone(&references));
        contents(&mut canvas, &mut scope, &part.intro)?;
    }
    step_heading(&mut canvas, lesson, step, index)?;
    let mut scope = Scope::step(source, step, SESSION, references);
    scope.hints_seen = hints_seen;
    contents(&mut canvas, &mut scope, &step.content)
}

/// A piece of Markdown on its own (a revealed hint), its variables replaced by their values
/// already: a `{{word}}` left in it is text.
pub fn markdown(out: &mut dyn Write, text: &str, term: Term) -> io::Result<()> {
    let source = Source {
        path: "hint.md".into(),
        text: Arc::from(text),
    };
    let mut canvas = Canvas::new(out, term, VarsShown::none());
    let whole = Span::new(0, text.len());
    typeset::render(
        &mut canvas,
        &source,
        whole,
        &references(text),
        &mut Examples,
    )
}
