//! The entry points fuzzing drives, shared by the cargo-fuzz targets in `fuzz/` and by the
//! replay of what fuzzing keeps (`tests/integration/fuzz_corpus.rs`), so that both feed the
//! same inputs through the same code. Each takes arbitrary bytes, must never panic, and
//! returns nothing: what it finds, it finds by panicking or hanging.
//!
//! Not part of the library's API.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::lesson::{Source, from_sources, http, info_string};
use crate::progress::{LessonState, for_each_record};
use crate::style::Term;
use crate::ui::diagnostics::{Renderer, to_json};
use crate::ui::render::{self, ShowOptions};

/// The whole pipeline an untrusted lesson goes through before anything runs: parse and lint
/// (`from_sources`), the diagnostics as `labrun lint` renders them (text and JSON), and the
/// lesson as `labrun show` renders it (text, `--commands`, `--json`). The bytes are split at
/// NUL into the parts of a folder lesson (at most 4).
pub fn lesson(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources = text
        .split('\0')
        .take(4)
        .enumerate()
        .map(|(i, part)| Source {
            path: PathBuf::from(format!("lesson/{i}-part.md")),
            text: Arc::from(part),
        })
        .collect();
    let loaded = from_sources(PathBuf::from("lesson"), sources);
    let lesson = &loaded.lesson;
    let mut out = Vec::new();
    let renderer = Renderer::new(Term::plain(80));
    for diagnostic in &loaded.diagnostics {
        let _ = renderer.render(&mut out, lesson, diagnostic);
        let _ = to_json(lesson, diagnostic);
    }
    let options = ShowOptions {
        hints: true,
        solutions: true,
        session: false,
    };
    let _ = render::lesson(&mut out, lesson, Term::plain(60), options);
    let _ = render::commands(&mut out, lesson, Term::plain(60));
    // Without colour, nothing labrun prints of a lesson may hold a control character.
    let shown = String::from_utf8_lossy(&out);
    if let Some((at, c)) = shown
        .char_indices()
        .find(|&(_, c)| crate::text::is_control(c) && !matches!(c, '\n' | '\t' | '\r'))
    {
        panic!(
            "{} reached the terminal at byte {at} of:\n{shown}",
            crate::text::code_point(c)
        );
    }
    let (errors, warnings) = loaded.counts();
    let _ = crate::ui::show_json::view(lesson, errors, warnings);
}

/// The terminal-text type over arbitrary bytes, cut into arbitrary pieces as a command's
/// output arrives: no control character survives but line feeds and tabs in text shown as
/// lines (and a carriage return right before a line feed), and cleaning is idempotent.
pub fn terminal_text(data: &[u8]) {
    use crate::text::{TerminalText, is_control};
    let text = String::from_utf8_lossy(data);
    let line = TerminalText::line(&text);
    assert!(
        !line.as_str().chars().any(is_control),
        "{:?}",
        line.as_str()
    );
    assert_eq!(TerminalText::line(line.as_str()), line);
    // The first byte says where to cut, as a pipe's reads would.
    let cut = data.first().map_or(0, |&b| usize::from(b)).min(text.len());
    let cut = (0..=cut)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    for piece in [&text[..cut], &text[cut..], &text[..]] {
        let lines = TerminalText::lines(piece);
        let mut chars = lines.as_str().chars().peekable();
        while let Some(c) = chars.next() {
            let allowed = match c {
                '\n' | '\t' => true,
                '\r' => chars.peek() == Some(&'\n'),
                c => !is_control(c),
            };
            assert!(
                allowed,
                "{} survived in {:?}",
                crate::text::code_point(c),
                lines.as_str()
            );
        }
        assert_eq!(TerminalText::lines(lines.as_str()), lines);
    }
}

/// The parser of an `http` block's body.
pub fn http_block(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = http::parse_http_block(text, 0);
    }
}

/// The parser of a fence's info string (`bash {check timeout=5s}`).
pub fn info_string(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = info_string::parse_info_string(text, 0, &mut Vec::new());
    }
}

/// The progress-log reader over arbitrary bytes, each record folded into the state.
pub fn progress_log(data: &[u8]) {
    let mut state = LessonState::default();
    let _ = for_each_record(
        Cursor::new(data),
        Path::new("fuzz.jsonl"),
        &mut Vec::new(),
        |record| state.apply(&record.event),
    );
    let _ = state.is_complete();
}
