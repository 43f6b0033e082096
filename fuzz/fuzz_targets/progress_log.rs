//! The progress-log reader over arbitrary bytes, and the state folded from what it reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| labrun::fuzzing::progress_log(data));
