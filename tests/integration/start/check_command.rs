//! `labrun check`: runs every check now, exits 1 when one fails and 0 when all pass, and
//! records what it saw. And one session per log: a second one is refused while the first is
//! open, and welcome once it has ended.

use std::time::Duration;

use super::{FAST, event_names, events_named, lab, with_base, workspace};
use crate::server::{Reply, Server};

const TWO_CHECKS: &str = "\
---
id: two
---
# Two checks

## Config {#config}

```bash {check}
test -f config.yaml || { echo 'config.yaml is missing'; exit 1; }
```

## Service {#service}

```http {check}
GET @BASE/service
HTTP 200
[Asserts]
jsonpath \"$.replicas\" == 2
```

## Read about it {#read}

Nothing to check.
";

#[test]
fn check_exits_1_when_a_check_fails_and_0_when_all_pass_and_records_every_check() {
    let server = Server::start();
    server.switch(
        "/service",
        "scaled",
        Reply::json(200, r#"{"replicas":2}"#),
        Reply::json(200, r#"{"replicas":1}"#),
    );
    let lab = lab().file("two.md", &with_base(TWO_CHECKS, &server.url("")));

    lab.run_with(["check", "--yes", "two.md"], "")
        .status(1)
        .finished_within(FAST)
        .stdout_contains("  FAIL      config\n            check at two.md:")
        .stdout_contains("\n              config.yaml is missing\n")
        .stdout_contains("  FAIL      service")
        .stdout_contains(r#"jsonpath "$.replicas": expected == 2, got 1"#)
        .stdout_contains("  -         read (no checks)")
        .stdout_lacks("  ok");
    let failed = events_named(&lab, "two", "check_failed");
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0]["step"], "config");
    assert_eq!(failed[1]["step"], "service");
    assert_eq!(failed[1]["evidence"]["http_status"], 200);

    // Half done: still 1.
    std::fs::write(workspace(&lab, "two").join("config.yaml"), "a: 1\n").unwrap();
    lab.run_with(["check", "--yes", "two.md"], "")
        .status(1)
        .stdout_contains("  ok        config")
        .stdout_contains("  FAIL      service");

    server.set_flag("scaled", true);
    lab.run_with(["check", "--yes", "two.md"], "")
        .status(0)
        .finished_within(FAST)
        .stdout_contains("  ok        config\n  ok        service\n  -         read (no checks)")
        .stdout_lacks("FAIL");
    let passed: Vec<String> = events_named(&lab, "two", "check_passed")
        .iter()
        .map(|e| e["step"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(passed, ["config", "config", "service"]);
    lab.run_with(["status", "two.md"], "")
        .stdout_contains("   verified   config   Config\n   verified   service  Service\n   pending    read     Read about it\nnext: labrun start two.md (resumes at \"Read about it\")");
}

#[test]
fn check_of_one_step_runs_only_that_step() {
    let server = Server::start();
    server.route("/service", Reply::json(200, r#"{"replicas":1}"#));
    let lab = lab().file("two.md", &with_base(TWO_CHECKS, &server.url("")));
    lab.run_with(["check", "--yes", "two.md", "--step", "config"], "")
        .status(1)
        .stdout_contains("FAIL      config")
        .stdout_lacks("service");
    assert_eq!(server.hits("/service"), 0);
    lab.run_with(["check", "--yes", "two.md", "--step", "nope"], "")
        .status(2)
        .stderr_contains("no step `nope` in this lesson (steps: config, service, read)");
}

const ONE: &str = "\
---
id: one
---
# One

## Only step {#only}

```bash {check}
test -f done || { echo 'not done'; exit 1; }
```
";

#[test]
fn a_second_session_on_the_same_log_is_refused_while_the_first_is_open() {
    let lab = lab().file("one.md", ONE);
    let mut first = lab.spawn(["start", "one.md", "--yes"]);
    // The first session holds the log once it shows its menu.
    first.wait_for_stderr("[Enter: check] >", FAST);

    let second = lab
        .run_with(["start", "one.md", "--yes"], "check\n")
        // Not the learner's failing: exit 4, labrun could not work.
        .status(4)
        .finished_within(FAST)
        .stderr_contains("another labrun session is already using")
        .stderr_contains("finish or quit it first (one session per learner and lesson)")
        .stderr_lacks("Step 1/1");
    assert!(second.stderr.contains("one/ada.jsonl"), "{}", second.stderr);
    // `check` writes to the same log: refused too.
    lab.run_with(["check", "--yes", "one.md"], "")
        .status(4)
        .stderr_contains("another labrun session is already using");
    // The first session is unharmed: it goes on, then ends at the end of its input.
    first.write("check\n");
    first.wait_for_stderr("not done", FAST);
    first
        .finish(Duration::from_secs(10))
        .status(1)
        .stderr_contains("(end of input: saving and quitting)");
    assert_eq!(
        event_names(&lab, "one")
            .iter()
            .filter(|e| *e == "session_started")
            .count(),
        1,
        "the refused session wrote nothing"
    );

    // Once the first has ended, the log is free again.
    std::fs::write(workspace(&lab, "one").join("done"), "").unwrap();
    lab.run_with(["start", "one.md", "--yes"], "check\n")
        .status(0)
        .stderr_contains("Welcome back")
        .stderr_contains("✔ Step verified.");
}

#[test]
fn another_learner_on_the_same_lesson_is_not_refused() {
    let lab = lab().file("one.md", ONE);
    let mut first = lab.spawn(["start", "one.md", "--yes"]);
    first.wait_for_stderr("[Enter: check] >", FAST);
    lab.run_with(["start", "one.md", "--yes", "--learner", "grace"], "quit\n")
        .status(1)
        .stderr_lacks("another labrun session")
        .stderr_contains("Step 1/1 · Only step");
    first.finish(Duration::from_secs(10)).status(1);
}

#[test]
fn a_step_verified_earlier_stays_verified_when_a_later_check_fails_and_check_says_so() {
    let lab = lab().file("two.md", &with_base(TWO_CHECKS, "http://127.0.0.1:9"));
    let config = workspace(&lab, "two").join("config.yaml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "a: 1\n").unwrap();
    lab.run_with(["check", "--yes", "two.md", "--step", "config"], "")
        .status(0)
        .stdout_contains("  ok        config");
    std::fs::remove_file(&config).unwrap();
    lab.run_with(["check", "--yes", "two.md", "--step", "config"], "")
        .status(1)
        .stdout_contains("  FAIL      config\n            check at two.md:")
        .stdout_contains("\n              config.yaml is missing\n")
        .stdout_contains("(done earlier, and it stays so in the record; `labrun reset two.md --step config` redoes it)");
    let status = lab
        .run_with(["status", "two.md", "--json"], "")
        .status(0)
        .json();
    let config = status[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "config")
        .unwrap()
        .clone();
    assert_eq!(config["status"], "verified", "{status:#}");
}
