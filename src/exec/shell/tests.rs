//! [`run`] against real shells and processes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tempfile::TempDir;

use crate::exec::Stream;
use crate::lesson::Shell;

use super::*;

static NOT_INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn workspace() -> TempDir {
    tempfile::tempdir().unwrap()
}

/// Runs a command, collecting the live output too.
fn run_collecting(command: &ShellCommand) -> (ShellOutput, Vec<(Stream, String)>) {
    let mut live = Vec::new();
    let output = run(command, &mut |stream, text| {
        live.push((stream, text.to_owned()))
    })
    .unwrap();
    (output, live)
}

fn run_script(dir: &Path, script: &str) -> ShellOutput {
    run_collecting(&ShellCommand::new(script, dir, &NOT_INTERRUPTED)).0
}

fn read_pid(path: PathBuf) -> Pid {
    let text = std::fs::read_to_string(&path).unwrap();
    Pid::from_raw(text.trim().parse().unwrap())
}

/// Whether the process runs. A killed orphan may linger as a zombie when nothing reaps it
/// (PID 1 in a container): that counts as dead.
fn is_running(pid: Pid) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat.rsplit(')').next().unwrap().trim_start().chars().next();
            !matches!(state, Some('Z' | 'X'))
        }
        Err(_) if Path::new("/proc/self/stat").exists() => false,
        Err(_) => kill(pid, None).is_ok(),
    }
}

/// Signals are delivered asynchronously: give a killed process a moment to go.
fn dies_soon(pid: Pid) -> bool {
    let end = Instant::now() + Duration::from_secs(2);
    while Instant::now() < end {
        if !is_running(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn which(program: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .unwrap()
}

#[test]
fn the_scripts_exit_code_is_reported() {
    let dir = workspace();
    assert_eq!(
        run_script(dir.path(), "exit 3").termination,
        Termination::Exited(3)
    );
    assert_eq!(
        run_script(dir.path(), "true").termination,
        Termination::Exited(0)
    );
    assert_eq!(
        run_script(dir.path(), "false\necho still running").termination,
        Termination::Exited(0),
        "no `set -e` is added"
    );
}

#[test]
fn stdout_and_stderr_are_captured_apart_and_streamed_with_their_names() {
    let dir = workspace();
    let (output, live) = run_collecting(&ShellCommand::new(
        "echo out; echo err >&2",
        dir.path(),
        &NOT_INTERRUPTED,
    ));
    assert_eq!(output.stdout, "out\n");
    assert_eq!(output.stderr, "err\n");
    assert!(!output.truncated);
    let mut live = live;
    live.sort_by_key(|(stream, _)| *stream == Stream::Stderr);
    assert_eq!(
        live,
        [
            (Stream::Stdout, "out\n".to_owned()),
            (Stream::Stderr, "err\n".to_owned())
        ]
    );
}

#[test]
fn lesson_variables_are_added_to_the_inherited_environment() {
    let dir = workspace();
    let env = [
        ("GREETING".to_owned(), "first".to_owned()),
        ("region".to_owned(), "eu de".to_owned()),
        ("GREETING".to_owned(), "hello world".to_owned()),
    ];
    let command = ShellCommand {
        env: &env,
        ..ShellCommand::new(
            r#"printf '%s|%s|%s' "$GREETING" "$region" "${PATH:+inherited}""#,
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    assert_eq!(
        run_collecting(&command).0.stdout,
        "hello world|eu de|inherited"
    );
}

#[test]
fn the_command_runs_in_the_workspace() {
    let dir = workspace();
    let output = run_script(dir.path(), "pwd -P; touch made-here");
    let expected = dir.path().canonicalize().unwrap();
    assert_eq!(output.stdout.trim_end(), expected.to_str().unwrap());
    assert!(dir.path().join("made-here").exists());
}

/// Set in a copy of the test binary started by [`rerun_alone`].
const ALONE: &str = "LABRUN_SHELL_TEST_ALONE";

fn running_alone() -> bool {
    std::env::var_os(ALONE).is_some()
}

/// Runs one test of this binary again, alone in a process of its own with `stdin` as its
/// standard input, for tests that measure or depend on the whole process. Panics with the
/// copy's report if it fails.
fn rerun_alone(test: &str, stdin: &[u8]) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let (_, module) = module_path!().split_once("::").unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &format!("{module}::{test}"), "--nocapture"])
        .env(ALONE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}");
    assert!(report.contains("1 passed"), "{report}");
}

#[test]
fn stdin_is_dev_null_and_never_labruns_own() {
    if !running_alone() {
        // The test process's stdin may already be /dev/null: give a copy of it a pipe with a
        // line in it, which the command must not read.
        rerun_alone(
            "stdin_is_dev_null_and_never_labruns_own",
            b"typed by the learner\n",
        );
        return;
    }
    let dir = workspace();
    let command = ShellCommand {
        timeout: Some(Duration::from_secs(10)),
        ..ShellCommand::new(
            "if read -r line; then echo \"read $line\"; else echo eof; fi",
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    assert_eq!(run_collecting(&command).0.stdout, "eof\n");
    if Path::new("/proc/self/fd/0").exists() {
        assert_eq!(
            run_script(dir.path(), "readlink /proc/self/fd/0").stdout,
            "/dev/null\n"
        );
    }
}

#[test]
fn shell_sh_runs_sh_and_shell_bash_runs_bash() {
    let dir = workspace();
    let script = r#"printf '%s|%s' "$0" "$BASH_VERSION""#;
    let sh = ShellCommand {
        shell: Shell::Sh,
        ..ShellCommand::new(script, dir.path(), &NOT_INTERRUPTED)
    };
    let bash = ShellCommand {
        shell: Shell::Bash,
        ..ShellCommand::new(script, dir.path(), &NOT_INTERRUPTED)
    };
    let sh_out = run_collecting(&sh).0.stdout;
    let bash_out = run_collecting(&bash).0.stdout;
    assert!(sh_out.starts_with("sh|"), "{sh_out}");
    // Where sh is bash in disguise (macOS, Fedora) it still sets BASH_VERSION.
    if which("sh").canonicalize().unwrap().file_name().unwrap() != "bash" {
        assert_eq!(sh_out, "sh|");
    }
    assert!(bash_out.starts_with("bash|"), "{bash_out}");
    assert!(bash_out.len() > "bash|".len(), "{bash_out}");
}

#[test]
fn auto_runs_bash_when_it_is_on_path_and_sh_otherwise() {
    let dir = workspace();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(which("sh"), bin.join("sh")).unwrap();
    let env = [("PATH".to_owned(), bin.display().to_string())];
    let command = ShellCommand {
        env: &env,
        ..ShellCommand::new(r#"echo "$0""#, dir.path(), &NOT_INTERRUPTED)
    };
    assert_eq!(run_collecting(&command).0.stdout, "sh\n");

    std::os::unix::fs::symlink(which("bash"), bin.join("bash")).unwrap();
    assert_eq!(run_collecting(&command).0.stdout, "bash\n");
}

#[test]
fn a_missing_shell_is_an_error_that_names_it() {
    let dir = workspace();
    let env = [("PATH".to_owned(), dir.path().display().to_string())];
    let command = ShellCommand {
        shell: Shell::Bash,
        env: &env,
        ..ShellCommand::new("true", dir.path(), &NOT_INTERRUPTED)
    };
    let error = run(&command, &mut |_, _| {}).unwrap_err();
    assert!(matches!(error, ShellError::Spawn { shell: "bash", .. }));
    assert_eq!(
        error.to_string(),
        "cannot start `bash`: No such file or directory"
    );
}

#[test]
fn a_missing_workspace_is_an_error_and_runs_nothing() {
    let dir = workspace();
    let missing = dir.path().join("nope");
    let marker = dir.path().join("ran");
    let script = format!("touch '{}'", marker.display());
    let error = run(
        &ShellCommand::new(&script, &missing, &NOT_INTERRUPTED),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the lesson workspace `{}` does not exist",
            missing.display()
        )
    );
    assert!(!marker.exists());

    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let error = run(
        &ShellCommand::new("true", &file, &NOT_INTERRUPTED),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot use the lesson workspace `{}`: Not a directory",
            file.display()
        )
    );
}

#[test]
fn input_no_process_can_take_is_an_error() {
    let dir = workspace();
    let error = run(
        &ShellCommand::new("echo a\0b", dir.path(), &NOT_INTERRUPTED),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the command contains a NUL byte, which no shell can run"
    );
    for (name, value, reason) in [
        ("", "x", "its name is empty"),
        ("A=B", "x", "its name contains `=`"),
        ("TOKEN", "a\0b", "its value contains a NUL byte"),
    ] {
        let env = [(name.to_owned(), value.to_owned())];
        let command = ShellCommand {
            env: &env,
            ..ShellCommand::new("true", dir.path(), &NOT_INTERRUPTED)
        };
        let error = run(&command, &mut |_, _| {}).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("cannot pass variable `{name}` to the command: {reason}")
        );
    }
}

#[test]
fn a_command_not_found_is_exit_127_with_its_message() {
    let dir = workspace();
    let output = run_script(dir.path(), "no_such_command_for_labrun --version");
    assert_eq!(output.termination, Termination::Exited(127));
    assert!(
        output.stderr.contains("no_such_command_for_labrun") && output.stderr.contains("not found"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_shell_killed_by_a_signal_is_reported_as_signaled() {
    let dir = workspace();
    let output = run_script(dir.path(), "echo before; kill -9 $$; echo after");
    assert_eq!(output.termination, Termination::Signaled(9));
    assert_eq!(output.stdout, "before\n");
}

#[test]
fn a_timeout_kills_the_command_and_its_grandchildren_within_the_budget() {
    let dir = workspace();
    let command = ShellCommand {
        timeout: Some(Duration::from_millis(500)),
        ..ShellCommand::new(
            "sleep 100 & echo $! > grandchild.pid; echo started; sleep 100",
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    let started = Instant::now();
    let (output, _) = run_collecting(&command);
    let elapsed = started.elapsed();
    assert_eq!(output.termination, Termination::TimedOut);
    assert_eq!(output.stdout, "started\n", "output so far is kept");
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert!(dies_soon(read_pid(dir.path().join("grandchild.pid"))));
}

#[test]
fn a_grandchild_that_ignores_sigterm_is_killed_after_the_grace_period() {
    let dir = workspace();
    let command = ShellCommand {
        shell: Shell::Bash,
        timeout: Some(Duration::from_secs(1)),
        ..ShellCommand::new(
            "(trap '' TERM; echo $BASHPID > stubborn.pid; while :; do sleep 0.05; done) & sleep 100",
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    let started = Instant::now();
    let (output, _) = run_collecting(&command);
    assert_eq!(output.termination, Termination::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(dies_soon(read_pid(dir.path().join("stubborn.pid"))));
}

#[test]
fn a_timeout_is_kept_while_output_floods_in() {
    let dir = workspace();
    let command = ShellCommand {
        timeout: Some(Duration::from_millis(500)),
        ..ShellCommand::new("yes", dir.path(), &NOT_INTERRUPTED)
    };
    let started = Instant::now();
    let output = run(&command, &mut |_, _| {}).unwrap();
    assert_eq!(output.termination, Termination::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(output.truncated);
}

#[test]
fn an_interrupt_from_another_thread_kills_the_whole_group() {
    let dir = workspace();
    let interrupt = AtomicBool::new(false);
    let command = ShellCommand::new(
        "sleep 100 & echo $! > grandchild.pid; sleep 100",
        dir.path(),
        &interrupt,
    );
    let started = Instant::now();
    let output = std::thread::scope(|scope| {
        scope.spawn(|| {
            // Once the grandchild runs (its pid written), so that the whole group is there.
            let pid_file = dir.path().join("grandchild.pid");
            let until = Instant::now() + Duration::from_secs(10);
            while std::fs::read_to_string(&pid_file).map_or(true, |pid| pid.trim().is_empty())
                && Instant::now() < until
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            interrupt.store(true, Ordering::SeqCst);
        });
        run(&command, &mut |_, _| {}).unwrap()
    });
    assert_eq!(output.termination, Termination::Interrupted);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(dies_soon(read_pid(dir.path().join("grandchild.pid"))));
}

#[test]
fn nothing_starts_once_interrupted() {
    let dir = workspace();
    let interrupt = AtomicBool::new(true);
    let output = run(
        &ShellCommand::new("touch ran", dir.path(), &interrupt),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(output.termination, Termination::Interrupted);
    assert!(!dir.path().join("ran").exists());
}

#[test]
fn a_background_job_survives_a_normal_exit_and_run_returns_at_once() {
    let dir = workspace();
    let started = Instant::now();
    let output = run_script(
        dir.path(),
        "sleep 30 & echo $! > sleeper.pid\n(sleep 0.5; echo late; echo late >&2; touch done) &\necho started",
    );
    let elapsed = started.elapsed();
    assert_eq!(output.termination, Termination::Exited(0));
    assert_eq!(output.stdout, "started\n");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    let sleeper = read_pid(dir.path().join("sleeper.pid"));
    assert!(is_running(sleeper), "a background job is the learner's");
    // It writes to the pipes after `run` returned, and must not die of SIGPIPE for it.
    let done = dir.path().join("done");
    let end = Instant::now() + Duration::from_secs(5);
    while !done.exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(done.exists(), "the background job was cut short");
    kill(sleeper, Signal::SIGKILL).unwrap();
}

#[test]
fn output_is_streamed_before_the_command_ends() {
    let dir = workspace();
    let mut seen = Vec::new();
    let output = run(
        &ShellCommand::new(
            "echo first; printf 'name? '; sleep 1; echo second",
            dir.path(),
            &NOT_INTERRUPTED,
        ),
        &mut |_, text| seen.push((Instant::now(), text.to_owned())),
    )
    .unwrap();
    let ended = Instant::now();
    assert_eq!(output.stdout, "first\nname? second\n");
    let early: String = seen
        .iter()
        .filter(|(at, _)| ended.duration_since(*at) > Duration::from_millis(500))
        .map(|(_, text)| text.as_str())
        .collect();
    assert_eq!(early, "first\nname? ", "a quiet partial line is shown too");
    let all: String = seen.iter().map(|(_, text)| text.as_str()).collect();
    assert_eq!(all, output.stdout);
}

#[test]
fn a_hundred_megabytes_of_output_are_read_through_but_only_the_start_kept() {
    let dir = workspace();
    let mut streamed = 0;
    let started = Instant::now();
    let output = run(
        &ShellCommand::new(
            "head -c 100000000 /dev/zero | tr '\\0' a; echo done >&2",
            dir.path(),
            &NOT_INTERRUPTED,
        ),
        &mut |stream, text| {
            if stream == Stream::Stdout {
                streamed += text.len();
            }
        },
    )
    .unwrap();
    assert_eq!(output.termination, Termination::Exited(0));
    assert!(output.truncated);
    assert_eq!(output.stdout.len(), MAX_CAPTURE);
    assert!(output.stdout.bytes().all(|byte| byte == b'a'));
    assert_eq!(output.stderr, "done\n");
    assert_eq!(streamed, 100_000_000);
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// The peak resident set size of this process so far.
#[cfg(target_os = "linux")]
fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn a_hundred_megabytes_of_output_take_a_few_mebibytes_of_memory() {
    if !running_alone() {
        rerun_alone(
            "a_hundred_megabytes_of_output_take_a_few_mebibytes_of_memory",
            b"",
        );
        return;
    }
    let dir = workspace();
    // A first command costs a few MiB whatever it prints (buffers, the spawn): measured
    // after one, the growth is what the output costs.
    run(
        &ShellCommand::new("yes | head -c 1000", dir.path(), &NOT_INTERRUPTED),
        &mut |_, _| {},
    )
    .unwrap();
    let before = peak_memory_kib();
    let command = ShellCommand::new("yes | head -c 100000000", dir.path(), &NOT_INTERRUPTED);
    let output = run(&command, &mut |_, _| {}).unwrap();
    let growth = peak_memory_kib() - before;
    assert!(output.truncated);
    // What is kept (1 MiB of each stream) and read (a chunk and a partial line at a time).
    assert!(growth < 4 * 1024, "the peak grew by {growth} KiB");
}

#[test]
fn output_that_is_not_utf8_is_decoded_lossily() {
    let dir = workspace();
    let output = run_script(dir.path(), r"printf 'a\377b\n'; printf '\303' >&2");
    assert_eq!(output.stdout, "a\u{FFFD}b\n");
    assert_eq!(output.stderr, "\u{FFFD}");
}

#[test]
fn labrun_output_lines_become_outputs() {
    let dir = workspace();
    let file = dir.path().join("out");
    std::fs::write(&file, "stale=from before\n").unwrap();
    let command = ShellCommand {
        output_file: Some(&file),
        ..ShellCommand::new(
            r#"echo "greeting=hello" >> "$LABRUN_OUTPUT"
echo "empty=" >> "$LABRUN_OUTPUT"
{ echo 'notes<<EOF'; echo 'line one'; echo 'line two'; echo EOF; } >> "$LABRUN_OUTPUT"
echo 'not a variable' >> "$LABRUN_OUTPUT""#,
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    let output = run_collecting(&command).0;
    let expected = [
        ("greeting", "hello"),
        ("empty", ""),
        ("notes", "line one\nline two"),
    ]
    .map(|(name, value)| (name.to_owned(), value.to_owned()));
    assert_eq!(output.outputs, expected);
    assert_eq!(
        output.output_errors,
        [
            "`$LABRUN_OUTPUT` line 7: expected `NAME=value` or `NAME<<DELIMITER`, found `not a variable`"
        ]
    );
}

#[test]
fn labrun_output_is_emptied_first_wins_over_a_variable_and_is_unset_without_a_file() {
    let dir = workspace();
    let file = dir.path().join("out");
    std::fs::write(&file, "stale=from before\n").unwrap();
    let env = [("LABRUN_OUTPUT".to_owned(), "/not/this/one".to_owned())];
    let command = ShellCommand {
        output_file: Some(&file),
        env: &env,
        ..ShellCommand::new(r#"echo "$LABRUN_OUTPUT""#, dir.path(), &NOT_INTERRUPTED)
    };
    let output = run_collecting(&command).0;
    assert_eq!(output.stdout.trim_end(), file.to_str().unwrap());
    assert!(output.outputs.is_empty());

    let output = run_script(dir.path(), r#"echo "${LABRUN_OUTPUT-unset}""#);
    assert_eq!(output.stdout, "unset\n");
    assert!(output.outputs.is_empty());
}

#[test]
fn a_relative_output_file_is_the_same_file_for_labrun_and_the_command() {
    let dir = workspace();
    // From labrun's working directory to the workspace, the long way round.
    let cwd = std::env::current_dir().unwrap();
    let mut relative: PathBuf = cwd.components().skip(1).map(|_| "..").collect();
    relative.push(dir.path().strip_prefix("/").unwrap());
    relative.push("out");
    assert!(relative.is_relative());
    let command = ShellCommand {
        output_file: Some(&relative),
        ..ShellCommand::new(
            r#"mkdir elsewhere && cd elsewhere && echo "where=here" >> "$LABRUN_OUTPUT""#,
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    let output = run_collecting(&command).0;
    assert_eq!(output.stderr, "");
    assert_eq!(output.outputs, [("where".to_owned(), "here".to_owned())]);
}

#[test]
fn an_output_file_that_cannot_be_created_is_an_error() {
    let dir = workspace();
    let file = dir.path().join("missing-dir/out");
    let command = ShellCommand {
        output_file: Some(&file),
        ..ShellCommand::new("true", dir.path(), &NOT_INTERRUPTED)
    };
    let error = run(&command, &mut |_, _| {}).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot create `{}` for `$LABRUN_OUTPUT`: No such file or directory",
            file.display()
        )
    );
}

#[test]
fn a_panicking_output_callback_leaves_nothing_running() {
    let dir = workspace();
    let command = ShellCommand::new(
        "sleep 100 & echo $! > grandchild.pid; echo hi; sleep 100",
        dir.path(),
        &NOT_INTERRUPTED,
    );
    let started = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(&command, &mut |_, _| panic!("the display broke"))
    }));
    assert!(result.is_err());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(dies_soon(read_pid(dir.path().join("grandchild.pid"))));
}

#[test]
fn the_command_gets_a_process_group_of_its_own_unless_interactive() {
    let dir = workspace();
    let script = format!(
        "ps -o pgid= -p $$ > shell.pgid; ps -o pgid= -p {} > labrun.pgid; echo $$ > shell.pid",
        std::process::id()
    );
    let read = |name: &str| {
        std::fs::read_to_string(dir.path().join(name))
            .unwrap()
            .trim()
            .to_owned()
    };

    let output = run_script(dir.path(), &script);
    assert_eq!(
        output.termination,
        Termination::Exited(0),
        "{}",
        output.stderr
    );
    assert_eq!(read("shell.pgid"), read("shell.pid"));
    assert_ne!(read("shell.pgid"), read("labrun.pgid"));

    let interactive = ShellCommand {
        interactive: true,
        ..ShellCommand::new(&script, dir.path(), &NOT_INTERRUPTED)
    };
    let output = run(&interactive, &mut |_, _| {}).unwrap();
    assert_eq!(output.termination, Termination::Exited(0));
    assert_eq!(read("shell.pgid"), read("labrun.pgid"));
}

#[test]
fn an_interactive_command_is_not_captured_and_still_reports_its_exit() {
    let dir = workspace();
    let command = ShellCommand {
        interactive: true,
        ..ShellCommand::new("exit 4", dir.path(), &NOT_INTERRUPTED)
    };
    let mut called = false;
    let output = run(&command, &mut |_, _| called = true).unwrap();
    assert_eq!(output.termination, Termination::Exited(4));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    assert!(!called);
}

#[test]
fn an_interactive_command_is_ended_by_its_timeout() {
    let dir = workspace();
    let command = ShellCommand {
        interactive: true,
        timeout: Some(Duration::from_millis(300)),
        ..ShellCommand::new(
            "echo $$ > shell.pid; exec sleep 100",
            dir.path(),
            &NOT_INTERRUPTED,
        )
    };
    let started = Instant::now();
    let output = run(&command, &mut |_, _| {}).unwrap();
    assert_eq!(output.termination, Termination::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(dies_soon(read_pid(dir.path().join("shell.pid"))));
}

#[test]
fn the_duration_covers_the_run() {
    let dir = workspace();
    let output = run_script(dir.path(), "sleep 0.3");
    assert!(output.duration >= Duration::from_millis(300));
    assert!(output.duration < Duration::from_secs(3));
}

// Elsewhere, without `setsid`, a command gets a process group of its own only.
#[cfg(target_os = "linux")]
#[test]
fn a_command_without_the_terminal_runs_in_a_session_of_its_own() {
    assert!(
        super::session::program().is_some(),
        "util-linux's setsid is part of every Linux system labrun supports"
    );
    let dir = workspace();
    // Fields 1, 5 and 6 of /proc/PID/stat: the shell's id, group and session.
    let script = "read -r pid _ _ _ pgrp sid _ < /proc/$$/stat; echo \"$pid $pgrp $sid\"";
    let command = ShellCommand::new(script, dir.path(), &NOT_INTERRUPTED);
    let (output, _) = run_collecting(&command);
    let ids: Vec<&str> = output.stdout.split_whitespace().collect();
    assert_eq!(ids.len(), 3, "{:?}", output.stdout);
    assert_eq!(ids[0], ids[1], "the shell leads its group");
    assert_eq!(ids[0], ids[2], "the shell leads its session");
    assert_ne!(
        ids[2],
        nix::unistd::getsid(None).unwrap().to_string(),
        "not labrun's session"
    );
}
