//! The executor against real servers on 127.0.0.1 (see `test_server`): every check shown
//! passing and failing.

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::test_server::{Reply, Server, refused_addr};
use super::{HttpRunner, Limits};
use crate::exec::{BlockRun, RunContext, RunProgress, Secrets};
use crate::lesson::http::parse_http_block;

/// A block to run: its text, variables, secrets and limits.
struct Block {
    text: String,
    vars: HashMap<String, String>,
    secrets: Secrets,
    limits: Limits,
    interrupt_after: Option<Duration>,
}

/// What running it gave.
struct Ran {
    run: BlockRun,
    progress: Vec<RunProgress>,
    elapsed: Duration,
}

impl Block {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            vars: HashMap::new(),
            secrets: Secrets::new(),
            limits: Limits::default(),
            interrupt_after: None,
        }
    }

    /// `{{base}}` is the server's URL.
    fn on(self, server: &Server) -> Self {
        self.var("base", &server.url(""))
    }

    fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    fn secret(mut self, name: &str, value: &str) -> Self {
        self.secrets.add(value);
        self.var(name, value)
    }

    fn limits(mut self, change: impl FnOnce(&mut Limits)) -> Self {
        change(&mut self.limits);
        self
    }

    fn interrupt_after(mut self, after: Duration) -> Self {
        self.interrupt_after = Some(after);
        self
    }

    fn run(&self) -> Ran {
        let (entries, diags) = parse_http_block(&self.text, 0);
        assert!(diags.is_empty(), "{}: {diags:?}", self.text);
        let runner = HttpRunner::new().expect("an HTTP runner");
        let interrupt = Arc::new(AtomicBool::new(false));
        let setter = self.interrupt_after.map(|after| {
            let interrupt = interrupt.clone();
            thread::spawn(move || {
                thread::sleep(after);
                interrupt.store(true, Ordering::Relaxed);
            })
        });
        let mut progress = Vec::new();
        let vars = |name: &str| self.vars.get(name).cloned();
        let context = RunContext {
            vars: &vars,
            env: &[],
            secrets: &self.secrets,
            cwd: Path::new("."),
            env_remove: &[],
            interrupt: &interrupt,
        };
        let started = Instant::now();
        let run = runner.run(&entries, &context, &self.limits, &mut |p| progress.push(p));
        let elapsed = started.elapsed();
        if let Some(setter) = setter {
            let _ = setter.join();
        }
        Ran {
            run,
            progress,
            elapsed,
        }
    }
}

impl Ran {
    fn passed(&self) -> bool {
        self.run.outcome.passed()
    }

    fn reason(&self) -> &str {
        self.run.outcome.reason().unwrap_or("")
    }

    fn waits(&self) -> Vec<&RunProgress> {
        self.progress
            .iter()
            .filter(|p| matches!(p, RunProgress::Waiting { .. }))
            .collect()
    }

    #[track_caller]
    fn assert_passed(&self) {
        assert!(self.passed(), "expected a pass, got: {}", self.reason());
    }

    #[track_caller]
    fn assert_failed_with(&self, part: &str) {
        assert!(!self.passed(), "expected a failure with {part:?}");
        assert!(
            self.reason().contains(part),
            "the reason lacks {part:?}:\n{}",
            self.reason()
        );
    }
}

fn fast_polls(limits: &mut Limits) {
    limits.interval = Duration::from_millis(20);
}

#[test]
fn the_expected_status_passes_and_another_fails_naming_both() {
    let server = Server::always(|| Reply::json(200, "{}"));
    Block::new("GET {{base}}/ok\nHTTP 200\n")
        .on(&server)
        .run()
        .assert_passed();
    Block::new("GET {{base}}/ok\nHTTP *\n")
        .on(&server)
        .run()
        .assert_passed();
    let ran = Block::new("GET {{base}}/ok\nHTTP 201\n").on(&server).run();
    ran.assert_failed_with("status: expected 201, got 200");
}

#[test]
fn a_failure_names_the_request_the_assert_the_status_and_the_body() {
    let server = Server::always(|| Reply::json(200, r#"{"status": "FAIL", "issue_count": 3}"#));
    let block = "GET {{base}}/va/api/v4/report/image/status/us.icr.io/birds/bluebird:1\n\
                 HTTP 200\n[Asserts]\njsonpath \"$.status\" == \"{{want}}\"\n";
    let ran = Block::new(block).on(&server).var("want", "OK").run();
    let url = server.url("/va/api/v4/report/image/status/us.icr.io/birds/bluebird:1");
    assert_eq!(
        ran.reason(),
        format!(
            "GET {url}\n\
             jsonpath \"$.status\": expected == \"OK\", got \"FAIL\"\n\
             response: status 200, body: {{\"status\": \"FAIL\", \"issue_count\": 3}}"
        )
    );
    Block::new(block)
        .on(&server)
        .var("want", "FAIL")
        .run()
        .assert_passed();
}

#[test]
fn captures_feed_the_url_and_headers_of_the_next_request() {
    let server = Server::start(|request, _| match request.target.as_str() {
        "/token" => Reply::json(200, r#"{"id": "abc", "token": "t0k", "n": 2}"#),
        "/items/abc" if request.header("authorization") == Some("Bearer t0k") => {
            Reply::json(200, r#"{"count": 2}"#)
        }
        _ => Reply::status(404),
    });
    let block = "POST {{base}}/token\nHTTP 200\n[Captures]\nid: jsonpath \"$.id\"\n\
                 token: jsonpath \"$.token\"\nn: jsonpath \"$.n\"\n\n\
                 GET {{base}}/items/{{id}}\nAuthorization: Bearer {{token}}\nHTTP 200\n\
                 [Asserts]\njsonpath \"$.count\" == {{n}}\n";
    let ran = Block::new(block).on(&server).run();
    ran.assert_passed();
    let captures: Vec<(&str, &str)> = ran
        .run
        .captures
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(captures, [("id", "abc"), ("token", "t0k"), ("n", "2")]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/token", "/items/abc"]);

    // Without the value to capture, the first request fails and the second is never sent.
    let server = Server::always(|| Reply::json(200, r#"{"token": "t0k"}"#));
    let ran = Block::new(block).on(&server).run();
    ran.assert_failed_with(r#"capture `id`: jsonpath "$.id" found nothing (no such path)"#);
    assert!(
        ran.reason().contains("(request 1 of 2)"),
        "{}",
        ran.reason()
    );
    assert!(ran.run.captures.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn query_and_form_parameters_reach_the_server() {
    let server = Server::always(|| Reply::json(200, "{}"));
    let block = "GET {{base}}/api/v1/images\n[QueryStringParams]\nnamespace: {{ns}}\n\
                 q: a b&c\nHTTP 200\n\n\
                 POST {{base}}/identity/token\n[FormParams]\n\
                 grant_type: urn:ibm:params:oauth:grant-type:apikey\napikey: {{apikey}}\nHTTP 200\n";
    Block::new(block)
        .on(&server)
        .var("ns", "birds")
        .secret("apikey", "k3y/+=")
        .run()
        .assert_passed();
    let requests = server.requests();
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].target,
        "/api/v1/images?namespace=birds&q=a+b%26c"
    );
    assert_eq!(requests[1].method, "POST");
    assert_eq!(
        requests[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        requests[1].body_text(),
        "grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=k3y%2F%2B%3D"
    );
}

#[test]
fn a_json_body_is_sent_as_json_unless_the_block_says_otherwise() {
    let server = Server::always(|| Reply::status(201));
    let block = "PUT {{base}}/api/v1/namespaces\n{\"name\": \"{{ns}}\"}\nHTTP 201\n\n\
                 PATCH {{base}}/x\nContent-Type: application/merge-patch+json\n{\"a\": 1}\nHTTP 201\n";
    Block::new(block)
        .on(&server)
        .var("ns", "birds")
        .run()
        .assert_passed();
    let requests = server.requests();
    assert_eq!(requests[0].body_text(), r#"{"name": "birds"}"#);
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(
        requests[1].header("content-type"),
        Some("application/merge-patch+json")
    );
}

#[test]
fn each_way_of_writing_a_body_is_sent_as_hurl_sends_it() {
    // Hurl 8's runner (body.rs, request.rs): a JSON value is JSON whatever its type; a ```json
    // or ```xml string is labelled as such; a plain ``` string is text even when it looks like
    // JSON; ```raw and XML are sent as written, `{{…}}` included.
    let server = Server::always(|| Reply::status(200));
    let block = "POST {{base}}/1\n\"Hello {{who}}\"\nHTTP 200\n\n\
                 POST {{base}}/2\n100\nHTTP 200\n\n\
                 POST {{base}}/3\n```\n{\"who\": \"{{who}}\"}\n```\nHTTP 200\n\n\
                 POST {{base}}/4\n```json\n{\"who\": \"{{who}}\"}\n```\nHTTP 200\n\n\
                 POST {{base}}/5\n```raw\n{{who}}\n```\nHTTP 200\n\n\
                 POST {{base}}/6\n<who>{{who}}</who>\nHTTP 200\n\n\
                 POST {{base}}/7\n```xml\n<who>{{who}}</who>\n```\nHTTP 200\n\n\
                 POST {{base}}/8\nplain {{who}}\nHTTP 200\n";
    Block::new(block)
        .on(&server)
        .var("who", "a \"b\"")
        .run()
        .assert_passed();
    let sent: Vec<_> = server
        .requests()
        .iter()
        .map(|r| (r.header("content-type").map(str::to_owned), r.body_text()))
        .collect();
    let json = Some("application/json".to_owned());
    let xml = Some("application/xml".to_owned());
    assert_eq!(
        sent,
        [
            (json.clone(), r#""Hello a \"b\"""#.to_owned()),
            (json.clone(), "100".to_owned()),
            (None, "{\"who\": \"a \"b\"\"}\n".to_owned()),
            (json, "{\"who\": \"a \"b\"\"}\n".to_owned()),
            (None, "{{who}}\n".to_owned()),
            (xml.clone(), "<who>{{who}}</who>".to_owned()),
            (xml, "<who>a \"b\"</who>\n".to_owned()),
            (None, "plain a \"b\"".to_owned()),
        ]
    );
}

#[test]
fn hurl_functions_fill_a_request_even_where_the_lesson_has_no_such_variable() {
    let server = Server::always(|| Reply::status(200));
    // The lesson's variables answer `{{NAME}}` for a name they do not know, as the engine's do.
    Block::new("GET {{base}}/f\n[Query]\nuuid: {{newUuid}}\nHTTP 200\n")
        .on(&server)
        .var("newUuid", "{{newUuid}}")
        .run()
        .assert_passed();
    let target = &server.requests()[0].target;
    let uuid = target.strip_prefix("/f?uuid=").unwrap_or(target);
    assert_eq!(uuid.len(), 36, "{target}");
    assert!(
        uuid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'),
        "{target}"
    );
}

#[test]
fn a_content_type_written_on_a_request_without_body_is_sent() {
    let server = Server::always(|| Reply::status(200));
    Block::new("PATCH {{base}}/x\nContent-Type: application/example\nHTTP 200\n")
        .on(&server)
        .run()
        .assert_passed();
    assert_eq!(
        server.requests()[0].header("content-type"),
        Some("application/example")
    );
}

#[test]
fn a_server_error_then_success_passes_with_a_retry_and_fails_without() {
    let flaky = || {
        Server::start(|_, n| {
            if n == 0 {
                Reply::status(500)
            } else {
                Reply::json(200, "{}")
            }
        })
    };
    let server = flaky();
    let ran = Block::new("GET {{base}}/\n[Options]\nretry: 1\nretry-interval: 10ms\nHTTP 200\n")
        .on(&server)
        .run();
    ran.assert_passed();
    assert_eq!(ran.run.outcome.evidence().attempts, 2);
    assert_eq!(server.requests().len(), 2);

    let server = flaky();
    let ran = Block::new("GET {{base}}/\nHTTP 200\n").on(&server).run();
    ran.assert_failed_with("status: expected 200, got 500");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_state_that_appears_after_two_polls_passes_showing_the_last_value_seen() {
    let server = || {
        Server::start(|_, n| {
            Reply::json(
                200,
                if n < 2 {
                    r#"{"status":"FAIL"}"#
                } else {
                    r#"{"status":"OK"}"#
                },
            )
        })
    };
    let block = "GET {{base}}/status\nHTTP 200\n[Asserts]\njsonpath \"$.status\" == \"OK\"\n";
    let ran = Block::new(block)
        .on(&server())
        .limits(|l| {
            l.retry = 5;
            fast_polls(l);
        })
        .run();
    ran.assert_passed();
    assert_eq!(ran.run.outcome.evidence().attempts, 3);
    let waits = ran.waits();
    assert_eq!(waits.len(), 2);
    let RunProgress::Waiting {
        attempt,
        last,
        remaining,
    } = waits[1]
    else {
        unreachable!()
    };
    assert_eq!(*attempt, 2);
    assert_eq!(last, r#"jsonpath "$.status" was "FAIL", expected == "OK""#);
    assert_eq!(*remaining, None);

    let ran = Block::new(block)
        .on(&server())
        .limits(|l| {
            l.retry = 1;
            fast_polls(l);
        })
        .run();
    ran.assert_failed_with("gave up after 2 attempts in ");
    // The reason starts with the request; its headline is the assert that failed.
    assert_eq!(
        ran.run.outcome.headline(),
        Some(r#"jsonpath "$.status" was "FAIL", expected == "OK""#)
    );
}

#[test]
fn a_server_slower_than_the_timeout_fails_within_it_with_a_clear_reason() {
    let server = Server::start(|request, _| match request.target.as_str() {
        "/slow" => Reply::Stall(Duration::from_secs(5)),
        _ => Reply::status(200),
    });
    // The entry's own timeout wins over the block's 30s.
    let ran = Block::new("GET {{base}}/slow\n[Options]\ntimeout: 1s\nHTTP 200\n")
        .on(&server)
        .run();
    ran.assert_failed_with("no response within 1s");
    assert!(
        ran.elapsed < Duration::from_millis(2500),
        "{:?}",
        ran.elapsed
    );

    Block::new("GET {{base}}/fast\n[Options]\ntimeout: 1s\nHTTP 200\n")
        .on(&server)
        .run()
        .assert_passed();
}

#[test]
fn a_body_slower_than_the_timeout_is_told_from_a_silent_server() {
    let trickle = |total| Reply::Trickle {
        total,
        chunk: 10,
        delay: Duration::from_millis(100),
    };
    let server =
        Server::start(move |request, _| trickle(if request.target == "/long" { 1000 } else { 20 }));
    let ran = Block::new("GET {{base}}/long\nHTTP 200\n")
        .on(&server)
        .limits(|l| l.timeout = Duration::from_millis(400))
        .run();
    ran.assert_failed_with("status 200 came, but not the whole body within 400ms");
    Block::new("GET {{base}}/short\nHTTP 200\n")
        .on(&server)
        .limits(|l| l.timeout = Duration::from_millis(1500))
        .run()
        .assert_passed();
}

#[test]
fn a_response_that_is_not_json_fails_a_jsonpath_assert() {
    let server = Server::start(|request, _| match request.target.as_str() {
        "/html" => Reply::text(200, "<html>maintenance</html>"),
        _ => Reply::json(200, r#"{"a": 1}"#),
    });
    let assert = "HTTP 200\n[Asserts]\njsonpath \"$.a\" == 1\n";
    let ran = Block::new(&format!("GET {{{{base}}}}/html\n{assert}"))
        .on(&server)
        .run();
    ran.assert_failed_with(
        "jsonpath \"$.a\": response is not JSON: expected value at line 1 column 1\n\
         response: status 200, body: <html>maintenance</html>",
    );
    Block::new(&format!("GET {{{{base}}}}/json\n{assert}"))
        .on(&server)
        .run()
        .assert_passed();
}

#[test]
fn a_refused_connection_is_worded_plainly_and_retried() {
    let addr = refused_addr();
    let ran = Block::new("GET http://{{addr}}/x\nHTTP 200\n")
        .var("addr", &addr.to_string())
        .limits(|l| {
            l.retry = 2;
            fast_polls(l);
        })
        .run();
    ran.assert_failed_with(&format!(
        "GET http://{addr}/x\ncannot connect to {addr}: connection refused\ngave up after 3 attempts"
    ));
    let RunProgress::Waiting { last, .. } = ran.waits()[0] else {
        unreachable!()
    };
    assert_eq!(
        last,
        &format!("cannot connect to {addr}: connection refused")
    );
}

#[test]
fn a_server_that_hangs_up_or_cuts_the_body_short_is_reported() {
    let server = Server::start(|request, _| match request.target.as_str() {
        "/hangup" => Reply::Raw(Vec::new()),
        "/cut" => Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".to_vec()),
        "/garbage" => Reply::Raw(b"SSH-2.0-OpenSSH\r\n\r\n".to_vec()),
        _ => Reply::status(200),
    });
    let target = server.addr();
    for (path, reason) in [
        (
            "hangup",
            format!("{target} closed the connection without a response"),
        ),
        (
            "cut",
            format!("{target} closed the connection after 3 of 100 bytes of the response body"),
        ),
        (
            "garbage",
            format!("request to {target} failed: invalid HTTP version parsed"),
        ),
    ] {
        let ran = Block::new(&format!("GET {{{{base}}}}/{path}\nHTTP 200\n"))
            .on(&server)
            .run();
        ran.assert_failed_with(&reason);
    }
    Block::new("GET {{base}}/fine\nHTTP 200\n")
        .on(&server)
        .run()
        .assert_passed();
}

#[test]
fn tls_to_a_server_that_does_not_speak_it_is_a_tls_failure() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a test port");
    let addr = listener.local_addr().expect("its address");
    let server = thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let ran = Block::new("GET https://{{addr}}/\nHTTP 200\n")
        .var("addr", &addr.to_string())
        .run();
    let _ = server.join();
    ran.assert_failed_with(&format!("TLS handshake with {addr} failed: "));
}

#[test]
fn a_redirect_to_another_origin_drops_credentials_and_secret_headers() {
    let target = Server::always(|| Reply::json(200, "{}"));
    let landing = target.url("/landed");
    let origin = Server::start(move |request, _| match request.target.as_str() {
        "/same" => Reply::redirect(302, "/here"),
        "/here" => Reply::json(200, "{}"),
        _ => Reply::redirect(302, &landing),
    });
    let block = "GET {{base}}/{{path}}\nAuthorization: Bearer {{token}}\nCookie: session=1\n\
                 X-Api-Key: key {{apikey}}\nX-Account: {{account}}\nX-Plain: hello\nHTTP 200\n";
    let run = |path: &str| {
        Block::new(block)
            .on(&origin)
            .var("path", path)
            .secret("token", "t0k3n")
            .secret("apikey", "s3cr3t")
            .var("account", "abc123")
            .run()
    };
    let sensitive = ["authorization", "cookie", "x-api-key", "x-account"];

    run("away").assert_passed();
    let landed = &target.requests()[0];
    assert_eq!(landed.target, "/landed");
    for name in sensitive {
        assert_eq!(landed.header(name), None, "{name} went to another origin");
    }
    assert_eq!(landed.header("x-plain"), Some("hello"));
    assert_eq!(landed.header("referer"), None);

    // The same origin gets everything.
    run("same").assert_passed();
    let here = origin
        .requests()
        .into_iter()
        .find(|r| r.target == "/here")
        .expect("/here");
    for name in sensitive {
        assert!(
            here.header(name).is_some(),
            "{name} was dropped on the same origin"
        );
    }
    assert_eq!(here.header("authorization"), Some("Bearer t0k3n"));
}

#[test]
fn redirects_are_followed_up_to_fifty() {
    let server = Server::start(|request, n| {
        let limit: usize = if request.target.starts_with("/fifty") {
            50
        } else {
            100
        };
        if n < limit {
            Reply::redirect(
                302,
                &format!("{}?{n}", request.target.split('?').next().unwrap_or("")),
            )
        } else {
            Reply::json(200, "{}")
        }
    });
    let ran = Block::new("GET {{base}}/fifty\nHTTP 200\n")
        .on(&server)
        .run();
    ran.assert_passed();
    assert_eq!(server.requests().len(), 51);

    let server = Server::start(|_, n| Reply::redirect(301, &format!("/again?{n}")));
    let ran = Block::new("GET {{base}}/loop\nHTTP 200\n")
        .on(&server)
        .run();
    ran.assert_failed_with("too many redirects (more than 50); the last one was to ");
    assert_eq!(server.requests().len(), 51);
}

#[test]
fn a_see_other_after_a_post_becomes_a_get_and_a_307_repeats_the_post() {
    let server = Server::start(|request, _| match request.target.as_str() {
        "/see-other" => Reply::redirect(303, "/result"),
        "/temporary" => Reply::redirect(307, "/result"),
        _ => Reply::json(200, "{}"),
    });
    let block = "POST {{base}}/{{path}}\n{\"a\": 1}\nHTTP 200\n";
    Block::new(block)
        .on(&server)
        .var("path", "see-other")
        .run()
        .assert_passed();
    Block::new(block)
        .on(&server)
        .var("path", "temporary")
        .run()
        .assert_passed();
    let requests = server.requests();
    let (after_303, after_307) = (&requests[1], &requests[3]);
    assert_eq!(
        (after_303.method.as_str(), after_303.body.len()),
        ("GET", 0)
    );
    assert_eq!(after_303.header("content-type"), None);
    assert_eq!(after_307.method, "POST");
    assert_eq!(after_307.body_text(), r#"{"a": 1}"#);
}

#[test]
fn secrets_never_show_in_a_failure_reason_or_in_progress() {
    let server = Server::start(|request, _| {
        let echo = format!(r#"{{"echo": "{}", "status": "FAIL"}}"#, request.target);
        Reply::json(200, &echo)
    });
    let block = "GET {{base}}/keys?apikey={{apikey}}\nHTTP 200\n[Asserts]\n\
                 jsonpath \"$.echo\" == \"nope\"\njsonpath \"$.status\" == \"OK\"\n";
    let limits = |l: &mut Limits| {
        l.retry = 1;
        fast_polls(l);
    };
    let ran = Block::new(block)
        .on(&server)
        .secret("apikey", "hunter2")
        .limits(limits)
        .run();
    assert!(!ran.passed());
    let everything = format!("{} {:?}", ran.reason(), ran.progress);
    assert!(!everything.contains("hunter2"), "{everything}");
    assert!(
        ran.reason().contains("/keys?apikey=••••"),
        "{}",
        ran.reason()
    );
    assert!(
        ran.reason().contains(r#"got "/keys?apikey=••••""#),
        "{}",
        ran.reason()
    );

    // The same block with the value not declared secret shows it: the masking is what hid it.
    let ran = Block::new(block).on(&server).var("apikey", "hunter2").run();
    assert!(ran.reason().contains("hunter2"), "{}", ran.reason());
}

#[test]
fn an_interrupt_stops_a_long_poll_promptly() {
    let server = Server::always(|| Reply::json(200, r#"{"status":"FAIL"}"#));
    let block = "GET {{base}}/\nHTTP 200\n[Asserts]\njsonpath \"$.status\" == \"OK\"\n";
    let ran = Block::new(block)
        .on(&server)
        .limits(|l| {
            l.retry = 1000;
            l.interval = Duration::from_secs(10);
        })
        .interrupt_after(Duration::from_millis(300))
        .run();
    assert_eq!(ran.reason(), "interrupted");
    assert!(ran.run.interrupted);
    assert!(ran.elapsed < Duration::from_secs(2), "{:?}", ran.elapsed);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_interrupt_stops_a_request_in_flight() {
    let server = Server::always(|| Reply::Stall(Duration::from_secs(10)));
    let ran = Block::new("GET {{base}}/\nHTTP 200\n")
        .on(&server)
        .interrupt_after(Duration::from_millis(300))
        .run();
    assert_eq!(ran.reason(), "interrupted");
    assert!(ran.elapsed < Duration::from_secs(2), "{:?}", ran.elapsed);
    // Not interrupted, the same request runs into its timeout instead.
    let ran = Block::new("GET {{base}}/\nHTTP 200\n")
        .on(&server)
        .limits(|l| l.timeout = Duration::from_millis(300))
        .run();
    ran.assert_failed_with("no response within 300ms");
    assert!(!ran.run.interrupted);
}

#[test]
fn a_body_beyond_the_limit_is_refused_without_reading_it_all() {
    let server = Server::start(|request, _| match request.target.as_str() {
        "/endless" => Reply::Endless {
            total: 11 * 1024 * 1024,
        },
        "/declared" => {
            Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n".to_vec())
        }
        _ => Reply::Endless { total: 1024 * 1024 },
    });
    for path in ["endless", "declared"] {
        let ran = Block::new(&format!("GET {{{{base}}}}/{path}\nHTTP 200\n"))
            .on(&server)
            .run();
        ran.assert_failed_with("response body larger than 10 MiB");
    }
    let ran = Block::new("GET {{base}}/small\nHTTP 200\n")
        .on(&server)
        .run();
    ran.assert_passed();
    // A HEAD response declares the length of a body it does not send.
    let ran = Block::new("HEAD {{base}}/declared\nHTTP 200\n")
        .on(&server)
        .run();
    ran.assert_passed();
    let ran = Block::new("GET {{base}}/small\nHTTP 200\n")
        .on(&server)
        .limits(|l| l.max_body = 512 * 1024)
        .run();
    ran.assert_failed_with("response body larger than 512 KiB");
}

#[test]
fn a_body_that_is_not_utf8_fails_a_body_assert_but_not_a_status_check() {
    let server = Server::always(|| Reply::status(200).body(b"ok\xff\xfe"));
    let ran = Block::new("GET {{base}}/\nHTTP 200\n[Asserts]\nbody contains \"ok\"\n")
        .on(&server)
        .run();
    ran.assert_failed_with(
        "body: response body is not valid UTF-8 (invalid byte at offset 2)\n\
         response: status 200, body: (4 bytes, not UTF-8 text)",
    );
    Block::new("GET {{base}}/\nHTTP 200\n")
        .on(&server)
        .run()
        .assert_passed();
}

#[test]
fn retry_after_is_honoured_when_it_fits_the_budget() {
    let server = |after: &'static str| {
        Server::start(move |_, n| match n {
            0 => Reply::status(503)
                .header("Date", "Thu, 01 Jan 2026 00:00:00 GMT")
                .header("Retry-After", after),
            _ => Reply::json(200, "{}"),
        })
    };
    // Polls `server` for the block, fast but for what Retry-After asks; the time between
    // the first two requests.
    let block = "GET {{base}}/\nHTTP 200\n";
    let gap = |server: &Server| {
        let ran = Block::new(block)
            .on(server)
            .limits(|l| {
                l.retry = 3;
                l.budget = Some(Duration::from_secs(10));
                fast_polls(l);
            })
            .run();
        ran.assert_passed();
        let requests = server.requests();
        (ran, requests[1].at.duration_since(requests[0].at))
    };
    let (ran, waited) = gap(&server("1"));
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    let RunProgress::Waiting { last, .. } = ran.waits()[0] else {
        unreachable!()
    };
    assert_eq!(last, "status 503");

    // The same wait given as an HTTP date, one second after the response's own Date.
    let (_, waited) = gap(&server("Thu, 01 Jan 2026 00:00:01 GMT"));
    assert!(waited >= Duration::from_secs(1), "{waited:?}");

    // A Retry-After beyond the budget is not waited for: the usual interval is.
    let (_, waited) = gap(&server("100"));
    assert!(waited < Duration::from_secs(1), "{waited:?}");
}

#[test]
fn the_time_budget_caps_polling() {
    let server = Server::always(|| Reply::json(200, r#"{"status":"FAIL"}"#));
    let block = "GET {{base}}/\nHTTP 200\n[Asserts]\njsonpath \"$.status\" == \"OK\"\n";
    let budget = Duration::from_millis(1500);
    let ran = Block::new(block)
        .on(&server)
        .limits(|l| {
            l.retry = 1000;
            l.interval = Duration::from_millis(200);
            l.budget = Some(budget);
        })
        .run();
    ran.assert_failed_with("the time budget of 1.5s ran out");
    assert!(
        ran.elapsed < budget + Duration::from_secs(1),
        "{:?}",
        ran.elapsed
    );
    let remaining: Vec<Duration> = ran
        .waits()
        .iter()
        .filter_map(|p| match p {
            RunProgress::Waiting { remaining, .. } => *remaining,
            _ => None,
        })
        .collect();
    assert!(remaining.len() >= 2, "{remaining:?}");
    assert!(remaining.windows(2).all(|w| w[0] > w[1]), "{remaining:?}");
    assert!(remaining[0] < budget, "{remaining:?}");

    // Without a budget, the same block polls on until its retries are used up.
    let ran = Block::new(block)
        .on(&server)
        .limits(|l| {
            l.retry = 2;
            fast_polls(l);
        })
        .run();
    ran.assert_failed_with("gave up after 3 attempts in ");
    assert!(!ran.reason().contains("budget"), "{}", ran.reason());
}

#[test]
fn evidence_records_the_status_the_body_hash_the_attempts_and_the_time() {
    let server = Server::always(|| Reply::text(200, "abc"));
    let ran = Block::new("GET {{base}}/\nHTTP 200\n").on(&server).run();
    ran.assert_passed();
    let evidence = ran.run.outcome.evidence();
    assert_eq!(evidence.http_status, Some(200));
    assert_eq!(
        evidence.body_sha256.as_deref(),
        Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(evidence.attempts, 1);
    assert!(u128::from(evidence.duration_ms) <= ran.elapsed.as_millis());

    let ran = Block::new("GET {{base}}/\nHTTP 404\n").on(&server).run();
    assert!(!ran.passed());
    assert_eq!(ran.run.outcome.evidence().http_status, Some(200));
}

#[test]
fn an_undefined_variable_fails_at_once_without_retrying() {
    let ran = Block::new("GET https://{{region}}.icr.io/api/v1/namespaces\nHTTP 200\n")
        .limits(|l| l.retry = 5)
        .run();
    assert_eq!(
        ran.reason(),
        "GET https://{{region}}.icr.io/api/v1/namespaces\n\
         variable `region` has no value (in the URL)"
    );
    assert!(ran.progress.is_empty());
}

#[test]
fn progress_announces_each_request_with_its_url() {
    let server = Server::always(|| Reply::json(200, "{}"));
    let ran = Block::new("GET {{base}}/a?x=1\n[QueryStringParams]\ny: 2\nHTTP 200\n")
        .on(&server)
        .run();
    assert_eq!(
        ran.progress,
        [RunProgress::Request {
            method: "GET".into(),
            url: server.url("/a?x=1&y=2"),
        }]
    );
}
