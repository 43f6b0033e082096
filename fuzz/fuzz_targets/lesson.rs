//! The whole lesson pipeline an untrusted lesson goes through before anything runs: parse and
//! lint (`from_sources`), the diagnostics as `labrun lint` renders them (text and JSON), and
//! the lesson as `labrun show` renders it (text, `--commands`, `--json`). Bytes are split at
//! NUL into the parts of a folder lesson.
#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use labrun::lesson::{Severity, Source, from_sources};
use labrun::ui::diagnostics::{Renderer, to_json};
use labrun::ui::render::{self, ShowOptions};
use labrun::ui::style::Term;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
});
