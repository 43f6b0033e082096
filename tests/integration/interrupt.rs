//! Ctrl-C while a command runs or an `http` check polls, in a real terminal: the command's
//! whole process group is killed (grandchildren too), no request is sent after, and the
//! learner is back at the step's menu; a Ctrl-C there saves and quits: the terminal is left
//! as it was, the interruption is recorded and labrun exits 130.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::pty::{CTRL_C, Learner, lab, readable};
use crate::server::{Reply, Server};

/// A `sleep` no other process on the machine runs: its argument is the marker `pgrep -f`
/// looks for.
fn unique_sleep() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("sleep 600.{}{nanos:09}", std::process::id())
}

/// The processes whose command line holds `pattern`.
fn pgrep(pattern: &str) -> Vec<String> {
    let out = Command::new("pgrep")
        .args(["-a", "-f", pattern])
        .output()
        .expect("run pgrep");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits up to `limit` for `pgrep` to give `expected` (some process, or none); what it gave.
fn wait_for_pgrep(pattern: &str, present: bool, limit: Duration) -> Vec<String> {
    let until = Instant::now() + limit;
    loop {
        let found = pgrep(pattern);
        if found.is_empty() != present || Instant::now() >= until {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `labrun start lesson.md --yes` in a shell of its own in a pseudo-terminal. Ctrl-C reaches
/// the whole foreground group, that shell too: it traps it, to report on labrun afterwards (a
/// trap, unlike an ignored signal, is not inherited).
fn start_in_a_shell(dir: &Path) -> Learner {
    // Back at the menu, watch mode would poll the check again, legitimately: these tests are
    // about what Ctrl-C stops.
    start_in_a_shell_with(dir, "--no-watch")
}

fn start_in_a_shell_with(dir: &Path, flags: &str) -> Learner {
    Learner::script(
        dir,
        &format!(
            r#"trap : INT; before=$(stty -g); "$LABRUN" start lesson.md --yes {flags}; code=$?; after=$(stty -g)
           echo "labrun exited $code"
           if [ "$before" = "$after" ]; then echo "terminal as it was"; else echo "terminal changed"; fi"#
        ),
    )
}

/// The first Ctrl-C stops what runs and leaves the learner at the menu.
fn press_ctrl_c_and_see_the_menu_again(learner: &mut Learner) {
    learner.send(CTRL_C);
    learner.expect("stopped; you are back at the step");
    learner.expect("What next?");
}

/// Ctrl-C at the menu saves and quits.
fn press_ctrl_c_and_see_labrun_exit_130_leaving_the_terminal_as_it_was(learner: &mut Learner) {
    learner.send(CTRL_C);
    learner.expect("labrun exited 130");
    let rest = learner.rest();
    let _ = learner.exit_code();
    assert!(
        rest.contains("terminal as it was"),
        "stty -g changed:\n{}",
        readable(&rest)
    );
}

/// The log has one `session_ended`, and its reason is `interrupted`.
fn assert_the_session_ended_interrupted(log: &str) {
    let ended: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter(|event: &serde_json::Value| event["event"] == "session_ended")
        .collect();
    assert_eq!(ended.len(), 1, "{log}");
    assert_eq!(ended[0]["reason"], "interrupted", "{log}");
}

fn progress_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("progress/interrupt/ada.jsonl")).unwrap_or_default()
}

#[test]
fn ctrl_c_during_a_command_kills_its_process_group_and_a_second_at_the_menu_exits_130() {
    let sleep = unique_sleep();
    // The block's shell starts `sh`, which starts `sleep`: a grandchild of labrun's command.
    let (dir, _) = lab(&format!(
        "---\nid: interrupt\n---\n# Interrupt\n\n## Wait {{#wait}}\n\n\
         ```bash {{run}}\necho started\nsh -c '{sleep}; echo never' &\nwait\n```\n"
    ));
    // With `--yes`, the `run` block runs as the step is entered.
    let mut learner = start_in_a_shell(dir.path());
    learner.expect("│ started");
    let running = wait_for_pgrep(&sleep, true, Duration::from_secs(10));
    assert!(
        !running.is_empty(),
        "the grandchild `{sleep}` never ran:\n{}",
        readable(&learner.seen)
    );

    press_ctrl_c_and_see_the_menu_again(&mut learner);
    let left = wait_for_pgrep(&sleep, false, Duration::from_secs(5));
    for process in &left {
        // A failing run leaves nothing behind either.
        if let Some(pid) = process.split_whitespace().next() {
            let _ = Command::new("kill").args(["-9", pid]).status();
        }
    }
    assert!(left.is_empty(), "left running after Ctrl-C: {left:?}");
    assert!(
        !progress_log(dir.path()).contains("session_ended"),
        "the session ended at the first Ctrl-C"
    );
    press_ctrl_c_and_see_labrun_exit_130_leaving_the_terminal_as_it_was(&mut learner);
    assert_the_session_ended_interrupted(&progress_log(dir.path()));
}

/// Ctrl-C while an `http` check polls a server that never says yes: labrun stops at once,
/// between tries or with a request in flight, sends no more requests, records no check
/// result and shows the menu; Ctrl-C there restores the terminal and exits 130.
fn ctrl_c_while_an_http_check_polls(server: &Server) {
    let (dir, _) = lab(&format!(
        "---\nid: interrupt\n---\n# Interrupt\n\n## Wait {{#wait}}\n\n\
         ```http {{check timeout=5m interval=1s}}\nGET {}\nHTTP 200\n\
         [Asserts]\njsonpath \"$.state\" == \"ready\"\n```\n",
        server.url("/state")
    ));
    let mut learner = start_in_a_shell(dir.path());
    learner.choose("check");
    let until = Instant::now() + Duration::from_secs(10);
    while server.hits("/state") < 2 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.hits("/state") >= 2,
        "the check never polled:\n{}",
        readable(&learner.seen)
    );

    press_ctrl_c_and_see_the_menu_again(&mut learner);
    let sent = server.hits("/state");
    // No condition shows that something does not happen: wait one and a half of the check's
    // intervals (1 s), long enough for a try that was due to have reached the server.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(server.hits("/state"), sent, "requests went on after Ctrl-C");
    press_ctrl_c_and_see_labrun_exit_130_leaving_the_terminal_as_it_was(&mut learner);

    let log = progress_log(dir.path());
    let events: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let named = |name: &str| events.iter().filter(|e| e["event"] == name).count();
    assert_eq!(named("check_passed") + named("check_failed"), 0, "{log}");
    assert_the_session_ended_interrupted(&log);
}

#[test]
fn ctrl_c_between_the_tries_of_an_http_check_stops_it_and_returns_to_the_menu() {
    let server = Server::start();
    server.route("/state", Reply::json(200, r#"{"state":"pending"}"#));
    ctrl_c_while_an_http_check_polls(&server);
}

#[test]
fn ctrl_c_with_an_http_request_in_flight_stops_it_and_returns_to_the_menu() {
    let server = Server::start();
    // The first answer comes at once, so that polling has begun; the next ones never in time.
    server.sequence(
        "/state",
        vec![
            Reply::json(200, r#"{"state":"pending"}"#),
            Reply::json(200, r#"{"state":"pending"}"#).delay(Duration::from_secs(120)),
        ],
    );
    ctrl_c_while_an_http_check_polls(&server);
}

/// `--plain` on a terminal: the line UI hears Ctrl-C too, while a command runs (back to the
/// prompt) and while it waits for an answer (saves and quits), never swallowing one.
#[test]
fn ctrl_c_in_the_plain_ui_on_a_terminal_stops_the_command_then_quits() {
    let sleep = unique_sleep();
    let (dir, _) = lab(&format!(
        "---\nid: interrupt\n---\n# Interrupt\n\n## Wait {{#wait}}\n\n\
         ```bash {{run}}\necho started\n{sleep}\n```\n"
    ));
    let mut learner = start_in_a_shell_with(dir.path(), "--plain");
    learner.expect("| started");
    assert!(
        !wait_for_pgrep(&sleep, true, Duration::from_secs(10)).is_empty(),
        "the command never ran"
    );
    learner.send(CTRL_C);
    learner.expect("stopped; you are back at the step");
    learner.expect("[Enter: run] >");
    assert!(
        wait_for_pgrep(&sleep, false, Duration::from_secs(5)).is_empty(),
        "the command outlived the Ctrl-C"
    );
    press_ctrl_c_and_see_labrun_exit_130_leaving_the_terminal_as_it_was(&mut learner);
    assert_the_session_ended_interrupted(&progress_log(dir.path()));
}
