//! `labrun report`: every format snapshotted over the hand-written logs of
//! `tests/fixtures/report/` (see its README for who did what), exit codes and
//! `--require-complete`, unreadable lines, filters, and the HTML page in a real browser.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::Test;

/// The fixtures, relative to the crate root, where fixture runs start: warnings name files
/// by this relative path, the same on every checkout.
const FIXTURES: &str = "tests/fixtures/report";

/// What one run of `labrun report` printed.
struct Reported {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Reported {
    /// Exit code, stdout and (when there is any) stderr: the text of a snapshot.
    fn snapshot(&self) -> String {
        let mut text = format!("exit: {}\n----- stdout -----\n{}", self.status, self.stdout);
        if !self.stderr.is_empty() {
            text.push_str("----- stderr -----\n");
            text.push_str(&self.stderr);
        }
        text.replace(FIXTURES, "[FIXTURES]")
    }

    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `labrun report ARGS... tests/fixtures/report` from the crate root, `NO_COLOR=1`.
fn report_fixtures(args: &[&str]) -> Reported {
    let output = Command::new(env!("CARGO_BIN_EXE_labrun"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("report")
        .args(args)
        .arg(FIXTURES)
        .env("NO_COLOR", "1")
        .env_remove("LABRUN_PROGRESS_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("run labrun");
    Reported {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `("lesson/\"learner\"", [(step, status)])` from `--format json`, steps in the order of
/// the lesson's `steps` (as a consumer reads them: JSON objects are unordered to most).
fn statuses(json: &Value) -> Vec<(String, Vec<(String, String)>)> {
    let lessons = json["lessons"].as_array().expect("lessons");
    json["learners"]
        .as_array()
        .expect("learners")
        .iter()
        .map(|row| {
            let lesson = lessons
                .iter()
                .find(|lesson| lesson["id"] == row["lesson"])
                .expect("the learner's lesson is listed");
            let steps = lesson["steps"]
                .as_array()
                .expect("step ids")
                .iter()
                .map(|id| {
                    let id = id.as_str().unwrap_or("?");
                    let status = row["steps"][id].as_str().unwrap_or("missing");
                    (id.to_owned(), status.to_owned())
                })
                .collect();
            (
                format!(
                    "{}/{}",
                    row["lesson"].as_str().unwrap_or("?"),
                    row["learner"]
                ),
                steps,
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn every_format_is_snapshotted_over_the_fixture_logs() {
    for format in ["table", "json", "csv", "junit", "markdown", "html"] {
        let reported = report_fixtures(&["--format", format]);
        assert_eq!(reported.status, 0, "{}", reported.snapshot());
        insta::assert_snapshot!(format!("format@{format}"), reported.snapshot());
    }
}

#[test]
fn statuses_follow_every_rule_across_sessions_resets_and_lesson_versions() {
    let json = report_fixtures(&["--format", "json"]).json();
    let order = ["hello", "workspace", "notes", "quiz", "wrap-up"];
    let welcome = |statuses: [&str; 5]| -> Vec<(String, String)> {
        pairs(&order.iter().copied().zip(statuses).collect::<Vec<_>>())
    };
    assert_eq!(
        statuses(&json),
        [
            // Two sessions of lesson v1, then v2 added `deploy`: all verified.
            (
                "k8s-basics/\"ada\"".to_owned(),
                pairs(&[
                    ("pods", "verified"),
                    ("services", "verified"),
                    ("deploy", "verified")
                ])
            ),
            // Only ever saw v1, and used the solution for `pods`.
            (
                "k8s-basics/\"fay\"".to_owned(),
                pairs(&[
                    ("pods", "solved"),
                    ("services", "verified"),
                    ("deploy", "pending")
                ])
            ),
            // Two sessions; a failed check, then verified; `wrap-up` has no checks.
            (
                "welcome/\"ada\"".to_owned(),
                welcome(["verified", "verified", "verified", "verified", "confirmed"])
            ),
            (
                "welcome/\"bob\"".to_owned(),
                welcome(["verified", "solved", "verified", "verified", "confirmed"])
            ),
            // Stuck: the last of three checks failed.
            (
                "welcome/\"cy\"".to_owned(),
                welcome(["verified", "failed", "pending", "pending", "pending"])
            ),
            // Reset the lesson, redid it, skipped `notes`; the log ends in a torn line.
            (
                "welcome/\"dee\"".to_owned(),
                welcome(["verified", "verified", "skipped", "verified", "confirmed"])
            ),
            // Reset `workspace` after verifying it; a malformed line in the middle.
            (
                "welcome/\"eve\"".to_owned(),
                welcome(["verified", "pending", "pending", "pending", "pending"])
            ),
        ]
    );
    let complete: Vec<_> = json["learners"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["complete"] == true)
        .map(|row| {
            format!(
                "{}/{}",
                row["lesson"].as_str().unwrap(),
                row["learner"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(complete, ["k8s-basics/ada", "welcome/ada", "welcome/bob"]);
    assert_eq!(
        json["lessons"][0]["title"],
        "Kubernetes basics, 2nd edition"
    );
}

#[test]
fn json_step_statuses_keep_the_lesson_order() {
    let reported = report_fixtures(&["--format", "json", "--learner", "cy"]);
    let order = ["hello", "workspace", "notes", "quiz", "wrap-up"].map(|id| format!("\"{id}\": "));
    let positions: Vec<usize> = order
        .iter()
        .map(|key| reported.stdout.find(key.as_str()).expect(key))
        .collect();
    assert!(positions.is_sorted(), "{}", reported.stdout);
}

#[test]
fn step_figures_match_the_fixture_logs() {
    let json = report_fixtures(&["--format", "json"]).json();
    let workspace = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["lesson"] == "welcome" && s["step"] == "workspace")
        .expect("welcome/workspace figures");
    // ada 225 s, bob 270 s, dee 95 s (after her lesson reset); cy failed, eve reset it.
    assert_eq!(workspace["completed"], 3);
    assert_eq!(workspace["median_seconds"], 225);
    // ada 1, bob 2, cy 3, dee 1 (before and after the reset alike).
    assert_eq!(workspace["failed_attempts"], 7);
    assert_eq!(workspace["hints"], 4);
    assert_eq!(workspace["stuck"], 1);
    let cy = &json["learners"].as_array().unwrap()[4];
    assert_eq!(cy["learner"], "cy");
    // Seven gaps of 10 to 120 s, one of 7 minutes capped at 5, then 60 and 30: 690 s.
    assert_eq!(cy["active_seconds"], 690);
}

#[test]
fn a_torn_or_malformed_line_is_named_by_file_and_line_and_the_report_goes_on() {
    let reported = report_fixtures(&[]);
    assert_eq!(reported.status, 0, "{}", reported.snapshot());
    assert!(
        reported
            .stderr
            .contains("tests/fixtures/report/welcome/dee.jsonl:20: the last line is incomplete"),
        "{}",
        reported.stderr
    );
    assert!(
        reported
            .stderr
            .contains("tests/fixtures/report/welcome/eve.jsonl:6: not a progress event"),
        "{}",
        reported.stderr
    );
    assert_eq!(reported.stderr.lines().count(), 2, "{}", reported.stderr);
    assert!(reported.stdout.contains("│ dee "), "{}", reported.stdout);
    assert!(reported.stdout.contains("│ eve "), "{}", reported.stdout);
}

#[test]
fn clean_logs_give_no_warning() {
    let reported = report_fixtures(&["--lesson", "k8s-basics"]);
    assert_eq!(reported.status, 0);
    // The torn and malformed logs are read (and warned about) even when filtered out...
    assert!(
        reported.stderr.contains("dee.jsonl:20"),
        "{}",
        reported.stderr
    );
    // ...but logs without a bad line say nothing.
    let clean = Test::new()
        .file("logs/ada.jsonl", &fixture("k8s-basics/ada.jsonl"))
        .args(["report", "logs"])
        .run()
        .status(0)
        .stdout_contains("│ ada ");
    assert!(clean.stderr.is_empty(), "{}", clean.stderr);
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURES)
            .join(path),
    )
    .expect("fixture")
}

#[test]
fn require_complete_exits_1_and_names_everyone_who_has_not_completed() {
    let reported = report_fixtures(&["--require-complete", "--format", "json"]);
    assert_eq!(reported.status, 1, "{}", reported.snapshot());
    reported.json();
    for name in [
        "fay (k8s-basics)",
        "cy (welcome)",
        "dee (welcome)",
        "eve (welcome)",
    ] {
        assert!(
            reported.stderr.contains(name),
            "{name}:\n{}",
            reported.stderr
        );
    }
    for done in ["ada (", "bob ("] {
        assert!(
            !reported.stderr.contains(done),
            "{done}:\n{}",
            reported.stderr
        );
    }
    assert!(
        reported
            .stderr
            .contains("error: 4 of 7 learners have not completed their lesson:"),
        "{}",
        reported.stderr
    );
    assert!(
        reported
            .stderr
            .contains("cy (welcome): 1 of 5 steps complete; workspace failed, notes pending, quiz pending, wrap-up pending"),
        "{}",
        reported.stderr
    );
}

#[test]
fn require_complete_exits_0_when_everyone_in_the_report_has_completed() {
    let reported = report_fixtures(&["--require-complete", "--learner", "ada", "--learner", "bob"]);
    assert_eq!(reported.status, 0, "{}", reported.snapshot());
    assert!(!reported.stderr.contains("error:"), "{}", reported.stderr);
}

#[test]
fn require_complete_fails_when_there_is_nobody_to_judge() {
    let reported = report_fixtures(&["--require-complete", "--lesson", "no-such-lesson"]);
    assert_eq!(reported.status, 1, "{}", reported.snapshot());
    assert!(
        reported
            .stderr
            .contains("no learner progress in the report"),
        "{}",
        reported.stderr
    );
    let without = report_fixtures(&["--lesson", "no-such-lesson"]);
    assert_eq!(without.status, 0);
    assert!(
        without.stdout.contains("No progress found."),
        "{}",
        without.stdout
    );
}

#[test]
fn filters_keep_the_lessons_learners_and_recent_activity_asked_for() {
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        statuses(&report_fixtures(&all).json())
            .into_iter()
            .map(|(name, _)| name.replace('"', ""))
            .collect()
    };
    assert_eq!(
        names(&["--lesson", "k8s-basics"]),
        ["k8s-basics/ada", "k8s-basics/fay"]
    );
    assert_eq!(
        names(&["--learner", "ada"]),
        ["k8s-basics/ada", "welcome/ada"]
    );
    assert_eq!(
        names(&["--since", "2026-11-25"]),
        [
            "k8s-basics/ada",
            "welcome/ada",
            "welcome/cy",
            "welcome/dee",
            "welcome/eve"
        ]
    );
    assert_eq!(
        names(&["--since", "2026-11-26T09:00:00Z", "--lesson", "welcome"]),
        ["welcome/eve"]
    );
}

#[test]
fn bad_paths_and_options_exit_2() {
    Test::new()
        .args(["report", "missing-folder"])
        .run()
        .status(2)
        .stderr_contains("`missing-folder` does not exist");
    Test::new()
        .file("logs/a.jsonl", "")
        .args(["report", "logs", "--format", "pdf"])
        .run()
        .status(2)
        .stderr_contains("pdf");
    Test::new()
        .file("logs/a.jsonl", "")
        .args(["report", "logs", "--since", "last tuesday"])
        .run()
        .status(2)
        .stderr_contains("expected a date (`2026-11-26`)");
}

#[test]
fn a_folder_without_logs_gives_an_empty_report_and_a_warning() {
    Test::new()
        .file("logs/notes.txt", "not a log")
        .args(["report", "logs"])
        .run()
        .status(0)
        .stdout_contains("No progress found.")
        .stderr_contains("warning: no progress logs (*.jsonl) in `logs`");
}

#[test]
fn a_line_from_a_newer_labrun_is_skipped_with_a_warning_and_the_rest_still_counts() {
    // A newer labrun's line, of a shape this one cannot read, among fay's events.
    let mut lines: Vec<String> = fixture("k8s-basics/fay.jsonl")
        .lines()
        .map(str::to_owned)
        .collect();
    lines.insert(
        2,
        r#"{"v":2,"when":[2026,11,21],"what":{"kind":"future"}}"#.to_owned(),
    );
    let newer = lines.join("\n") + "\n";
    let out = Test::new()
        .file("logs/fay.jsonl", &newer)
        .args(["report", "logs", "--format", "json"])
        .run()
        .status(0)
        .stderr_contains("logs/fay.jsonl:3: written by a newer labrun (format v2");
    let report = out.json();
    assert_eq!(report["learners"][0]["learner"], "fay");
    assert_eq!(report["learners"][0]["complete"], true);
}

#[test]
fn an_older_line_missing_a_field_added_later_still_counts() {
    // `evidence`, `reason` and `attempt` were added to check events after version 1 first
    // shipped.
    let old = [
        r#"{"v":1,"ts":"2026-11-21T15:00:00Z","learner":"gus","lesson":"l","event":"session_started","title":"L","lesson_hash":"h","steps":["a"]}"#,
        r#"{"v":1,"ts":"2026-11-21T15:01:00Z","learner":"gus","lesson":"l","event":"check_failed","step":"a"}"#,
        r#"{"v":1,"ts":"2026-11-21T15:02:00Z","learner":"gus","lesson":"l","event":"check_passed","step":"a"}"#,
        r#"{"v":1,"ts":"2026-11-21T15:02:00Z","learner":"gus","lesson":"l","event":"step_verified","step":"a"}"#,
    ]
    .join("\n");
    let out = Test::new()
        .file("logs/gus.jsonl", &(old + "\n"))
        .args(["report", "logs", "--format", "json"])
        .run()
        .status(0);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["learners"][0]["complete"], true);
    assert_eq!(report["steps"][0]["failed_attempts"], 1);
    assert_eq!(report["learners"][0]["integrity"], "unchained");
}

#[test]
fn without_a_path_the_progress_folder_is_reported() {
    Test::new()
        .file(
            ".progress/k8s-basics/fay.jsonl",
            &fixture("k8s-basics/fay.jsonl"),
        )
        .args(["report", "--format", "csv"])
        .run()
        .status(0)
        // Alone, fay's log knows only the first version of the lesson, which she completed.
        .stdout_contains("k8s-basics,fay,true,pods,solved,0,0,360");
}

#[test]
fn variable_values_appear_in_no_format() {
    assert!(fixture("welcome/ada.jsonl").contains("nano-VALUE-NEVER-PRINTED"));
    for format in ["table", "json", "csv", "junit", "markdown", "html"] {
        let reported = report_fixtures(&["--format", format]);
        assert!(
            !reported.stdout.contains("VALUE-NEVER-PRINTED"),
            "{format}:\n{}",
            reported.stdout
        );
    }
}

#[test]
fn a_log_written_by_labrun_itself_is_reported() {
    use labrun::progress::{Event, ProgressLog, log_path};
    let test = Test::new();
    let path = log_path(&test.path().join("logs"), "zoe", "welcome");
    let (mut log, _) = ProgressLog::open(&path, "zoe", "welcome").expect("open log");
    for event in [
        Event::SessionStarted {
            title: "Welcome".into(),
            lesson_hash: "h".into(),
            steps: vec!["hello".into(), "bye".into()],
        },
        Event::StepEntered {
            step: "hello".into(),
        },
        Event::StepVerified {
            step: "hello".into(),
        },
        Event::StepConfirmed { step: "bye".into() },
    ] {
        log.append(event).expect("append");
    }
    drop(log);
    test.args(["report", "logs", "--format", "json", "--require-complete"])
        .run()
        .status(0)
        .stdout_contains(r#""learner": "zoe""#)
        .stdout_contains(r#""hello": "verified""#)
        .stdout_contains(r#""bye": "confirmed""#);
}

/// Runs `labrun report` on the fixtures in a pseudo-terminal (util-linux `script`).
#[cfg(target_os = "linux")]
fn report_on_a_terminal(no_color: bool) -> String {
    let command = format!("'{}' report '{FIXTURES}'", env!("CARGO_BIN_EXE_labrun"));
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let output = script
        .output()
        .expect("this test needs `script` from util-linux on PATH");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[cfg(target_os = "linux")]
fn the_table_is_coloured_on_a_terminal_unless_no_color_is_set() {
    let coloured = report_on_a_terminal(false);
    // A failed step in bold red.
    assert!(coloured.contains("\x1b[31m\x1b[1m✗"), "{coloured:?}");
    let plain = report_on_a_terminal(true);
    assert!(plain.contains('✗'), "{plain}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

/// The HTML page's grid as a browser built it: for each lesson, each learner's row of
/// `data-status` values, read from the DOM Chromium dumps after loading the page.
fn grid_in_dom(dom: &str) -> Vec<(String, String, Vec<String>)> {
    let section = regex::Regex::new(r#"<section class="lesson" data-lesson="([^"]+)">"#).unwrap();
    let row = regex::Regex::new(r#"(?s)<tr data-learner="([^"]+)"[^>]*>(.*?)</tr>"#).unwrap();
    let cell = regex::Regex::new(r#"<td data-step="[^"]+" data-status="([a-z]+)""#).unwrap();
    let starts: Vec<(usize, String)> = section
        .captures_iter(dom)
        .map(|c| (c.get(0).unwrap().start(), c[1].to_owned()))
        .collect();
    let mut grid = Vec::new();
    for (index, (start, lesson)) in starts.iter().enumerate() {
        let end = starts.get(index + 1).map_or(dom.len(), |(next, _)| *next);
        for r in row.captures_iter(&dom[*start..end]) {
            let cells = cell.captures_iter(&r[2]).map(|c| c[1].to_owned()).collect();
            grid.push((lesson.clone(), r[1].to_owned(), cells));
        }
    }
    grid
}

/// Chromium, or `None` with a notice when it is missing outside CI. In CI (`CI` set) a
/// missing Chromium fails the test: `.ci/run` installs it.
pub(crate) fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("LABRUN_CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    if let Some(found) = candidates.into_iter().flatten().find(|path| path.is_file()) {
        return Some(found);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "Chromium is needed in CI for the HTML report test: apt-get install -y chromium"
    );
    eprintln!(
        "notice: skipping the HTML report browser test: no Chromium at /usr/bin/chromium (apt-get install -y chromium)"
    );
    None
}

/// Runs headless Chromium on `page` with `args`, killing it after two minutes.
fn run_chromium(chromium: &Path, profile: &Path, args: &[String], page: &Path) -> String {
    let mut child = Command::new(chromium)
        .args(crate::browser::HEADLESS)
        .arg("--hide-scrollbars")
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    while child.try_wait().expect("wait for chromium").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("chromium output");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_html_report_shows_every_status_in_a_browser_grid() {
    let Some(chromium) = chromium() else {
        return;
    };
    let reported = report_fixtures(&["--format", "html"]);
    assert_eq!(reported.status, 0, "{}", reported.stderr);
    for remote in ["http://", "https://", " src=", "<script", "@import", "url("] {
        assert!(
            !reported.stdout.contains(remote),
            "the page loads `{remote}`"
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    std::fs::write(&page, &reported.stdout).expect("write page");

    let dom = run_chromium(
        &chromium,
        &dir.path().join("profile"),
        &["--dump-dom".into()],
        &page,
    );
    let s = |statuses: &[&str]| statuses.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let row = |lesson: &str, learner: &str, statuses: &[&str]| {
        (lesson.to_owned(), learner.to_owned(), s(statuses))
    };
    assert_eq!(
        grid_in_dom(&dom),
        [
            row("k8s-basics", "ada", &["verified", "verified", "verified"]),
            row("k8s-basics", "fay", &["solved", "verified", "pending"]),
            row(
                "welcome",
                "ada",
                &["verified", "verified", "verified", "verified", "confirmed"]
            ),
            row(
                "welcome",
                "bob",
                &["verified", "solved", "verified", "verified", "confirmed"]
            ),
            row(
                "welcome",
                "cy",
                &["verified", "failed", "pending", "pending", "pending"]
            ),
            row(
                "welcome",
                "dee",
                &["verified", "verified", "skipped", "verified", "confirmed"]
            ),
            row(
                "welcome",
                "eve",
                &["verified", "pending", "pending", "pending", "pending"]
            ),
        ],
        "the grid Chromium built:\n{dom}"
    );
    // The symbols are there as text too, for print and colour blindness.
    assert!(
        dom.contains(
            r#"data-status="failed" title="workspace: failed (3 failed checks, 1 hint)">✗</td>"#
        ),
        "{dom}"
    );

    let screenshot = dir.path().join("report.png");
    run_chromium(
        &chromium,
        &dir.path().join("profile"),
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,900".into(),
        ],
        &page,
    );
    let png = std::fs::read(&screenshot).expect("chromium wrote a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "a near-empty screenshot: {} bytes",
        png.len()
    );
}

#[test]
fn a_lesson_given_instead_of_its_logs_is_a_usage_error_that_says_what_to_give() {
    crate::harness::Test::new()
        .file("welcome.md", "# Welcome\n\n## One\n")
        .args(["report", "welcome.md"])
        .run()
        .status(2)
        .stderr_contains("`welcome.md` is a lesson, not a progress log")
        .stderr_contains("`labrun status welcome.md` shows your own progress")
        .stderr_lacks("not a progress event");
}

/// A two-step lesson done by ada in a real session: its log is chained.
fn session_done(lesson_text: &str) -> Test {
    let lab = crate::start::lab().file("chain.md", lesson_text);
    lab.run_with(["start", "chain.md", "--yes"], "\n\n\n\n")
        .status(0)
        .stderr_contains("Lesson complete.");
    lab
}

const CHAIN_LESSON: &str =
    "# Chain\n\n## One {#one}\n\n```bash {check}\ntrue\n```\n\n## Two {#two}\n\nRead it.\n";

#[test]
fn a_sessions_log_is_chained_and_an_edited_line_is_reported_with_its_place() {
    let lab = session_done(CHAIN_LESSON);
    let log = lab.path().join(".progress/chain/ada.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    for (index, line) in text.lines().enumerate() {
        let event: Value = serde_json::from_str(line).unwrap();
        assert_eq!(event["seq"], index as u64 + 1, "{line}");
        assert_eq!(event.get("prev").is_some(), index > 0, "{line}");
    }
    let report = lab.run_with(["report", ".progress", "--format", "json"], "");
    let row = &report.status(0).json()["learners"][0];
    assert_eq!(row["integrity"], "ok");
    assert_eq!(row["evidence"], "local");
    assert!(row.get("broken_at").is_none());
    lab.run_with(["report", ".progress", "--require-complete"], "")
        .status(0);

    // The learner turns a confirmation into a verification by hand.
    let edited = text.replacen("\"step_confirmed\"", "\"step_verified\"", 1);
    assert_ne!(edited, text);
    std::fs::write(&log, &edited).unwrap();
    let confirmed_line = text
        .lines()
        .position(|line| line.contains("step_confirmed"))
        .unwrap()
        + 1;
    let report = lab.run_with(["report", ".progress", "--format", "json"], "");
    let row = &report.status(0).json()["learners"][0];
    assert_eq!(row["integrity"], "broken");
    let at = row["broken_at"].as_str().unwrap();
    assert!(
        at.ends_with(&format!(
            "ada.jsonl line {}: its `prev` does not match line {confirmed_line}",
            confirmed_line + 1
        )),
        "{at}"
    );
    lab.run_with(["report", ".progress"], "")
        .status(0)
        .stdout_contains("1 in doubt")
        .stdout_contains("! ada: the log was edited");
    lab.run_with(["report", ".progress", "--require-complete"], "")
        .status(1)
        .stderr_contains("ada (chain): 2 of 2 steps complete; the log was edited");
    lab.run_with(["report", ".progress", "--format", "junit"], "")
        .status(0)
        .stdout_contains("failures=\"1\"")
        .stdout_contains("type=\"doubtful\">");
}

#[test]
fn the_instructors_lesson_file_flags_a_learner_who_ran_an_edited_lesson() {
    // The learner made the check pass whatever they do.
    let edited = CHAIN_LESSON.replace("# Chain", "---\nid: chain\n---\n# Chain");
    let lab = session_done(&edited.replace("true", "true || true"));
    let instructors = lab.path().join("instructors.md");
    std::fs::write(&instructors, &edited).unwrap();
    let run = |lesson: &std::path::Path| {
        lab.run_with(
            [
                "report",
                ".progress",
                "--format",
                "json",
                "--lesson-file",
                lesson.to_str().unwrap(),
            ],
            "",
        )
        .status(0)
        .json()["learners"][0]["lesson_matches"]
            .clone()
    };
    assert_eq!(run(&instructors), false);
    // The lesson as the learner ran it matches.
    assert_eq!(run(&lab.path().join("chain.md")), true);
    lab.run_with(
        [
            "report",
            ".progress",
            "--require-complete",
            "--lesson-file",
            instructors.to_str().unwrap(),
        ],
        "",
    )
    .status(1)
    .stderr_contains("the newest session ran another version of the lesson");
}

#[test]
fn a_line_naming_a_classmate_cannot_reset_them() {
    let lab = session_done(CHAIN_LESSON);
    // Ada writes a reset of bob's lesson into her own log.
    let log = lab.path().join(".progress/chain/ada.jsonl");
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str(
        r#"{"v":1,"ts":"2026-12-01T00:00:00Z","learner":"bob","lesson":"chain","event":"lesson_reset"}"#,
    );
    text.push('\n');
    std::fs::write(&log, text).unwrap();
    let out = lab
        .run_with(["report", ".progress", "--format", "json"], "")
        .status(0)
        .stderr_contains("names learner `bob`, but this log is `ada`'s; skipped");
    let report = out.json();
    let learners: Vec<&str> = report["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["learner"].as_str().unwrap())
        .collect();
    assert_eq!(learners, ["ada"]);
}
