//! Text bound for a terminal: whatever the bytes, no control character survives.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| labrun::fuzzing::terminal_text(data));
