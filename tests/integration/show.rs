//! `labrun show`: the rendered lesson, `--commands`, `--json`, and exit codes.

use crate::harness::Test;

const LESSON: &str = "\
---
id: demo
title: A demo
duration: 5m
vars:
  token: { secret: true, prompt: Token? }
---

# A demo

Intro text with a [link](https://example.com).

## First step {#first}

Run this:

```bash {run timeout=10s}
echo \"hello {{token}}\"
```

```bash {check}
test -f done
```

<details><summary>Hint</summary>

HINT TEXT

</details>

```bash {solve}
touch done
```

## Second step

```yaml {file=app.yaml}
name: app
```

```http {check}
GET https://api.example.com/health
Accept: application/json
HTTP 200
```
";

#[test]
fn show_renders_numbered_steps_with_their_ids_and_exits_0() {
    Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md"])
        .run()
        .status(0)
        .stdout_contains("A demo\n══════")
        .stdout_contains("Step 1/2 · First step  #first")
        .stdout_contains("Step 2/2 · Second step  #second-step")
        .stdout_contains("▶ run  bash · timeout 10s")
        .stdout_contains("link (https://example.com)");
}

#[test]
fn show_hides_hints_and_solutions_unless_asked() {
    Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md"])
        .run()
        .status(0)
        .stdout_contains("▸ Hint 1 of 1 (hidden")
        .stdout_contains("🔑 solve (hidden)  solution available")
        .stdout_lacks("HINT TEXT")
        .stdout_lacks("touch done");
}

#[test]
fn hints_and_solutions_flags_reveal_them() {
    Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md", "--hints", "--solutions"])
        .run()
        .status(0)
        .stdout_contains("▾ Hint 1 of 1")
        .stdout_contains("HINT TEXT")
        .stdout_contains("│ touch done");
}

#[test]
fn output_to_a_pipe_has_no_escape_codes_even_without_no_color() {
    let output = Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md"])
        .run()
        .status(0);
    assert!(!output.stdout.contains('\x1b'), "{:?}", output.stdout);
    let output = Test::new()
        .file("demo.md", LESSON)
        .env("NO_COLOR", "1")
        .args(["show", "demo.md"])
        .run()
        .status(0);
    assert!(!output.stdout.contains('\x1b'), "{:?}", output.stdout);
}

#[test]
fn width_sets_where_text_wraps() {
    let text = format!("# T\n\n## S\n\n{}\n", "word ".repeat(30));
    let output = Test::new()
        .file("a.md", &text)
        .args(["show", "a.md", "--width", "30"])
        .run()
        .status(0);
    assert!(
        output.stdout.lines().all(|line| line.chars().count() <= 30),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.lines().any(|line| line.chars().count() > 25),
        "{}",
        output.stdout
    );
}

#[test]
fn a_lesson_with_errors_is_still_shown_but_exits_3_with_a_note() {
    Test::new()
        .file("bad.md", "# Bad\n\n## Step\n\n```bash {chek}\nls\n```\n")
        .args(["show", "bad.md"])
        .run()
        .status(3)
        .stdout_contains("Step 1/1 · Step")
        .stdout_contains("│ ls")
        .stderr_contains("error: the lesson has 1 error; `labrun lint bad.md` shows them");
}

#[test]
fn a_lesson_that_does_not_exist_is_a_usage_error() {
    Test::new()
        .args(["show", "nope.md"])
        .run()
        .status(2)
        .stderr_contains("`nope.md` does not exist");
}

#[test]
fn a_folder_lesson_shows_its_parts_in_file_order() {
    Test::new()
        .file("lab/02-second.md", "# Second part\n\n## Two\n")
        .file(
            "lab/01-first.md",
            "---\ntitle: The lab\n---\n# First part\n\n## One\n",
        )
        .args(["show", "lab"])
        .run()
        .status(0)
        .stdout_contains("The lab\n")
        .stdout_contains("Part 1/2 · First part")
        .stdout_contains("Part 2/2 · Second part")
        .stdout_contains("Step 2/2 · Two");
}

#[test]
fn commands_lists_everything_the_lesson_can_run_with_counts() {
    let output = Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md", "--commands"])
        .run()
        .status(0);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn commands_and_json_cannot_be_combined() {
    Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md", "--commands", "--json"])
        .run()
        .status(2);
}

#[test]
fn json_has_ids_roles_and_line_numbers_but_no_secret_default() {
    let output = Test::new()
        .file("demo.md", LESSON)
        .args(["show", "demo.md", "--json"])
        .run()
        .status(0);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    assert_eq!(json["steps"][0]["id"], "first");
    assert_eq!(json["steps"][0]["line"], 13);
    assert_eq!(json["steps"][0]["blocks"][0]["role"], "run");
    assert_eq!(json["steps"][0]["blocks"][0]["line"], 17);
    assert_eq!(json["steps"][0]["blocks"][0]["attrs"]["timeout_ms"], 10000);
    assert_eq!(json["steps"][0]["hints"], 1);
    assert_eq!(json["vars"][0]["secret"], true);
    assert!(
        json["vars"][0].get("default").is_none(),
        "{}",
        json["vars"][0]
    );
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn the_shipped_lessons_render_without_crashing() {
    let lessons = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut paths: Vec<_> = std::fs::read_dir(&lessons)
        .expect("lessons folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let path = path.display().to_string();
        for extra in [None, Some("--commands"), Some("--json")] {
            let mut args = vec!["show", path.as_str(), "--hints", "--solutions"];
            if let Some(extra) = extra {
                args.truncate(2);
                args.push(extra);
            }
            let output = Test::new().args(args.clone()).run();
            assert!(
                matches!(output.status, 0 | 3),
                "{args:?} exited {}: {}",
                output.status,
                output.stderr
            );
            assert!(!output.stdout.is_empty(), "{args:?}");
        }
    }
}

#[test]
fn a_tool_hint_written_over_several_lines_reads_as_one() {
    let lesson = "---\nrequires:\n  tools:\n    - name: sed\n      hint: |\n        Install GNU sed:\n        apt install sed\n    - name: jq\n      hint: |\n        brew install jq\n        apt install jq\n---\n# T\n\n## S\n";
    Test::new()
        .file("t.md", lesson)
        .args(["show", "t.md"])
        .run()
        .status(0)
        .stdout_contains("sed · install: Install GNU sed: apt install sed")
        .stdout_contains("jq · install: brew install jq; apt install jq");
}
