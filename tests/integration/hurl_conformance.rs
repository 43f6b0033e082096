//! labrun's HTTP checks against real hurl's verdicts: every assert of
//! `tests/hurl/asserts.hurl.txt`, run against its response of `tests/hurl/responses.json` (served
//! here on 127.0.0.1), must end as hurl 8.0.1 ended it (`tests/hurl/verdicts.txt`, recorded by
//! `tests/hurl/record.py`), unless `tests/hurl/differences.txt` lists it with its reason. A
//! listed difference that no longer differs fails too, so the list stays true.
//!
//! Verdicts: `pass`; `fail` (an assert failed, or hurl hit an error running it); `invalid`
//! (hurl cannot parse it; for labrun, lint refuses the block).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use labrun::exec::Secrets;
use labrun::exec::executor::RunContext;
use labrun::exec::http::{HttpRunner, Limits};
use labrun::lesson::http::parse_http_block;

use crate::server::{Reply, Server};

fn suite(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hurl")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One assert of the suite.
struct Case {
    response: String,
    captures: Vec<String>,
    assert: String,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let (mut response, mut captures) = (String::new(), Vec::new());
    for line in suite("asserts.hurl.txt").lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('@') {
            response = name.trim().to_owned();
            captures.clear();
        } else if let Some(capture) = line.strip_prefix("capture ") {
            captures.push(capture.to_owned());
        } else {
            cases.push(Case {
                response: response.clone(),
                captures: captures.clone(),
                assert: line.to_owned(),
            });
        }
    }
    cases
}

/// `(response, assert)` → the third column of a tab-separated suite file.
fn table(file: &str) -> HashMap<(String, String), (String, String)> {
    suite(file)
        .lines()
        .filter(|line| line.starts_with('@'))
        .map(|line| {
            let mut columns = line.splitn(4, '\t');
            let response = columns.next().unwrap_or("")[1..].to_owned();
            let verdict = columns.next().unwrap_or("").to_owned();
            let assert = columns.next().unwrap_or("").to_owned();
            let reason = columns.next().unwrap_or("").to_owned();
            ((response, assert), (verdict, reason))
        })
        .collect()
}

fn serve() -> Server {
    let server = Server::start();
    let responses: serde_json::Value = serde_json::from_str(&suite("responses.json")).unwrap();
    for (name, spec) in responses.as_object().unwrap() {
        let mut reply = Reply::status(spec["status"].as_u64().unwrap() as u16)
            .body(spec["body"].as_str().unwrap());
        for (header, value) in spec["headers"].as_object().unwrap() {
            let values = match value {
                serde_json::Value::Array(values) => values.clone(),
                one => vec![one.clone()],
            };
            for value in values {
                reply = reply.header(header, value.as_str().unwrap());
            }
        }
        server.route(&format!("/{name}"), reply);
    }
    server
}

/// What labrun makes of one case: `pass`, `fail` or `invalid`, and why.
fn labrun_verdict(server: &Server, runner: &HttpRunner, case: &Case) -> (&'static str, String) {
    let mut text = format!(
        "GET {}\nHTTP *\n",
        server.url(&format!("/{}", case.response))
    );
    if !case.captures.is_empty() {
        text.push_str("[Captures]\n");
        for capture in &case.captures {
            text.push_str(capture);
            text.push('\n');
        }
    }
    text.push_str(&format!("[Asserts]\n{}\n", case.assert));
    let (entries, diagnostics) = parse_http_block(&text, 0);
    if let Some(error) = diagnostics
        .iter()
        .find(|diag| diag.severity == labrun::lesson::Severity::Error)
    {
        return ("invalid", error.message.clone());
    }
    let no_vars = |_: &str| None;
    let interrupt = AtomicBool::new(false);
    let secrets = Secrets::new();
    let context = RunContext {
        vars: &no_vars,
        env: &[],
        env_remove: &[],
        secrets: &secrets,
        cwd: Path::new("."),
        interrupt: &interrupt,
    };
    let run = runner.run(&entries, &context, &Limits::default(), &mut |_| {});
    match run.outcome {
        labrun::exec::outcome::Outcome::Passed { .. } => ("pass", String::new()),
        labrun::exec::outcome::Outcome::Failed { reason, .. } => ("fail", reason),
    }
}

/// The recorded verdicts are what hurl says today: record them again and compare.
#[test]
fn the_recorded_verdicts_are_what_real_hurl_says() {
    let Some(hurl) = crate::harness::hurl("the hurl conformance suite") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("verdicts.txt");
    let run = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hurl/record.py"))
        .arg("--hurl")
        .arg(&hurl)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run tests/hurl/record.py");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let verdicts = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with('@'))
            .map(str::to_owned)
            .collect()
    };
    let fresh = verdicts(&std::fs::read_to_string(&out).unwrap());
    let recorded = verdicts(&suite("verdicts.txt"));
    let changed: Vec<_> = fresh
        .iter()
        .filter(|line| !recorded.contains(line))
        .collect();
    assert!(
        changed.is_empty() && fresh.len() == recorded.len(),
        "hurl now says otherwise (run tests/hurl/record.py): {changed:#?}"
    );
}

#[test]
fn every_assert_ends_as_real_hurl_ended_it_or_is_a_listed_difference() {
    let cases = cases();
    assert!(cases.len() >= 150, "the suite has {} asserts", cases.len());
    let hurl = table("verdicts.txt");
    let differences = table("differences.txt");
    let server = serve();
    let runner = HttpRunner::new().unwrap();
    let mut problems = Vec::new();
    let mut listed_seen = 0;
    for case in &cases {
        let key = (case.response.clone(), case.assert.clone());
        let Some((recorded, _)) = hurl.get(&key) else {
            problems.push(format!(
                "@{}\t{}: no verdict recorded: run tests/hurl/record.py",
                case.response, case.assert
            ));
            continue;
        };
        // Hurl's runtime errors (exit 3) fail a check as its failed asserts do.
        let expected = match recorded.as_str() {
            "error" => "fail",
            other => other,
        };
        let (ours, why) = labrun_verdict(&server, &runner, case);
        match differences.get(&key) {
            Some((listed, _)) => {
                listed_seen += 1;
                if ours == expected {
                    problems.push(format!(
                        "@{}\t{}: listed as a difference, but labrun now agrees with hurl ({ours})",
                        case.response, case.assert
                    ));
                } else if ours != listed {
                    problems.push(format!(
                        "@{}\t{}: listed as labrun `{listed}`, but labrun says `{ours}` ({why})",
                        case.response, case.assert
                    ));
                }
            }
            None if ours != expected => problems.push(format!(
                "@{}\t{}\thurl `{recorded}`, labrun `{ours}`: {why}",
                case.response, case.assert
            )),
            None => {}
        }
    }
    assert_eq!(
        listed_seen,
        differences.len(),
        "differences.txt lists asserts that are not in the suite"
    );
    assert!(
        problems.is_empty(),
        "{} of {} asserts disagree with hurl 8.0.1:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}
