//! `labrun test` and `labrun new`: what an instructor runs before a class sees a lesson.

use crate::harness::Test;

const LESSON: &str = r#"---
vars:
  target: { prompt: "File to create", default: done.txt }
---
# Proof

## Make the file {#make}

```bash {check}
test -f {{target}} || { echo "{{target}} is missing"; exit 1; }
```

```bash {solve}
SOLUTION
```

## Read it {#read}

```bash {check}
grep -q hello {{target}}
```

```bash {solve}
echo hello > {{target}}
```
"#;

fn lesson(solution: &str) -> String {
    LESSON.replace("SOLUTION", solution)
}

#[test]
fn test_passes_when_every_solution_leads_to_its_checks() {
    Test::new()
        .file("proof.md", &lesson("touch {{target}}"))
        .args(["test", "proof.md"])
        .run()
        .status(0)
        .stdout_contains("ok          make")
        .stdout_contains("2 passed, 0 failed");
}

#[test]
fn test_fails_with_the_checks_reason_when_a_solution_is_wrong() {
    Test::new()
        .file("proof.md", &lesson("touch wrong.txt"))
        .args(["test", "proof.md"])
        .run()
        .status(1)
        .stdout_contains("FAIL        make")
        .stdout_contains("done.txt is missing")
        .stdout_contains("1 passed, 1 failed");
}

#[test]
fn test_fails_when_a_solution_itself_fails() {
    Test::new()
        .file("proof.md", &lesson("exit 7"))
        .args(["test", "proof.md"])
        .run()
        .status(1)
        .stdout_contains("the solution at proof.md:13 failed: exit code 7, expected 0");
}

#[test]
fn variables_come_from_flags_and_files_never_from_a_prompt() {
    let with_flag = Test::new()
        .file("proof.md", &lesson("touch {{target}}"))
        .args(["test", "proof.md", "--var", "target=other.txt"])
        .run()
        .status(0);
    drop(with_flag);
    Test::new()
        .file(
            "proof.md",
            &lesson("touch {{target}}").replace(", default: done.txt", ""),
        )
        .args(["test", "proof.md"])
        .run()
        .status(1)
        .stdout_contains("the variable `target` has no value: pass --var target=...");
    Test::new()
        .file(
            "proof.md",
            &lesson("touch {{target}}").replace(", default: done.txt", ""),
        )
        .file("vars.env", "# test values\ntarget=from-file.txt\n")
        .args(["test", "proof.md", "--vars-file", "vars.env"])
        .run()
        .status(0);
    Test::new()
        .file(
            "proof.md",
            &lesson("touch {{target}}").replace(", default: done.txt", ""),
        )
        .file("vars.yaml", "target: from-yaml.txt\n")
        .args(["test", "proof.md", "--vars-file", "vars.yaml"])
        .run()
        .status(0);
}

#[test]
fn a_step_whose_failing_checks_nothing_reaches_fails_and_says_where_and_why() {
    let text = "# T\n\n## Only a check {#lonely}\n\n```bash {check}\ntest -f never\n```\n";
    // A check that can never pass is a broken lesson: no "untestable" pass, with or without
    // the old `--strict`.
    for args in [&["test", "t.md"][..], &["test", "t.md", "--strict"][..]] {
        Test::new()
            .file("t.md", text)
            .args(args.iter().copied())
            .run()
            .status(1)
            .stdout_contains("FAIL        lonely")
            .stdout_contains("the check at t.md:5 failed: exit code 1, expected 0")
            .stdout_contains("nothing of this step leads to its checks")
            .stdout_contains("0 passed, 1 failed");
    }
}

#[test]
fn a_check_that_holds_already_passes_though_nothing_of_its_step_leads_to_it() {
    // The intro's setup starts what the check looks at; a file= block is the step's action.
    let text = "# T\n\n```bash {setup}\ntouch ready\n```\n\n## Ready {#ready}\n\n```bash {check}\ntest -f ready\n```\n\n## Written {#written}\n\n```text {file=notes.txt}\nmilk\n```\n\n```bash {check}\ngrep -q milk notes.txt\n```\n";
    Test::new()
        .file("t.md", text)
        .args(["test", "t.md", "--strict"])
        .run()
        .status(0)
        .stdout_contains("ok          ready")
        .stdout_contains("ok          written")
        .stdout_contains("2 passed, 0 failed");
}

#[test]
fn junit_has_one_case_per_step_with_the_failure_reason() {
    let output = Test::new()
        .file("proof.md", &lesson("touch wrong.txt"))
        .args(["test", "proof.md", "--junit", "report.xml"])
        .run()
        .status(1);
    let xml = std::fs::read_to_string(output.dir.join("report.xml")).expect("junit written");
    assert!(
        xml.contains(r#"<testsuite name="proof" tests="2" skipped="0" errors="0" failures="1""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="make" classname="proof""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="the check at proof.md:9 failed: done.txt is missing">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="read" classname="proof""#),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure").count(), 1);
}

#[test]
fn cleanup_blocks_run_even_after_a_failure() {
    let text = "# T\n\n```bash {cleanup}\ntouch \"$LABRUN_WORKSPACE/../cleaned-$LABRUN_LESSON\"\n```\n\n## S\n\n```bash {check}\nfalse\n```\n\n```bash {solve}\ntrue\n```\n";
    let test = Test::new().file("t.md", text);
    let workspace = test.path().join("ws");
    let output = test
        .args([
            "test",
            "t.md",
            "--workspace",
            workspace.to_str().expect("utf-8 path"),
        ])
        .run()
        .status(1);
    assert!(output.dir.join("cleaned-t").exists(), "cleanup ran");
}

#[test]
fn new_scaffolds_a_lesson_that_passes_lint_and_test() {
    let output = Test::new().args(["new", "my-lesson"]).run().status(0);
    assert!(output.stderr.contains("Created my-lesson.md"));
    let lesson = output.dir.join("my-lesson.md");
    let lint = std::process::Command::new(env!("CARGO_BIN_EXE_labrun"))
        .args(["lint", "--deny-warnings"])
        .arg(&lesson)
        .output()
        .expect("run lint");
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );
    let test = std::process::Command::new(env!("CARGO_BIN_EXE_labrun"))
        .arg("test")
        .arg(&lesson)
        .output()
        .expect("run test");
    assert!(
        test.status.success(),
        "{}",
        String::from_utf8_lossy(&test.stdout)
    );
    assert!(String::from_utf8_lossy(&test.stdout).contains("2 passed, 0 failed"));
}

#[test]
fn new_never_overwrites_a_lesson() {
    Test::new()
        .file("mine.md", "# Mine\n")
        .args(["new", "mine"])
        .run()
        .status(2)
        .stderr_contains("`mine.md` already exists");
}

#[test]
fn the_welcome_lesson_passes_its_own_test() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/welcome.md");
    Test::new()
        .args(["test", path])
        .run()
        .status(0)
        .stdout_contains("5 passed, 0 failed");
}

#[test]
fn test_does_not_run_a_lesson_whose_required_tools_are_missing_and_says_which() {
    let lesson = "---\nid: tools\nrequires:\n  tools:\n    - sh\n    - { name: no-such-tool-4711, hint: \"apt install no-such-tool\" }\n---\n# Tools\n\n## Mark {#mark}\n\n```bash {solve}\ntouch ran\n```\n\n```bash {check}\ntest -f ran\n```\n";
    let out = Test::new()
        .file("tools.md", lesson)
        .args(["test", "tools.md", "--workspace", "."])
        .run()
        .status(1)
        .stdout_contains(
            "not run: `no-such-tool-4711` (apt install no-such-tool) is required but not on PATH",
        )
        .stdout_contains("1 could not run");
    assert!(!out.dir.join("ran").exists(), "a step ran");
}

#[test]
fn new_refuses_an_empty_name_names_a_path_it_cannot_write_and_quotes_what_it_suggests() {
    Test::new()
        .args(["new", ""])
        .run()
        .status(2)
        .stderr_contains("name the lesson");
    Test::new()
        .file("blocker", "a file, not a folder")
        .args(["new", "blocker/lesson"])
        .run()
        .status(2)
        .stderr_contains("cannot write `blocker/lesson.md`");
    let out = Test::new()
        .args(["new", "Has Spaces"])
        .run()
        .status(0)
        .stderr_contains("labrun lint 'Has Spaces.md'");
    assert!(out.dir.join("Has Spaces.md").exists());
    let out = Test::new().args(["new", "notes.txt"]).run().status(0);
    assert!(
        out.dir.join("notes.txt.md").exists(),
        "a lesson is a .md file"
    );
}

#[test]
fn test_refuses_a_misspelt_var_flag_for_its_one_lesson() {
    Test::new()
        .file("proof.md", &lesson("touch {{target}}"))
        .args(["test", "proof.md", "--var", "targte=x"])
        .run()
        .status(2)
        .stderr_contains("the lesson has no variable `targte` (did you mean `target`?)");
}

#[test]
fn test_says_while_a_polling_check_waits() {
    let text = "# T\n\n## Wait {#wait}\n\n```bash {run}\n(sleep 2 && touch ready) >/dev/null 2>&1 &\n```\n\n```bash {check interval=500ms timeout=20s}\ntest -f ready || { echo \"not ready\"; exit 1; }\n```\n";
    Test::new()
        .file("t.md", text)
        .args(["test", "t.md"])
        .run()
        .status(0)
        .stdout_contains("… waiting: try 1 not yet (not ready), 1")
        .stdout_contains("s left")
        .stdout_contains("ok          wait");
}
