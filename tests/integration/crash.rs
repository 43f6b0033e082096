//! Crash safety: `labrun start` killed with SIGKILL at random moments while it writes
//! progress, hundreds of times over one log. After every kill:
//!
//! - the log still reads: `labrun status --json` succeeds, and every line parses but a torn
//!   last one (or one torn by an earlier kill, closed off when the log was opened again);
//! - nothing the learner was told is lost: every step header, hint, "✔ Step verified." and
//!   closing summary printed before the kill has its event in the log;
//! - the next session opens the log (the lock died with the process) and goes on.
//!
//! `LABRUN_CRASH_KILLS` sets the number of kills (default 200) and `LABRUN_CRASH_SEED` the
//! random seed, printed on failure, to replay a run.

#![cfg(unix)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const STEPS: usize = 16;

/// Every step has a hint; every other one a quick check, the others are confirmed. Each
/// answer writes events: `hint` → `hint_shown`; Enter → `block_ran`, `check_passed`,
/// `step_verified` or `step_confirmed`, then `step_entered`.
fn lesson() -> String {
    let mut text = String::from("---\nid: crash\n---\n# Crash\n\n");
    for i in 1..=STEPS {
        text.push_str(&format!("## Step number {i} {{#s{i}}}\n\n"));
        if i % 2 == 1 {
            text.push_str("```bash {check}\ntrue\n```\n\n");
        }
        text.push_str("<details><summary>Hint</summary>\n\nNothing to do.\n\n</details>\n\n");
    }
    text
}

/// Answers for two rounds of the lesson, wherever a session resumes: a hint, then the
/// default (check, or confirm).
fn answers() -> String {
    "hint\n\n".repeat(STEPS * 2)
}

/// A small xorshift generator: the test needs no crate for its dice.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn log(&self) -> PathBuf {
        self.dir.path().join("progress/crash/ada.jsonl")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_labrun"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("LABRUN_PROGRESS_DIR", self.dir.path().join("progress"))
            .env("LABRUN_LEARNER", "ada")
            .env("NO_COLOR", "1")
            .env_remove("LABRUN_WORKSPACE");
        command
    }

    /// `labrun start`, killed with SIGKILL after `delay` unless it ended before; what it
    /// printed on stderr and whether it was killed.
    fn start_and_kill(&self, restart: bool, delay: Duration) -> (String, bool) {
        let mut args = vec!["start", "crash.md", "--plain", "--yes"];
        if restart {
            args.push("--restart");
        }
        let mut child = self
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start labrun");
        let mut stderr = child.stderr.take().expect("stderr pipe");
        let reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        });
        if let Some(mut stdin) = child.stdin.take() {
            // A session killed early stops reading: a broken pipe is expected then.
            let _ = stdin.write_all(answers().as_bytes());
        }
        let until = Instant::now() + delay;
        let mut killed = false;
        loop {
            if child.try_wait().expect("poll labrun").is_some() {
                break;
            }
            if Instant::now() >= until {
                child.kill().expect("SIGKILL labrun");
                killed = true;
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.wait();
        (reader.join().expect("stderr reader"), killed)
    }
}

/// How often `needle` starts a line of `text`.
fn lines_starting(text: &str, needle: &str) -> usize {
    text.lines().filter(|line| line.starts_with(needle)).count()
}

/// The log from byte `from` on, as (start offset, line) for every line, the last one
/// included even when it has no newline.
fn lines_from(log: &[u8], from: usize) -> Vec<(usize, &[u8])> {
    let mut lines = Vec::new();
    let mut start = from;
    for (i, byte) in log.iter().enumerate().skip(from) {
        if *byte == b'\n' {
            lines.push((start, &log[start..i]));
            start = i + 1;
        }
    }
    if start < log.len() {
        lines.push((start, &log[start..]));
    }
    lines
}

/// The processes that have `path` open, as "PID COMMAND".
fn holders(path: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for process in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let fds = std::fs::read_dir(process.path().join("fd"));
        if fds
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|link| link == path))
        {
            let command = std::fs::read_to_string(process.path().join("cmdline"))
                .unwrap_or_default()
                .replace('\0', " ");
            found.push(format!(
                "{} {}",
                process.file_name().to_string_lossy(),
                command.trim()
            ));
        }
    }
    found
}

fn is_record(line: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(line).is_ok_and(|v| {
        v["v"] == 1 && v["ts"].is_string() && v["learner"] == "ada" && v["event"].is_string()
    })
}

fn count_events(lines: &[(usize, &[u8])], name: &str) -> usize {
    lines
        .iter()
        .filter_map(|(_, line)| serde_json::from_slice::<serde_json::Value>(line).ok())
        .filter(|v| v["event"] == name)
        .count()
}

fn seed() -> u64 {
    std::env::var("LABRUN_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        })
}

fn kills() -> usize {
    std::env::var("LABRUN_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

#[test]
fn killing_labrun_at_random_moments_never_corrupts_the_log_nor_loses_a_reported_event() {
    let lab = Lab {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    std::fs::write(lab.dir.path().join("crash.md"), lesson()).expect("write the lesson");
    let seed = seed();
    let mut dice = Dice(seed);
    // A whole session without a kill: how long there is to kill it in.
    let started = Instant::now();
    let (whole, killed) = lab.start_and_kill(false, Duration::from_secs(60));
    assert!(!killed, "a whole session took over a minute:\n{whole}");
    // On a machine loaded enough to make one session slow, kills land in its first second.
    let span = started.elapsed().min(Duration::from_secs(1));
    assert_eq!(
        lines_starting(&whole, "✔ Step verified."),
        STEPS / 2,
        "a calibration session verifies every step:\n{whole}"
    );

    // Lines torn by a kill: they stay in the log, skipped by readers.
    let mut torn: Vec<usize> = Vec::new();
    let mut killed_count = 0;
    let mut findings = Vec::new();
    let kills = kills();
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut round = 0;
    let mut complete = true;
    let header = regex::Regex::new(r"(?m)^Step \d+/\d+ · ").expect("valid regex");
    while killed_count < kills {
        round += 1;
        assert!(
            Instant::now() < deadline,
            "{killed_count} kills in ten minutes (seed {seed})"
        );
        let before = std::fs::metadata(lab.log()).map_or(0, |m| m.len() as usize);
        let delay = Duration::from_micros(dice.below(span.as_micros() as u64 + 1));
        // A complete lesson is started over, so that every session has events to write.
        let restart = complete || dice.below(10) == 0;
        let (mut stderr, mut killed) = lab.start_and_kill(restart, delay);
        // A command forked at the moment of the kill shares the log's open file, and so its
        // lock, until it has exec'd: on a loaded machine that can take a few milliseconds.
        let mut waited = Duration::ZERO;
        while stderr.contains("another labrun session") {
            let holders = holders(&lab.log());
            assert!(
                waited < Duration::from_secs(2),
                "the lock outlived the killed session by {waited:?}, held by {holders:?} \
                 (round {round}, seed {seed})"
            );
            findings.push(format!(
                "round {round}: the log was still locked {waited:?} after the kill, by {holders:?}"
            ));
            std::thread::sleep(Duration::from_millis(50));
            waited += Duration::from_millis(50);
            (stderr, killed) = lab.start_and_kill(restart, delay);
        }
        killed_count += usize::from(killed);
        let context = format!(
            "round {round}, kill after {delay:?} (seed {seed}); stderr:\n{}",
            stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n")
        );

        // Every line parses, but torn ones.
        let log = std::fs::read(lab.log()).unwrap_or_default();
        let all = lines_from(&log, 0);
        for (index, (start, line)) in all.iter().enumerate() {
            let last = index + 1 == all.len() && !log.ends_with(b"\n");
            if line.is_empty() || is_record(line) || torn.contains(start) {
                continue;
            }
            assert!(
                last,
                "line at byte {start} is not a record: {:?}; {context}",
                String::from_utf8_lossy(line)
            );
            torn.push(*start);
            findings.push(format!("round {round}: torn last line at byte {start}"));
        }

        // What this session said it did is in the log.
        let new = lines_from(&log, before.min(log.len()));
        for (marker, event, told) in [
            (
                "✔ Step verified.",
                "step_verified",
                lines_starting(&stderr, "✔ Step verified."),
            ),
            (
                "Step N/N ·",
                "step_entered",
                header.find_iter(&stderr).count(),
            ),
            (
                "Hint 1/1:",
                "hint_shown",
                lines_starting(&stderr, "Hint 1/1:"),
            ),
            (
                "the closing summary",
                "session_ended",
                usize::from(stderr.contains("Progress log: ")),
            ),
        ] {
            let logged = count_events(&new, event);
            assert!(
                logged >= told,
                "`{marker}` printed {told} times but {logged} `{event}` events written; {context}"
            );
        }

        // The log reads, for `status` as for the next session.
        let status = lab
            .command(&["status", "crash.md", "--json"])
            .stdin(Stdio::null())
            .output()
            .expect("run labrun status");
        assert!(
            status.status.success(),
            "status failed: {}; {context}",
            String::from_utf8_lossy(&status.stderr)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&status.stdout).expect("status --json prints JSON");
        assert!(json.to_string().contains("\"s1\""), "{json}; {context}");
        complete = json.to_string().contains("\"complete\":true");
    }
    eprintln!(
        "{killed_count} kills in {round} rounds (seed {seed}); a whole session took {span:?}; \
         {} torn lines{}",
        torn.len(),
        findings
            .iter()
            .map(|f| format!("\n  {f}"))
            .collect::<String>()
    );
}

/// The checks above can fail: a log with a line that is not a record and is not last, and a
/// verdict printed without its event, are caught.
#[test]
fn the_crash_checks_catch_a_bad_line_and_a_lost_event() {
    let log = b"{\"v\":1,\"ts\":\"2026-01-01T00:00:00Z\",\"learner\":\"ada\",\"lesson\":\"crash\",\"event\":\"step_entered\",\"step\":\"s1\"}\nnot json\n{\"v\":1";
    let lines = lines_from(log, 0);
    assert_eq!(lines.len(), 3);
    assert!(is_record(lines[0].1));
    assert!(!is_record(lines[1].1), "a bad line in the middle is seen");
    assert!(!is_record(lines[2].1), "a torn last line is seen");
    assert_eq!(count_events(&lines, "step_entered"), 1);
    assert_eq!(count_events(&lines, "step_verified"), 0);
    assert_eq!(
        lines_starting(
            "x\n✔ Step verified.\n✔ Step verified.\n",
            "✔ Step verified."
        ),
        2
    );
}

/// A tmpfs mounted for a test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` at `dir`; `None` (with a notice) where that is not allowed,
    /// but under CI a test that needs one fails rather than skips (`.ci/run` runs as root).
    fn mount(dir: &std::path::Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).expect("mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        let why = match mounted {
            Ok(out) if out.status.success() => return Some(Self(dir.to_path_buf())),
            Ok(out) => format!(
                "cannot mount a tmpfs (it needs root): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(error) => format!("cannot run `mount`: {error}"),
        };
        assert!(
            std::env::var_os("CI").is_none(),
            "the disk-full test must run under CI: {why}"
        );
        eprintln!("skipped: {why}");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the file system of `dir` to the last byte; the filler file is returned.
fn fill(dir: &std::path::Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).expect("create the filler");
    let chunk = [0u8; 1024];
    while file.write_all(&chunk).is_ok() {}
    for byte in [0u8; 1024] {
        if file.write_all(&[byte]).is_err() {
            break;
        }
    }
    let _ = file.sync_all();
    filler
}

#[test]
fn a_disk_that_fills_up_mid_session_stops_labrun_cleanly_and_leaves_a_log_that_resumes() {
    let lab = Lab {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    std::fs::write(lab.dir.path().join("crash.md"), lesson()).expect("write the lesson");
    let progress = lab.dir.path().join("progress");
    let Some(_tmpfs) = Tmpfs::mount(&progress, "64k") else {
        return;
    };
    let workspace = lab.dir.path().join("ws");
    let ws = workspace.to_string_lossy().into_owned();
    let run = |answers: &str| {
        let mut child = lab
            .command(&["start", "crash.md", "--plain", "--yes", "--workspace", &ws])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start labrun");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(answers.as_bytes());
        }
        let out = child.wait_with_output().expect("wait for labrun");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A first session writes a few events; then the disk fills up.
    let (code, stderr) = run("hint\n");
    assert_eq!(code, Some(1), "{stderr}");
    let filler = fill(&progress);

    let (code, stderr) = run(&answers());
    // Exit 4: labrun could not work here, not the learner's doing.
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
    let log = std::fs::read(lab.log()).expect("read the log");
    assert!(log.ends_with(b"\n"), "a partial line was left behind");
    let lines = lines_from(&log, 0);
    for (start, line) in &lines {
        assert!(
            is_record(line),
            "line at byte {start}: {:?}",
            String::from_utf8_lossy(line)
        );
    }
    assert!(
        count_events(&lines, "step_verified") >= lines_starting(&stderr, "✔ Step verified."),
        "told verified but not saved:\n{stderr}"
    );

    // With space again, the log reads and the lesson resumes to its end.
    std::fs::remove_file(filler).expect("free the space");
    let status = lab
        .command(&["status", "crash.md", "--json"])
        .stdin(Stdio::null())
        .output()
        .expect("run labrun status");
    assert!(status.status.success(), "{status:?}");
    let (code, stderr) = run(&answers());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("Lesson complete."), "{stderr}");
}
