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

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: String,
    env: Vec<(String, String)>,
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
}

impl Test {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            stdin: String::new(),
            env: Vec::new(),
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

    pub fn run(self) -> Output {
        use std::io::Write;
        let mut command = Command::new(env!("CARGO_BIN_EXE_labrun"));
        command
            .args(&self.args)
            .current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env("LABRUN_PROGRESS_DIR", self.dir.path().join(".progress"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start labrun");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(self.stdin.as_bytes());
        }
        let output = child.wait_with_output().expect("wait for labrun");
        let dir = self.dir.keep();
        Output {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            dir,
        }
    }
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

    /// Output with the test's temporary folder replaced by `[DIR]`, for snapshots.
    pub fn redacted_stdout(&self) -> String {
        self.stdout
            .replace(&self.dir.display().to_string(), "[DIR]")
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
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
