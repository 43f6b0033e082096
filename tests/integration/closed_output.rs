//! labrun writing to a pipe already closed by its reader (`labrun lint 2>&1 | head -1`): it
//! never panics, never claims success for output it could not write, and keeps the exit code
//! of a failure it found before the pipe closed.

use std::path::Path;
use std::process::{Command, Stdio};

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> os_pipe::PipeWriter {
    let (reader, writer) = os_pipe::pipe().expect("a pipe");
    drop(reader);
    writer
}

/// Runs labrun with stdout, stderr or both on a closed pipe; its exit code.
fn exit_code(args: &[&str], stdout_closed: bool, stderr_closed: bool) -> i32 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let progress = tempfile::tempdir().expect("temp dir");
    let stream = |closed: bool| {
        if closed {
            Stdio::from(closed_pipe())
        } else {
            Stdio::null()
        }
    };
    let status = Command::new(env!("CARGO_BIN_EXE_labrun"))
        .args(args)
        .current_dir(root)
        .env("LABRUN_PROGRESS_DIR", progress.path())
        .stdin(Stdio::null())
        .stdout(stream(stdout_closed))
        .stderr(stream(stderr_closed))
        .status()
        .expect("run labrun");
    status
        .code()
        .unwrap_or_else(|| panic!("{args:?} ended by a signal: {status:?}"))
}

#[test]
fn an_error_message_to_a_closed_stderr_keeps_the_exit_code_and_does_not_panic() {
    for (args, expected) in [
        (&["lint", "no/such/lesson.md"][..], 2),
        (&["show", "no/such/lesson.md"][..], 2),
        (
            &["check", "--yes", "lessons/welcome.md", "--step", "nope"][..],
            2,
        ),
        (&["report", "no/such/folder"][..], 2),
        (
            &[
                "lint",
                "tests/fixtures/lint/many-errors-at-once.md",
                "--format",
                "json",
            ][..],
            3,
        ),
    ] {
        assert_eq!(exit_code(args, false, true), expected, "{args:?}");
        assert_eq!(
            exit_code(args, true, true),
            if expected == 3 { 141 } else { expected },
            "{args:?}"
        );
    }
}

#[test]
fn output_cut_short_by_a_closed_stdout_is_never_a_success() {
    for args in [
        &["show", "lessons/welcome.md"][..],
        &["show", "lessons/welcome.md", "--json"][..],
        &["lint", "lessons/", "--format", "json"][..],
        &["list", "lessons/"][..],
    ] {
        assert_eq!(exit_code(args, true, false), 141, "{args:?}");
    }
}
