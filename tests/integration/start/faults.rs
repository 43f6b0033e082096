//! Faults end a check with a clear reason, well within the time budget, never a hang: a
//! server error then success, a server slower than the timeout, a body that is not JSON, a
//! refused connection, a command that never ends.

use std::time::Duration;

use super::{FAST, events_named, lab, with_base, workspace};
use crate::server::{Reply, Server, refused_port};

/// A lesson of one step with one HTTP check: `attrs` in its info string, `request` its text.
fn http_lesson(attrs: &str, request: &str) -> String {
    format!(
        "---\nid: faults\n---\n# Faults\n\n## Call {{#call}}\n\n```http {{{attrs}}}\n{request}```\n"
    )
}

const HEALTH: &str = "GET @BASE/health\nHTTP 200\n[Asserts]\njsonpath \"$.status\" == \"up\"\n";

/// `/health` fails with a 500 once, then is up.
fn flaky() -> Server {
    let server = Server::start();
    server.sequence(
        "/health",
        vec![
            Reply::json(500, r#"{"error":"database warming up"}"#),
            Reply::json(200, r#"{"status":"up"}"#),
        ],
    );
    server
}

#[test]
fn a_server_error_then_success_passes_when_the_check_retries() {
    let server = flaky();
    let lab = lab().file(
        "faults.md",
        &with_base(
            &http_lesson("check retry=2 interval=100ms", HEALTH),
            &server.url(""),
        ),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("… try 1 not yet (status 500)")
        .stderr_contains("✔ Step verified.");
    assert_eq!(server.hits("/health"), 2);
    let passed = &events_named(&lab, "faults", "check_passed")[0];
    assert_eq!(passed["evidence"]["attempts"], 2);
    assert_eq!(passed["evidence"]["http_status"], 200);
}

#[test]
fn a_server_error_fails_the_check_with_its_status_and_body_when_it_does_not_retry() {
    let server = flaky();
    let lab = lab().file(
        "faults.md",
        &with_base(&http_lesson("check", HEALTH), &server.url("")),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("status: expected 200, got 500")
        .stderr_contains(r#"response: status 500, body: {"error":"database warming up"}"#);
    assert_eq!(server.hits("/health"), 1);
    let failed = &events_named(&lab, "faults", "check_failed")[0];
    assert_eq!(failed["evidence"]["http_status"], 500);
}

#[test]
fn a_server_slower_than_the_timeout_fails_at_the_timeout_with_the_reason() {
    let server = Server::start();
    server.route(
        "/health",
        Reply::json(200, r#"{"status":"up"}"#).delay(Duration::from_secs(30)),
    );
    let lab = lab().file(
        "faults.md",
        &with_base(&http_lesson("check timeout=1s", HEALTH), &server.url("")),
    );
    let out = lab
        .run_with(["start", "faults.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(4))
        .stderr_contains("no response before the time budget of 1s ran out")
        .stderr_contains("✘ Not verified yet (1 failed)");
    assert!(
        out.elapsed >= Duration::from_millis(900),
        "{:?}",
        out.elapsed
    );
}

#[test]
fn a_server_a_little_slow_but_within_the_timeout_passes() {
    let server = Server::start();
    server.route(
        "/health",
        Reply::json(200, r#"{"status":"up"}"#).delay(Duration::from_millis(300)),
    );
    let lab = lab().file(
        "faults.md",
        &with_base(&http_lesson("check timeout=2s", HEALTH), &server.url("")),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("✔ Step verified.");
}

#[test]
fn a_polling_check_against_a_server_that_never_answers_stops_at_its_budget() {
    let server = Server::start();
    server.route(
        "/health",
        Reply::json(200, r#"{"status":"up"}"#).delay(Duration::from_secs(30)),
    );
    let lab = lab().file(
        "faults.md",
        &with_base(
            &http_lesson("check interval=200ms timeout=2s", HEALTH),
            &server.url(""),
        ),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(5))
        .stderr_contains("no response before the time budget of 2s ran out");
}

#[test]
fn a_body_that_is_not_json_fails_a_jsonpath_assert_saying_so() {
    let server = Server::start();
    server.route(
        "/health",
        Reply::text(200, "<html><body>Service Unavailable</body></html>"),
    );
    server.route("/health.json", Reply::json(200, r#"{"status":"up"}"#));
    let lab = lab().file(
        "faults.md",
        &with_base(&http_lesson("check", HEALTH), &server.url("")),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains(r#"jsonpath "$.status": response is not JSON"#)
        .stderr_contains("response: status 200, body: <html><body>Service Unavailable");
    // The same assert on a JSON body passes.
    let lab = super::lab().file(
        "faults.md",
        &with_base(
            &http_lesson("check", &HEALTH.replace("/health", "/health.json")),
            &server.url(""),
        ),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(0)
        .stderr_contains("✔ Step verified.");
}

#[test]
fn a_refused_connection_fails_at_once_naming_the_address() {
    let port = refused_port();
    let base = format!("http://127.0.0.1:{port}");
    let lab = lab().file(
        "faults.md",
        &with_base(&http_lesson("check", HEALTH), &base),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains(&format!(
            "cannot connect to 127.0.0.1:{port}: connection refused"
        ))
        .stderr_contains("✘ Not verified yet (1 failed)");
    let failed = &events_named(&lab, "faults", "check_failed")[0];
    assert!(failed["evidence"].get("http_status").is_none());
}

#[test]
fn a_refused_connection_with_retries_gives_up_within_the_timeout() {
    let base = format!("http://127.0.0.1:{}", refused_port());
    let lab = lab().file(
        "faults.md",
        &with_base(
            &http_lesson("check interval=200ms timeout=1s", HEALTH),
            &base,
        ),
    );
    lab.run_with(["start", "faults.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(4))
        .stderr_contains("connection refused")
        .stderr_contains("the time budget of 1s ran out");
}

const ENDLESS: &str = "\
---
id: endless
---
# Endless

## Wait for ever {#wait}

```bash {check timeout=1s}
sleep 600 &
echo $! > sleeper.pid
echo 'waiting for the sleeper'
wait
```
";

/// Whether a process is alive (a zombie waiting to be reaped is not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        })
        .unwrap_or(false)
}

#[test]
fn a_command_that_never_ends_is_stopped_at_its_timeout_with_its_whole_process_group() {
    let lab = lab().file("endless.md", ENDLESS);
    let out = lab
        .run_with(["start", "endless.md", "--yes"], "check\n")
        .status(1)
        .finished_within(Duration::from_secs(5))
        .stderr_contains("did not finish within 1s; it was stopped")
        .stderr_contains("waiting for the sleeper");
    assert!(
        out.elapsed >= Duration::from_millis(900),
        "{:?}",
        out.elapsed
    );
    let pid: u32 = std::fs::read_to_string(workspace(&lab, "endless").join("sleeper.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Killed with the shell, not left behind.
    let until = std::time::Instant::now() + Duration::from_secs(2);
    while alive(pid) && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(pid), "`sleep 600` ({pid}) is still running");
    let failed = &events_named(&lab, "endless", "check_failed")[0];
    assert!(failed["evidence"].get("exit_code").is_none(), "{failed}");
}

#[test]
fn a_run_block_that_never_ends_is_stopped_at_its_timeout_and_the_session_goes_on() {
    let lab = lab().file(
        "endless.md",
        "---\nid: endless\n---\n# Endless\n\n## Wait {#wait}\n\n\
         ```bash {run timeout=1s}\nsleep 600\n```\n\n## Next {#next}\n\nDone.\n",
    );
    lab.run_with(
        ["start", "endless.md", "--yes"],
        "run\ncontinue\ncontinue\n",
    )
    .status(0)
    .finished_within(Duration::from_secs(5))
    .stderr_contains("did not finish within 1s; it was stopped")
    .stderr_contains("Step 2/2 · Next")
    .stderr_contains("Lesson complete.");
}

#[test]
fn the_same_command_with_time_enough_passes() {
    let lab = lab().file("endless.md", &ENDLESS.replace("sleep 600", "sleep 0.2"));
    lab.run_with(["start", "endless.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("✔ Step verified.");
}
