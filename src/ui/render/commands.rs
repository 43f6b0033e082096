//! `labrun show --commands`: everything a lesson can run, step by step, so an untrusted
//! lesson can be audited before anything of it runs. Nothing is hidden here: solutions and
//! collapsed blocks are listed like the rest, with the file and line they come from.

use std::io::{self, Write};

use crate::lesson::{Block, Lesson, LineIndex, Source};
use crate::style::{Term, plural};

use crate::ui::typeset::{Canvas, Hue, Look, Piece, VarsShown, gutter, with_vars};

use super::block::{self, badge};
use super::scope::Place;

/// What the lesson can do, counted for the last line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    commands: usize,
    requests: usize,
    files: usize,
}

/// Lists every block labrun runs or offers to run, every HTTP request and every file written.
pub fn commands(out: &mut dyn Write, lesson: &Lesson, term: Term) -> io::Result<()> {
    let mut canvas = Canvas::new(out, term, VarsShown::named(&lesson.variables));
    let lines: Vec<LineIndex> = lesson.sources.iter().map(Source::line_index).collect();
    let mut counts = Counts::default();
    canvas.text(&[
        Piece::new(format!("Commands of {}", lesson.title), Look::TITLE),
        Piece::new(format!(" ({})", lesson.path.display()), Look::DIM),
    ])?;
    canvas.styled(
        "Everything this lesson can run or write, step by step, solutions included. \
         {{NAME}} is filled in when the lesson runs.",
        Look::DIM,
    )?;
    if !lesson.requires.is_empty() {
        canvas.gap();
        canvas.styled("Requires these programs on PATH:", Look::BOLD)?;
        canvas.indent("  ", "  ", Look::PLAIN);
        for tool in &lesson.requires {
            let mut pieces = vec![Piece::new(&tool.name, Look::CODE)];
            if let Some(hint) = &tool.hint {
                pieces.push(Piece::new(
                    format!(" · install hint (not run by labrun): {hint}"),
                    Look::DIM,
                ));
            }
            canvas.text(&pieces)?;
        }
        canvas.dedent();
    }
    variables(&mut canvas, lesson)?;

    let several = lesson.parts.len() > 1;
    for part in &lesson.parts {
        let listed: Vec<&Block> = part
            .blocks
            .iter()
            .filter(|block| is_listed(block))
            .collect();
        if !listed.is_empty() {
            let mut title = "Before the first step".to_owned();
            if let Some(source) = lesson.sources.get(part.file).filter(|_| several) {
                title.push_str(&format!(" · {}", source.path.display()));
            }
            canvas.gap();
            canvas.styled(&title, Look::bold_hue(Hue::Magenta))?;
            for block in listed {
                entry(
                    &mut canvas,
                    lesson,
                    &lines,
                    block,
                    Place::Intro,
                    &mut counts,
                )?;
            }
        }
    }
    for (index, step) in lesson.steps.iter().enumerate() {
        let mut listed: Vec<&Block> = step
            .blocks
            .iter()
            .filter(|block| is_listed(block))
            .collect();
        listed.sort_by_key(|block| block.span.start);
        canvas.gap();
        let mut heading = vec![
            Piece::new(
                format!("Step {}/{} ·", index + 1, lesson.steps.len()),
                Look::bold_hue(Hue::Yellow),
            ),
            Piece::new(format!(" {}", step.title), Look::BOLD),
            Piece::atomic(format!("  #{}", step.id), Look::DIM),
        ];
        if listed.is_empty() {
            heading.push(Piece::new(" · nothing to run", Look::DIM));
        }
        canvas.text(&heading)?;
        for block in listed {
            entry(&mut canvas, lesson, &lines, block, Place::Step, &mut counts)?;
        }
    }
    canvas.gap();
    let summary = format!(
        "{}, {}, {} written in {}",
        plural(counts.commands, "command"),
        plural(counts.requests, "HTTP request"),
        plural(counts.files, "file"),
        plural(lesson.steps.len(), "step"),
    );
    canvas.styled(&summary, Look::BOLD)
}

/// Every variable, with where its value comes from: each is in the environment of every
/// command, so it is part of what the lesson makes happen.
fn variables(canvas: &mut Canvas<'_>, lesson: &Lesson) -> io::Result<()> {
    let sources = lesson.var_sources();
    if sources.is_empty() {
        return Ok(());
    }
    canvas.gap();
    canvas.styled(
        "Variables, each in the environment of every command:",
        Look::BOLD,
    )?;
    canvas.indent("  ", "  ", Look::PLAIN);
    for source in &sources {
        let mut pieces = vec![Piece::atomic(&source.name, Look::CODE)];
        if source.secret {
            pieces.push(Piece::new(" (secret)", Look::hue(Hue::Yellow)));
        }
        pieces.push(Piece::new(format!(": {}", source.from()), Look::PLAIN));
        canvas.text(&pieces)?;
    }
    canvas.dedent();
    canvas.styled(
        "A command can set more by writing NAME=value lines to $LABRUN_OUTPUT; names the \
         shell or loader acts on (PATH, BASH_ENV, LD_*, ...) are never passed on.",
        Look::DIM,
    )
}

/// Whether labrun may run the block or write it to a file.
fn is_listed(block: &Block) -> bool {
    block.role.is_some() || block.attrs.file.is_some() || block.is_shown_command()
}

fn entry(
    canvas: &mut Canvas,
    lesson: &Lesson,
    lines: &[LineIndex],
    block: &Block,
    place: Place,
    counts: &mut Counts,
) -> io::Result<()> {
    if block.attrs.file.is_some() {
        counts.files += 1;
    } else if block.is_http() && block.role.is_some() {
        counts.requests += block.http.len().max(1);
    } else {
        counts.commands += 1;
    }
    let location = match (lesson.sources.get(block.file), lines.get(block.file)) {
        (Some(source), Some(index)) => {
            format!(
                "{}:{}",
                source.path.display(),
                index.line_col(&source.text, block.span.start).line
            )
        }
        _ => lesson.path.display().to_string(),
    };
    canvas.gap();
    canvas.indent("  ", "  ", Look::PLAIN);
    let header = block::header(&canvas.vars, block, place, false, Some(location));
    canvas.text(&header)?;
    requests(canvas, block)?;
    let hue = badge(block, place).map(|badge| badge.hue);
    gutter(canvas, &block.code, hue, block.attrs.raw)?;
    canvas.dedent();
    Ok(())
}

/// What each request of an HTTP block sends: `METHOD URL`, headers, parameters, body size.
/// The block's code follows in full, so this is a summary, not the only record.
fn requests(canvas: &mut Canvas, block: &Block) -> io::Result<()> {
    for entry in &block.http {
        canvas.indent("→ ", "  ", Look::bold_hue(Hue::Blue));
        let mut request = with_vars(&canvas.vars, &entry.method, Look::BOLD, None, true);
        request.push(Piece::new(" ", Look::PLAIN));
        request.extend(with_vars(&canvas.vars, &entry.url, Look::PLAIN, None, true));
        canvas.text(&request)?;
        canvas.indent("  ", "  ", Look::PLAIN);
        let sent = [
            ("", &entry.headers, ": "),
            ("query ", &entry.query, "="),
            ("form ", &entry.form, "="),
        ];
        for (label, pairs, joiner) in sent {
            for pair in pairs {
                let mut pieces = vec![Piece::new(label, Look::DIM)];
                pieces.extend(with_vars(
                    &canvas.vars,
                    &format!("{}{joiner}{}", pair.name, pair.value),
                    Look::PLAIN,
                    None,
                    false,
                ));
                canvas.text(&pieces)?;
            }
        }
        if let Some(body) = &entry.body {
            let size = match body.bytes() {
                Some(bytes) => format!("body: {}", plural(bytes.len(), "byte")),
                None => format!(
                    "body: {}, {}",
                    plural(body.text.lines().count(), "line"),
                    plural(body.text.len(), "byte")
                ),
            };
            canvas.styled(&size, Look::DIM)?;
        }
        canvas.dedent();
        canvas.dedent();
    }
    Ok(())
}
