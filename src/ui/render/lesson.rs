//! `labrun show`: a whole lesson for a reader — header, parts, steps and their content.

use std::io::{self, Write};
use std::rc::Rc;

use crate::lesson::{Content, Lesson, Part, Role, Step, VarSpec};
use crate::style::{Term, plural};

use crate::ui::typeset::{
    self, Canvas, Hue, Look, Piece, References, VarsShown, references, width, with_vars,
};

use super::block;
use super::scope::{Scope, ShowOptions};

/// Renders `lesson` for reading. Nothing is run and no variable is filled in.
pub fn lesson(
    out: &mut dyn Write,
    lesson: &Lesson,
    term: Term,
    options: ShowOptions,
) -> io::Result<()> {
    let mut canvas = Canvas::new(out, term, VarsShown::named(&lesson.variables));
    header(&mut canvas, lesson)?;
    // Parsed once per file: every slice rendered needs the file's link definitions.
    let references: Vec<Rc<References>> = lesson
        .sources
        .iter()
        .map(|source| references(&source.text))
        .collect();
    let several = lesson.parts.len() > 1;
    for (number, part) in lesson.parts.iter().enumerate() {
        if several {
            part_heading(&mut canvas, lesson, part, number)?;
        }
        if let (Some(source), Some(references)) =
            (lesson.sources.get(part.file), references.get(part.file))
        {
            let mut scope = Scope::intro(source, part, options, Rc::clone(references));
            contents(&mut canvas, &mut scope, &part.intro)?;
        }
        for index in part.steps.clone() {
            let Some(step) = lesson.steps.get(index) else {
                continue;
            };
            let (Some(source), Some(references)) =
                (lesson.sources.get(step.file), references.get(step.file))
            else {
                continue;
            };
            step_heading(&mut canvas, lesson, step, index)?;
            let mut scope = Scope::step(source, step, options, Rc::clone(references));
            contents(&mut canvas, &mut scope, &step.content)?;
        }
    }
    Ok(())
}

fn header(canvas: &mut Canvas, lesson: &Lesson) -> io::Result<()> {
    let title_width = width(&lesson.title).min(canvas.width());
    canvas.styled(&lesson.title, Look::TITLE)?;
    canvas.styled(&"═".repeat(title_width), Look::hue(Hue::Cyan))?;
    if let Some(summary) = &lesson.summary {
        canvas.text(&typeset::inline(
            summary,
            canvas,
            Look {
                italic: true,
                ..Look::PLAIN
            },
        ))?;
    }
    let mut meta = vec![format!("id {}", lesson.id)];
    if lesson.parts.len() > 1 {
        meta.push(plural(lesson.parts.len(), "part"));
    }
    meta.push(plural(lesson.steps.len(), "step"));
    meta.extend(
        lesson
            .duration
            .as_ref()
            .map(|duration| format!("about {duration}")),
    );
    meta.extend(
        lesson
            .version
            .as_ref()
            .map(|version| format!("version {version}")),
    );
    canvas.styled(&meta.join(" · "), Look::DIM)?;

    if !lesson.requires.is_empty() {
        canvas.gap();
        canvas.indent("Requires   ", "           ", Look::BOLD);
        for tool in &lesson.requires {
            let mut pieces = vec![Piece::new(&tool.name, Look::CODE)];
            if let Some(hint) = &tool.hint {
                // A hint written over several lines (`hint: |`) reads as one here.
                let mut joined = String::new();
                for line in hint.lines().map(str::trim).filter(|line| !line.is_empty()) {
                    if !joined.is_empty() {
                        joined.push_str(if joined.ends_with(':') { " " } else { "; " });
                    }
                    joined.push_str(line);
                }
                pieces.push(Piece::new(format!(" · install: {joined}"), Look::DIM));
            }
            canvas.text(&pieces)?;
        }
        canvas.dedent();
    }
    if !lesson.vars.is_empty() {
        canvas.gap();
        canvas.indent("Variables  ", "           ", Look::BOLD);
        for var in &lesson.vars {
            let line = var_line(&canvas.vars, var);
            canvas.text(&line)?;
        }
        canvas.dedent();
    }
    canvas.gap();
    Ok(())
}

/// `{{name}} What to call you · asked · default friend`; a secret's default is never shown.
fn var_line(vars: &VarsShown, var: &VarSpec) -> Vec<Piece> {
    let mut pieces = vec![Piece::new(format!("{{{{{}}}}}", var.name), Look::VAR)];
    if let Some(about) = var.description.as_ref().or(var.prompt.as_ref()) {
        pieces.push(Piece::new(format!(" {about}"), Look::PLAIN));
    }
    let mut notes = Vec::new();
    if var.secret {
        notes.push("secret".to_owned());
    }
    if let Some(env) = &var.env {
        notes.push(format!("from ${env}"));
    }
    match (&var.value, &var.prompt) {
        (Some(_), _) if var.secret => notes.push("computed".into()),
        (Some(value), _) => notes.push(format!("computed as {value}")),
        (None, Some(_)) => notes.push("asked".into()),
        (None, None) if var.env.is_none() && var.default.is_none() => {
            notes.push("set by a step".into());
        }
        (None, None) => {}
    }
    if let Some(default) = var.default.as_ref().filter(|_| !var.secret) {
        notes.push(format!("default {default}"));
    }
    if !var.choices.is_empty() {
        notes.push(format!("one of {}", var.choices.join(", ")));
    }
    for (index, note) in notes.into_iter().enumerate() {
        let separator = if index == 0 && pieces.len() == 1 {
            " "
        } else {
            " · "
        };
        pieces.push(Piece::new(separator, Look::DIM));
        // Each note is kept whole on a line: "default friend", not "default" and "friend".
        pieces.extend(with_vars(vars, &note, Look::DIM, None, true));
    }
    pieces
}

pub(super) fn part_heading(
    canvas: &mut Canvas,
    lesson: &Lesson,
    part: &Part,
    number: usize,
) -> io::Result<()> {
    let source = lesson.sources.get(part.file);
    let file_name = source
        .and_then(|source| source.path.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = part.title.clone().unwrap_or_else(|| file_name.clone());
    let heading = format!("Part {}/{} · {title}", number + 1, lesson.parts.len());
    canvas.gap();
    canvas.styled(&heading, Look::TITLE)?;
    canvas.styled(
        &"━".repeat(width(&heading).min(canvas.width())),
        Look::hue(Hue::Cyan),
    )?;
    if !file_name.is_empty() {
        canvas.styled(&file_name, Look::DIM)?;
    }
    canvas.gap();
    Ok(())
}

pub(super) fn step_heading(
    canvas: &mut Canvas,
    lesson: &Lesson,
    step: &Step,
    index: usize,
) -> io::Result<()> {
    let number = format!("Step {}/{}", index + 1, lesson.steps.len());
    let heading_width = width(&number) + 3 + width(&step.title) + 3 + width(&step.id);
    canvas.gap();
    canvas.text(&[
        Piece::new(format!("{number} ·"), Look::bold_hue(Hue::Yellow)),
        Piece::new(format!(" {}", step.title), Look::BOLD),
        Piece::atomic(format!("  #{}", step.id), Look::DIM),
    ])?;
    canvas.styled(
        &"─".repeat(heading_width.min(canvas.width())),
        Look::hue(Hue::Yellow),
    )?;
    canvas.styled(&step_summary(step), Look::DIM)?;
    canvas.gap();
    Ok(())
}

/// How the step is verified, and what help it offers.
fn step_summary(step: &Step) -> String {
    let checks = step.blocks_with(Role::Check).count();
    let quizzes = step.quizzes.len();
    let mut verified = Vec::new();
    if checks > 0 {
        verified.push(plural(checks, "check"));
    }
    if quizzes > 0 {
        verified.push(plural(quizzes, "quiz"));
    }
    let mut notes = vec![if verified.is_empty() {
        "no checks: you confirm when it is done".to_owned()
    } else {
        format!("verified by {}", verified.join(" and "))
    }];
    if !step.hints.is_empty() {
        notes.push(plural(step.hints.len(), "hint"));
    }
    if step.blocks_with(Role::Solve).next().is_some() {
        notes.push("solution available".into());
    }
    notes.join(" · ")
}

/// The content of a step or intro in reading order, then any block not shown on the way.
pub(super) fn contents(
    canvas: &mut Canvas,
    scope: &mut Scope,
    contents: &[Content],
) -> io::Result<()> {
    for content in contents {
        match content {
            Content::Markdown { span } | Content::Callout { span, .. } => {
                let references = Rc::clone(&scope.references);
                typeset::render(canvas, scope.source, *span, &references, scope)?
            }
            Content::Block { index } => block::block(canvas, scope, *index)?,
            Content::Hint { index } => block::hint(canvas, scope, *index)?,
            Content::Quiz { index } => block::quiz(canvas, scope, *index)?,
            Content::Details { summary, span } => block::details(canvas, scope, summary, *span)?,
        }
        canvas.gap();
    }
    let whole = crate::lesson::Span::new(0, usize::MAX);
    block::within(canvas, scope, whole)
}
