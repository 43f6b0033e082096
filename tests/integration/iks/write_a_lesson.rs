//! `lessons/write-a-lesson.md`, whose checks run `labrun lint`, `show` and `test` on the
//! learner's lesson: with the labrun under test first on `PATH`.

use std::path::Path;

use crate::harness::{Output, Test};

fn lesson() -> String {
    super::repo()
        .join("lessons/write-a-lesson.md")
        .display()
        .to_string()
}

/// A scratch folder whose `PATH` starts with the folder of the labrun being tested.
fn instructor() -> Test {
    let bin = Path::new(env!("CARGO_BIN_EXE_labrun"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let test = Test::new().file("workspace/.keep", "");
    let workspace = test.path().join("workspace").display().to_string();
    test.env("PATH", &path)
        .env("LABRUN_LEARNER", "grace")
        .env("LABRUN_WORKSPACE", &workspace)
        .timeout(super::HANG)
}

fn run(test: &Test, args: &[&str], stdin: &str) -> Output {
    let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    all.insert(1, lesson());
    test.run_with(all, stdin)
}

#[test]
fn write_a_lesson_passes_labrun_test_with_labrun_on_the_path() {
    let test = instructor();
    run(&test, &["test"], "")
        .status(0)
        .stdout_contains("ok          lint")
        .stdout_contains("ok          variables")
        .stdout_contains("4 passed, 0 failed");
}

#[test]
fn each_check_of_write_a_lesson_fails_before_its_step_and_passes_after() {
    let test = instructor();
    run(&test, &["check", "--yes", "--step", "lint"], "")
        .status(1)
        .stdout_contains("there is no my-lesson.md in the workspace yet");

    // The learner copies the starter (its lint fails on the typo `chek`), checks: not yet;
    // then applies the solution, which checks again at once.
    run(
        &test,
        &["start", "--plain", "--yes", "--step", "lint"],
        "run\ncheck\nsolution\napply\nquit\n",
    )
    .status(1)
    .stderr_contains("unknown role or flag `chek`")
    .stderr_contains("✘ Not verified yet (1 failed).")
    .stderr_count("✔ Step solved", 1);

    run(&test, &["check", "--yes", "--step", "add-step"], "")
        .status(1)
        .stdout_contains("my-lesson.md has no step with the id guestbook");
    run(&test, &["check", "--yes", "--step", "test"], "")
        .status(1)
        .stdout_contains("the output does not match `^2 passed, 0 failed$`")
        .stdout_contains("1 passed, 0 failed");
    run(
        &test,
        &["start", "--plain", "--yes", "--step", "add-step"],
        "solution\napply\nquit\n",
    )
    .stderr_count("✔ Step solved", 1);

    run(&test, &["check", "--yes", "--step", "variables"], "")
        .status(1)
        .stdout_contains("my-lesson.md does not use {{name}} yet");
    run(
        &test,
        &["start", "--plain", "--yes", "--step", "test"],
        "check\nquit\n",
    )
    .stderr_count("✔ Step verified.", 1);
    run(
        &test,
        &["start", "--plain", "--yes", "--step", "variables"],
        "solution\napply\n1\n",
    )
    .status(0)
    .stderr_contains("Correct.")
    .stderr_contains("Lesson complete.");

    let statuses = run(&test, &["status", "--json"], "").json();
    let steps: Vec<(String, String)> = statuses[0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or("").into(),
                s["status"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("lint".into(), "solved".into()),
            ("add-step".into(), "solved".into()),
            ("test".into(), "verified".into()),
            ("variables".into(), "solved".into()),
        ]
    );
}
