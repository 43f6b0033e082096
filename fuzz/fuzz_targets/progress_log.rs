//! The progress-log reader over arbitrary bytes, and the state folded from what it reads.
#![no_main]

use std::io::Cursor;
use std::path::Path;

use labrun::progress::{LessonState, for_each_record};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut warnings = Vec::new();
    let mut state = LessonState::default();
    let _ = for_each_record(
        Cursor::new(data),
        Path::new("fuzz.jsonl"),
        &mut warnings,
        |record| state.apply(&record.event),
    );
    let _ = state.is_complete();
});
