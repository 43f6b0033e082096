//! `labrun lint`: every fixture of `tests/fixtures/lint/` rendered and snapshotted, the exact
//! positions of a few diagnostics, and the command's exit codes, JSON shape and discovery of
//! lessons in folders. `tests/README.md` says how to add a fixture.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use labrun::lesson::Code;
use serde_json::Value;

use crate::harness::Test;

/// The fixtures, relative to the crate root. Fixture runs start there and name the fixture by
/// this relative path, so the output is the same on every checkout (miette wraps long help
/// lines, and an absolute path of another length would wrap them elsewhere).
const FIXTURES: &str = "tests/fixtures/lint";

/// What one run of `labrun lint` printed.
struct Linted {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Linted {
    /// Exit code, stdout and (when there is any) stderr, with the fixtures folder as
    /// `[FIXTURES]`: the text of a snapshot.
    fn report(&self) -> String {
        let mut report = format!(
            "exit: {}\n----- stdout -----\n{}",
            self.status,
            redact(&self.stdout)
        );
        if !self.stderr.is_empty() {
            report.push_str("----- stderr -----\n");
            report.push_str(&redact(&self.stderr));
        }
        report
    }

    #[track_caller]
    fn json(&self) -> Vec<Value> {
        match serde_json::from_str(&self.stdout) {
            Ok(Value::Array(items)) => items,
            _ => panic!(
                "stdout is not a JSON array:\n{}\n{}",
                self.stdout, self.stderr
            ),
        }
    }
}

/// Runs `labrun lint ARGS... PATH` from the crate root, with `NO_COLOR=1`; `path` is relative
/// to the fixtures folder.
fn lint_fixture(path: &str, args: &[&str]) -> Linted {
    let output = Command::new(env!("CARGO_BIN_EXE_labrun"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("lint")
        .args(args)
        .arg(format!("{FIXTURES}/{path}"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run labrun");
    Linted {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn redact(text: &str) -> String {
    let absolute = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    text.replace(&absolute.display().to_string(), "[FIXTURES]")
        .replace(FIXTURES, "[FIXTURES]")
}

/// `FILE:LINE:COLUMN CODE` for every diagnostic of a fixture, from `--format json`; `FILE`
/// is relative to the fixtures folder.
fn positions(path: &str) -> Vec<String> {
    lint_fixture(path, &["--format", "json"])
        .json()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let file = file
                .strip_prefix(FIXTURES)
                .unwrap_or(file)
                .trim_start_matches('/');
            format!(
                "{file}:{}:{} {}",
                d["line"],
                d["column"],
                d["code"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// A fixture is a Markdown file or a folder (a folder lesson, with its images) in the
/// fixtures folder; `insta::glob!` also offers the folder itself, and `.gitattributes`.
fn is_fixture(path: &Path) -> bool {
    let in_fixtures = path
        .parent()
        .is_some_and(|parent| parent.ends_with(FIXTURES));
    in_fixtures && (path.is_dir() || path.extension().is_some_and(|ext| ext == "md"))
}

#[test]
fn every_fixture_renders_its_diagnostics_with_line_and_column() {
    insta::glob!("../fixtures/lint", "*", |path| {
        if !is_fixture(path) {
            return;
        }
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("fixture name");
        insta::assert_snapshot!(lint_fixture(name, &[]).report());
    });
}

#[test]
fn json_output_of_a_few_fixtures_is_snapshotted() {
    for name in [
        "unknown-role-typo.md",
        "many-errors-at-once.md",
        "non-ascii-before-error.md",
        "duplicate-step-id-across-parts",
    ] {
        let linted = lint_fixture(name, &["--format", "json"]);
        insta::assert_snapshot!(format!("json@{name}"), linted.report());
    }
}

#[test]
fn the_fixtures_cover_every_diagnostic_code() {
    let linted = lint_fixture("", &["--format", "json"]);
    let emitted: BTreeSet<String> = linted
        .json()
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    let known: BTreeSet<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    let unknown: Vec<_> = emitted
        .iter()
        .filter(|code| !known.contains(code.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "codes missing from `Code::ALL`: {unknown:?}"
    );
    let uncovered: Vec<_> = known
        .iter()
        .filter(|code| !emitted.contains(**code))
        .collect();
    assert!(
        uncovered.is_empty(),
        "no fixture produces {uncovered:?}: add one to {FIXTURES}/"
    );
}

/// Fixtures whose point is their bytes: if an editor or a checkout converted them, the
/// snapshots would silently stop testing CRLF, tabs, non-ASCII text or a BOM.
#[test]
fn encoding_fixtures_keep_their_bytes() {
    let read = |name: &str| {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(FIXTURES)
                .join(name),
        )
        .expect("read fixture")
    };
    let crlf = read("crlf-line-endings.md");
    let line_feeds = crlf.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(
        crlf.windows(2).filter(|pair| pair == b"\r\n").count(),
        line_feeds,
        "every line ends in CRLF"
    );
    assert!(read("tabs-before-error.md").contains(&b'\t'));
    assert!(!read("non-ascii-before-error.md").is_ascii());
    assert!(read("front-matter-after-bom.md").starts_with("\u{feff}---".as_bytes()));
    let control = read("control-characters.md");
    assert!(control.contains(&0x1b) && control.contains(&b'\r'));
    assert!(String::from_utf8_lossy(&control).contains('\u{202e}'));
}

#[test]
fn diagnostics_point_at_the_exact_line_and_character_column() {
    assert_eq!(
        positions("unknown-role-typo.md"),
        [
            "unknown-role-typo.md:10:1 unverifiable-step",
            "unknown-role-typo.md:18:10 unknown-role"
        ]
    );
    assert_eq!(
        positions("unknown-front-matter-key-typo.md"),
        [
            "unknown-front-matter-key-typo.md:3:1 unknown-key",
            "unknown-front-matter-key-typo.md:4:1 unknown-key"
        ]
    );
    assert_eq!(
        positions("unknown-key-in-variable.md"),
        [
            "unknown-key-in-variable.md:7:5 unknown-key",
            "unknown-key-in-variable.md:11:5 unknown-key"
        ]
    );
    assert_eq!(
        positions("unknown-attribute-typo.md"),
        [
            "unknown-attribute-typo.md:16:16 unknown-attribute",
            "unknown-attribute-typo.md:16:39 unknown-attribute"
        ]
    );
    assert_eq!(
        positions("undefined-variable-in-http-url.md"),
        [
            "undefined-variable-in-http-url.md:17:13 undefined-variable",
            "undefined-variable-in-http-url.md:18:23 undefined-variable"
        ]
    );
    assert_eq!(
        positions("quiz-answer-not-a-choice.md"),
        [
            "quiz-answer-not-a-choice.md:16:9 quiz-answer-not-a-choice",
            "quiz-answer-not-a-choice.md:25:9 quiz-answer-not-a-choice"
        ]
    );
    assert_eq!(
        positions("control-characters.md"),
        [
            "control-characters.md:3:8 control-character",
            "control-characters.md:7:64 control-character",
            "control-characters.md:13:1 control-character",
            "control-characters.md:20:13 control-character",
        ]
    );
    assert_eq!(
        positions("duplicate-step-id-across-parts"),
        ["duplicate-step-id-across-parts/02-scanning.md:5:1 duplicate-step-id"]
    );
}

#[test]
fn columns_count_characters_not_bytes_or_tab_stops() {
    // `é`, `«` and `☕` are 2 or 3 bytes each, and each is one column.
    assert_eq!(
        positions("non-ascii-before-error.md"),
        [
            "non-ascii-before-error.md:15:56 undefined-variable",
            "non-ascii-before-error.md:17:14 unknown-attribute",
            "non-ascii-before-error.md:21:23 bad-regex",
            "non-ascii-before-error.md:21:46 bad-duration",
            "non-ascii-before-error.md:28:9 quiz-answer-not-a-choice",
        ]
    );
    // A tab is one column, wherever the next tab stop would be.
    assert_eq!(
        positions("tabs-before-error.md"),
        [
            "tabs-before-error.md:21:15 unknown-attribute",
            "tabs-before-error.md:25:19 undefined-variable",
            "tabs-before-error.md:27:24 bad-duration",
        ]
    );
}

#[test]
fn crlf_line_endings_do_not_shift_markdown_positions() {
    let found = positions("crlf-line-endings.md");
    // The front matter and the quiz of this fixture are checked in `regressions`.
    for expected in [
        "crlf-line-endings.md:16:44 undefined-variable",
        "crlf-line-endings.md:18:28 bad-duration",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:#?}"
        );
    }
}

#[test]
fn all_problems_of_a_lesson_are_reported_not_just_the_first() {
    let found = positions("many-errors-at-once.md");
    assert_eq!(found.len(), 15, "{found:#?}");
    let codes: BTreeSet<&str> = found.iter().filter_map(|f| f.split(' ').nth(1)).collect();
    assert_eq!(codes.len(), 13, "{codes:?}");
    assert!(
        found[0].starts_with("many-errors-at-once.md:4:1 "),
        "first in the file comes first"
    );
    assert!(
        found[14].starts_with("many-errors-at-once.md:66:1 "),
        "last in the file comes last"
    );
}

#[test]
fn go_templates_are_not_variables_but_a_misspelt_variable_is() {
    assert_eq!(
        positions("go-template-is-not-a-variable.md"),
        ["go-template-is-not-a-variable.md:22:40 undefined-variable"]
    );
    let linted = lint_fixture("go-template-is-not-a-variable.md", &[]);
    assert!(
        linted.stdout.contains("undefined variable `contianer`"),
        "{}",
        linted.stdout
    );
    for template in ["State", "Values", "tag"] {
        assert!(
            !linted.stdout.contains(&format!("variable `{template}")),
            "{}",
            linted.stdout
        );
    }
}

#[test]
fn errors_make_lint_exit_3() {
    let linted = lint_fixture("unknown-role-typo.md", &[]);
    assert_eq!(linted.status, 3, "{}", linted.stdout);
    assert!(
        linted.stdout.ends_with("1 lesson: 1 error, 1 warning\n"),
        "{}",
        linted.stdout
    );
}

#[test]
fn warnings_alone_let_lint_exit_0() {
    let linted = lint_fixture("unverifiable-step.md", &[]);
    assert_eq!(linted.status, 0, "{}", linted.stdout);
    assert!(
        linted.stdout.ends_with("1 lesson: 0 errors, 2 warnings\n"),
        "{}",
        linted.stdout
    );
}

#[test]
fn deny_warnings_makes_warnings_errors() {
    let linted = lint_fixture("unverifiable-step.md", &["--deny-warnings"]);
    assert_eq!(linted.status, 3, "{}", linted.stdout);
    assert!(
        linted.stdout.ends_with("1 lesson: 2 errors, 0 warnings\n"),
        "{}",
        linted.stdout
    );
    let json = lint_fixture(
        "unverifiable-step.md",
        &["--deny-warnings", "--format", "json"],
    );
    assert_eq!(json.status, 3);
    let severities: Vec<_> = json.json().iter().map(|d| d["severity"].clone()).collect();
    assert_eq!(severities, ["error", "error"]);
}

#[test]
fn deny_warnings_passes_a_lesson_without_warnings() {
    Test::new()
        .file(
            "clean.md",
            "# Clean\n\n## Look around {#look}\n\n```bash {check}\ntrue\n```\n",
        )
        .args(["lint", "--deny-warnings", "clean.md"])
        .run()
        .status(0)
        .stdout_contains("1 lesson: 0 errors, 0 warnings");
}

#[test]
fn a_path_that_does_not_exist_exits_2_with_the_reason_on_stderr() {
    let output = Test::new()
        .file("real.md", "# Real\n\n## Step\n")
        .args(["lint", "real.md", "missing.md"])
        .run()
        .status(2)
        .stderr_contains("`missing.md` does not exist");
    assert_eq!(output.stdout, "", "nothing is linted when a path is wrong");
}

#[test]
fn a_folder_without_lessons_exits_2() {
    Test::new()
        .file("empty/notes.txt", "not a lesson")
        .args(["lint", "empty"])
        .run()
        .status(2)
        .stderr_contains("no lessons found in `empty`");
}

#[test]
fn a_lesson_that_is_not_utf8_exits_3() {
    let test = Test::new();
    std::fs::write(test.path().join("latin1.md"), b"# Caf\xe9\n\n## Step\n").expect("write");
    test.args(["lint", "latin1.md"])
        .run()
        .status(3)
        .stdout_contains("error[unreadable]: latin1.md:1:1: `latin1.md` is not UTF-8 text")
        .stdout_contains("1 lesson: 1 error, 0 warnings");
}

#[test]
fn json_diagnostics_have_file_line_column_severity_code_message_and_help() {
    let lesson = "# Shape\n\n## Check it {#check}\n\n```bash {chek}\ntrue\n```\n\n```bash {run}\n```\n\n```bash {check}\ntrue\n```\n";
    let output = Test::new()
        .file("shape.md", lesson)
        .args(["lint", "--format", "json", "shape.md"])
        .run()
        .status(3);
    let json = output.json();
    let items = json.as_array().expect("an array");
    assert_eq!(items.len(), 2, "{json:#}");
    for item in items {
        let keys: BTreeSet<&str> = item
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let expected = BTreeSet::from([
            "file", "line", "column", "severity", "code", "message", "help",
        ]);
        assert_eq!(keys, expected);
    }
    let error = &items[0];
    assert_eq!(error["file"], "shape.md");
    assert_eq!(error["line"], 5);
    assert_eq!(error["column"], 10);
    assert_eq!(error["severity"], "error");
    assert_eq!(error["code"], "unknown-role");
    assert_eq!(
        error["message"],
        "unknown role or flag `chek` (expected one of run, check, solve, setup, cleanup, interactive, optional, raw)"
    );
    assert_eq!(error["help"], "did you mean `check`?");
    let warning = &items[1];
    assert_eq!(warning["file"], "shape.md");
    assert_eq!(warning["line"], 9);
    assert_eq!(warning["column"], 1);
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["code"], "empty-block");
    assert_eq!(warning["message"], "this block has a role but no code");
    assert_eq!(warning["help"], Value::Null);
}

#[test]
fn json_output_is_an_empty_array_for_a_clean_lesson() {
    let output = Test::new()
        .file(
            "clean.md",
            "# Clean\n\n## Look around {#look}\n\n```bash {check}\ntrue\n```\n",
        )
        .args(["lint", "--format", "json", "clean.md"])
        .run()
        .status(0);
    assert_eq!(output.json(), Value::Array(Vec::new()));
}

/// A collection (a folder with lesson sub-folders) holds single-file lessons and folder
/// lessons; hidden folders and non-Markdown files are skipped.
fn course() -> Test {
    let dup = |title: &str| {
        format!("# {title}\n\n## Apply the manifest\n\n```bash {{check}}\nkubectl get pods\n```\n")
    };
    Test::new()
        .file(
            "course/01-intro.md",
            "# Intro\n\n## Start\n\n```bash {chek}\ntrue\n```\n",
        )
        .file("course/kubernetes/01-pods.md", &dup("Pods"))
        .file("course/kubernetes/02-services.md", &dup("Services"))
        .file(
            "course/extras/deep/lesson.md",
            "# Deep\n\n## Use it\n\n```bash {check}\necho {{learnr}}\n```\n",
        )
        .file("course/extras/notes.txt", "{{not_a_lesson}}")
        .file(
            "course/.drafts/wip.md",
            "# Draft\n\n## Step\n\n```bash {bogus}\nx\n```\n",
        )
        .file("course/images/logo.png", "")
}

#[test]
fn a_folder_argument_lints_every_lesson_found_recursively() {
    let output = course()
        .args(["lint", "--format", "json", "course"])
        .run()
        .status(3);
    let found: Vec<String> = output
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["file"].as_str().unwrap_or_default(),
                d["code"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "course/01-intro.md unknown-role",
            "course/extras/deep/lesson.md undefined-variable",
            // Found only because the two files are parts of one folder lesson.
            "course/kubernetes/02-services.md duplicate-step-id",
        ]
    );
    course()
        .args(["lint", "course"])
        .run()
        .status(3)
        .stdout_contains("3 lessons: 3 errors, 0 warnings")
        .stdout_lacks("wip.md");
}

#[test]
fn the_lessons_skipped_by_discovery_are_really_broken_or_separate() {
    // Controls for the test above: the hidden draft has an error when linted on its own, and
    // a part linted alone has no duplicate.
    course()
        .args(["lint", "course/.drafts/wip.md"])
        .run()
        .status(3)
        .stdout_contains("unknown role or flag `bogus`");
    course()
        .args(["lint", "course/kubernetes/02-services.md"])
        .run()
        .status(0);
}

#[test]
fn the_shipped_lessons_have_no_errors() {
    let lessons = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
    let output = Test::new()
        .args(["lint", "--format", "json", lessons])
        .run()
        .status(0);
    let json = output.json();
    let errors: Vec<&Value> = json
        .as_array()
        .expect("an array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    Test::new()
        .args(["lint", lessons])
        .run()
        .status(0)
        .stdout_contains(" 0 errors, ");
}

/// Runs `labrun lint` on a fixture inside a pseudo-terminal (util-linux `script`), where
/// labrun would use colour, and returns what the terminal received.
#[cfg(target_os = "linux")]
fn lint_on_a_terminal(no_color: Option<&str>) -> String {
    let command = format!(
        "'{}' lint '{FIXTURES}/unknown-role-typo.md'",
        env!("CARGO_BIN_EXE_labrun")
    );
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if let Some(value) = no_color {
        script.env("NO_COLOR", value);
    }
    let output = script
        .output()
        .expect("this test needs `script` from util-linux on PATH");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[cfg(target_os = "linux")]
fn no_color_output_has_no_escape_codes() {
    let coloured = lint_on_a_terminal(None);
    assert!(
        coloured.contains("\x1b["),
        "a terminal gets colour:\n{coloured}"
    );
    assert!(
        coloured.contains("unknown role or flag `chek`"),
        "{coloured}"
    );
    let plain = lint_on_a_terminal(Some("1"));
    assert!(plain.contains("unknown role or flag `chek`"), "{plain}");
    assert!(
        !plain.contains('\x1b'),
        "NO_COLOR=1 output has escape codes:\n{plain:?}"
    );
}

#[test]
fn piped_output_has_no_escape_codes_even_without_no_color() {
    let output = Test::new()
        .file("lesson.md", "# T\n\n## S\n\n```bash {chek}\ntrue\n```\n")
        .args(["lint", "lesson.md"])
        .run()
        .status(3)
        .stdout_contains("unknown role or flag `chek`");
    assert!(!output.stdout.contains('\x1b'), "{:?}", output.stdout);
}

mod regressions;
