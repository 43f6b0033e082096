//! The lessons that ship, run offline: the IKS security lab (`lessons/iks-security`) against
//! the test bed of `tests/iks/` (a stateful stub of the IBM Cloud APIs on 127.0.0.1, and
//! stand-in `ibmcloud`, `docker`, `kubectl` and `calicoctl` first on `PATH`), and the
//! instructors' lesson (`lessons/write-a-lesson.md`) with the built labrun on `PATH`.
//!
//! | module | what it proves |
//! | --- | --- |
//! | `lab_test` | `labrun test` passes every step of the lab, and the solutions changed the stub |
//! | `walk` | each check of the lab fails while its state is missing and passes once it is there |
//! | `learner` | a learner's plain-mode run of part 2, as a transcript and as `labrun status` |
//! | `test_bed` | the stub refuses what the real APIs refuse (token, `Account`), so checks can fail |
//! | `write_a_lesson` | the instructors' lesson passes `labrun test`, and each of its checks can fail |
//!
//! Needs `python3` (standard library only) and `bash`; nothing beyond 127.0.0.1.

mod lab_test;
mod learner;
mod test_bed;
mod walk;
mod write_a_lesson;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::harness::{Output, Test};

/// No run of labrun here may take longer: a hang fails the test instead of stalling the suite.
const HANG: Duration = Duration::from_secs(90);

/// The learner every session and check runs as.
const LEARNER: &str = "ada";

/// The API key the stub's IAM accepts.
const API_KEY: &str = "test-api-key";

/// The stub's account.
const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

/// The answers a learner gives to the lab's prompts.
const ANSWERS: &[(&str, &str)] = &[
    ("account_id", ACCOUNT),
    ("region", "us-south"),
    ("registry", "us.icr.io"),
    ("namespace", "birds"),
    ("image", "bluebird"),
    ("cluster", "mycluster"),
    ("signer_email", "lab-signer@example.com"),
    ("signer", "ci-pipeline@example.com"),
    ("signing_passphrase", "correct-horse-battery"),
];

/// The variables whose default is IBM Cloud's address: all pointed at the stub.
const BASE_URLS: &[&str] = &[
    "iam_url",
    "registry_url",
    "va_url",
    "kp_url",
    "containers_url",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lab_lesson() -> String {
    repo().join("lessons/iks-security").display().to_string()
}

/// The interpreter behind `python3`, resolved once: a version manager's shim costs a tenth
/// of a second a call, and the stand-ins are called hundreds of times.
fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let output = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("the IKS test bed needs python3 on PATH");
        let path = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if path.is_empty() {
            "python3".into()
        } else {
            path
        }
    })
}

/// `tests/iks/stub.py`, started on a free port of 127.0.0.1 and stopped when dropped.
pub struct Stub {
    child: Child,
    url: String,
    /// Kept open: the stub would fail writing to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Stub {
    pub fn start() -> Self {
        Self::with(&[])
    }

    /// With `stub.py` options, such as `["--kms-polls", "3"]`.
    pub fn with(options: &[&str]) -> Self {
        let mut child = Command::new(python())
            .arg(repo().join("tests/iks/stub.py"))
            .args(["--port", "0"])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tests/iks/stub.py");
        let mut stdout = BufReader::new(child.stdout.take().expect("the stub's stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("read the stub's first line");
        let url = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|url| url.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("the stub did not say where it listens: {line:?}"))
            .to_owned();
        Self {
            child,
            url,
            _stdout: stdout,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One HTTP/1.1 request: the status and the body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        crate::harness::http_request(
            self.url.trim_start_matches("http://"),
            method,
            path,
            headers,
            body,
        )
    }

    /// What the stub holds now (`GET /_stub/state`).
    pub fn state(&self) -> serde_json::Value {
        let (status, body) = self.request("GET", "/_stub/state", &[], "");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("the stub's state is JSON")
    }

    /// The IAM token the stub issues for [`API_KEY`].
    pub fn token(&self) -> String {
        self.state()["token"].as_str().expect("a token").to_owned()
    }

    /// Changes how long slow operations stay pending (`scan_polls`, `kms_polls`,
    /// `portieris_polls`), as a JSON object.
    pub fn configure(&self, settings: &str) {
        let (status, body) = self.request("POST", "/_stub/config", &[], settings);
        assert_eq!(status, 200, "configure the stub with {settings}: {body}");
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A learner's machine wired to a fresh stub: the stand-ins first on `PATH`, `HOME` inside
/// the test's folder (for `~/.docker`, `~/.kube`, `~/.bluemix`), and the API key in
/// `IBMCLOUD_API_KEY`. Settings of the developer's own tools are blanked out.
pub struct Lab {
    pub test: Test,
    pub stub: Stub,
}

impl Lab {
    pub fn new() -> Self {
        Self::with(Stub::start())
    }

    pub fn with(stub: Stub) -> Self {
        let test = Test::new()
            .file("home/.keep", "")
            .file("workspace/.keep", "");
        let home = test.path().join("home");
        let workspace = test.path().join("workspace");
        let bin = repo().join("tests/iks/bin");
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut test = test
            .env("PATH", &path)
            .env("HOME", &home.display().to_string())
            .env("IKS_STUB_URL", stub.url())
            .env("IKS_PYTHON", python())
            .env("IBMCLOUD_API_KEY", API_KEY)
            .env("LABRUN_LEARNER", LEARNER)
            .env("LABRUN_WORKSPACE", &workspace.display().to_string())
            .timeout(HANG);
        for blank in [
            "KUBECONFIG",
            "DOCKER_CONFIG",
            "DOCKER_CONTENT_TRUST",
            "DOCKER_CONTENT_TRUST_SERVER",
            "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE",
            "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE",
            "DATASTORE_TYPE",
            "CALICO_DATASTORE_TYPE",
        ] {
            test = test.env(blank, "");
        }
        Self { test, stub }
    }

    pub fn home(&self) -> PathBuf {
        self.test.path().join("home")
    }

    /// The lab's workspace (`LABRUN_WORKSPACE`), where sessions and checks run commands.
    pub fn workspace(&self) -> PathBuf {
        self.test.path().join("workspace")
    }

    /// `--var` for every answer and base URL, and `iam_token` when `token` (a REST check in a
    /// new session needs it: labrun keeps no secret between sessions).
    pub fn vars(&self, token: bool) -> Vec<String> {
        let mut args = Vec::new();
        for (name, value) in ANSWERS {
            args.push("--var".to_owned());
            args.push(format!("{name}={value}"));
        }
        for name in BASE_URLS {
            args.push("--var".to_owned());
            args.push(format!("{name}={}", self.stub.url()));
        }
        if token {
            args.push("--var".to_owned());
            args.push(format!("iam_token={}", self.stub.token()));
        }
        args
    }

    /// The same as a `--vars-file` for `labrun test`, written into the test's folder.
    pub fn vars_file(&self) -> String {
        let mut text = String::new();
        for (name, value) in ANSWERS {
            text.push_str(&format!("{name}={value}\n"));
        }
        for name in BASE_URLS {
            text.push_str(&format!("{name}={}\n", self.stub.url()));
        }
        let path = self.test.path().join("lab.env");
        std::fs::write(&path, text).expect("write the vars file");
        path.display().to_string()
    }

    /// Runs labrun with `args` and `stdin` in the test's folder.
    pub fn labrun(&self, args: &[String], stdin: &str) -> Output {
        self.test.run_with(args.iter().cloned(), stdin)
    }

    /// `labrun check LAB --step STEP` with every variable, and `extra` arguments after them
    /// (a later `--var` wins).
    pub fn check(&self, step: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "check".to_owned(),
            "--yes".to_owned(),
            lab_lesson(),
            "--step".into(),
            step.into(),
        ];
        args.extend(self.vars(true));
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        self.labrun(&args, "")
    }

    /// `labrun start LAB --step STEP --plain --yes` with every variable, answering `stdin`.
    pub fn start_at(&self, step: &str, stdin: &str) -> Output {
        self.labrun(&self.start_args(step, true), stdin)
    }

    fn start_args(&self, step: &str, yes: bool) -> Vec<String> {
        let mut args = vec![
            "start".to_owned(),
            lab_lesson(),
            "--step".into(),
            step.into(),
            "--plain".into(),
        ];
        if yes {
            args.push("--yes".into());
        }
        args.extend(self.vars(true));
        args
    }

    /// `labrun status LAB --json`: the learner's steps, by id.
    pub fn statuses(&self) -> Vec<(String, String)> {
        let output = self.labrun(&["status".to_owned(), lab_lesson(), "--json".into()], "");
        let json = output.json();
        json[0]["steps"]
            .as_array()
            .expect("status --json lists the steps")
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or_default().to_owned(),
                    s["status"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// Runs a bash script as the learner would, in the workspace, with the stand-ins: to put
    /// the cloud in a state directly. Fails the test when the script fails.
    #[track_caller]
    pub fn sh(&self, script: &str) -> String {
        let workspace = self.workspace();
        std::fs::create_dir_all(&workspace).expect("create the workspace");
        let output = self.shell(script, &workspace);
        assert!(
            output.status.success(),
            "the script failed:\n{script}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn shell(&self, script: &str, cwd: &Path) -> std::process::Output {
        let bin = repo().join("tests/iks/bin");
        Command::new("bash")
            .args(["-c", script])
            .current_dir(cwd)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("HOME", self.home())
            .env("IKS_STUB_URL", self.stub.url())
            .env("IKS_PYTHON", python())
            .env("IBMCLOUD_API_KEY", API_KEY)
            .env("KUBECONFIG", "")
            .env("DOCKER_CONFIG", "")
            .env(
                "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE",
                "correct-horse-battery",
            )
            .env(
                "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE",
                "correct-horse-battery",
            )
            .stdin(Stdio::null())
            .output()
            .expect("run bash")
    }
}

/// Part 1 done by hand, as a learner would before part 2: logged in, Docker logged in to the
/// registry, the namespace made and the sample image pushed.
const PART_1: &str = r#"
set -e
ibmcloud login --apikey "$IBMCLOUD_API_KEY" -r us-south
ibmcloud cr region-set us-south
ibmcloud cr login
ibmcloud cr namespace-add birds
printf 'FROM debian:13\nRUN apt-get update && apt-get install -y libsodium23=1.0.18-1\n' > Dockerfile
docker build -t us.icr.io/birds/bluebird:1 .
docker push us.icr.io/birds/bluebird:1
"#;
