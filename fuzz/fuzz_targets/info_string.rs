//! The info string of a fenced block: `LANG {ROLE key=value flag ...}`.
#![no_main]

use labrun::lesson::info_string::parse_info_string;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diagnostics = Vec::new();
    let info = parse_info_string(text, 0, &mut diagnostics);
    let _ = info.lang.len();
});
