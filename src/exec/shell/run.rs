//! Starting the shell, watching it, and ending it when it must end.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::ExitStatus;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use duct::unix::HandleExt;
use nix::sys::signal::Signal;

use crate::exec::Stream;

use super::command::{ShellCommand, on_path};
use super::error::ShellError;
use super::output::{ShellOutput, Termination};
use super::output_file::{self, OUTPUT_VAR};
use super::pipes::Pipes;
use super::process_group::ProcessGroup;
use super::session;
use super::state_file::{self, STATE_VAR};

/// How often the clock, the interrupt flag and the shell are looked at while waiting for
/// output; also how long a partial line waits before it is shown.
const TICK: Duration = Duration::from_millis(20);
/// How often an interactive shell is looked at.
const INTERACTIVE_TICK: Duration = Duration::from_millis(10);
/// Between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_millis(500);
/// The longest time spent reading output after the shell exited, when background jobs keep
/// writing to its pipes.
const DRAIN: Duration = Duration::from_millis(100);
/// How long to wait for a SIGKILLed shell to be reaped before giving up on it.
const REAP: Duration = Duration::from_secs(5);

/// Runs the command; `on_output` receives its output as it arrives (whole lines where
/// possible), on the calling thread. See the [module docs](super) for the behaviour.
pub fn run(
    command: &ShellCommand,
    on_output: &mut dyn FnMut(Stream, &str),
) -> Result<ShellOutput, ShellError> {
    check(command)?;
    if command.interrupt.load(Ordering::SeqCst) {
        return Ok(ShellOutput::nothing(Termination::Interrupted));
    }
    // Absolute, since the command runs elsewhere than labrun.
    let output_file = match command.output_file {
        Some(path) => Some(output_file::prepare(path)?),
        None => None,
    };
    let state_file = match command.state_file {
        Some(path) => Some(state_file::prepare(path)?),
        None => None,
    };
    let program = command.program();
    let script = match state_file {
        Some(_) => std::borrow::Cow::Owned(format!("{}{}", state_file::PRELUDE, command.script)),
        None => std::borrow::Cow::Borrowed(command.script),
    };
    // A command without the terminal runs in a session of its own (see `session`).
    let setsid = match session::program() {
        Some(setsid) if !command.interactive => {
            // `setsid` would only say that it could not start the shell, too late to say
            // which one is missing.
            let path = command.search_path();
            if !path.is_some_and(|path| on_path(program, &path)) {
                return Err(ShellError::Spawn {
                    shell: program,
                    cause: io::Error::from_raw_os_error(nix::libc::ENOENT),
                });
            }
            Some(setsid)
        }
        _ => None,
    };
    let expression = expression(
        command,
        &script,
        program,
        setsid,
        output_file.as_deref(),
        state_file.as_deref(),
    );
    let started = Instant::now();
    let deadline = command
        .timeout
        .and_then(|timeout| started.checked_add(timeout));
    let (termination, stdout, stderr, truncated) = if command.interactive {
        let termination = run_interactive(command, &expression, program, deadline)?;
        (termination, String::new(), String::new(), false)
    } else {
        let own_session = setsid.is_some();
        let (termination, pipes) = run_captured(
            command,
            &expression,
            program,
            own_session,
            deadline,
            on_output,
        )?;
        let (stdout, stderr, truncated) = pipes.finish(on_output);
        (termination, stdout, stderr, truncated)
    };
    let duration = started.elapsed();
    let (outputs, output_errors) = output_file
        .as_deref()
        .map(output_file::read)
        .unwrap_or_default();
    let changes = state_file
        .as_deref()
        .and_then(|path| state_file::read(path, &given_env(command)));
    Ok(ShellOutput {
        termination,
        stdout,
        stderr,
        truncated,
        outputs,
        output_errors,
        changes,
        duration,
    })
}

/// What would make the start fail with a confusing message, or not at all.
fn check(command: &ShellCommand) -> Result<(), ShellError> {
    match std::fs::metadata(command.cwd) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(ShellError::Workspace {
                path: command.cwd.to_owned(),
                cause: io::Error::from_raw_os_error(nix::libc::ENOTDIR),
            });
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(ShellError::WorkspaceMissing {
                path: command.cwd.to_owned(),
            });
        }
        Err(cause) => {
            return Err(ShellError::Workspace {
                path: command.cwd.to_owned(),
                cause,
            });
        }
    }
    if command.script.contains('\0') {
        return Err(ShellError::NulInScript);
    }
    for (name, value) in command.env {
        let reason = if name.is_empty() {
            "its name is empty"
        } else if name.contains('=') {
            "its name contains `=`"
        } else if name.contains('\0') {
            "its name contains a NUL byte"
        } else if value.contains('\0') {
            "its value contains a NUL byte"
        } else {
            continue;
        };
        return Err(ShellError::Variable {
            name: name.clone(),
            reason,
        });
    }
    Ok(())
}

/// The shell running `script`; through `setsid` when given.
fn expression(
    command: &ShellCommand,
    script: &str,
    program: &'static str,
    setsid: Option<&Path>,
    output_file: Option<&Path>,
    state_file: Option<&Path>,
) -> duct::Expression {
    let expression = match setsid {
        Some(setsid) => duct::cmd(setsid, [program, "-c", script]),
        None => duct::cmd(program, ["-c", script]),
    };
    let expression = match state_file {
        Some(path) => expression.env(STATE_VAR, path),
        None => expression.env_remove(STATE_VAR),
    };
    // duct applies the innermost (first added) setting last, so it wins: `LABRUN_OUTPUT`
    // first, as it is labrun's own; then the variables from last to first, so a later one
    // wins as documented.
    let mut expression = match output_file {
        Some(path) => expression.env(OUTPUT_VAR, path),
        None => expression.env_remove(OUTPUT_VAR),
    };
    for (name, value) in command.env.iter().rev() {
        expression = expression.env(name, value);
    }
    // Outermost, so applied first: a variable both removed and given is given.
    for name in command.env_remove {
        expression = expression.env_remove(name);
    }
    expression.dir(command.cwd).unchecked()
}

/// The environment the command started with, as the state file is compared with it.
fn given_env(command: &ShellCommand) -> BTreeMap<OsString, OsString> {
    let mut env: BTreeMap<OsString, OsString> = std::env::vars_os().collect();
    for name in command.env_remove {
        env.remove(std::ffi::OsStr::new(name));
    }
    for (name, value) in command.env {
        env.insert(name.into(), value.into());
    }
    env
}

/// Runs the command with its output read through pipes. In a session of its own (started
/// by `setsid`) it leads its group already; else it is made to lead a new group, so that
/// ending it ends everything it started.
fn run_captured(
    command: &ShellCommand,
    expression: &duct::Expression,
    program: &'static str,
    own_session: bool,
    deadline: Option<Instant>,
    on_output: &mut dyn FnMut(Stream, &str),
) -> Result<(Termination, Pipes), ShellError> {
    let (stdout, stdout_writer) = os_pipe::pipe().map_err(|cause| ShellError::Pipe { cause })?;
    let (stderr, stderr_writer) = os_pipe::pipe().map_err(|cause| ShellError::Pipe { cause })?;
    // The expressions built here own labrun's copies of the write ends and are dropped at the
    // end of the statement: from then on only the command's processes hold them.
    let handle = expression
        .stdin_null()
        .stdout_file(stdout_writer)
        .stderr_file(stderr_writer)
        .before_spawn(move |process| {
            // `setsid` would fork if it led a group already, and its child would escape.
            if !own_session {
                process.process_group(0);
            }
            Ok(())
        })
        .start()
        .map_err(|cause| ShellError::Spawn {
            shell: program,
            cause,
        })?;
    let mut group = handle
        .pids()
        .first()
        .and_then(|&leader| ProcessGroup::led_by(leader))
        .ok_or_else(|| ShellError::Wait {
            cause: io::Error::other("the shell has no process id"),
        })?;
    let mut pipes = Pipes::new(stdout, stderr);
    let termination = loop {
        // Checked before the exit: a learner who pressed Ctrl-C as the command ended still
        // meant to stop.
        if command.interrupt.load(Ordering::SeqCst) {
            end_group(&mut group, &handle, &mut pipes, on_output)?;
            break Termination::Interrupted;
        }
        if let Some(output) = handle.try_wait().map_err(wait_error)? {
            group.release();
            break termination_of(output.status);
        }
        let now = Instant::now();
        if deadline.is_some_and(|deadline| now >= deadline) {
            end_group(&mut group, &handle, &mut pipes, on_output)?;
            break Termination::TimedOut;
        }
        let wait = deadline.map_or(TICK, |deadline| {
            deadline.saturating_duration_since(now).min(TICK)
        });
        pipes.pump(wait, on_output)?;
    };
    pipes.drain(DRAIN, on_output)?;
    Ok((termination, pipes))
}

/// SIGTERM to the whole group, then SIGKILL to whatever is left after [`GRACE`].
fn end_group(
    group: &mut ProcessGroup,
    handle: &duct::Handle,
    pipes: &mut Pipes,
    on_output: &mut dyn FnMut(Stream, &str),
) -> Result<(), ShellError> {
    group.signal(Signal::SIGTERM);
    // A process stopped by SIGTTIN (it tried to read the terminal from its background
    // group) acts on SIGTERM only once continued.
    group.signal(Signal::SIGCONT);
    let grace_end = Instant::now() + GRACE;
    loop {
        // Reap the shell first: until then it counts as a member of the group.
        let shell_gone = handle.try_wait().map_err(wait_error)?.is_some();
        if shell_gone && !group.is_alive() {
            break;
        }
        let now = Instant::now();
        if now >= grace_end {
            group.signal(Signal::SIGKILL);
            break;
        }
        // Keep reading: what a `trap` prints on its way out is worth showing.
        pipes.pump(
            grace_end.saturating_duration_since(now).min(TICK),
            on_output,
        )?;
    }
    group.release();
    reap(handle)
}

fn run_interactive(
    command: &ShellCommand,
    expression: &duct::Expression,
    program: &'static str,
    deadline: Option<Instant>,
) -> Result<Termination, ShellError> {
    // Whatever the command does to the terminal (raw mode, no echo), the learner gets it
    // back as it was.
    let _terminal = session::SavedTerminal::save();
    let handle = expression.start().map_err(|cause| ShellError::Spawn {
        shell: program,
        cause,
    })?;
    loop {
        if command.interrupt.load(Ordering::SeqCst) {
            end_shell(&handle)?;
            return Ok(Termination::Interrupted);
        }
        if let Some(output) = handle.try_wait().map_err(wait_error)? {
            return Ok(termination_of(output.status));
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            end_shell(&handle)?;
            return Ok(Termination::TimedOut);
        }
        thread::sleep(INTERACTIVE_TICK);
    }
}

/// SIGTERM to an interactive shell, then SIGKILL. It shares labrun's process group, so
/// only the shell itself can be signalled.
fn end_shell(handle: &duct::Handle) -> Result<(), ShellError> {
    // Through duct, which never signals a process it has already reaped (whose id may have
    // been reused). An error means it is gone already.
    let _ = handle.send_signal(Signal::SIGTERM as i32);
    let grace_end = Instant::now() + GRACE;
    while Instant::now() < grace_end {
        if handle.try_wait().map_err(wait_error)?.is_some() {
            return Ok(());
        }
        thread::sleep(INTERACTIVE_TICK);
    }
    let _ = handle.send_signal(Signal::SIGKILL as i32);
    reap(handle)
}

/// Waits for a killed shell. One stuck in the kernel is given up on after [`REAP`]; duct
/// reaps it later.
fn reap(handle: &duct::Handle) -> Result<(), ShellError> {
    let end = Instant::now() + REAP;
    while handle.try_wait().map_err(wait_error)?.is_none() && Instant::now() < end {
        thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

fn termination_of(status: ExitStatus) -> Termination {
    match (status.code(), status.signal()) {
        (Some(code), _) => Termination::Exited(code),
        (None, Some(signal)) => Termination::Signaled(signal),
        // Neither exited nor signalled: only a stopped process is, and `wait` does not
        // report those unless asked to.
        (None, None) => Termination::Signaled(0),
    }
}

fn wait_error(cause: io::Error) -> ShellError {
    ShellError::Wait { cause }
}
