//! `cargo bench --bench session`: what a learner's session costs.
//!
//! - **Time to the first prompt** of `lessons/welcome.md`: from starting `labrun start` (plain
//!   UI, fresh progress folder) until its first question (consent) is on stderr. Side by side
//!   with `labrun --version`, the process start-up it cannot go below. Target: under 20 ms.
//! - **Watching at idle**: the CPU time labrun and the checks it starts use while a learner
//!   sits at a step whose check fails, in the terminal UI (a pseudo-terminal), over
//!   `LABRUN_BENCH_IDLE_SECS` seconds; side by side with the same session with `--no-watch`.
//!   Target: under 2% of one core.
//!
//! Knobs: `LABRUN_BENCH_RUNS` (first-prompt runs, default 30), `LABRUN_BENCH_IDLE_SECS`
//! (default 30). Figures and how to read them: `benches/README.md`.

#![allow(clippy::disallowed_macros)] // a benchmark prints its figures

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use expectrl::Expect;
use expectrl::session::OsSession;

const EXE: &str = env!("CARGO_BIN_EXE_labrun");
const FIRST_PROMPT_TARGET_MS: f64 = 20.0;
const IDLE_TARGET_PERCENT: f64 = 2.0;

fn main() {
    let runs = number("LABRUN_BENCH_RUNS", 30);
    let idle = Duration::from_secs(number("LABRUN_BENCH_IDLE_SECS", 30) as u64);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    println!("== time to the first prompt: labrun start lessons/welcome.md ({runs} runs)");
    let start_up = median(&(0..runs).map(|_| version_time()).collect::<Vec<_>>());
    let first = median(
        &(0..runs)
            .map(|_| first_prompt_time(root))
            .collect::<Vec<_>>(),
    );
    println!(
        "  labrun --version (process start-up) {:>8.2} ms",
        ms(start_up)
    );
    println!(
        "  first prompt of welcome.md          {:>8.2} ms",
        ms(first)
    );
    println!(
        "  target                              {:>8.2} ms  → {}",
        FIRST_PROMPT_TARGET_MS,
        verdict(ms(first) < FIRST_PROMPT_TARGET_MS)
    );

    println!();
    println!(
        "== CPU at idle at a step with a failing check, terminal UI, {}s",
        idle.as_secs()
    );
    let without = idle_cpu(&["--no-watch"], idle);
    let with = idle_cpu(&[], idle);
    println!("  --no-watch (baseline)   {:>6.3} % of one core", without);
    println!("  watching (every 3s)     {:>6.3} % of one core", with);
    println!(
        "  target                  {:>6.3} %             → {}",
        IDLE_TARGET_PERCENT,
        verdict(with < IDLE_TARGET_PERCENT)
    );
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn version_time() -> Duration {
    let started = Instant::now();
    let status = Command::new(EXE)
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .expect("run labrun --version");
    assert!(status.success());
    started.elapsed()
}

/// From spawn to the consent question on stderr, in the plain UI (no terminal here).
fn first_prompt_time(root: &Path) -> Duration {
    let progress = tempfile::tempdir().expect("a progress folder");
    let started = Instant::now();
    let mut child = Command::new(EXE)
        .args(["start", "lessons/welcome.md", "--plain"])
        .current_dir(root)
        .env("LABRUN_PROGRESS_DIR", progress.path())
        .env("LABRUN_LEARNER", "bench")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start labrun");
    let mut stderr = child.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let elapsed = loop {
        let read = stderr.read(&mut buffer).expect("read stderr");
        assert!(read > 0, "labrun ended before its first prompt");
        seen.extend_from_slice(&buffer[..read]);
        if seen.windows(6).any(|w| w == b"[Y/n] ") {
            break started.elapsed();
        }
    };
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

/// CPU used by labrun and its (reaped) children while idle at a failing step, as a
/// percentage of one core.
fn idle_cpu(flags: &[&str], idle: Duration) -> f64 {
    let dir = tempfile::tempdir().expect("a lab folder");
    std::fs::write(
        dir.path().join("idle.md"),
        "---\nid: idle\n---\n# Idle\n\n## Wait {#wait}\n\n```bash {check}\ntest -f never.txt\n```\n",
    )
    .expect("write the lesson");
    let mut command = Command::new(EXE);
    command
        .args(["start", "idle.md", "--yes"])
        .args(flags)
        .current_dir(dir.path())
        .env("LABRUN_PROGRESS_DIR", dir.path().join("progress"))
        .env("LABRUN_LEARNER", "bench")
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let mut session = OsSession::spawn(command).expect("spawn labrun in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("What next?").expect("the menu");
    let pid = session.get_process().pid().as_raw();
    // Settle, then measure.
    std::thread::sleep(Duration::from_secs(1));
    let before = cpu_ticks(pid);
    let started = Instant::now();
    // Keep reading the terminal, so labrun never blocks on a full pty.
    while started.elapsed() < idle {
        let _ = session.check(expectrl::Regex("(?s).+"));
        std::thread::sleep(Duration::from_millis(200));
    }
    let after = cpu_ticks(pid);
    let seconds = started.elapsed().as_secs_f64();
    let _ = session.send("\x1b");
    let _ = session.expect(expectrl::Eof);
    let ticks_per_second = 100.0; // USER_HZ on Linux
    (after - before) as f64 / ticks_per_second / seconds * 100.0
}

/// utime + stime + cutime + cstime of `pid`, from `/proc/PID/stat`, in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a stat line") + 2..]
        .split_whitespace()
        .collect();
    // Fields 14 to 17 of the line; the rest starts at field 3.
    fields[11..15]
        .iter()
        .map(|field| field.parse::<u64>().expect("a number of ticks"))
        .sum()
}
