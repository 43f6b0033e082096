//! The class server against clients that lie, break or flood, and the learner's sender
//! against a log that changes under it: names taken first, forged stand-ins, absurd places,
//! lines sent again with other content, refused and oversized lines, a replaced log, and a
//! database whose errors must not reach a client.

use std::rc::Rc;

use serde_json::Value;

use crate::serve::{
    CODE, Database, INSTRUCTOR, LESSON, Server, eventually, eventually_learners, learner, row,
    sent_file,
};

crate::on_both!(
    a_class_with_a_roster_lets_each_name_join_only_with_its_own_code,
    a_forged_stand_in_or_an_absurd_place_is_refused_and_the_server_goes_on,
    a_line_sent_again_with_other_content_or_a_gap_before_a_stand_in_shows_broken,
    a_refused_or_oversized_line_goes_as_a_stand_in_and_the_rest_of_the_log_follows,
    a_log_replaced_under_the_sender_is_sent_again_whole_and_shows_broken,
);

fn post(server: &Server, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let auth = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|auth| vec![("Authorization", auth)])
        .unwrap_or_default();
    let (status, body) = server.request("POST", path, &headers, body);
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    (status, value)
}

fn join_with(server: &Server, code: &str, learner: &str) -> (u16, Value) {
    post(
        server,
        "/api/v1/join",
        None,
        &serde_json::json!({ "class_code": code, "learner": learner }).to_string(),
    )
}

/// A log line of `learner` for lesson `class`, at `seq`, with no `prev`.
fn line(seq: u64, learner: &str, event: &str) -> String {
    format!(
        r#"{{"v":1,"seq":{seq},"ts":"{}","learner":"{learner}","lesson":"class","event":{event}}}"#,
        jiff::Timestamp::now()
    )
}

const STARTED: &str =
    r#""session_started","title":"Class","lesson_hash":"h","steps":["one","two"]"#;

fn a_class_with_a_roster_lets_each_name_join_only_with_its_own_code(database: Rc<Database>) {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.txt");
    std::fs::write(&roster, "# names\nada\nbob\n").unwrap();
    // Before the roster, in an open class, a classmate took Bob's name.
    let open = Server::on(Rc::clone(&database));
    let squatter = open.join("bob");
    let database = open.stop();
    let server = Server::with_args(
        Rc::clone(&database),
        "127.0.0.1:0",
        &["--roster", roster.to_str().unwrap()],
    );
    let code_of = |server: &Server, name: &str| {
        let line = server.printed(&format!("  {name}  "));
        line.split_whitespace().last().unwrap().to_owned()
    };
    server.printed("roster: 2 learners");
    // The class code is not offered to learners of a roster.
    server.printed("class code: not taken: this class has a roster");
    let (ada_code, bob_code) = (code_of(&server, "ada"), code_of(&server, "bob"));
    assert_ne!(ada_code, bob_code);
    // The roster revoked every token made before it: the squatter's is dead, and Bob joins
    // with his own code.
    assert_eq!(
        post(
            &server,
            "/api/v1/events?from=1",
            Some(&squatter),
            &line(1, "bob", STARTED)
        )
        .0,
        401
    );
    assert_eq!(join_with(&server, &bob_code, "bob").0, 200);
    // The class code, a classmate's code, a name not on the roster: refused alike.
    for (code, name) in [
        (CODE, "ada"),
        (bob_code.as_str(), "ada"),
        (ada_code.as_str(), "eve"),
    ] {
        let (status, body) = join_with(&server, code, name);
        assert_eq!(status, 401, "{code} {name}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("this class has a roster"),
            "{body}"
        );
    }
    // Ada's session joins with her own code.
    let ada = learner("ada", &server.url).env("LABRUN_CLASS_CODE", &ada_code);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0)
        .stderr_lacks("not all sent");
    let report = eventually_learners(&server, 1);
    assert_eq!(row(&report, "ada")["evidence"], "live", "{report:#}");
    // Joining again with her code (another machine) gives that machine its own token; both
    // work, so two machines of one learner never take the name from each other.
    let (status, first) = join_with(&server, &ada_code, "ada");
    assert_eq!(status, 200, "{first}");
    let (status, second) = join_with(&server, &ada_code, "ada");
    assert_eq!(status, 200, "{second}");
    assert_ne!(first["token"], second["token"]);
    let started = line(1, "ada", STARTED);
    for token in [&first["token"], &second["token"]] {
        assert_eq!(
            post(&server, "/api/v1/events?from=1", token.as_str(), &started).0,
            200
        );
    }
    // The roster is the database's: a server started without --roster keeps it and prints
    // the same codes; an empty roster file opens the class to the class code again.
    let database = server.stop();
    let again = Server::on(Rc::clone(&database));
    assert_eq!(code_of(&again, "ada"), ada_code);
    assert_eq!(join_with(&again, CODE, "carol").0, 401);
    let database = again.stop();
    std::fs::write(&roster, "").unwrap();
    let open = Server::with_args(
        database,
        "127.0.0.1:0",
        &["--roster", roster.to_str().unwrap()],
    );
    assert_eq!(join_with(&open, CODE, "carol").0, 200);
    // A bad roster is refused with its line, before anything starts.
    std::fs::write(&roster, "ada\nbad\u{7}name\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_labrun"))
        .args(["serve", "--listen", "127.0.0.1:0", "--roster"])
        .arg(&roster)
        .args(["--database", &Database::sqlite().url()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("roster.txt:2: a learner's name"),
        "{stderr}"
    );
}

fn a_forged_stand_in_or_an_absurd_place_is_refused_and_the_server_goes_on(database: Rc<Database>) {
    let server = Server::on(database);
    let token = server.join("ada");
    let hash = "a".repeat(64);
    // A stand-in that is also an event of another learner: read as the event it is, and
    // refused as one.
    let forged = format!(
        r#"{{"skipped":"{hash}","lesson":"class","v":1,"seq":1,"ts":"2026-12-01T09:00:00Z","learner":"bob","event":"session_started","title":"T","lesson_hash":"h","steps":["one"]}}"#
    );
    let (status, body) = post(&server, "/api/v1/events?from=1", Some(&token), &forged);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["line"], 1, "{body}");
    // A forged stand-in with anything else in it is no stand-in, and no event either.
    let extra = format!(r#"{{"skipped":"{hash}","lesson":"class","steps_done":["one","two"]}}"#);
    let (status, body) = post(&server, "/api/v1/events?from=1", Some(&token), &extra);
    assert_eq!(status, 400, "{body}");
    // Places beyond any log, or that would overflow: refused, and the server still stores.
    for from in ["9223372036854775807", "1099511627777", "0", "-3"] {
        let (status, body) = post(
            &server,
            &format!("/api/v1/events?from={from}"),
            Some(&token),
            &line(1, "ada", STARTED),
        );
        assert_eq!(status, 400, "from={from}: {body}");
    }
    // A lesson id the store cannot keep as one.
    let nul = line(1, "ada", STARTED).replace(r#""lesson":"class""#, r#""lesson":"cl\u0000ass""#);
    let (status, body) = post(&server, "/api/v1/events?from=1", Some(&token), &nul);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("lesson's id"),
        "{body}"
    );
    let (status, body) = post(
        &server,
        "/api/v1/events?from=1",
        Some(&token),
        &line(1, "ada", STARTED),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["stored"], 1, "{body}");
    // The report takes its token in the header only.
    let (status, _) = server.request(
        "GET",
        &format!("/api/v1/report?token={INSTRUCTOR}"),
        &[],
        "",
    );
    assert_eq!(status, 401);
    assert_eq!(row(&server.report(), "ada")["integrity"], "ok");
}

fn a_line_sent_again_with_other_content_or_a_gap_before_a_stand_in_shows_broken(
    database: Rc<Database>,
) {
    let server = Server::on(database);
    // Ada's whole session arrives, chain whole; then her log is edited and sent again.
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    eventually(&server, |report| {
        report["learners"]
            .as_array()
            .is_some_and(|rows| rows.len() == 1)
            && report["learners"][0]["complete"] == true
    });
    assert_eq!(row(&server.report(), "ada")["integrity"], "ok");
    let log = ada.path().join(".progress/class/ada.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(
        &log,
        text.replacen("\"title\":\"Class\"", "\"title\":\"Klass\"", 1),
    )
    .unwrap();
    std::fs::remove_file(sent_file(&log)).unwrap();
    ada.run_with(["sync", "--report-to", &server.url], "")
        .status(0);
    let report = server.report();
    assert_eq!(row(&report, "ada")["integrity"], "broken", "{report:#}");
    assert_eq!(
        row(&report, "ada")["broken_at"],
        "line 1 was sent again with other content",
        "{report:#}"
    );
    // Bob's chain breaks on a stand-in: line 3 comes after line 1.
    let token = server.join("bob");
    let (status, body) = post(
        &server,
        "/api/v1/events?from=1",
        Some(&token),
        &line(1, "bob", STARTED),
    );
    assert_eq!(status, 200, "{body}");
    let stand_in = format!(r#"{{"skipped":"{}","lesson":"class"}}"#, "b".repeat(64));
    let (status, body) = post(&server, "/api/v1/events?from=3", Some(&token), &stand_in);
    assert_eq!(status, 200, "{body}");
    let report = server.report();
    assert_eq!(row(&report, "bob")["integrity"], "broken", "{report:#}");
    assert_eq!(
        row(&report, "bob")["broken_at"],
        "line 3 came after line 1: line 2 is missing"
    );
    // The class's report is the store's: a server started on the same database says the same.
    let database = server.stop();
    let again = Server::on(database);
    let report = again.report();
    assert_eq!(row(&report, "ada")["integrity"], "broken", "{report:#}");
    assert_eq!(row(&report, "bob")["integrity"], "broken", "{report:#}");
}

fn a_refused_or_oversized_line_goes_as_a_stand_in_and_the_rest_of_the_log_follows(
    database: Rc<Database>,
) {
    let server = Server::on(database);
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\nquit\n")
        .status(1);
    eventually_learners(&server, 1);
    // Ada's log gains a line of a newer format (the server refuses it), a line over the
    // sender's limit, a line naming another learner, then an event of her own.
    let log = ada.path().join(".progress/class/ada.jsonl");
    let mut text = std::fs::read_to_string(&log).unwrap();
    let now = jiff::Timestamp::now();
    text.push_str(&format!(
        r#"{{"v":99,"ts":"{now}","learner":"ada","lesson":"class","event":"session_started","title":"C","lesson_hash":"h","steps":["one"]}}"#
    ));
    text.push('\n');
    // An event of 2.5 MiB: more than a batch, more than the sender sends as it is.
    text.push_str(&format!(
        r#"{{"v":1,"ts":"{now}","learner":"ada","lesson":"class","event":"hint_shown","step":"two","hint":1,"padding":"{}"}}"#,
        "x".repeat(2560 * 1024)
    ));
    text.push('\n');
    text.push_str(&format!(
        r#"{{"v":1,"ts":"{now}","learner":"bob","lesson":"class","event":"step_confirmed","step":"two"}}"#
    ));
    text.push('\n');
    text.push_str(&format!(
        r#"{{"v":1,"ts":"{now}","learner":"ada","lesson":"class","event":"step_confirmed","step":"two"}}"#
    ));
    text.push('\n');
    std::fs::write(&log, &text).unwrap();
    ada.run_with(["sync"], "")
        .status(0)
        .stderr_contains("written by a newer labrun")
        .stderr_contains("sent as a stand-in");
    // The last line arrived: it is an event with no `seq` among chained ones.
    let report = server.report();
    assert_eq!(row(&report, "ada")["integrity"], "broken", "{report:#}");
    let why = row(&report, "ada")["broken_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let lines = text.lines().count();
    assert_eq!(
        why,
        format!("line {lines} is an event with no `seq` among chained ones"),
        "{report:#}"
    );
    assert!(
        row(&report, "ada")["steps"]["two"].is_string(),
        "{report:#}"
    );
    // Nothing is left pending.
    ada.run_with(["sync"], "")
        .status(0)
        .stderr_contains("Sent 0 lines");
}

fn a_log_replaced_under_the_sender_is_sent_again_whole_and_shows_broken(database: Rc<Database>) {
    let server = Server::on(database);
    let ada = learner("ada", &server.url);
    ada.run_with(["start", "class.md", "--yes"], "\n\n\n\n")
        .status(0);
    eventually(&server, |report| {
        report["learners"]
            .as_array()
            .is_some_and(|rows| rows.len() == 1)
            && report["learners"][0]["complete"] == true
    });
    // Ada's log is replaced by a shorter one of another session (a restored backup).
    let log = ada.path().join(".progress/class/ada.jsonl");
    std::fs::remove_file(&log).unwrap();
    let offline = crate::start::lab()
        .file("class.md", LESSON)
        .env("LABRUN_LEARNER", "ada");
    offline
        .run_with(["start", "class.md", "--yes"], "\nquit\n")
        .status(1);
    std::fs::copy(offline.path().join(".progress/class/ada.jsonl"), &log).unwrap();
    ada.run_with(["sync"], "")
        .status(0)
        .stderr_contains("is not the one sent before");
    let report = server.report();
    assert_eq!(row(&report, "ada")["integrity"], "broken", "{report:#}");
    assert!(
        row(&report, "ada")["broken_at"]
            .as_str()
            .unwrap()
            .contains("was sent again with other content"),
        "{report:#}"
    );
}

#[test]
fn a_database_error_reaches_the_servers_log_not_the_client() {
    let database = Database::sqlite();
    let server = Server::on(Rc::clone(&database));
    let token = server.join("ada");
    // The database refuses every event, with a message a client must not see (set while no
    // server has it open: a schema change beside a running server may find it busy).
    let database = server.stop();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&database.url()).await.unwrap();
        sqlx::query(
            "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.learner = 'ada' \
             BEGIN SELECT RAISE(ABORT, 'secret-table-detail'); END",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
    let server = Server::on(database);
    let (status, body) = post(
        &server,
        "/api/v1/events?from=1",
        Some(&token),
        &line(1, "ada", STARTED),
    );
    assert_eq!(status, 503, "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(!message.contains("secret-table-detail"), "{message}");
    assert!(message.contains("the server's log says why"), "{message}");
    let start = std::time::Instant::now();
    while !server.stderr().contains("secret-table-detail") {
        assert!(start.elapsed().as_secs() < 10, "{}", server.stderr());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The failed transaction was rolled back at once: the next learner's batch is stored
    // without waiting for a lock the failed one held.
    let bob = server.join("bob");
    let started = std::time::Instant::now();
    let (status, body) = post(
        &server,
        "/api/v1/events?from=1",
        Some(&bob),
        &line(1, "bob", STARTED),
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "bob's batch waited {:?}",
        started.elapsed()
    );
    assert!(
        !server.stderr().contains("database is locked"),
        "{}",
        server.stderr()
    );
}

/// On PostgreSQL a transaction that took its ids first may end last: its rows are folded
/// in however many ids it took and however long it took.
#[test]
fn rows_of_a_long_transaction_that_ends_last_are_folded_in() {
    let Some(database) = Database::postgres() else {
        return;
    };
    let server = Server::on(Rc::clone(&database));
    let url = database.url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = runtime.block_on(sqlx::PgPool::connect(&url)).unwrap();
    // A long import: 20,000 rows (stand-ins, then an event), not yet committed.
    let mut slow = runtime.block_on(pool.begin()).unwrap();
    let started = line(20_001, "zed", STARTED);
    runtime.block_on(async {
        sqlx::query(
            "INSERT INTO events (learner, lesson, seq, line, hash, evidence, chained, broken, received_ms, kind) \
             SELECT 'zed', 'class', n, '{}', md5(n::text), 'imported', 1, NULL, 0, 'stand-in' \
             FROM generate_series(1, 20000) AS n",
        )
        .execute(&mut *slow)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO events (learner, lesson, seq, line, hash, evidence, chained, broken, received_ms, kind) \
             VALUES ('zed', 'class', 20001, $1, 'h', 'imported', 1, NULL, 0, 'event')",
        )
        .bind(&started)
        .execute(&mut *slow)
        .await
        .unwrap();
    });
    // Meanwhile a learner's events arrive, with later ids, and are committed first.
    let token = server.join("ada");
    let (status, body) = post(
        &server,
        "/api/v1/events?from=1",
        Some(&token),
        &line(1, "ada", STARTED),
    );
    assert_eq!(status, 200, "{body}");
    runtime.block_on(slow.commit()).unwrap();
    let report = eventually_learners(&server, 2);
    row(&report, "zed");
    row(&report, "ada");
}
