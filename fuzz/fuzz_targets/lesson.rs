//! The whole lesson pipeline an untrusted lesson goes through before anything runs: parse and
//! lint (`from_sources`), the diagnostics as `labrun lint` renders them (text and JSON), and
//! the lesson as `labrun show` renders it (text, `--commands`, `--json`). Bytes are split at
//! NUL into the parts of a folder lesson.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| labrun::fuzzing::lesson(data));
