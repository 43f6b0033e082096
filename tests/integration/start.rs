//! `labrun start` in plain mode, answers on stdin, against shell commands and HTTP servers the
//! tests start on 127.0.0.1; with `check`, `status` and `reset` around it. One module per
//! theme:
//!
//! | module | what it proves |
//! | --- | --- |
//! | `checks` | a shell or HTTP check fails before the learner's action and passes after |
//! | `polling` | `interval=`, `retry=` and `[Options] retry` wait for a later state, and give up in time |
//! | `variables` | `capture=`, `[Captures]` and `$LABRUN_OUTPUT` reach later entries and steps |
//! | `resume` | quit, end of input, resume, saved answers, `status`, `reset`, `--restart`, `--step` |
//! | `secrets` | a secret reaches no file and no output, however it is given or captured |
//! | `faults` | server errors, slow servers, bad JSON, refused connections, endless commands |
//! | `check_command` | `labrun check`, and a second session on a log in use |
//! | `exit_codes` | 0 complete, 1 incomplete, 2 missing file, 3 invalid lesson |
//! | `untrusted` | hostile lessons: what they cannot hide from consent or run unseen |
//! | `runtime` | the step runtime: Enter alone completes a lesson; one shell per lesson; secrets across a resume; signals |

mod check_command;
mod checks;
mod exit_codes;
mod faults;
mod polling;
mod resume;
mod runtime;
mod secrets;
mod untrusted;
mod variables;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::Test;

/// No run of labrun here may take longer: a hang fails the test instead of stalling the suite.
const HANG: Duration = Duration::from_secs(60);

/// What a test that is not about time must finish within.
pub(crate) const FAST: Duration = Duration::from_secs(5);

/// A scratch folder for a session: the learner is `ada`, and labrun's temporary files
/// (`$LABRUN_OUTPUT`) go to `tmp/` inside it, so that a scan of the folder sees them too.
pub(crate) fn lab() -> Test {
    let test = Test::new().file("tmp/.keep", "");
    let tmp = test.path().join("tmp");
    test.env("LABRUN_LEARNER", "ada")
        .env("TMPDIR", &tmp.display().to_string())
        .timeout(HANG)
}

/// The lesson workspace of `ada` in lesson `lesson`: by default, inside the progress folder
/// that the harness sets.
pub(crate) fn workspace(test: &Test, lesson: &str) -> PathBuf {
    test.path()
        .join(".progress/.workspaces")
        .join(lesson)
        .join("ada")
}

/// Every event of `ada`'s log for `lesson`, parsed.
pub(crate) fn events(test: &Test, lesson: &str) -> Vec<serde_json::Value> {
    let path = test.path().join(".progress").join(lesson).join("ada.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read the log {}: {e}", path.display()));
    text.lines()
        .map(|line| serde_json::from_str(line).expect("a log line is JSON"))
        .collect()
}

/// The `event` names of the log, in order.
fn event_names(test: &Test, lesson: &str) -> Vec<String> {
    events(test, lesson)
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The events named `name`.
pub(crate) fn events_named(test: &Test, lesson: &str, name: &str) -> Vec<serde_json::Value> {
    events(test, lesson)
        .into_iter()
        .filter(|e| e["event"] == name)
        .collect()
}

/// Every file under `root` whose bytes contain `needle`.
pub(crate) fn files_containing(root: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read a folder").flatten() {
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).expect("read a file");
                if bytes
                    .windows(needle.len())
                    .any(|window| window == needle.as_bytes())
                {
                    found.push(path);
                }
            }
        }
    }
    found
}

/// The position of `needle` in `text`, failing the test with the text when it is not there:
/// for asserting the order of things in a session's output.
#[track_caller]
fn position(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in:\n{text}"))
}

/// `lesson` with every `@BASE` replaced by the server's address.
pub(crate) fn with_base(lesson: &str, base: &str) -> String {
    lesson.replace("@BASE", base)
}
