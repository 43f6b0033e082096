//! [`BlockRunner`]: the real [`Executor`]. It gives a block's attributes their meaning —
//! `timeout=`, `retry=`, `interval=`, `expect=`, `exit=`, `capture=`, `$LABRUN_OUTPUT` — on
//! top of the shell and HTTP runners.
//!
//! Polling: with `interval=` (or `retry=`), a failing block is tried again after the
//! interval until it passes, its retries are spent, or `timeout=` — then the budget of the
//! whole block — runs out. Without them, `timeout=` limits the single run.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::lesson::{Block, Role, template};

use super::http::{HttpRunner, Limits};
use super::shell::{self, ShellCommand, Termination};
use super::{BlockRun, Executor, Outcome, RunContext, RunProgress, Stream};
use crate::progress::Evidence;

/// How long a check may run when the lesson does not say.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(60);
/// How long any other command may run when the lesson does not say.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(600);
/// The wait between tries when `retry=` is given without `interval=`.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// How much of a failing command's output its reason shows, from the end.
const REASON_LINES: usize = 30;

/// The most characters of one output line a failure's reason shows.
const REASON_LINE_CHARS: usize = 400;

/// Runs blocks with a real shell and a real HTTP client.
#[derive(Debug, Default)]
pub struct BlockRunner {
    /// Made on the first HTTP block: most lessons never need it.
    http: Option<HttpRunner>,
    /// A private folder (mode 0700) for `$LABRUN_OUTPUT` files, which may hold secrets:
    /// never a guessable name in the shared temporary folder. Removed when the runner is.
    outputs: Option<tempfile::TempDir>,
    runs: u64,
}

impl BlockRunner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fresh paths for one run's `$LABRUN_OUTPUT` and `$LABRUN_SHELL_STATE`.
    fn run_files(&mut self) -> Result<(PathBuf, PathBuf), String> {
        if self.outputs.is_none() {
            remove_orphans(&std::env::temp_dir());
            // Private to the learner: the files may hold secrets. Named after this process,
            // so that a later labrun can tell one left by a process that is gone.
            let dir = tempfile::Builder::new()
                .prefix(&format!("{ORPHAN_PREFIX}{}-", std::process::id()))
                .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
                .tempdir()
                .map_err(|error| format!("cannot make a folder for `$LABRUN_OUTPUT`: {error}"))?;
            self.outputs = Some(dir);
        }
        self.runs += 1;
        let dir = self
            .outputs
            .as_ref()
            .map(tempfile::TempDir::path)
            .ok_or("no output folder")?;
        Ok((
            dir.join(format!("{}.output", self.runs)),
            dir.join(format!("{}.state", self.runs)),
        ))
    }

    fn http(&mut self) -> Result<&HttpRunner, String> {
        if self.http.is_none() {
            self.http = Some(HttpRunner::new().map_err(|error| error.to_string())?);
        }
        self.http
            .as_ref()
            .ok_or_else(|| "no HTTP client".to_owned())
    }

    fn run_http(
        &mut self,
        block: &Block,
        context: &RunContext<'_>,
        progress: &mut dyn FnMut(RunProgress),
    ) -> BlockRun {
        let polling = block.attrs.interval.is_some() || block.attrs.retry.is_some();
        let default_budget = if block.role == Some(Role::Check) {
            CHECK_TIMEOUT
        } else {
            COMMAND_TIMEOUT
        };
        let limits = Limits {
            // Polling always has a budget: the block's `timeout=`, or the default for its role.
            budget: block.attrs.timeout.or(polling.then_some(default_budget)),
            retry: block
                .attrs
                .retry
                .unwrap_or(if block.attrs.interval.is_some() {
                    u32::MAX
                } else {
                    0
                }),
            interval: block.attrs.interval.unwrap_or(DEFAULT_INTERVAL),
            ..Limits::default()
        };
        match self.http() {
            Ok(http) => http.run(&block.http, context, &limits, progress),
            Err(reason) => failed(
                format!("cannot send HTTP requests: {reason}"),
                Evidence::default(),
            ),
        }
    }

    fn run_shell(
        &mut self,
        block: &Block,
        context: &RunContext<'_>,
        progress: &mut dyn FnMut(RunProgress),
    ) -> BlockRun {
        let script = if block.attrs.raw {
            block.code.clone()
        } else {
            match substitute(&block.code, context) {
                Ok(script) => script,
                Err(reason) => return failed(reason, Evidence::default()),
            }
        };
        let expect = match block
            .attrs
            .expect
            .as_deref()
            .map(|e| substitute(e, context))
            .transpose()
        {
            Ok(expect) => expect,
            Err(reason) => return failed(reason, Evidence::default()),
        };
        // Multi-line, so `^ready$` matches a line of the output, as a learner expects.
        let expect = match expect
            .as_deref()
            .map(|e| regex::RegexBuilder::new(e).multi_line(true).build())
            .transpose()
        {
            Ok(regex) => regex,
            Err(error) => {
                return failed(
                    format!("the `expect=` pattern is not a valid regex: {error}"),
                    Evidence::default(),
                );
            }
        };
        let polling = block.attrs.interval.is_some() || block.attrs.retry.is_some();
        let default_timeout = if block.role == Some(Role::Check) {
            CHECK_TIMEOUT
        } else {
            COMMAND_TIMEOUT
        };
        let budget = if block.attrs.interactive {
            block.attrs.timeout
        } else {
            Some(block.attrs.timeout.unwrap_or(default_timeout))
        };
        let max_attempts = match block.attrs.retry {
            Some(retry) => retry.saturating_add(1),
            None if polling => u32::MAX,
            None => 1,
        };
        let interval = block.attrs.interval.unwrap_or(DEFAULT_INTERVAL);
        // Learners see the output of what they run; checks and setup speak only when they fail.
        // Output that becomes a secret (`capture=` into a secret variable) is never shown.
        let captures_secret = block
            .attrs
            .capture
            .as_deref()
            .is_some_and(|name| context.secrets.is_secret_name(name));
        let visible =
            matches!(block.role, None | Some(Role::Run | Role::Solve)) && !captures_secret;
        let (output_file, state_file) = match self.run_files() {
            Ok(paths) => paths,
            Err(reason) => return failed(reason, Evidence::default()),
        };
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let remaining = budget.map(|budget| budget.saturating_sub(started.elapsed()));
            let command = ShellCommand {
                script: &script,
                shell: block.attrs.shell,
                cwd: context.cwd,
                env: context.env,
                env_remove: context.env_remove,
                timeout: remaining,
                interactive: block.attrs.interactive,
                output_file: Some(&output_file),
                state_file: Some(&state_file),
                interrupt: context.interrupt,
            };
            // A secret cut in two by a pause in the output is held back until it is whole.
            let mut masks = [context.secrets.stream(), context.secrets.stream()];
            let mut show = |stream: Stream, text: String| {
                if visible && !text.is_empty() {
                    progress(RunProgress::Output { stream, text });
                }
            };
            let mut on_output = |stream: Stream, text: &str| {
                let text = masks[stream as usize].push(text);
                show(stream, text);
            };
            let result = shell::run(&command, &mut on_output);
            for (mask, stream) in masks.iter_mut().zip([Stream::Stdout, Stream::Stderr]) {
                let text = mask.finish();
                show(stream, text);
            }
            let _ = std::fs::remove_file(&output_file);
            let _ = std::fs::remove_file(&state_file);
            let evidence = |exit_code| Evidence {
                exit_code,
                duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                attempts: attempt,
                ..Evidence::default()
            };
            let output = match result {
                Ok(output) => output,
                Err(error) => {
                    return failed(
                        context.secrets.mask(&error.to_string()).into_owned(),
                        evidence(None),
                    );
                }
            };
            let verdict = judge(block, &output, expect.as_ref(), budget);
            let evidence = evidence(output.termination.exit_code());
            if output.termination == Termination::Interrupted {
                return interrupted(evidence);
            }
            // A failed try of a polling block left its shell as it was: only the last counts.
            let shell_changes = output.changes.clone();
            match verdict {
                Ok(()) => {
                    let mut captures = output.outputs.clone();
                    if let Some(name) = &block.attrs.capture {
                        captures.push((name.clone(), output.stdout.trim().to_owned()));
                    }
                    return BlockRun {
                        outcome: Outcome::Passed { evidence },
                        captures,
                        interrupted: false,
                        shell: shell_changes,
                    };
                }
                Err(rejected) => {
                    let reason = context.secrets.mask(&rejected.reason).into_owned();
                    let headline = context.secrets.mask(&rejected.headline).into_owned();
                    let left = budget.map(|budget| budget.saturating_sub(started.elapsed()));
                    let out_of_time = left.is_some_and(|left| left <= interval);
                    if attempt >= max_attempts
                        || out_of_time
                        || output.termination == Termination::TimedOut
                    {
                        let reason = if attempt > 1 {
                            format!("{reason}\n(gave up after {attempt} tries)")
                        } else {
                            reason
                        };
                        return BlockRun {
                            outcome: Outcome::Failed {
                                reason,
                                headline,
                                evidence,
                            },
                            captures: Vec::new(),
                            interrupted: false,
                            shell: shell_changes,
                        };
                    }
                    progress(RunProgress::Waiting {
                        attempt,
                        remaining: left,
                        last: headline,
                    });
                    if !sleep(interval, context) {
                        return interrupted(evidence);
                    }
                }
            }
        }
    }
}

impl Executor for BlockRunner {
    fn run(
        &mut self,
        block: &Block,
        context: &RunContext<'_>,
        progress: &mut dyn FnMut(RunProgress),
    ) -> BlockRun {
        if block.is_http() && !block.http.is_empty() {
            self.run_http(block, context, progress)
        } else {
            self.run_shell(block, context, progress)
        }
    }

    fn open_shell(&mut self, context: &RunContext<'_>) -> Result<(), String> {
        let command = ShellCommand {
            script: "exec \"${SHELL:-sh}\" -i",
            env: context.env,
            env_remove: context.env_remove,
            interactive: true,
            ..ShellCommand::new("", context.cwd, context.interrupt)
        };
        shell::run(&command, &mut |_, _| {})
            .map(drop)
            .map_err(|error| error.to_string())
    }
}

/// Why one run of a shell block did not pass.
struct Rejected {
    /// In full, in the learner's words.
    reason: String,
    /// The one line of it for a status line (see [`Outcome::Failed`]).
    headline: String,
}

impl Rejected {
    /// A reason that is one line, or whose first line says it all.
    fn plain(reason: String) -> Self {
        let headline = super::outcome::first_line(&reason).to_owned();
        Self { reason, headline }
    }
}

/// Whether one run passed: the exit code, then `expect=`; else why not, in the learner's words.
fn judge(
    block: &Block,
    output: &shell::ShellOutput,
    expect: Option<&regex::Regex>,
    budget: Option<Duration>,
) -> Result<(), Rejected> {
    let expected_exit = block.attrs.exit.unwrap_or(0);
    let said = said(output);
    // What the command said after it, or nothing.
    let then_said = || {
        if said.is_empty() {
            String::new()
        } else {
            format!("\n{said}")
        }
    };
    match output.termination {
        Termination::Exited(code) if code == expected_exit => {}
        Termination::Exited(code) => {
            let what = format!("exit code {code}, expected {expected_exit}");
            // A check's last words say why it failed (`notes.txt is missing`); the exit
            // code says only that it did.
            let last_words = [&output.stderr, &output.stdout]
                .into_iter()
                .find_map(|text| text.lines().rev().find(|line| !line.trim().is_empty()));
            return Err(match last_words {
                Some(words) => Rejected {
                    headline: last_lines(words.trim()),
                    reason: format!("{said}\n({what})"),
                },
                None => Rejected::plain(what),
            });
        }
        Termination::TimedOut => {
            let limit = budget
                .map(|b| format!(" within {}s", b.as_secs()))
                .unwrap_or_default();
            return Err(Rejected::plain(format!(
                "did not finish{limit}; it was stopped{}",
                then_said()
            )));
        }
        other => return Err(Rejected::plain(format!("{other}{}", then_said()))),
    }
    if !output.output_errors.is_empty() {
        return Err(Rejected::plain(output.output_errors.join("\n")));
    }
    if let Some(regex) = expect
        && !regex.is_match(&output.stdout)
    {
        let shown = last_lines(output.stdout.trim_end());
        let shown = if shown.is_empty() {
            "(no output)".to_owned()
        } else {
            shown
        };
        let mismatch = format!("the output does not match `{}`", regex.as_str());
        return Err(Rejected {
            reason: format!("{mismatch}:\n{shown}"),
            headline: mismatch,
        });
    }
    Ok(())
}

fn said(output: &shell::ShellOutput) -> String {
    let parts: Vec<String> = [&output.stdout, &output.stderr]
        .into_iter()
        .map(|text| last_lines(text.trim_end()))
        .filter(|text| !text.is_empty())
        .collect();
    parts.join("\n")
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(REASON_LINES);
    let clipped: Vec<String> = lines[start..]
        .iter()
        .map(|line| match line.char_indices().nth(REASON_LINE_CHARS) {
            Some((end, _)) => {
                let more = line[end..].chars().count();
                format!("{} … ({more} more characters)", &line[..end])
            }
            None => (*line).to_owned(),
        })
        .collect();
    let mut shown = clipped.join("\n");
    if start > 0 {
        shown.insert_str(0, &format!("… ({start} lines before)\n"));
    }
    shown
}

/// `text` with every `{{NAME}}` replaced; a variable with no value yet is an error, so no
/// command ever runs with a literal `{{NAME}}` in it.
fn substitute(text: &str, context: &RunContext<'_>) -> Result<String, String> {
    let missing: Vec<&str> = template::references(text)
        .map(|(name, _)| name)
        .filter(|name| (context.vars)(name).is_none())
        .collect();
    if let Some(name) = missing.first() {
        return Err(format!(
            "the variable `{name}` has no value yet (an earlier step sets it, or pass `--var {name}=...`)"
        ));
    }
    Ok(template::substitute(text, |name| (context.vars)(name)).into_owned())
}

/// Ctrl-C cut the block short.
fn interrupted(evidence: Evidence) -> BlockRun {
    BlockRun {
        interrupted: true,
        ..failed("interrupted".into(), evidence)
    }
}

fn failed(reason: String, evidence: Evidence) -> BlockRun {
    BlockRun::failed(reason, evidence)
}

/// Waits, watching for Ctrl-C; false when interrupted.
fn sleep(duration: Duration, context: &RunContext<'_>) -> bool {
    let until = Instant::now() + duration;
    while Instant::now() < until {
        if context.interrupt.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(
            Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
        );
    }
    !context.interrupt.load(Ordering::SeqCst)
}

/// The start of the name of a runner's private folder: `labrun-PID-…`.
const ORPHAN_PREFIX: &str = "labrun-";

/// Removes the private folders of runners whose labrun is gone (killed with SIGKILL, or the
/// machine lost power): a `$LABRUN_OUTPUT` file left there may hold a secret. Only the
/// learner's own folders, and only when their process no longer exists.
fn remove_orphans(tmp: &std::path::Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    let uid = nix::unistd::getuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix(ORPHAN_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
            .filter(|&pid| pid > 0)
        else {
            continue;
        };
        let mine = entry
            .metadata()
            .is_ok_and(|meta| meta.is_dir() && meta.uid() == uid);
        let gone = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None)
            == Err(nix::errno::Errno::ESRCH);
        if mine && gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests;
