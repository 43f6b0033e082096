//! `labrun list`: one row per lesson with its lint status, as a table or JSON.

use crate::harness::Test;

fn lessons() -> Test {
    Test::new()
        .file(
            "lessons/welcome.md",
            "---\nid: welcome\ntitle: Welcome\nduration: 10m\n---\n# Welcome\n\n## One\n\n## Two\n",
        )
        .file(
            "lessons/broken.md",
            "# Broken\n\n## S\n\n```bash {chek}\nls\n```\n\n```bash {cheek}\nls\n```\n",
        )
        .file(
            "lessons/warned.md",
            "# Warned\n\n## S\n\n```bash {run}\nls\n```\n",
        )
        .file("lessons/lab/01-a.md", "# Lab part A\n\n## A\n")
        .file("lessons/lab/02-b.md", "# Lab part B\n\n## B\n")
}

#[test]
fn list_shows_an_aligned_table_of_the_lessons_folder() {
    let output = lessons().args(["list"]).run().status(0);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn list_takes_another_folder() {
    Test::new()
        .file("courses/x.md", "# X\n\n## S\n")
        .args(["list", "courses"])
        .run()
        .status(0)
        .stdout_contains("x   X          1")
        .stdout_contains("courses/x.md");
}

#[test]
fn a_lesson_that_cannot_be_read_is_listed_as_unreadable() {
    let test = lessons();
    std::fs::write(test.path().join("lessons/binary.md"), [0xff, 0xfe, 0x00]).expect("write");
    test.args(["list"])
        .run()
        .status(0)
        .stdout_contains("unreadable: not UTF-8 text")
        .stdout_contains("Welcome");
}

#[test]
fn list_format_json_prints_an_array_of_lessons() {
    let output = lessons().args(["list", "--format", "json"]).run().status(0);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    let rows = json.as_array().expect("an array");
    assert_eq!(rows.len(), 4, "{json}");
    let broken = rows
        .iter()
        .find(|row| row["id"] == "broken")
        .expect("broken is listed");
    assert_eq!(broken["status"], "2 errors");
    assert_eq!(broken["errors"], 2);
    let welcome = rows
        .iter()
        .find(|row| row["id"] == "welcome")
        .expect("welcome is listed");
    assert_eq!(welcome["status"], "ok");
    assert_eq!(welcome["steps"], 2);
    assert_eq!(welcome["duration"], "10m");
}

#[test]
fn list_output_to_a_pipe_has_no_colour() {
    let output = lessons().args(["list"]).run().status(0);
    assert!(!output.stdout.contains('\x1b'), "{:?}", output.stdout);
}

#[test]
fn list_of_a_missing_folder_is_a_usage_error() {
    Test::new()
        .args(["list", "nowhere"])
        .run()
        .status(2)
        .stderr_contains("`nowhere` does not exist");
}

#[test]
fn list_of_a_folder_without_lessons_says_so() {
    Test::new()
        .file("empty/readme.txt", "not a lesson")
        .args(["list", "empty"])
        .run()
        .status(2)
        .stderr_contains("no lessons found in `empty`");
}
