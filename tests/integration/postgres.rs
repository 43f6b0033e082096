//! A throwaway PostgreSQL for the tests that run on it: a cluster of its own (`initdb` and
//! `pg_ctl` on a temporary folder and a free port), stopped and removed when dropped.
//!
//! PostgreSQL comes from the machine (Debian's `postgresql` package, which `.ci/run`
//! installs). Without it the tests that need it fail under CI, and say what to install
//! elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) struct Postgres {
    pub url: String,
    data: PathBuf,
    bin: PathBuf,
    user: Option<&'static str>,
    _dir: tempfile::TempDir,
}

/// Where `initdb` and `pg_ctl` are: on PATH, or in Debian's versioned folder.
fn binaries() -> Option<PathBuf> {
    if let Ok(output) = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        && output.status.success()
    {
        let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        let real = std::fs::canonicalize(&path).unwrap_or(path);
        return real.parent().map(Path::to_path_buf);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

impl Postgres {
    /// A fresh cluster, or `None` (with a note) on a machine without PostgreSQL outside CI.
    pub(crate) fn start() -> Option<Self> {
        let Some(bin) = binaries() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL is not installed: CI must run the PostgreSQL tests (apt-get install postgresql)"
            );
            eprintln!("note: PostgreSQL is not installed (apt-get install postgresql): skipped");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        // PostgreSQL refuses to run as root: as root, it runs as the package's user.
        let root = nix_is_root();
        let user = root.then_some("postgres");
        if root {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres", &dir.path().display().to_string()])
                .status()
                .unwrap();
            assert!(status.success(), "chown to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let run = |program: &str, args: &[&str]| {
            let mut command = match user {
                Some(user) => {
                    let mut command = Command::new("runuser");
                    command.args(["-u", user, "--"]).arg(bin.join(program));
                    command
                }
                None => Command::new(bin.join(program)),
            };
            let output = command.args(args).output().expect("run a PostgreSQL tool");
            assert!(
                output.status.success(),
                "{program}: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        };
        let data_text = data.display().to_string();
        run(
            "initdb",
            &[
                "-D",
                &data_text,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.path().display()
        );
        let log = dir.path().join("log").display().to_string();
        run(
            "pg_ctl",
            &["-D", &data_text, "-o", &options, "-l", &log, "-w", "start"],
        );
        Some(Self {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            data,
            bin,
            user,
            _dir: dir,
        })
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        let mut command = match self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command
                    .args(["-u", user, "--"])
                    .arg(self.bin.join("pg_ctl"));
                command
            }
            None => Command::new(self.bin.join("pg_ctl")),
        };
        let _ = command
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
    }
}

fn nix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}
