//! Quitting and coming back: the menu's `quit` and end of input save and quit, `start`
//! resumes at the same step, saved answers are not asked again; `status` shows each step's
//! state; `reset --step`, `reset` and `--restart` make steps pending again; `--step` starts
//! elsewhere.

use super::{FAST, event_names, events_named, lab, with_base};
use crate::server::{Reply, Server};

const TOUR: &str = "\
---
id: tour
vars:
  name: { prompt: \"Your name\" }
---
# Tour

Welcome, {{name}}.

## Look around {#look}

Nothing to check here.

## Make a file {#file}

```bash
touch made
```

```bash {check}
test -f made || { echo 'made is missing'; exit 1; }
```

## Say goodbye {#bye}

Goodbye, {{name}}.

```bash {check}
test -f bye || { echo 'bye is missing'; exit 1; }
```
";

#[test]
fn quitting_from_the_menu_and_starting_again_resumes_at_the_same_step() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes"], "ada\ncontinue\nquit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("Step 2/3 · Make a file")
        .stderr_contains("> quit")
        // The intro names the variable: it is asked before the intro is shown.
        .stderr_contains("Welcome, ada.")
        .stderr_lacks("{{name}}")
        .stderr_contains("Progress saved. `labrun start tour.md` resumes at \"Make a file\".")
        .stderr_lacks("Step 3/3");
    assert_eq!(
        events_named(&lab, "tour", "session_ended")[0]["reason"],
        "quit"
    );
    lab.run_with(["start", "tour.md", "--yes"], "quit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("Welcome back: resuming at \"Make a file\".")
        .stderr_contains("Step 2/3 · Make a file")
        .stderr_lacks("Step 1/3");
    let entered: Vec<String> = events_named(&lab, "tour", "step_entered")
        .iter()
        .map(|e| e["step"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(entered, ["look", "file", "file"]);
}

#[test]
fn end_of_input_saves_and_quits_and_the_next_start_resumes_there() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes"], "ada\ncontinue\ncheck\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("made is missing")
        .stderr_contains("(end of input: saving and quitting)")
        .stderr_contains("Progress saved.");
    let names = event_names(&lab, "tour");
    assert_eq!(names.last().map(String::as_str), Some("session_ended"));
    assert_eq!(
        events_named(&lab, "tour", "session_ended")[0]["reason"],
        "quit"
    );
    lab.run_with(["start", "tour.md", "--yes"], "run\ncheck\nquit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("Welcome back: resuming at \"Make a file\".")
        .stderr_contains("(status: not verified yet)")
        .stderr_contains("✔ Step verified.")
        .stderr_contains("Step 3/3 · Say goodbye");
}

#[test]
fn a_saved_answer_is_not_asked_again_when_resuming() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes"], "ada-lovelace\nquit\n")
        .status(1)
        .stderr_contains("Your name: ada-lovelace");
    lab.run_with(["start", "tour.md", "--yes", "--step", "bye"], "quit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_lacks("Your name")
        .stderr_contains("Goodbye, ada-lovelace.");
    // `--var` takes precedence over the saved answer, and is not asked either.
    lab.run_with(
        [
            "start",
            "tour.md",
            "--yes",
            "--step",
            "bye",
            "--var",
            "name=grace",
        ],
        "quit\n",
    )
    .status(1)
    .stderr_lacks("Your name")
    .stderr_contains("Goodbye, grace.");
    let set = events_named(&lab, "tour", "var_set");
    assert_eq!(set.len(), 1, "asked once: {set:?}");
    assert_eq!(set[0]["value"], "ada-lovelace");
}

#[test]
fn the_intro_shows_a_known_value_in_place_of_its_variable() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes"], "ada-lovelace\nquit\n")
        .status(1);
    lab.run_with(["start", "tour.md", "--yes"], "quit\n")
        .status(1)
        .stderr_contains("Welcome, ada-lovelace.")
        .stderr_lacks("{{name}}");
    lab.run_with(
        ["start", "tour.md", "--yes", "--var", "name=grace"],
        "quit\n",
    )
    .status(1)
    .stderr_contains("Welcome, grace.");
}

#[test]
fn status_shows_the_state_of_each_step_and_where_the_learner_is() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["status", "tour.md"], "")
        .status(0)
        .stdout_contains("Tour (tour) — not started, 0/3 steps")
        .stdout_contains("   pending    look  Look around\n   pending    file  Make a file\n   pending    bye   Say goodbye");
    // Confirm the first step, fail the second's check, then skip it; fail the third's.
    lab.run_with(
        ["start", "tour.md", "--yes"],
        "ada\ncontinue\ncheck\nskip\ncheck\nquit\n",
    )
    .status(1);
    lab.run_with(["status", "tour.md"], "")
        .status(0)
        .stdout_contains("Tour (tour) — in progress, 1/3 steps")
        .stdout_contains("   confirmed  look  Look around\n   skipped    file  Make a file\n ▸ failed     bye   Say goodbye");
    let json = lab
        .run_with(["status", "tour.md", "--json"], "")
        .status(0)
        .json();
    assert_eq!(json[0]["current"], "bye");
    assert_eq!(json[0]["complete"], false);
    assert_eq!(json[0]["steps"][2]["failed_checks"], 1);
}

/// Runs the tour to its end, making the files its checks want first.
fn complete(lab: &crate::harness::Test) {
    let workspace = super::workspace(lab, "tour");
    std::fs::create_dir_all(&workspace).unwrap();
    std::fs::write(workspace.join("made"), "").unwrap();
    std::fs::write(workspace.join("bye"), "").unwrap();
    lab.run_with(["start", "tour.md", "--yes"], "ada\n\n\n\n")
        .status(0)
        .stderr_contains("Lesson complete.");
    lab.run_with(["status", "tour.md"], "")
        .stdout_contains("Tour (tour) — complete, 3/3 steps")
        .stdout_contains("   confirmed  look  Look around\n   verified   file  Make a file\n ▸ verified   bye   Say goodbye");
}

#[test]
fn reset_step_makes_that_step_pending_and_leaves_the_others() {
    let lab = lab().file("tour.md", TOUR);
    complete(&lab);
    lab.run_with(["reset", "tour.md", "--step", "file"], "")
        .status(0)
        .stderr_contains("Step `file` of Tour is pending again for ada.");
    lab.run_with(["status", "tour.md"], "")
        .stdout_contains("Tour (tour) — in progress, 2/3 steps")
        // The step to do again is where the learner stands.
        .stdout_contains("   confirmed  look  Look around\n ▸ pending    file  Make a file\n   verified   bye   Say goodbye");
    // The saved answer survives a step reset.
    lab.run_with(["start", "tour.md", "--yes"], "quit\n")
        .status(1)
        .stderr_lacks("Your name");
    lab.run_with(["reset", "tour.md", "--step", "nope"], "")
        .status(2)
        .stderr_contains("no step `nope` in this lesson (steps: look, file, bye)");
}

#[test]
fn start_after_reset_step_goes_to_the_step_that_was_reset() {
    let lab = lab().file("tour.md", TOUR);
    complete(&lab);
    lab.run_with(["reset", "tour.md", "--step", "file"], "")
        .status(0);
    lab.run_with(["start", "tour.md", "--yes"], "quit\n")
        .status(1)
        .stderr_contains("Step 2/3 · Make a file")
        .stderr_lacks("Step 3/3");
}

#[test]
fn reset_makes_every_step_pending_and_forgets_the_answers() {
    let lab = lab().file("tour.md", TOUR);
    complete(&lab);
    lab.run_with(["reset", "tour.md"], "")
        .status(0)
        .stderr_contains("Tour starts over for ada");
    lab.run_with(["status", "tour.md"], "")
        .stdout_contains("Tour (tour) — not started, 0/3 steps")
        .stdout_contains("   pending    look  Look around\n   pending    file  Make a file\n   pending    bye   Say goodbye");
    lab.run_with(["start", "tour.md", "--yes"], "grace\nquit\n")
        .status(1)
        .stderr_contains("Your name: grace")
        .stderr_contains("Step 1/3 · Look around")
        .stderr_lacks("Welcome back");
}

#[test]
fn restart_starts_at_the_first_step_with_every_step_pending() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes"], "ada\ncontinue\nquit\n")
        .status(1);
    lab.run_with(["start", "tour.md", "--yes", "--restart"], "grace\nquit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("Your name: grace")
        .stderr_contains("Step 1/3 · Look around")
        .stderr_lacks("Welcome back")
        .stderr_lacks("(status: confirmed)");
    lab.run_with(["status", "tour.md"], "")
        .stdout_contains("0/3 steps")
        .stdout_contains(" ▸ pending    look  Look around");
    assert!(event_names(&lab, "tour").contains(&"lesson_reset".to_owned()));
}

#[test]
fn step_flag_starts_at_the_named_step() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(
        ["start", "tour.md", "--yes", "--step", "bye"],
        "ada\nquit\n",
    )
    .status(1)
    .finished_within(FAST)
    .stderr_contains("Step 3/3 · Say goodbye")
    .stderr_contains("Goodbye, ada.")
    .stderr_lacks("Step 1/3")
    .stderr_lacks("Step 2/3");
    // A resumed session still goes where `--step` says, not where the learner was.
    lab.run_with(["start", "tour.md", "--yes", "--step", "look"], "quit\n")
        .status(1)
        .stderr_contains("Step 1/3 · Look around")
        .stderr_lacks("Welcome back")
        .stderr_lacks("Step 3/3");
}

#[test]
fn step_flag_with_an_unknown_id_is_a_usage_error_naming_the_steps() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes", "--step", "nope"], "")
        .status(2)
        .finished_within(FAST)
        .stderr_contains("no step `nope` in this lesson (steps: look, file, bye)");
}

#[test]
fn resuming_a_completed_lesson_and_quitting_exits_0_as_its_summary_says() {
    let lab = lab().file("tour.md", TOUR);
    complete(&lab);
    // End of input at the first menu, as in CI with nothing on stdin.
    lab.run_with(["start", "tour.md", "--yes"], "")
        .stderr_contains("you have completed this lesson already; `--restart` starts it over")
        .stderr_contains("Lesson complete. Well done!")
        .status(0);
}

#[test]
fn a_lesson_changed_since_the_last_session_is_noted_and_its_progress_kept() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md", "--yes"], "ada\ncontinue\nquit\n")
        .status(1);
    lab.run_with(["start", "tour.md", "--yes"], "quit\n")
        .status(1)
        .stderr_lacks("has changed");
    let edited = TOUR.replace("Goodbye, {{name}}.", "See you, {{name}}.");
    std::fs::write(lab.path().join("tour.md"), edited).unwrap();
    lab.run_with(["start", "tour.md", "--yes"], "quit\n")
        .status(1)
        .stderr_contains("this lesson has changed since your last session")
        .stderr_contains("Welcome back: resuming at \"Make a file\".");
}

const CLEANUP: &str = "\
---
id: cleanup
---
# Cleanup

The lesson makes a namespace on the server, and deletes it when it is finished or reset.

```bash {setup}
echo set > setup-ran
```

```http {cleanup}
DELETE @BASE/namespaces/ada-ns
HTTP 204
```

## Only step {#only}

```bash {check}
test -f setup-ran || { echo 'setup did not run'; exit 1; }
```
";

/// A server for the lesson above, and the lesson written for it.
fn cleanup_lab() -> (crate::harness::Test, Server) {
    let server = Server::start();
    server.route("/namespaces/ada-ns", Reply::status(204));
    let lab = lab().file("cleanup.md", &with_base(CLEANUP, &server.url("")));
    (lab, server)
}

#[test]
fn finishing_the_lesson_runs_its_setup_first_and_its_cleanup_last() {
    let (lab, server) = cleanup_lab();
    lab.run_with(["start", "cleanup.md", "--yes"], "quit\n")
        .status(1);
    assert!(super::workspace(&lab, "cleanup").join("setup-ran").exists());
    assert_eq!(server.hits("/namespaces/ada-ns"), 0, "not finished yet");
    lab.run_with(["start", "cleanup.md", "--yes"], "check\n")
        .status(0)
        .stderr_contains("✔ Step verified.");
    assert_eq!(server.hits("/namespaces/ada-ns"), 1);
    assert_eq!(server.requests().last().unwrap().method, "DELETE");
}

#[test]
fn reset_runs_the_cleanup_commands() {
    let (lab, server) = cleanup_lab();
    lab.run_with(["start", "cleanup.md", "--yes"], "quit\n")
        .status(1);
    assert_eq!(server.hits("/namespaces/ada-ns"), 0);
    lab.run_with(["reset", "cleanup.md", "--yes"], "").status(0);
    assert_eq!(server.hits("/namespaces/ada-ns"), 1, "cleanup did not run");
}

#[test]
fn after_a_reset_or_a_restart_the_lesson_setup_runs_again() {
    let (lab, _server) = cleanup_lab();
    let setup_ran = super::workspace(&lab, "cleanup").join("setup-ran");
    lab.run_with(["start", "cleanup.md", "--yes"], "quit\n")
        .status(1);
    assert!(setup_ran.exists());
    lab.run_with(["reset", "cleanup.md", "--yes"], "").status(0);
    lab.run_with(["start", "cleanup.md", "--yes"], "check\n")
        .status(0)
        .stderr_lacks("\n    setup did not run");
    lab.run_with(["start", "cleanup.md", "--yes", "--restart"], "check\n")
        .status(0)
        .stderr_lacks("\n    setup did not run");
}

const HINTED: &str = "\
---
id: hinted
---
# Hinted

## Make a file {#file}

```bash {check}
test -f made
```

<details><summary>Hint</summary>

First hint: use touch.

</details>

<details><summary>Hint</summary>

Second hint: touch made.

</details>
";

#[test]
fn hints_seen_before_quitting_are_shown_open_on_resume_and_hint_gives_the_next() {
    let lab = lab().file("hinted.md", HINTED);
    lab.run_with(["start", "hinted.md", "--yes"], "hint\nquit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_count("First hint: use touch.", 1)
        .stderr_lacks("Second hint");
    lab.run_with(["start", "hinted.md", "--yes"], "hint\nquit\n")
        .status(1)
        .finished_within(FAST)
        // Shown open with the step, before the menu; then `hint` reveals the second.
        .stderr_contains("▾ Hint 1 of 2")
        .stderr_contains("First hint: use touch.")
        .stderr_contains("▸ Hint 2 of 2 (hidden")
        .stderr_contains("Second hint: touch made.")
        .stderr_lacks("▸ Hint 1 of 2");
}

#[test]
fn a_failed_check_offers_a_hint_while_one_is_left_then_skipping() {
    let lab = lab().file("hinted.md", HINTED);
    let out = lab
        .run_with(
            ["start", "hinted.md", "--yes"],
            "check\nhint\nhint\ncheck\nquit\n",
        )
        .status(1)
        .finished_within(FAST);
    let text = &out.stderr;
    // After the first failure Enter gives a hint; once none is left and the check failed
    // again, Enter skips (the learner is never stuck re-running a failing check).
    let first = text
        .find("note: press Enter for a hint\n")
        .unwrap_or_else(|| panic!("{text}"));
    let second = text
        .find("note: press Enter to skip this step for now")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(first < second, "{text}");
    assert_eq!(text.matches("press Enter for a hint").count(), 1, "{text}");
}

#[test]
fn a_lesson_never_started_is_not_started_and_reset_leaves_no_log() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["status", "tour.md"], "")
        .status(0)
        .stdout_contains("Tour (tour) — not started, 0/3 steps");
    lab.run_with(["reset", "tour.md"], "")
        .status(0)
        .stderr_contains("ada has not started Tour yet: nothing to reset.");
    assert!(!lab.path().join(".progress/tour/ada.jsonl").exists());
    lab.run_with(["start", "tour.md", "--yes"], "ada\nquit\n")
        .status(1);
    lab.run_with(["status", "tour.md"], "")
        .stdout_contains("Tour (tour) — in progress, 0/3 steps");
    lab.run_with(["reset", "tour.md"], "").status(0);
    lab.run_with(["status", "tour.md"], "")
        .stdout_contains("Tour (tour) — not started, 0/3 steps");
}

#[test]
fn consent_is_asked_once_per_version_of_the_lesson_and_a_no_is_not_remembered() {
    let lab = lab().file("tour.md", TOUR);
    lab.run_with(["start", "tour.md"], "ada\nn\nquit\n")
        .status(1)
        .stderr_contains("Allow them to run? [Y/n] n");
    lab.run_with(["start", "tour.md"], "y\nquit\n")
        .status(1)
        .stderr_contains("Allow them to run? [Y/n] y");
    assert_eq!(events_named(&lab, "tour", "consent_given").len(), 1);
    lab.run_with(["start", "tour.md"], "quit\n")
        .status(1)
        .stderr_lacks("Allow them to run?");
    let edited = TOUR.replace("test -f bye", "test -s bye");
    std::fs::write(lab.path().join("tour.md"), edited).unwrap();
    lab.run_with(["start", "tour.md"], "y\nquit\n")
        .status(1)
        .stderr_contains("this lesson has changed since your last session")
        .stderr_contains("Allow them to run? [Y/n] y");
}
