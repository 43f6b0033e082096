//! The entry points fuzzing drives, shared by the cargo-fuzz targets in `fuzz/` and by the
//! replay of what fuzzing keeps (`tests/integration/fuzz_corpus.rs`), so that both feed the
//! same inputs through the same code. Each takes arbitrary bytes, must never panic, and
//! returns nothing: what it finds, it finds by panicking or hanging.
//!
//! Not part of the library's API.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::lesson::{Severity, Source, from_sources, http, info_string};
use crate::progress::{LessonState, for_each_record};
use crate::ui::diagnostics::{Renderer, to_json};
use crate::ui::render::{self, ShowOptions};
use crate::ui::style::Term;

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
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let _ = render::view(lesson, errors, loaded.diagnostics.len() - errors);
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
