//! A small builder for running the `labrun` binary in a scratch folder.
//!
//! ```ignore
//! Test::new()
//!     .file("lesson.md", "# Title\n\n## Step\n")
//!     .args(["lint", "lesson.md"])
//!     .run()
//!     .status(0)
//!     .stdout_contains("1 lesson");
//! ```

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: String,
    env: Vec<(String, String)>,
    /// A run that takes longer is killed and fails the test (`None`: wait for ever).
    timeout: Option<Duration>,
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
    /// From the start of labrun to its exit.
    pub elapsed: Duration,
    /// The folder belongs to a `Test` still in use (`run_with`, `spawn`): not removed here.
    keep_dir: bool,
}

impl Test {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            stdin: String::new(),
            env: Vec::new(),
            timeout: None,
        }
    }

    /// Writes `contents` to `path` inside the test's folder, creating parent folders.
    pub fn file(self, path: &str, contents: &str) -> Self {
        let full = self.dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create parent folder");
        }
        std::fs::write(full, contents).expect("write test file");
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn stdin(mut self, stdin: &str) -> Self {
        self.stdin = stdin.to_owned();
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Kills a run of labrun that takes longer than `limit` and fails the test with its
    /// output so far: a hang becomes a failure instead of a stuck test run.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    fn command<S: AsRef<str>>(&self, args: &[S]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_labrun"));
        command
            .args(args.iter().map(AsRef::as_ref))
            .current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            // The developer's own settings never leak into a test.
            .env_remove("LABRUN_LEARNER")
            .env_remove("LABRUN_WORKSPACE")
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .env("LABRUN_PROGRESS_DIR", self.dir.path().join(".progress"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    pub fn run(self) -> Output {
        let running = Running::start(self.command(&self.args), self.dir.path());
        let mut output = running.finish_with(&self.stdin, self.timeout);
        // The folder now belongs to the output, which removes it when dropped.
        output.dir = self.dir.keep();
        output.keep_dir = false;
        output
    }

    /// Runs labrun with these arguments and this input (and the files and environment set so
    /// far), keeping the folder: a test can run labrun again in it, to resume, or to read
    /// `status`. Arguments and input given with `args` and `stdin` are not used.
    pub fn run_with<I, S>(&self, args: I, stdin: &str) -> Output
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        Running::start(self.command(&args), self.dir.path()).finish_with(stdin, self.timeout)
    }

    /// Starts labrun and leaves it running with its stdin open, to be fed line by line and
    /// watched (a session held open while another one tries the same log).
    pub fn spawn<I, S>(&self, args: I) -> Running
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        Running::start(self.command(&args), self.dir.path())
    }
}

/// A labrun process still running, its output collected as it comes.
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    started: Instant,
    dir: PathBuf,
}

impl Running {
    fn start(mut command: Command, dir: &Path) -> Self {
        let started = Instant::now();
        let mut child = command.spawn().expect("start labrun");
        let stdin = child.stdin.take();
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        if let Some(pipe) = child.stdout.take() {
            readers.push(collect(pipe, Arc::clone(&stdout)));
        }
        if let Some(pipe) = child.stderr.take() {
            readers.push(collect(pipe, Arc::clone(&stderr)));
        }
        Self {
            child,
            stdin,
            stdout,
            stderr,
            readers,
            started,
            dir: dir.to_path_buf(),
        }
    }

    /// labrun's process id, to signal it.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Types `text` (answers, each ending in a newline).
    pub fn write(&mut self, text: &str) {
        if let Some(stdin) = &mut self.stdin {
            stdin.write_all(text.as_bytes()).expect("write to labrun");
            stdin.flush().expect("flush labrun's input");
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until labrun has written `needle` to stderr; fails the test after `limit`.
    #[track_caller]
    pub fn wait_for_stderr(&mut self, needle: &str, limit: Duration) {
        let until = Instant::now() + limit;
        while !self.stderr().contains(needle) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "labrun exited ({status}) before writing {needle:?}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                Instant::now() < until,
                "labrun wrote no {needle:?} within {limit:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes stdin (end of input) and waits for labrun to exit, at most `limit`.
    pub fn finish(self, limit: Duration) -> Output {
        self.finish_with("", Some(limit))
    }

    fn finish_with(mut self, stdin: &str, limit: Option<Duration>) -> Output {
        // labrun may stop reading before the end (it quit): that is for the test to judge.
        if let Some(mut pipe) = self.stdin.take() {
            let _ = pipe.write_all(stdin.as_bytes());
        }
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for labrun") {
                break status;
            }
            if limit.is_some_and(|limit| self.started.elapsed() > limit) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                for reader in self.readers.drain(..) {
                    let _ = reader.join();
                }
                panic!(
                    "labrun did not finish within {limit:?}; killed\n--- stdout ---\n{}\n--- stderr ---\n{}",
                    self.stdout.lock().unwrap_or_else(PoisonError::into_inner),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let elapsed = self.started.elapsed();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        let stdout = self
            .stdout
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Output {
            status: status.code().unwrap_or(-1),
            stdout,
            stderr: self.stderr(),
            dir: self.dir.clone(),
            elapsed,
            keep_dir: true,
        }
    }
}

impl Drop for Running {
    /// A test that failed half-way leaves no labrun behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads a pipe to its end into `into`, on a thread of its own.
fn collect(mut pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        let mut bytes = Vec::new();
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buffer[..n]);
            *into.lock().unwrap_or_else(PoisonError::into_inner) =
                String::from_utf8_lossy(&bytes).into_owned();
        }
    })
}

impl Output {
    #[track_caller]
    pub fn status(self, expected: i32) -> Self {
        assert_eq!(
            self.status, expected,
            "exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_contains(self, needle: &str) -> Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stdout_lacks(self, needle: &str) -> Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_contains(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_lacks(self, needle: &str) -> Self {
        assert!(
            !self.stderr.contains(needle),
            "stderr has {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    /// `needle` occurs exactly `times` times in stderr.
    #[track_caller]
    pub fn stderr_count(self, needle: &str, times: usize) -> Self {
        let found = self.stderr.matches(needle).count();
        assert_eq!(
            found, times,
            "stderr has {needle:?} {found} times, not {times}:\n{}",
            self.stderr
        );
        self
    }

    /// labrun exited within `limit`.
    #[track_caller]
    pub fn finished_within(self, limit: Duration) -> Self {
        assert!(
            self.elapsed < limit,
            "labrun took {:?}, more than {limit:?}\n--- stderr ---\n{}",
            self.elapsed,
            self.stderr
        );
        self
    }

    /// Output with the test's temporary folder replaced by `[DIR]`, for snapshots.
    pub fn redacted_stdout(&self) -> String {
        self.stdout
            .replace(&self.dir.display().to_string(), "[DIR]")
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.keep_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Output {
    /// Stdout parsed as JSON, for `--format json` and `--json` output; a test fails with the
    /// whole output when it is not JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "stdout is not JSON ({error}):\n{}\n--- stderr ---\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// One HTTP/1.1 request to `address` (`HOST:PORT`), spoken by hand: the status and the body.
/// A server that answers and closes before reading the whole body (413) still gives its
/// answer; no answer at all is status 0.
pub fn http_request(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("set a read timeout");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let _ = stream.write_all(request.as_bytes());
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Real hurl 8.0, for the tests that compare labrun with it: `LABRUN_HURL`, else `hurl` on
/// PATH or in `~/.cargo/bin`. Without it `who` fails under CI (`.ci/run` installs it), and
/// elsewhere says so and goes on without hurl's opinion.
pub fn hurl(who: &str) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let candidates = std::env::var_os("LABRUN_HURL")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::iter::once(PathBuf::from("hurl")))
        .chain(std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin/hurl")));
    for candidate in candidates {
        let version = std::process::Command::new(&candidate)
            .arg("--version")
            .output();
        if let Ok(version) = version
            && String::from_utf8_lossy(&version.stdout).starts_with("hurl 8.0.")
        {
            return Some(candidate);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{who} needs hurl 8.0 (.ci/run installs it): apt-get install libxml2-dev \
         libcurl4-openssl-dev libclang-dev pkg-config && cargo install hurl@8.0.1 --locked"
    );
    eprintln!(
        "note: hurl 8.0 not found: {who} goes on without it (cargo install hurl@8.0.1 --locked)"
    );
    None
}
