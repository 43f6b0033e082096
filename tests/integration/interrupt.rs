//! Ctrl-C while a command runs, in a real terminal: the command's whole process group is
//! killed (grandchildren too), the terminal is left as it was, the interruption is recorded
//! and labrun exits 130.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::pty::{CTRL_C, Learner, lab, readable};

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

fn progress_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("progress/interrupt/ada.jsonl")).unwrap_or_default()
}

#[test]
fn ctrl_c_during_a_command_kills_its_process_group_restores_the_terminal_and_exits_130() {
    let sleep = unique_sleep();
    // The block's shell starts `sh`, which starts `sleep`: a grandchild of labrun's command.
    let (dir, _) = lab(&format!(
        "---\nid: interrupt\n---\n# Interrupt\n\n## Wait {{#wait}}\n\n\
         ```bash {{run}}\necho started\nsh -c '{sleep}; echo never' &\nwait\n```\n"
    ));
    // Ctrl-C reaches the whole foreground group, the shell of this script too: it traps it,
    // to report on labrun afterwards (a trap, unlike an ignored signal, is not inherited).
    let mut learner = Learner::script(
        dir.path(),
        r#"trap : INT; before=$(stty -g); "$LABRUN" start lesson.md --yes; code=$?; after=$(stty -g)
           echo "labrun exited $code"
           if [ "$before" = "$after" ]; then echo "terminal as it was"; else echo "terminal changed"; fi"#,
    );
    learner.choose("run");
    learner.expect("│ started");
    let running = wait_for_pgrep(&sleep, true, Duration::from_secs(10));
    assert!(
        !running.is_empty(),
        "the grandchild `{sleep}` never ran:\n{}",
        readable(&learner.seen)
    );

    learner.send(CTRL_C);
    learner.expect("labrun exited 130");
    let rest = learner.rest();
    let _ = learner.exit_code();
    assert!(
        rest.contains("terminal as it was"),
        "stty -g changed:\n{}",
        readable(&rest)
    );
    let left = wait_for_pgrep(&sleep, false, Duration::from_secs(5));
    for process in &left {
        // A failing run leaves nothing behind either.
        if let Some(pid) = process.split_whitespace().next() {
            let _ = Command::new("kill").args(["-9", pid]).status();
        }
    }
    assert!(left.is_empty(), "left running after Ctrl-C: {left:?}");
    let log = progress_log(dir.path());
    let ended: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter(|event: &serde_json::Value| event["event"] == "session_ended")
        .collect();
    assert_eq!(ended.len(), 1, "{log}");
    assert_eq!(ended[0]["reason"], "interrupted", "{log}");
}
