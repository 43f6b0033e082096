//! The Hurl-subset parser of `http` blocks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| labrun::fuzzing::http_block(data));
