//! Code blocks with their role's badge, quizzes, hints and collapsed sections.

use std::io;
use std::time::Duration;

use crate::lesson::{Attrs, Block, Role, Shell, Span};

use crate::ui::typeset::{
    self, Canvas, Fence, Fences, Hue, Look, Piece, VarsShown, gutter, with_vars,
};

use super::scope::{Place, Scope};

/// The colour of a block role's badge and gutter.
pub(crate) fn role_hue(role: Role) -> Hue {
    match role {
        Role::Run => Hue::Cyan,
        Role::Check => Hue::Green,
        Role::Solve => Hue::Yellow,
        Role::Setup | Role::Cleanup => Hue::Magenta,
    }
}

/// What a block is for, as a reader sees it at a glance.
pub(crate) struct Badge {
    pub icon: &'static str,
    pub label: String,
    pub hue: Hue,
    /// When it happens, for roles that do not say it themselves.
    pub note: Option<&'static str>,
}

pub(crate) fn badge(block: &Block, place: Place) -> Option<Badge> {
    let badge = |icon, label: &str, hue, note| {
        Some(Badge {
            icon,
            label: label.to_owned(),
            hue,
            note,
        })
    };
    match block.role {
        Some(Role::Run) => badge("▶", "run", role_hue(Role::Run), None),
        Some(Role::Check) => badge("✔", "check", role_hue(Role::Check), None),
        Some(Role::Solve) => badge("🔑", "solve", role_hue(Role::Solve), None),
        Some(Role::Setup) => {
            let note = match place {
                Place::Intro => "runs once, when the lesson starts",
                Place::Step => "runs when the step starts",
            };
            badge("⚙", "setup", role_hue(Role::Setup), Some(note))
        }
        Some(Role::Cleanup) => badge(
            "🧹",
            "cleanup",
            role_hue(Role::Cleanup),
            Some("runs when the lesson is reset or finished"),
        ),
        None => match &block.attrs.file {
            Some(path) => badge(
                "✎",
                &format!("file: {path}"),
                Hue::Blue,
                Some("written to the workspace"),
            ),
            None if block.is_shown_command() => badge("$", "you run this", Hue::Blue, None),
            None => None,
        },
    }
}

/// The attributes of a block, compactly: `timeout 30s · every 5s · retry 10`.
pub(crate) fn attr_notes(attrs: &Attrs) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(timeout) = attrs.timeout {
        notes.push(format!("timeout {}", duration(timeout)));
    }
    if let Some(interval) = attrs.interval {
        notes.push(format!("every {}", duration(interval)));
    }
    if let Some(retry) = attrs.retry {
        notes.push(format!("retry {retry}"));
    }
    if let Some(expect) = &attrs.expect {
        notes.push(format!("expect /{expect}/"));
    }
    if let Some(exit) = attrs.exit {
        notes.push(format!("exit {exit}"));
    }
    if let Some(capture) = &attrs.capture {
        notes.push(format!("capture → {{{{{capture}}}}}"));
    }
    for (set, name) in [
        (attrs.interactive, "interactive"),
        (attrs.optional, "optional"),
        (attrs.raw, "raw"),
    ] {
        if set {
            notes.push(name.to_owned());
        }
    }
    match attrs.shell {
        Shell::Auto => {}
        Shell::Bash => notes.push("shell bash".into()),
        Shell::Sh => notes.push("shell sh".into()),
    }
    notes
}

/// `1m30s`, `20s`, `500ms`.
pub(crate) fn duration(duration: Duration) -> String {
    if duration.subsec_nanos() != 0 {
        return format!("{}ms", duration.as_millis());
    }
    let secs = duration.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut text = String::new();
    for (value, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if value > 0 {
            text.push_str(&format!("{value}{unit}"));
        }
    }
    if text.is_empty() { "0s".into() } else { text }
}

/// The header line of a block: badge, language, attributes, note, and `extra` at the end.
pub(crate) fn header(
    vars: &VarsShown,
    block: &Block,
    place: Place,
    hidden: bool,
    extra: Option<String>,
) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut meta = Vec::new();
    let badge = badge(block, place);
    if let Some(badge) = &badge {
        let label = if hidden {
            format!("{} {} (hidden)", badge.icon, badge.label)
        } else {
            format!("{} {}", badge.icon, badge.label)
        };
        pieces.push(Piece::new(label, Look::bold_hue(badge.hue)));
    }
    if !block.lang.is_empty() {
        meta.push(block.lang.clone());
    }
    meta.extend(attr_notes(&block.attrs));
    if hidden {
        meta = vec![
            "solution available".to_owned(),
            "`--solutions` shows it".to_owned(),
        ];
    } else if let (Some(note), None) = (badge.as_ref().and_then(|badge| badge.note), &extra) {
        // A listing that gives the location (`--commands`) is terse.
        meta.push(note.to_owned());
    }
    meta.extend(extra);
    for (index, note) in meta.into_iter().enumerate() {
        let separator = match (index, pieces.is_empty()) {
            (0, true) => None,
            // Two spaces, kept by the wrapping: the badge stands apart from the details.
            (0, false) => Some(Piece::atomic("  ", Look::PLAIN)),
            _ => Some(Piece::new(" · ", Look::DIM)),
        };
        pieces.extend(separator);
        // A note is never broken: `timeout 30s`, `capture → {{NAME}}`. A pattern shows the
        // values it will use; a capture names its variable.
        if note.starts_with("capture") {
            pieces.push(Piece::atomic(note, Look::DIM));
        } else {
            pieces.extend(with_vars(vars, &note, Look::DIM, None, true));
        }
    }
    pieces
}

/// A code block met while typesetting the scope's Markdown: a block of the scope, a quiz,
/// or an example.
impl Fences for Scope<'_> {
    fn fence(&mut self, canvas: &mut Canvas, fence: Fence<'_>) -> io::Result<()> {
        if fence.lang().eq_ignore_ascii_case("quiz") {
            return match self.quiz_at(fence.start) {
                Some(index) => quiz(canvas, self, index),
                None => {
                    canvas.gap();
                    canvas.indent("  ", "  ", Look::PLAIN);
                    canvas.text(&[Piece::new(
                        "❓ a quiz that could not be read (see `labrun lint`)",
                        Look::hue(Hue::Red),
                    )])?;
                    canvas.dedent();
                    canvas.gap();
                    Ok(())
                }
            };
        }
        match self.block_at(fence.start) {
            Some(index) => block(canvas, self, index),
            // Not a block of the step: text of a revealed hint, or an example.
            None => typeset::example(canvas, fence.lang(), fence.code),
        }
    }
}

/// Block `index` of the scope, with its badge; a solution stays hidden unless asked for.
pub(crate) fn block(canvas: &mut Canvas, scope: &mut Scope, index: usize) -> io::Result<()> {
    let Some(block) = scope.blocks.get(index) else {
        return Ok(());
    };
    if let Some(shown) = scope.shown.get_mut(index) {
        *shown = true;
    }
    let hidden = block.role == Some(Role::Solve) && !scope.options.solutions;
    // In a session the menu offers the solution; the step's summary says there is one.
    if hidden && scope.options.session {
        return Ok(());
    }
    canvas.gap();
    canvas.indent("  ", "  ", Look::PLAIN);
    let header = header(&canvas.vars, block, scope.place, hidden, None);
    canvas.text(&header)?;
    if !hidden {
        let hue = badge(block, scope.place).map(|badge| badge.hue);
        gutter(canvas, &block.code, hue, block.attrs.raw)?;
    }
    canvas.dedent();
    canvas.gap();
    Ok(())
}

/// A quiz: the question and its choices; the answer is never shown.
pub(crate) fn quiz(canvas: &mut Canvas, scope: &mut Scope, index: usize) -> io::Result<()> {
    let Some(quiz) = scope.quizzes.get(index) else {
        return Ok(());
    };
    canvas.gap();
    canvas.indent("  ", "  ", Look::PLAIN);
    canvas.indent("❓ ", "   ", Look::bold_hue(Hue::Blue));
    canvas.text(&typeset::inline(&quiz.question, canvas, Look::BOLD))?;
    canvas.dedent();
    let marker = if quiz.is_multiple_answer() {
        "☐ "
    } else {
        "○ "
    };
    for choice in &quiz.choices {
        canvas.indent(&format!("   {marker}"), "     ", Look::DIM);
        canvas.text(&typeset::inline(choice, canvas, Look::PLAIN))?;
        canvas.dedent();
    }
    let how = match (quiz.choices.is_empty(), quiz.is_multiple_answer()) {
        (true, _) => "type your answer",
        (false, true) => "choose all that apply",
        (false, false) => "choose one",
    };
    canvas.indent("   ", "   ", Look::PLAIN);
    let when = if scope.options.session {
        "answered when you check"
    } else {
        "answered in `labrun start`"
    };
    canvas.styled(&format!("{how} · {when}"), Look::DIM)?;
    canvas.dedent();
    canvas.dedent();
    canvas.gap();
    Ok(())
}

/// A hint: its summary, collapsed, or its text when hints are revealed.
pub(crate) fn hint(canvas: &mut Canvas, scope: &mut Scope, index: usize) -> io::Result<()> {
    let Some(hint) = scope.hints.get(index) else {
        return Ok(());
    };
    let (body, whole) = (hint.body, hint.span);
    let title = hint_title(&hint.summary, index + 1, scope.hints.len());
    let how = if scope.options.session {
        "hidden · choose `hint` to see it"
    } else {
        "hidden · `--hints` reveals it"
    };
    let open = scope.options.hints || index < scope.hints_seen;
    collapsible(
        canvas,
        scope,
        &title,
        body,
        whole,
        Hue::Yellow,
        (!open).then_some(how),
    )
}

/// A `<details>` section that is not a hint.
pub(crate) fn details(
    canvas: &mut Canvas,
    scope: &mut Scope,
    summary: &str,
    body: Span,
) -> io::Result<()> {
    let title = if summary.trim().is_empty() {
        "Details"
    } else {
        summary.trim()
    };
    collapsible(
        canvas,
        scope,
        title,
        body,
        body,
        Hue::Blue,
        (!scope.options.hints).then_some(if scope.options.session {
            "collapsed · a solution inside is shown by `solution`"
        } else {
            "collapsed · `--hints` expands it"
        }),
    )
}

fn collapsible(
    canvas: &mut Canvas,
    scope: &mut Scope,
    title: &str,
    body: Span,
    whole: Span,
    hue: Hue,
    collapsed: Option<&str>,
) -> io::Result<()> {
    canvas.gap();
    canvas.indent("  ", "  ", Look::PLAIN);
    if let Some(collapsed) = collapsed {
        let pieces = [
            Piece::new(format!("▸ {title}"), Look::bold_hue(hue)),
            Piece::new(" ", Look::PLAIN),
            Piece::new(format!("({collapsed})"), Look::DIM),
        ];
        canvas.text(&pieces)?;
        // Blocks with a role inside still belong to the step: say so.
        canvas.indent("  ", "  ", Look::PLAIN);
        within(canvas, scope, whole)?;
        canvas.dedent();
    } else {
        canvas.text(&[Piece::new(format!("▾ {title}"), Look::bold_hue(hue))])?;
        canvas.indent("│ ", "│ ", Look::hue(hue));
        let references = std::rc::Rc::clone(&scope.references);
        typeset::render(canvas, scope.source, body, &references, scope)?;
        canvas.dedent();
    }
    canvas.dedent();
    canvas.gap();
    Ok(())
}

/// Renders the blocks inside `span` not shown yet.
pub(crate) fn within(canvas: &mut Canvas, scope: &mut Scope, span: Span) -> io::Result<()> {
    let inside: Vec<usize> = (0..scope.blocks.len())
        .filter(|&index| {
            let block = &scope.blocks[index];
            !scope.shown[index] && span.start <= block.span.start && block.span.end <= span.end
        })
        .collect();
    for index in inside {
        block(canvas, scope, index)?;
    }
    Ok(())
}

/// `Hint 1 of 2`, with what the author wrote after "Hint" in the summary.
fn hint_title(summary: &str, number: usize, total: usize) -> String {
    let rest = summary
        .get(4..)
        .filter(|_| summary.to_ascii_lowercase().starts_with("hint"))
        .unwrap_or(summary);
    let rest = rest.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c.is_whitespace() || ":.-–—#)".contains(c)
    });
    if rest.is_empty() {
        format!("Hint {number} of {total}")
    } else {
        format!("Hint {number} of {total}: {rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_authors_write_them() {
        assert_eq!(duration(Duration::from_secs(20)), "20s");
        assert_eq!(duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(duration(Duration::from_secs(3600)), "1h");
        assert_eq!(duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(duration(Duration::ZERO), "0s");
    }

    #[test]
    fn hint_titles_number_the_hint_and_keep_the_authors_words() {
        assert_eq!(hint_title("Hint", 1, 2), "Hint 1 of 2");
        assert_eq!(hint_title("Hint 2", 2, 2), "Hint 2 of 2");
        assert_eq!(
            hint_title("Hint: look at the logs", 1, 1),
            "Hint 1 of 1: look at the logs"
        );
        assert_eq!(
            hint_title("hint #3 — kubectl", 3, 3),
            "Hint 3 of 3: kubectl"
        );
    }
}
