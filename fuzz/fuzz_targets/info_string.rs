//! The info string of a fenced block: `LANG {ROLE key=value flag ...}`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| labrun::fuzzing::info_string(data));
