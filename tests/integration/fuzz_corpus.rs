//! What fuzzing keeps, replayed on every test run through the entry points the fuzz targets
//! call (`labrun::fuzzing`), on the stable toolchain and without libFuzzer: no input
//! panics, and none is slow (the fuzzer once found a JSONPath that took 12 s to parse).
//!
//! The inputs of a target: `fuzz/regressions/TARGET/` (inputs that once broke labrun),
//! `fuzz/corpus/TARGET/` (the minimised corpus fuzzing keeps), and the seeds the corpus grows
//! from (the shipped lessons and the lint fixtures, their `http` blocks and info strings,
//! `fuzz/seeds/`). All are committed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use labrun::fuzzing;

/// Longer than any input takes in a debug build, far shorter than the slow ones found.
const SLOW: Duration = Duration::from_secs(3);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Every Markdown lesson of the seeds, as text.
fn seed_lessons() -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut folders = vec![
        root().join("lessons"),
        root().join("tests/fixtures/lint"),
        root().join("tests/fixtures/tutorials"),
    ];
    while let Some(folder) = folders.pop() {
        for path in files_in(&folder) {
            if path.extension().is_some_and(|ext| ext == "md") {
                let bytes = std::fs::read(&path).expect("read a seed lesson");
                found.push((path.display().to_string(), bytes));
            }
        }
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                folders.push(entry.path());
            }
        }
    }
    assert!(found.len() > 10, "{} seed lessons", found.len());
    found
}

/// The fenced blocks of the seed lessons: (info string, body).
fn seed_blocks() -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    for (_, bytes) in seed_lessons() {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(info) = line.strip_prefix("```") else {
                continue;
            };
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            blocks.push((info.to_owned(), body.join("\n") + "\n"));
        }
    }
    blocks
}

/// The inputs of `target`, each with a name to report: `seeds`, its regressions and its
/// corpus, which must not be empty.
fn inputs(target: &str, seeds: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let mut all = seeds;
    for dir in [
        root().join("fuzz/regressions").join(target),
        root().join("fuzz/corpus").join(target),
    ] {
        for path in files_in(&dir) {
            let bytes = std::fs::read(&path).expect("read a fuzz input");
            all.push((path.display().to_string(), bytes));
        }
    }
    let kept = files_in(&root().join("fuzz/corpus").join(target)).len();
    // The terminal-text type is small: its whole code is reached by a few dozen inputs.
    let least = if target == "terminal_text" { 20 } else { 100 };
    assert!(
        kept > least,
        "{target}: the committed corpus has {kept} inputs"
    );
    all
}

/// Runs `each` on every input, failing with the input's name when it panics or is slow.
fn replay(target: &str, inputs: Vec<(String, Vec<u8>)>, each: impl Fn(&[u8])) {
    for (name, bytes) in inputs {
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| each(&bytes)));
        assert!(outcome.is_ok(), "{target} panicked on {name}");
        let took = started.elapsed();
        assert!(took < SLOW, "{target} took {took:?} on {name}");
    }
}

#[test]
fn lessons_that_fuzzing_keeps_parse_lint_and_render_without_panicking() {
    replay("lesson", inputs("lesson", seed_lessons()), fuzzing::lesson);
}

#[test]
fn http_blocks_that_fuzzing_keeps_parse_without_panicking() {
    let seeds = seed_blocks()
        .into_iter()
        .filter(|(info, _)| info.trim_start().starts_with("http"))
        .map(|(info, body)| (format!("an http block ({info})"), body.into_bytes()))
        .collect();
    let inputs = inputs("http_block", seeds);
    assert!(
        inputs.iter().any(|(name, _)| name.contains("regressions")),
        "the input that took 12 s is replayed"
    );
    replay("http_block", inputs, fuzzing::http_block);
}

#[test]
fn info_strings_that_fuzzing_keeps_parse_without_panicking() {
    let seeds = seed_blocks()
        .into_iter()
        .map(|(info, _)| (format!("info string {info:?}"), info.into_bytes()))
        .collect();
    replay(
        "info_string",
        inputs("info_string", seeds),
        fuzzing::info_string,
    );
}

#[test]
fn progress_logs_that_fuzzing_keeps_read_without_panicking() {
    let seeds = files_in(&root().join("fuzz/seeds/progress_log"))
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("read a seed log");
            (path.display().to_string(), bytes)
        })
        .collect::<Vec<_>>();
    // Each seed cut at every length: torn lines at every byte.
    let mut cut = Vec::new();
    for (name, bytes) in &seeds {
        for len in 0..bytes.len() {
            cut.push((format!("{name} cut at {len}"), bytes[..len].to_vec()));
        }
    }
    let mut all = seeds;
    all.extend(cut);
    replay(
        "progress_log",
        inputs("progress_log", all),
        fuzzing::progress_log,
    );
}

#[test]
fn terminal_text_that_fuzzing_keeps_holds_no_control_character() {
    // Seeds: every lesson, and the output of terminals' favourite tricks.
    let mut seeds = seed_lessons();
    for trick in [
        "\x1b]0;title\x07",
        "ok\r\x1b[2Kall good",
        "\x1b[8mhidden\x1b[0m",
        "\u{202e}txt.exe",
        "\u{9b}31m",
        "a\x08\x08b",
    ] {
        seeds.push((format!("{trick:?}"), trick.as_bytes().to_vec()));
    }
    replay(
        "terminal_text",
        inputs("terminal_text", seeds),
        fuzzing::terminal_text,
    );
}

/// The replay can fail: a slow input is caught (the JSONPath the fuzzer found, before its
/// fix, took seconds).
#[test]
fn the_replay_catches_a_slow_input() {
    let outcome = std::panic::catch_unwind(|| {
        replay("slow", vec![("one".into(), Vec::new())], |_| {
            std::thread::sleep(SLOW);
        });
    });
    assert!(outcome.is_err(), "a slow input went unnoticed");
}
