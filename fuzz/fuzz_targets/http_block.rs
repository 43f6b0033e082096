//! The Hurl-subset parser of `http` blocks.
#![no_main]

use labrun::lesson::http::parse_http_block;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (entries, diagnostics) = parse_http_block(text, 0);
    let _ = (entries.len(), diagnostics.len());
});
