//! `labrun serve` and its clients, end to end: real learner sessions sending to a real
//! server on 127.0.0.1 with its embedded SQLite database, and the HTTP API spoken by hand
//! where a test needs a request labrun itself would never send.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::Test;

pub(crate) const INSTRUCTOR: &str = "instructor-secret";
pub(crate) const CODE: &str = "class-code";

/// The database a test's servers use.
pub(crate) enum Database {
    Sqlite(tempfile::TempDir),
    Postgres(crate::postgres::Postgres),
}

impl Database {
    pub(crate) fn sqlite() -> Rc<Self> {
        Rc::new(Self::Sqlite(tempfile::tempdir().unwrap()))
    }

    /// `None` on a machine without PostgreSQL, outside CI.
    pub(crate) fn postgres() -> Option<Rc<Self>> {
        crate::postgres::Postgres::start().map(|pg| Rc::new(Self::Postgres(pg)))
    }

    pub(crate) fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}", dir.path().join("class.sqlite").display()),
            Self::Postgres(pg) => pg.url.clone(),
        }
    }
}

/// Each test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(super::Database::sqlite());
                }

                #[test]
                fn postgres() {
                    if let Some(database) = super::Database::postgres() {
                        super::$name(database);
                    }
                }
            }
        )*
    };
}

on_both!(
    two_learners_sessions_arrive_live_and_the_servers_report_is_the_files_report,
    a_session_with_the_server_down_ends_as_offline_and_sync_sends_it_late,
    tokens_are_checked_and_a_bad_batch_is_refused_whole,
    a_line_edited_and_sent_again_or_forged_breaks_the_chain_on_the_server,
    collected_logs_imported_give_the_report_of_the_files,
    the_server_keeps_its_class_across_a_restart,
);

/// A `labrun serve` for one test, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    pub url: String,
    pub address: String,
    database: Rc<Database>,
    /// What it printed on stdout after its first line, and on stderr, so far.
    stdout: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start() -> Self {
        Self::on(Database::sqlite())
    }

    /// A server on `database` (which another server may share), on a free port.
    pub(crate) fn on(database: Rc<Database>) -> Self {
        Self::listening(database, "127.0.0.1:0")
    }

    fn listening(database: Rc<Database>, listen: &str) -> Self {
        Self::with_args(database, listen, &[])
    }

    /// A server given more arguments.
    pub(crate) fn with_args(database: Rc<Database>, listen: &str, more: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_labrun"))
            .args(["serve", "--listen", listen, "--database", &database.url()])
            .args(more)
            .env("LABRUN_INSTRUCTOR_TOKEN", INSTRUCTOR)
            .env("LABRUN_CLASS_CODE", CODE)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start labrun serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                panic!("first line {first:?}, stderr {stderr}")
            })
            .to_owned();
        // Keep reading its output, so the server never blocks on a full pipe.
        let keep = |lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
                    from: Box<dyn BufRead + Send>| {
            std::thread::spawn(move || {
                for line in from.lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        };
        let printed = std::sync::Arc::default();
        keep(std::sync::Arc::clone(&printed), Box::new(stdout));
        let errors = std::sync::Arc::default();
        keep(
            std::sync::Arc::clone(&errors),
            Box::new(BufReader::new(child.stderr.take().unwrap())),
        );
        let address = url.trim_start_matches("http://").to_owned();
        Self {
            child,
            url,
            address,
            database,
            stdout: printed,
            stderr: errors,
        }
    }

    /// The line of stdout that starts with `prefix`, waiting a while for it.
    pub(crate) fn printed(&self, prefix: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self
                .stdout
                .lock()
                .unwrap()
                .iter()
                .find(|line| line.starts_with(prefix))
            {
                return line.clone();
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no line {prefix:?} in {:?}",
                self.stdout.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What it wrote on stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// One HTTP/1.1 request; the status and the body.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        crate::harness::http_request(&self.address, method, path, headers, body)
    }

    pub(crate) fn report(&self) -> Value {
        let (status, body) = self.request(
            "GET",
            "/api/v1/report",
            &[("Authorization", &format!("Bearer {INSTRUCTOR}"))],
            "",
        );
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    pub(crate) fn join(&self, learner: &str) -> String {
        let (status, body) = self.request(
            "POST",
            "/api/v1/join",
            &[],
            &format!(r#"{{"class_code":"{CODE}","learner":"{learner}"}}"#),
        );
        assert_eq!(status, 200, "{body}");
        let joined: Value = serde_json::from_str(&body).unwrap();
        joined["token"].as_str().unwrap().to_owned()
    }

    /// Stops the server; its database stays, for another.
    pub(crate) fn stop(mut self) -> Rc<Database> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        Rc::clone(&self.database)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) const LESSON: &str =
    "# Class\n\n## One {#one}\n\n```bash {check}\ntrue\n```\n\n## Two {#two}\n\nRead it.\n";

/// A learner's folder (progress in `.progress`) with the lesson, sending to `url`.
pub(crate) fn learner(name: &str, url: &str) -> Test {
    crate::start::lab()
        .file("class.md", LESSON)
        .env("LABRUN_LEARNER", name)
        .env("LABRUN_REPORT_TO", url)
        .env("LABRUN_CLASS_CODE", CODE)
}

pub(crate) fn row<'r>(report: &'r Value, learner: &str) -> &'r Value {
    report["learners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["learner"] == learner)
        .unwrap_or_else(|| panic!("no {learner} in {report:#}"))
}

/// Waits for the server's report to hold exactly `count` learners.
pub(crate) fn eventually_learners(server: &Server, count: usize) -> Value {
    eventually(server, |report| {
        report["learners"]
            .as_array()
            .is_some_and(|rows| rows.len() == count)
    })
}

/// Waits for the server's report to satisfy `done`.
pub(crate) fn eventually(server: &Server, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let report = server.report();
        if done(&report) {
            return report;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never: {report:#}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn two_learners_sessions_arrive_live_and_the_servers_report_is_the_files_report(
    database: Rc<Database>,
) {
    let server = Server::on(database);
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0)
        .stderr_lacks("not all sent");
    let bob = learner("bob", &server.url);
    // Bob quits after the first step.
    bob.run_with(["start", "class.md", "--yes"], "\nquit\n")
        .status(1);
    let report = eventually(&server, |report| {
        report["learners"].as_array().map_or(0, Vec::len) == 2
    });
    for name in ["ada", "bob"] {
        assert_eq!(row(&report, name)["evidence"], "live", "{report:#}");
        assert_eq!(row(&report, name)["integrity"], "ok", "{report:#}");
    }
    assert_eq!(row(&report, "ada")["complete"], true);
    assert_eq!(row(&report, "bob")["complete"], false);
    // The same figures as a report over each learner's own log.
    for (name, folder) in [("ada", &ada), ("bob", &bob)] {
        let local = folder
            .run_with(["report", ".progress", "--format", "json"], "")
            .status(0)
            .json();
        let mine = &local["learners"][0];
        let theirs = row(&report, name);
        for field in [
            "steps",
            "step_figures",
            "complete",
            "verified",
            "active_seconds",
            "lesson_hash",
        ] {
            assert_eq!(mine[field], theirs[field], "{name} {field}");
        }
    }
    // `report --server` prints it in any format.
    ada.run_with(["report", "--server", &server.url, "--format", "csv"], "")
        .status(2)
        .stderr_contains("LABRUN_INSTRUCTOR_TOKEN");
    let csv = Test::new()
        .env("LABRUN_INSTRUCTOR_TOKEN", INSTRUCTOR)
        .args(["report", "--server", &server.url, "--format", "csv"])
        .run()
        .status(0);
    assert!(
        csv.stdout.contains("class,ada,true,one,verified,0,0,"),
        "{}",
        csv.stdout
    );
    assert!(csv.stdout.contains(",ok,live,"), "{}", csv.stdout);
}

fn a_session_with_the_server_down_ends_as_offline_and_sync_sends_it_late(database: Rc<Database>) {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("http://127.0.0.1:{port}");
    let ada = learner("ada", &down);
    let offline = crate::start::lab()
        .file("class.md", LESSON)
        .env("LABRUN_LEARNER", "ada");
    let with_server = ada
        .run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0)
        .stderr_contains("Lesson complete.")
        .stderr_contains("`labrun sync` sends it");
    let without = offline
        .run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    // The server being down costs the learner no time worth the name.
    assert!(
        with_server.elapsed < without.elapsed + Duration::from_secs(2),
        "{:?} against {:?} offline",
        with_server.elapsed,
        without.elapsed
    );

    let server = Server::on(database);
    ada.run_with(["sync", "--report-to", &server.url], "")
        .status(0)
        .stderr_contains(" from 1 log.");
    let report = server.report();
    assert_eq!(row(&report, "ada")["evidence"], "late");
    assert_eq!(row(&report, "ada")["complete"], true);
    // Nothing left: sync again sends nothing and doubles nothing.
    ada.run_with(["sync"], "")
        .status(0)
        .stderr_contains("Sent 0 lines");
    let again = server.report();
    assert_eq!(
        row(&again, "ada")["step_figures"],
        row(&report, "ada")["step_figures"]
    );
}

fn tokens_are_checked_and_a_bad_batch_is_refused_whole(database: Rc<Database>) {
    let server = Server::on(database);
    let post = |path: &str, token: Option<&str>, body: &str| {
        let auth = token.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|auth| vec![("Authorization", auth)])
            .unwrap_or_default();
        server.request("POST", path, &headers, body)
    };
    // Joining.
    let (status, body) = post(
        "/api/v1/join",
        None,
        r#"{"class_code":"wrong","learner":"ada"}"#,
    );
    assert_eq!(
        (status, body.contains("wrong class code")),
        (401, true),
        "{body}"
    );
    let token = server.join("ada");
    let (status, body) = post(
        "/api/v1/join",
        None,
        &format!(r#"{{"class_code":"{CODE}","learner":"ada"}}"#),
    );
    assert_eq!(status, 409, "{body}");
    // Tokens.
    let line = |seq: u64, learner: &str, event: &str| {
        format!(
            r#"{{"v":1,"seq":{seq},"ts":"2026-12-01T09:00:0{seq}Z","learner":"{learner}","lesson":"class","event":{event}}}"#
        )
    };
    let started = line(
        1,
        "ada",
        r#""session_started","title":"Class","lesson_hash":"h","steps":["one"]"#,
    );
    assert_eq!(post("/api/v1/events?from=1", None, &started).0, 401);
    assert_eq!(
        post("/api/v1/events?from=1", Some("forged"), &started).0,
        401
    );
    assert_eq!(
        server
            .request(
                "GET",
                "/api/v1/report",
                &[("Authorization", "Bearer ada")],
                ""
            )
            .0,
        401
    );
    // Another learner's line: 403, and nothing of the batch is stored.
    let bobs = format!(
        "{started}\n{}\n",
        line(2, "bob", r#""step_entered","step":"one""#)
    );
    let (status, body) = post("/api/v1/events?from=1", Some(&token), &bobs);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("line 2 names learner `bob`"), "{body}");
    // A line that is no event: 400 naming it, nothing stored.
    let (status, body) = post(
        "/api/v1/events?from=1",
        Some(&token),
        &format!("{started}\nnot json\n"),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("line 2: not a progress event"), "{body}");
    assert!(server.report()["learners"].as_array().unwrap().is_empty());
    // Too big: 413.
    let huge = "x".repeat(5 * 1024 * 1024);
    assert_eq!(post("/api/v1/events?from=1", Some(&token), &huge).0, 413);
    // A good batch, then the same batch again: stored once.
    let (status, body) = post("/api/v1/events?from=1", Some(&token), &started);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""stored":1"#), "{body}");
    let (status, body) = post("/api/v1/events?from=1", Some(&token), &started);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""stored":0,"duplicates":1"#), "{body}");
    assert_eq!(row(&server.report(), "ada")["integrity"], "ok");
}

fn a_line_edited_and_sent_again_or_forged_breaks_the_chain_on_the_server(database: Rc<Database>) {
    let server = Server::on(database);
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\nquit\n")
        .status(1);
    eventually(&server, |report| {
        report["learners"]
            .as_array()
            .is_some_and(|rows| !rows.is_empty())
    });
    // Ada writes a verification of step two by hand, with no chain, and syncs.
    let log = ada.path().join(".progress/class/ada.jsonl");
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str(
        &r#"{"v":1,"ts":"TS","learner":"ada","lesson":"class","event":"step_confirmed","step":"two"}"#
            .replace("TS", &jiff::Timestamp::now().to_string()),
    );
    text.push('\n');
    std::fs::write(&log, &text).unwrap();
    ada.run_with(["sync"], "").status(0);
    let report = server.report();
    let ada_row = row(&report, "ada");
    assert_eq!(ada_row["integrity"], "broken", "{report:#}");
    assert!(
        ada_row["broken_at"]
            .as_str()
            .unwrap()
            .contains("an event with no `seq` among chained ones"),
        "{ada_row}"
    );
    // The server keeps what arrived live: editing an earlier line and sending it again does
    // not replace it.
    let edited = text.replacen("\"step_entered\"", "\"step_skipped\"", 1);
    std::fs::write(&log, edited).unwrap();
    std::fs::remove_file(sent_file(&log)).unwrap();
    ada.run_with(["sync", "--report-to", &server.url], "")
        .status(0);
    let after = server.report();
    assert_eq!(row(&after, "ada")["steps"], row(&report, "ada")["steps"]);
}

pub(crate) fn sent_file(log: &Path) -> PathBuf {
    let name = log.file_name().unwrap().to_string_lossy().into_owned();
    log.with_file_name(format!(".{name}.sent"))
}

fn collected_logs_imported_give_the_report_of_the_files(database: Rc<Database>) {
    let server = Server::on(database);
    // Twenty learners' logs in a folder, one of them edited.
    let folder = Test::new();
    let mut logs = Vec::new();
    for n in 0..20 {
        let name = format!("l{n:02}");
        let lab = crate::start::lab()
            .file("class.md", LESSON)
            .env("LABRUN_LEARNER", &name);
        let input = if n % 3 == 0 { "\nquit\n" } else { "\n\n\n\n" };
        lab.run_with(["start", "class.md", "--yes"], input);
        let text =
            std::fs::read_to_string(lab.path().join(format!(".progress/class/{name}.jsonl")))
                .unwrap();
        logs.push((name, text));
    }
    for (name, text) in &logs {
        let text = if name == "l05" {
            text.replacen("\"step_entered\"", "\"step_skipped\"", 1)
        } else {
            text.clone()
        };
        std::fs::create_dir_all(folder.path().join("collected")).unwrap();
        std::fs::write(folder.path().join(format!("collected/{name}.jsonl")), text).unwrap();
    }
    folder
        .run_with(["sync", "--server", &server.url, "collected"], "")
        .status(2)
        .stderr_contains("LABRUN_INSTRUCTOR_TOKEN");
    let folder = folder.env("LABRUN_INSTRUCTOR_TOKEN", INSTRUCTOR);
    folder
        .run_with(["sync", "--server", &server.url, "collected"], "")
        .status(0)
        .stderr_contains("Imported 20 logs");
    let from_server = server.report();
    let from_files = folder
        .run_with(["report", "collected", "--format", "json"], "")
        .status(0)
        .json();
    let rows = |report: &Value| report["learners"].as_array().unwrap().len();
    assert_eq!(rows(&from_server), 20);
    assert_eq!(rows(&from_files), 20);
    for n in 0..20 {
        let name = format!("l{n:02}");
        let (mine, theirs) = (row(&from_files, &name), row(&from_server, &name));
        for field in [
            "steps",
            "step_figures",
            "complete",
            "integrity",
            "active_seconds",
        ] {
            assert_eq!(mine[field], theirs[field], "{name} {field}");
        }
        assert_eq!(theirs["evidence"], "imported");
    }
    assert_eq!(row(&from_server, "l05")["integrity"], "broken");
    assert_eq!(from_server["steps"], from_files["steps"]);
    // Importing again doubles nothing.
    folder
        .run_with(["sync", "--server", &server.url, "collected"], "")
        .status(0)
        .stderr_contains("0 lines stored");
}

#[test]
fn a_slow_or_vanishing_client_takes_nothing_from_the_others() {
    let server = Server::start();
    // Headers that never end.
    let mut slow = TcpStream::connect(&server.address).unwrap();
    slow.write_all(b"POST /api/v1/join HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A body cut off halfway.
    let mut cut = TcpStream::connect(&server.address).unwrap();
    cut.write_all(
        b"POST /api/v1/events?from=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\nContent-Length: 1000\r\n\r\n{\"v\":1",
    )
    .unwrap();
    drop(cut);
    // The others are served meanwhile.
    let token = server.join("ada");
    assert!(!token.is_empty());
    assert_eq!(server.report()["learners"].as_array().unwrap().len(), 0);
    // The slow one is cut off once its time for headers is up.
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_flood_from_one_token_is_slowed_with_429() {
    let server = Server::start();
    let auth = format!("Bearer {INSTRUCTOR}");
    let statuses: Vec<u16> = (0..300)
        .map(|_| {
            server
                .request("GET", "/api/v1/report", &[("Authorization", &auth)], "")
                .0
        })
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(statuses[0], 200);
}

fn the_server_keeps_its_class_across_a_restart(database: Rc<Database>) {
    let server = Server::on(database);
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    eventually_learners(&server, 1);
    let database = server.stop();
    let again = Server::on(database);
    assert_eq!(row(&again.report(), "ada")["complete"], true);
}

#[test]
fn servers_sharing_a_postgresql_database_see_each_others_learners() {
    let Some(database) = Database::postgres() else {
        return;
    };
    let first = Server::on(Rc::clone(&database));
    let second = Server::on(database);
    let ada = learner("ada", &first.url);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    let bob = learner("bob", &second.url);
    bob.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    for server in [&first, &second] {
        let report = eventually(server, |report| {
            report["learners"]
                .as_array()
                .is_some_and(|rows| rows.len() == 2)
        });
        assert_eq!(row(&report, "ada")["complete"], true);
        assert_eq!(row(&report, "bob")["complete"], true);
    }
}

#[test]
fn the_dashboard_shows_a_learners_steps_change_as_they_happen() {
    let Some(chromium) = crate::report::chromium() else {
        return;
    };
    let server = Server::start();
    let mut page =
        crate::browser::Browser::open(&chromium, &format!("{}/#token={INSTRUCTOR}", server.url));
    let long = Duration::from_secs(20);
    assert!(
        page.wait_for(
            "document.getElementById('lessons').dataset.draws >= 1",
            long
        ),
        "the page never drew the class: {}",
        page.eval("document.body.innerText")
    );
    assert_eq!(
        page.eval("document.querySelectorAll('tr[data-learner]').length"),
        0
    );
    let cell = |step: &str| {
        format!(
            "document.querySelector('tr[data-learner=\"ada\"] td[data-step=\"{step}\"]')?.dataset.status"
        )
    };
    // Ada does step one, and quits.
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\nquit\n")
        .status(1);
    assert!(
        page.wait_for(&format!("{} === 'verified'", cell("one")), long),
        "{}",
        page.eval("document.body.innerText")
    );
    assert_eq!(page.eval(&cell("two")), "pending");
    // She comes back and reads step two: its cell changes, the page never reloaded.
    ada.run_with(["start", "class.md", "--yes"], "\n\n")
        .status(0);
    assert!(page.wait_for(&format!("{} === 'confirmed'", cell("two")), long));
    assert!(
        page.eval("Number(document.getElementById('lessons').dataset.draws)")
            .as_u64()
            >= Some(3)
    );
    assert_eq!(
        page.eval(
            "document.querySelector('tr[data-learner=\"ada\"] td[data-evidence]').dataset.evidence"
        ),
        "live"
    );
    let png = page.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "no screenshot");
    let _ = std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png"),
        png,
    );
}

#[test]
fn check_and_reset_follow_a_log_to_the_class_server_it_went_to() {
    let server = Server::start();
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\nquit\n")
        .status(1);
    let cell = |report: &Value| row(report, "ada")["steps"]["one"].clone();
    eventually(&server, |report| {
        report["learners"]
            .as_array()
            .is_some_and(|rows| !rows.is_empty())
            && cell(report) == "verified"
    });
    // No --report-to now: the log remembers where it went.
    let ada = ada.env("LABRUN_REPORT_TO", "");
    ada.run_with(["reset", "class.md", "--step", "one"], "")
        .status(0);
    let report = server.report();
    assert_eq!(cell(&report), "pending", "{report:#}");
    ada.run_with(["check", "class.md", "--step", "one", "--yes"], "")
        .status(0);
    let report = server.report();
    assert_eq!(cell(&report), "verified", "{report:#}");
}

#[test]
fn a_database_made_by_a_newer_labrun_is_refused_with_what_to_do() {
    let server = Server::start();
    let database = server.stop();
    let url = database.url();
    // A newer labrun moved the tables on to version 99.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("INSERT INTO schema_version (version) VALUES (99)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let out = Command::new(env!("CARGO_BIN_EXE_labrun"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &url])
        .env("LABRUN_INSTRUCTOR_TOKEN", INSTRUCTOR)
        .env("LABRUN_CLASS_CODE", CODE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("made by a newer labrun (its tables are version 99, this labrun knows 2): upgrade labrun"),
        "{stderr}"
    );
}

#[test]
fn a_learner_whose_server_lost_its_database_joins_again_and_sends_the_whole_log() {
    let first = Server::start();
    let ada = learner("ada", &first.url);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    eventually_learners(&first, 1);
    let address = first.address.clone();
    first.stop();
    // A new server on a new database, at the same address.
    let second = Server::listening(Database::sqlite(), &address);
    let ada = ada.env("LABRUN_REPORT_TO", "");
    // Her next event meets an unknown token: labrun forgets the token and what was sent.
    ada.run_with(["check", "class.md", "--yes"], "")
        .stderr_contains("unknown learner token")
        .stderr_contains("`labrun sync` sends it");
    // The next send joins again and sends everything.
    ada.run_with(["sync"], "").status(0);
    let report = second.report();
    assert_eq!(row(&report, "ada")["complete"], true, "{report:#}");
    assert_eq!(row(&report, "ada")["integrity"], "ok", "{report:#}");
}
