//! The command's stdout and stderr pipes, read on the calling thread (with `poll`) so the
//! live callback needs no `Send` and reading can stop the moment the shell exits.

use std::io::{self, Read};
use std::os::fd::AsFd;
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use os_pipe::PipeReader;

use crate::exec::Stream;

use super::capture::Capture;
use super::error::ShellError;

/// Read size: a pipe's whole default buffer.
const CHUNK: usize = 64 * 1024;

/// How long to sleep when both pipes are closed but the shell runs on (`exec >&-`): short, so
/// its exit is noticed at once.
const CLOSED_NAP: Duration = Duration::from_millis(5);

pub(super) struct Pipes {
    pipes: [Pipe; 2],
    buffer: Vec<u8>,
}

struct Pipe {
    stream: Stream,
    /// `None` once the pipe has ended.
    reader: Option<PipeReader>,
    capture: Capture,
}

impl Pipe {
    fn new(stream: Stream, reader: PipeReader) -> Self {
        Self {
            stream,
            reader: Some(reader),
            capture: Capture::default(),
        }
    }
}

impl Pipes {
    pub(super) fn new(stdout: PipeReader, stderr: PipeReader) -> Self {
        Self {
            pipes: [
                Pipe::new(Stream::Stdout, stdout),
                Pipe::new(Stream::Stderr, stderr),
            ],
            buffer: vec![0; CHUNK],
        }
    }

    /// Waits up to `wait` for output, then reads one chunk from each pipe that has some, so
    /// the caller gets back to its clock even under a flood. Returns whether anything was
    /// read (an end of pipe included). A quiet wait shows held-back partial lines.
    pub(super) fn pump(
        &mut self,
        wait: Duration,
        on_output: &mut dyn FnMut(Stream, &str),
    ) -> Result<bool, ShellError> {
        let mut fds = Vec::with_capacity(2);
        let mut open = Vec::with_capacity(2);
        for (index, pipe) in self.pipes.iter().enumerate() {
            if let Some(reader) = &pipe.reader {
                fds.push(PollFd::new(reader.as_fd(), PollFlags::POLLIN));
                open.push(index);
            }
        }
        if fds.is_empty() {
            thread::sleep(wait.min(CLOSED_NAP));
            return Ok(false);
        }
        let timeout = PollTimeout::from(u16::try_from(wait.as_millis()).unwrap_or(u16::MAX));
        let ready = match poll(&mut fds, timeout) {
            Ok(ready) => ready,
            // A signal (labrun's Ctrl-C handler): the caller looks at the flag.
            Err(Errno::EINTR) => 0,
            Err(errno) => {
                return Err(ShellError::Read {
                    cause: errno.into(),
                });
            }
        };
        // Anything set (data, hang-up, error) means a read will not block.
        let ready: Vec<usize> = open
            .into_iter()
            .zip(&fds)
            .filter(|(_, fd)| ready > 0 && fd.any().unwrap_or(true))
            .map(|(index, _)| index)
            .collect();
        drop(fds);
        if ready.is_empty() {
            for pipe in &mut self.pipes {
                if let Some(text) = pipe.capture.flush() {
                    on_output(pipe.stream, &text);
                }
            }
            return Ok(false);
        }
        for index in ready {
            self.read_once(index, on_output)?;
        }
        Ok(true)
    }

    /// After the shell exited: reads what it left in the pipes, which is all there already.
    /// Stops when nothing more is waiting, or after `budget` if a background job keeps
    /// writing.
    pub(super) fn drain(
        &mut self,
        budget: Duration,
        on_output: &mut dyn FnMut(Stream, &str),
    ) -> Result<(), ShellError> {
        let end = Instant::now() + budget;
        while self.pipes.iter().any(|pipe| pipe.reader.is_some()) && Instant::now() < end {
            if !self.pump(Duration::ZERO, on_output)? {
                break;
            }
        }
        Ok(())
    }

    /// Stops reading: shows what was held back, and hands a pipe that a background job still
    /// holds open to a thread that discards what comes until the job closes it, so the job
    /// neither blocks on a full pipe nor dies of SIGPIPE. Returns the kept stdout and stderr,
    /// and whether either was cut.
    pub(super) fn finish(self, on_output: &mut dyn FnMut(Stream, &str)) -> (String, String, bool) {
        let [stdout, stderr] = self.pipes.map(|mut pipe| {
            if let Some(text) = pipe.capture.flush_all() {
                on_output(pipe.stream, &text);
            }
            if let Some(reader) = pipe.reader {
                discard_in_background(reader);
            }
            pipe.capture.into_text()
        });
        (stdout.0, stderr.0, stdout.1 || stderr.1)
    }

    fn read_once(
        &mut self,
        index: usize,
        on_output: &mut dyn FnMut(Stream, &str),
    ) -> Result<(), ShellError> {
        let Self { pipes, buffer } = self;
        let pipe = &mut pipes[index];
        let Some(reader) = pipe.reader.as_mut() else {
            return Ok(());
        };
        let shown = match reader.read(buffer) {
            Ok(0) => {
                pipe.reader = None;
                pipe.capture.flush_all()
            }
            Ok(read) => pipe.capture.push(&buffer[..read]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => None,
            Err(cause) => return Err(ShellError::Read { cause }),
        };
        if let Some(text) = shown {
            on_output(pipe.stream, &text);
        }
        Ok(())
    }
}

fn discard_in_background(mut reader: PipeReader) {
    let spawned = thread::Builder::new()
        .name("labrun-discard".to_owned())
        .spawn(move || {
            let _ = io::copy(&mut reader, &mut io::sink());
        });
    // Without a thread the reader is closed here, and a background job that writes later
    // gets SIGPIPE, as when the terminal it wrote to is gone. Not worth failing a run over.
    drop(spawned);
}
