//! `labrun start`'s exit codes: 0 the lesson is complete, 1 it ended incomplete, 2 the lesson
//! file does not exist, 3 the lesson is invalid.

use super::{FAST, event_names, events_named, lab};

const TWO_STEPS: &str = "\
---
id: two
---
# Two steps

## First {#first}

```bash {check}
true
```

## Second {#second}

Read this.
";

#[test]
fn a_lesson_completed_in_one_session_exits_0() {
    let lab = lab().file("two.md", TWO_STEPS);
    lab.run_with(["start", "two.md", "--yes"], "\n\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("  verified   First\n  confirmed  Second\nLesson complete. Well done!");
    assert_eq!(
        events_named(&lab, "two", "session_ended")[0]["reason"],
        "completed"
    );
}

#[test]
fn a_lesson_that_ends_with_a_step_skipped_exits_1() {
    let lab = lab().file("two.md", TWO_STEPS);
    lab.run_with(["start", "two.md", "--yes"], "skip\n\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("  skipped    First\n  confirmed  Second")
        // Why it is not complete, and how to finish it.
        .stderr_contains(
            "Not complete: 1 step was skipped (\"First\"). Do it with `labrun start two.md --step first`.",
        )
        .stderr_lacks("Lesson complete.");
}

#[test]
fn a_lesson_left_by_quitting_exits_1() {
    lab()
        .file("two.md", TWO_STEPS)
        .args(["start", "two.md", "--yes"])
        .stdin("quit\n")
        .run()
        .status(1)
        .stderr_contains("  pending    First\n  pending    Second");
}

#[test]
fn status_before_any_session_says_so_and_exits_0() {
    let out = lab().args(["status"]).run().status(0);
    assert_eq!(
        out.redacted_stdout(),
        "ada has not started any lesson yet (progress folder: [DIR]/.progress)\n"
    );
}

#[test]
fn an_invalid_lesson_exits_3_with_its_errors_and_starts_nothing() {
    let lab = lab().file(
        "broken.md",
        "# Broken\n\n## Step\n\n```bash {chek}\nls\n```\n",
    );
    lab.run_with(["start", "broken.md", "--yes"], "\n")
        .status(3)
        .finished_within(FAST)
        .stderr_contains("unknown role or flag `chek`")
        .stderr_contains("`broken.md` has 1 error; run `labrun lint broken.md` for details")
        .stderr_lacks("Step 1/1");
    assert!(
        !lab.path().join(".progress").exists(),
        "no log for an invalid lesson"
    );
    lab.run_with(["check", "--yes", "broken.md"], "").status(3);
}

#[test]
fn a_lesson_file_that_does_not_exist_exits_2() {
    let lab = lab();
    lab.run_with(["start", "missing.md", "--yes"], "\n")
        .status(2)
        .finished_within(FAST)
        .stderr_contains("`missing.md` does not exist");
    lab.run_with(["check", "--yes", "missing.md"], "")
        .status(2)
        .stderr_contains("`missing.md` does not exist");
    lab.run_with(["reset", "missing.md"], "")
        .status(2)
        .stderr_contains("`missing.md` does not exist");
    lab.run_with(["status", "missing.md"], "")
        .status(2)
        .stderr_contains("`missing.md` does not exist");
}

#[test]
fn a_completed_lesson_records_one_session_from_start_to_end() {
    let lab = lab().file("two.md", TWO_STEPS);
    lab.run_with(["start", "two.md", "--yes"], "\n\n").status(0);
    assert_eq!(
        event_names(&lab, "two"),
        [
            "session_started",
            "step_entered",
            "block_ran",
            "check_passed",
            "step_verified",
            "step_entered",
            "step_confirmed",
            "session_ended"
        ]
    );
    let started = &events_named(&lab, "two", "session_started")[0];
    assert_eq!(started["title"], "Two steps");
    assert_eq!(started["steps"], serde_json::json!(["first", "second"]));
    assert_eq!(started["learner"], "ada");
}
