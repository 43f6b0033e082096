//! Polling: a check with `interval=`, `retry=` or Hurl's `[Options] retry` waits for a state
//! that appears later, and gives up with a clear reason when it never does within `timeout=`.

use std::time::Duration;

use super::{FAST, events_named, lab, with_base};
use crate::server::{Reply, Server};

/// A lesson of one step whose HTTP check has the info string `attrs` and, after its status
/// line, `options`.
fn cluster_lesson(base: &str, attrs: &str, options: &str) -> String {
    with_base(
        &format!(
            "---\nid: cluster\n---\n# Cluster\n\n## Wait for the cluster {{#ready}}\n\n\
             ```http {{{attrs}}}\nGET @BASE/cluster\n{options}HTTP 200\n[Asserts]\n\
             jsonpath \"$.ready\" == true\n```\n"
        ),
        base,
    )
}

/// `/cluster` answers "not ready" `not_ready` times, then "ready".
fn cluster(not_ready: usize) -> Server {
    let server = Server::start();
    let mut replies = vec![Reply::json(200, r#"{"ready":false}"#); not_ready];
    replies.push(Reply::json(200, r#"{"ready":true}"#));
    server.sequence("/cluster", replies);
    server
}

#[test]
fn an_interval_check_polls_until_the_server_flips_after_some_requests() {
    let server = cluster(3);
    let lab = lab().file(
        "cluster.md",
        &cluster_lesson(&server.url(""), "check interval=100ms timeout=5s", ""),
    );
    lab.run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains(r#"… try 1 not yet (jsonpath "$.ready" was false, expected == true)"#)
        .stderr_contains("s left; waiting")
        .stderr_contains("✔ Step verified.");
    assert_eq!(server.hits("/cluster"), 4);
    let passed = &events_named(&lab, "cluster", "check_passed")[0];
    assert_eq!(passed["evidence"]["attempts"], 4);
    assert!(events_named(&lab, "cluster", "check_failed").is_empty());
}

#[test]
fn without_polling_the_same_check_fails_at_the_first_answer_that_is_not_ready() {
    let server = cluster(3);
    let lab = lab().file("cluster.md", &cluster_lesson(&server.url(""), "check", ""));
    lab.run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains(r#"jsonpath "$.ready": expected == true, got false"#)
        .stderr_lacks("try 1 not yet")
        .stderr_lacks("✔ Step verified.");
    assert_eq!(server.hits("/cluster"), 1);
}

#[test]
fn a_retry_check_waits_for_a_state_that_appears_after_a_delay() {
    let server = Server::start();
    server.after(
        "/cluster",
        Duration::from_millis(1200),
        Reply::json(503, r#"{"ready":false}"#),
        Reply::json(200, r#"{"ready":true}"#),
    );
    let lab = lab().file(
        "cluster.md",
        &cluster_lesson(&server.url(""), "check retry=30 interval=200ms", ""),
    );
    let out = lab
        .run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("… try 1 not yet (status 503)")
        .stderr_contains("✔ Step verified.");
    // The server flips 1.2s after the route was set, a little before labrun started.
    assert!(
        out.elapsed >= Duration::from_millis(1000),
        "{:?}",
        out.elapsed
    );
    assert!(server.hits("/cluster") >= 3, "{}", server.hits("/cluster"));
}

#[test]
fn hurl_options_retry_polls_like_the_block_attributes() {
    let server = cluster(3);
    let lab = lab().file(
        "cluster.md",
        &cluster_lesson(
            &server.url(""),
            "check",
            "[Options]\nretry: 5\nretry-interval: 100ms\n",
        ),
    );
    lab.run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("✔ Step verified.");
    assert_eq!(server.hits("/cluster"), 4);
}

#[test]
fn hurl_options_retry_gives_up_when_its_retries_are_spent_before_the_state_appears() {
    let server = cluster(3);
    let lab = lab().file(
        "cluster.md",
        &cluster_lesson(
            &server.url(""),
            "check",
            "[Options]\nretry: 1\nretry-interval: 100ms\n",
        ),
    );
    lab.run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains(r#"jsonpath "$.ready": expected == true, got false"#)
        .stderr_contains("gave up after 2 attempts in")
        .stderr_lacks("✔ Step verified.");
    assert_eq!(server.hits("/cluster"), 2);
}

#[test]
fn polling_gives_up_with_the_last_value_seen_when_the_state_never_appears_within_the_timeout() {
    let server = Server::start();
    server.route("/cluster", Reply::json(200, r#"{"ready":false}"#));
    let lab = lab().file(
        "cluster.md",
        &cluster_lesson(&server.url(""), "check interval=200ms timeout=1s", ""),
    );
    let out = lab
        .run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(4))
        .stderr_contains(r#"jsonpath "$.ready": expected == true, got false"#)
        .stderr_contains("the time budget of 1s ran out")
        .stderr_contains("✘ Not verified yet (1 failed)");
    assert!(
        out.elapsed >= Duration::from_millis(800),
        "{:?}",
        out.elapsed
    );
    assert!(server.hits("/cluster") >= 3, "{}", server.hits("/cluster"));
    let failed = &events_named(&lab, "cluster", "check_failed")[0];
    let reason = failed["reason"].as_str().unwrap();
    assert!(reason.contains("the time budget of 1s ran out"), "{reason}");
    assert!(failed["evidence"]["attempts"].as_u64().unwrap() >= 3);
}

const BACKGROUND: &str = "\
---
id: job
---
# Job

## Start the job {#job}

The job writes `ready` a second after it starts.

```bash
(sleep 1; touch ready) >/dev/null 2>&1 &
```

```bash {check interval=200ms timeout=5s}
test -f ready || { echo 'ready is not there yet'; exit 1; }
```
";

#[test]
fn a_polling_shell_check_passes_once_a_background_job_has_made_the_file() {
    let lab = lab().file("job.md", BACKGROUND);
    let out = lab
        .run_with(["start", "job.md", "--yes"], "run\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("… try 1 not yet (ready is not there yet)")
        .stderr_contains("✔ Step verified.");
    assert!(
        out.elapsed >= Duration::from_millis(800),
        "{:?}",
        out.elapsed
    );
    let passed = &events_named(&lab, "job", "check_passed")[0];
    assert!(passed["evidence"]["attempts"].as_u64().unwrap() >= 2);
}

#[test]
fn a_polling_shell_check_gives_up_at_its_timeout_when_the_file_never_comes() {
    let lab = lab().file(
        "job.md",
        &BACKGROUND.replace("interval=200ms timeout=5s", "interval=200ms timeout=1s"),
    );
    // The learner never starts the job.
    lab.run_with(["start", "job.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(4))
        .stderr_contains("    ready is not there yet\n")
        .stderr_contains("tries)")
        .stderr_contains("✘ Not verified yet (1 failed)");
}

#[test]
fn an_http_check_polling_without_a_timeout_gives_up_at_the_default_check_budget() {
    let server = Server::start();
    server.route("/cluster", Reply::json(200, r#"{"ready":false}"#));
    let lab = lab().timeout(Duration::from_secs(90)).file(
        "cluster.md",
        &cluster_lesson(&server.url(""), "check interval=500ms", ""),
    );
    lab.run_with(["start", "cluster.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(70))
        .stderr_contains(r#"jsonpath "$.ready": expected == true, got false"#)
        .stderr_contains("the time budget of 60s ran out");
}

#[test]
fn a_shell_check_with_retry_gives_up_after_its_retries_naming_the_tries() {
    let lab = lab().file(
        "job.md",
        &BACKGROUND.replace("interval=200ms timeout=5s", "retry=2 interval=100ms"),
    );
    lab.run_with(["start", "job.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("(gave up after 3 tries)");
}
