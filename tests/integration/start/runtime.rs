//! The step runtime as a learner meets it: Enter alone gets through a lesson whose checks
//! depend on its `run` blocks and on the directory and variables earlier blocks left; a
//! secret captured before a quit is captured again after the resume and written nowhere;
//! `labrun test` passes the same lesson; SIGTERM leaves no command running.

use std::time::Duration;

use super::{FAST, events_named, files_containing, lab, workspace};

/// Each check holds only if the runtime ran the step's `run` block, in the shell the earlier
/// blocks left (`cd`, `export`), with the secret captured earlier. The lesson never holds the
/// secret whole, so finding it anywhere means labrun leaked it.
const ENTER: &str = r#"---
id: enter
vars:
  token: { secret: true }
---
# Enter

## Make a project {#project}

```bash {run}
mkdir -p project && cd project && export PROJECT_NAME=demo && echo started > log.txt
```

```bash {check}
test -f log.txt || { echo "not in the project folder: $PWD"; exit 1; }
```

## Use the project {#use}

```bash {run}
echo "$PROJECT_NAME" > name.txt
```

```bash {check}
grep -qx demo name.txt && test "$(basename "$PWD")" = project
```

## Get a token {#get-token}

```bash {run capture=token}
printf 'tok-%s\n' S3cr-7
```

```bash {check}
test -n "{{token}}"
```

## Use the token {#use-token}

```bash {check}
test "{{token}}" = "tok-$(printf S3cr)-7" || { echo "wrong token: {{token}}"; exit 1; }
```
"#;

const SECRET: &str = "tok-S3cr-7";

#[test]
fn enter_alone_completes_a_lesson_whose_checks_need_its_run_blocks_and_one_shell() {
    let lab = lab().file("enter.md", ENTER);
    // Enter at each step: the run block has run, so Enter checks, and the step is verified.
    let out = lab
        .run_with(["start", "enter.md", "--yes"], "\n\n\n\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Lesson complete.");
    assert_eq!(
        out.stderr.matches("✔ Step verified.").count(),
        4,
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("✘"), "{}", out.stderr);
    let project = workspace(&lab, "enter").join("project");
    assert_eq!(
        std::fs::read_to_string(project.join("name.txt")).unwrap(),
        "demo\n",
        "the second block ran in the folder the first moved to, with its export"
    );
}

#[test]
fn a_secret_captured_before_a_quit_is_captured_again_after_the_resume_and_kept_nowhere() {
    let lab = lab().file("enter.md", ENTER);
    // Three steps, then quit at the fourth.
    lab.run_with(["start", "enter.md", "--yes"], "\n\n\nquit\n")
        .status(1)
        .stderr_contains("Step 4/4 · Use the token");
    let out = lab
        .run_with(["start", "enter.md", "--yes"], "\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Welcome back: resuming at \"Use the token\".")
        .stderr_contains("`token` is needed here and is kept in memory only")
        .stderr_contains("Lesson complete.");
    assert!(!out.stderr.contains(SECRET) && !out.stdout.contains(SECRET));
    assert_eq!(
        files_containing(lab.path(), SECRET),
        Vec::<std::path::PathBuf>::new(),
        "a file holds the secret"
    );
    // The scan can see: the exported plain value is kept with the shell's state.
    let state = workspace(&lab, "enter").join(".labrun/shell.json");
    assert!(files_containing(lab.path(), "PROJECT_NAME").contains(&state));
}

#[test]
fn the_shell_state_survives_a_quit_and_resume() {
    let lab = lab().file("enter.md", ENTER);
    lab.run_with(["start", "enter.md", "--yes"], "\nquit\n")
        .status(1);
    // The second step's block needs the first one's `cd` and `export`, from the last session.
    lab.run_with(["start", "enter.md", "--yes"], "\nquit\n")
        .status(1)
        .stderr_contains("Welcome back")
        .stderr_contains("✔ Step verified.");
    let verified = events_named(&lab, "enter", "step_verified");
    assert_eq!(verified.len(), 2, "{verified:?}");
    assert_eq!(verified[1]["step"], "use");
}

#[test]
fn without_the_shell_state_the_same_checks_fail() {
    let lab = lab().file("enter.md", ENTER);
    lab.run_with(["start", "enter.md", "--yes"], "\nquit\n")
        .status(1);
    std::fs::remove_file(workspace(&lab, "enter").join(".labrun/shell.json"))
        .expect("the shell state was saved");
    lab.run_with(["start", "enter.md", "--yes"], "check\nquit\n")
        .status(1)
        .stderr_contains("✘ Not verified yet");
}

#[test]
fn labrun_test_passes_the_lesson_a_learner_gets_through_with_enter() {
    let lab = lab().file("enter.md", ENTER);
    let out = lab
        .run_with(["test", "enter.md"], "")
        .status(0)
        .stdout_contains("4 passed, 0 failed");
    assert!(!out.stdout.contains(SECRET));
}

#[test]
fn labrun_test_fails_a_step_whose_check_needs_an_export_that_never_happened() {
    let broken = ENTER.replace(" && export PROJECT_NAME=demo", "");
    lab()
        .file("enter.md", &broken)
        .run_with(["test", "enter.md"], "")
        .status(1)
        .stdout_contains("FAIL        use")
        .stdout_contains("the check at enter.md:");
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_running_command_ends_the_session_and_leaves_no_child() {
    let marker = format!("sleep 600.{}", std::process::id());
    let lesson = format!(
        "---\nid: term\n---\n# Term\n\n## Wait {{#wait}}\n\n```bash {{run}}\necho started\nsh -c '{marker}' &\nwait\n```\n"
    );
    let lab = lab().file("term.md", &lesson);
    let mut running = lab.spawn(["start", "term.md", "--yes"]);
    running.wait_for_stderr("| started", FAST);
    let pgrep = |pattern: &str| {
        std::process::Command::new("pgrep")
            .args(["-f", pattern])
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let until = std::time::Instant::now() + FAST;
    while pgrep(&marker).is_empty() && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!pgrep(&marker).is_empty(), "the command never started");
    std::process::Command::new("kill")
        .args(["-TERM", &running.pid().to_string()])
        .status()
        .expect("send SIGTERM");
    let out = running.finish(Duration::from_secs(10));
    assert_eq!(out.status, 130, "{}", out.stderr);
    let until = std::time::Instant::now() + FAST;
    while !pgrep(&marker).is_empty() && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(pgrep(&marker), "", "a child outlived labrun");
    let ended = events_named(&lab, "term", "session_ended");
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(ended[0]["reason"], "interrupted");
}

#[test]
fn commands_find_the_running_labrun_first_on_their_path() {
    // A lesson about labrun runs `labrun`: it must be this one, installed or not.
    let lab = lab()
        .file(
            "self.md",
            "# Self\n\n## Version {#version}\n\n```bash {check}\nlabrun --version | grep -q '^labrun '\n```\n",
        )
        .env("PATH", "/usr/bin:/bin");
    lab.run_with(["start", "self.md", "--yes"], "\n")
        .status(0)
        .stderr_contains("✔ Step verified.");
}

#[test]
fn a_completed_lesson_started_over_keeps_its_completion_in_the_report() {
    let lab = lab().file(
        "one.md",
        "---\nid: one\n---\n# One\n\n## Only {#only}\n\n```bash {check}\ntrue\n```\n",
    );
    lab.run_with(["start", "one.md", "--yes"], "\n")
        .status(0)
        .stderr_contains("Lesson complete.");
    // Without a terminal, --restart says what happens instead of asking.
    lab.run_with(["start", "one.md", "--yes", "--restart"], "quit\n")
        .status(1)
        .stderr_contains("One was complete; it starts over (the log keeps that it was completed).");
    let report = lab
        .run_with(["report", ".progress", "--format", "json"], "")
        .status(0)
        .json();
    let row = &report["learners"][0];
    assert_eq!(row["complete"], false, "{report:#}");
    assert!(row["completed_at"].is_string(), "{report:#}");
}
