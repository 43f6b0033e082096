//! Faults and untrusted input end to end, where `start/faults.rs`, `start/secrets.rs` and
//! the executors' unit tests stop:
//!
//! - HTTP faults a check meets on a real network, all in one lesson run by `labrun check`: a
//!   connection reset in the middle of the body, a body that trickles in, a huge body, a
//!   body that is not UTF-8, a redirect loop, TLS to a plain HTTP port; and a 429 whose
//!   `Retry-After` is honoured;
//! - process faults: a command not found, a shell killed by a signal, 100 MB of output;
//! - `file=` blocks against links a lesson's own command planted to leave the workspace;
//! - a background job left by a command does not keep the log locked;
//! - one secret per way in (prompt, environment, `--var`, `capture=`, `[Captures]`,
//!   `$LABRUN_OUTPUT`) through a whole session with a hint, a `file=` block and failing
//!   checks, then `status`, `check`, `show` and every `report` format: no file and no output
//!   holds any of them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::harness::Output;
use crate::server::{Reply, Server};
use crate::start::{FAST, events_named, files_containing, lab, with_base, workspace};

/// How a [`RawServer`] misbehaves, on every connection.
#[derive(Clone, Copy)]
enum Fault {
    /// Half the body, then a TCP reset.
    ResetMidBody,
    /// A 50-byte body, one byte every 100 ms.
    SlowBody,
    /// 64 MiB of body, as fast as it is read.
    HugeBody,
    /// `ok` and then two bytes that are not UTF-8.
    NotUtf8,
}

/// A server on 127.0.0.1 that answers every connection with one [`Fault`], on std's sockets
/// so that it can break HTTP as no well-behaved server does. Stops when dropped.
struct RawServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    fn start(fault: Fault) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test port");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    std::thread::spawn(move || serve(stream, fault));
                }
            }
        });
        Self {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream, fault: Fault) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if let Fault::ResetMidBody = fault {
        // Read only part of the request: closing with unread bytes makes the kernel answer
        // with a reset instead of an orderly close.
        let mut start = [0u8; 8];
        let _ = stream.read(&mut start);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf a body");
        std::thread::sleep(Duration::from_millis(200));
        return;
    }
    // The request head, up to its blank line.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    match fault {
        Fault::ResetMidBody => {}
        Fault::SlowBody => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n");
            for _ in 0..50 {
                if stream.write_all(b"x").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Fault::HugeBody => {
            let total = 64 * 1024 * 1024;
            let _ = stream.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n\r\n").as_bytes(),
            );
            let chunk = vec![b'x'; 64 * 1024];
            for _ in 0..total / chunk.len() {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
            }
        }
        Fault::NotUtf8 => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nok\xff\xfe");
        }
    }
}

/// Everything a run printed, stdout then stderr.
fn printed(out: &Output) -> String {
    format!("{}{}", out.stdout, out.stderr)
}

#[test]
fn every_http_fault_fails_its_check_with_a_reason_and_none_stalls_labrun() {
    let reset = RawServer::start(Fault::ResetMidBody);
    let slow = RawServer::start(Fault::SlowBody);
    let huge = RawServer::start(Fault::HugeBody);
    let bytes = RawServer::start(Fault::NotUtf8);
    let plain = Server::start();
    plain.route("/fine", Reply::json(200, "{}"));
    plain.route_with("/loop", |_, context| {
        Reply::status(302).header("Location", &format!("/loop?{}", context.hit))
    });
    let host = plain.url("").trim_start_matches("http://").to_owned();
    let lesson = format!(
        "---\nid: http-faults\n---\n# HTTP faults\n\n\
         ## Reset {{#reset}}\n\n```http {{check timeout=5s}}\nGET {reset}/\nHTTP 200\n```\n\n\
         ## Slow body {{#slow-body}}\n\n```http {{check timeout=1s}}\nGET {slow}/\nHTTP 200\n```\n\n\
         ## Huge body {{#huge-body}}\n\n```http {{check timeout=10s}}\nGET {huge}/\nHTTP 200\n```\n\n\
         ## Not UTF-8 {{#not-utf8}}\n\n```http {{check}}\nGET {bytes}/\nHTTP 200\n\
         [Asserts]\nbody contains \"ok\"\n```\n\n\
         ## Redirect loop {{#redirect-loop}}\n\n```http {{check}}\nGET {plain}/loop\nHTTP 200\n```\n\n\
         ## TLS {{#tls}}\n\n```http {{check}}\nGET https://{host}/fine\nHTTP 200\n```\n\n\
         ## Fine {{#fine}}\n\n```http {{check}}\nGET {plain}/fine\nHTTP 200\n```\n",
        reset = reset.url(),
        slow = slow.url(),
        huge = huge.url(),
        bytes = bytes.url(),
        plain = plain.url(""),
    );
    let lab = lab().file("faults.md", &lesson);
    let out = lab
        .run_with(["check", "--yes", "faults.md"], "")
        .status(1)
        .finished_within(Duration::from_secs(10))
        .stdout_contains("  ok        fine");
    let text = printed(&out);
    for (step, reason) in [
        (
            "reset",
            "reset the connection after 11 of 100 bytes of the response body",
        ),
        (
            "slow-body",
            "not the whole body before the time budget of 1s ran out",
        ),
        ("huge-body", "response body larger than 10 MiB"),
        ("not-utf8", "response body is not valid UTF-8"),
        ("redirect-loop", "too many redirects (more than 50)"),
        ("tls", "TLS handshake with"),
    ] {
        let at = text
            .find(&format!("  FAIL      {step}\n"))
            .unwrap_or_else(|| panic!("no FAIL for {step}:\n{text}"));
        let section: String = text[at..]
            .lines()
            .skip(1)
            .take(4)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            section.contains(reason),
            "{step} failed without `{reason}`:\n{section}\n--- all ---\n{text}"
        );
    }
    assert_eq!(
        events_named(&lab, "http-faults", "check_failed").len(),
        6,
        "one failure recorded per fault"
    );
    assert!(
        out.stdout.len() < 64 * 1024,
        "{} bytes of output",
        out.stdout.len()
    );
}

#[test]
fn too_many_requests_with_retry_after_is_waited_for_then_the_check_passes() {
    let lesson = |path: &str| {
        format!(
            "---\nid: busy\n---\n# Busy\n\n## Call {{#call}}\n\n\
             ```http {{check retry=3 interval=100ms timeout=20s}}\nGET @BASE{path}\nHTTP 200\n```\n"
        )
    };
    let server = Server::start();
    server.sequence(
        "/polite",
        vec![
            Reply::text(429, "slow down").header("Retry-After", "2"),
            Reply::json(200, "{}"),
        ],
    );
    server.sequence(
        "/terse",
        vec![Reply::text(429, "slow down"), Reply::json(200, "{}")],
    );
    let lab = lab().file("busy.md", &with_base(&lesson("/polite"), &server.url("")));
    let out = lab
        .run_with(["check", "--yes", "busy.md"], "")
        .status(0)
        .stdout_contains("  ok        call");
    assert!(
        out.elapsed >= Duration::from_secs(2),
        "Retry-After: 2 not waited for: {:?}",
        out.elapsed
    );
    assert_eq!(server.hits("/polite"), 2);
    // Without Retry-After, the block's own interval.
    let lab = crate::start::lab().file("busy.md", &with_base(&lesson("/terse"), &server.url("")));
    let out = lab
        .run_with(["check", "--yes", "busy.md"], "")
        .status(0)
        .stdout_contains("  ok        call");
    assert!(out.elapsed < Duration::from_secs(2), "{:?}", out.elapsed);
    assert_eq!(server.hits("/terse"), 2);
}

const PROCESS_FAULTS: &str = "\
---
id: process-faults
---
# Process faults

## Not found {#not-found}

```bash {check}
labrun-no-such-command-7f3 --version
```

## Killed {#killed}

```bash {check}
echo 'about to die'
kill -KILL $$
```

## Flood {#flood}

```bash {check timeout=60s}
head -c 100000000 /dev/zero | tr '\\0' 'x'
echo
echo flood-done
```
";

#[test]
fn a_missing_command_a_killed_shell_and_100_mb_of_output_are_handled_in_a_session() {
    let lab = lab().file("faults.md", PROCESS_FAULTS);
    let started = Instant::now();
    let out = lab
        .run_with(["check", "--yes", "faults.md"], "")
        .status(1)
        .finished_within(Duration::from_secs(60))
        .stdout_contains("  FAIL      not-found")
        .stdout_contains("labrun-no-such-command-7f3: command not found")
        .stdout_contains("  FAIL      killed")
        .stdout_contains("  ok        flood");
    let text = printed(&out);
    let killed = &text[text.find("  FAIL      killed").unwrap_or(0)..];
    assert!(killed.contains("signal"), "{killed}");
    let failed = events_named(&lab, "process-faults", "check_failed");
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0]["evidence"]["exit_code"], 127);
    assert!(
        failed[1]["evidence"].get("exit_code").is_none(),
        "{failed:?}"
    );
    // 100 MB went through, not onto the screen nor into the log.
    assert!(text.len() < 64 * 1024, "{} bytes printed", text.len());
    let log = lab.path().join(".progress/process-faults/ada.jsonl");
    let size = std::fs::metadata(&log).map_or(0, |m| m.len());
    assert!(size < 64 * 1024, "the log grew to {size} bytes");
    eprintln!("process faults took {:?}", started.elapsed());
}

#[test]
fn file_blocks_never_follow_links_a_lesson_command_planted_out_of_the_workspace() {
    let lab = lab();
    let outside = lab.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside folder");
    std::fs::write(outside.join("victim.txt"), "keep\n").expect("victim");
    std::fs::write(outside.join("victim2.txt"), "keep\n").expect("victim2");
    let out_dir = outside.display().to_string();
    let lesson = format!(
        "---\nid: links\n---\n# Links\n\n## Plant {{#plant}}\n\n```bash {{run}}\n\
         ln -s '{out_dir}' escape\nln -s '{out_dir}/victim.txt' notes.txt\n\
         ln -s '{out_dir}/victim2.txt' .inner.txt.labrun-tmp\n```\n\n\
         ## Write {{#write}}\n\n```text {{file=escape/new/pwned.txt}}\npwned\n```\n\n\
         ```text {{file=notes.txt}}\npwned\n```\n\n```text {{file=inner.txt}}\nfine\n```\n"
    );
    let lab = lab.file("links.md", &lesson);
    lab.run_with(["start", "links.md", "--yes"], "run\ncontinue\ncontinue\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains(
            "cannot write `escape/new/pwned.txt`: the path goes through a link that leaves the lesson workspace",
        )
        .stderr_contains("cannot write `notes.txt`: the file is a symbolic link");
    assert!(!outside.join("new").exists(), "a folder was made outside");
    assert!(!outside.join("pwned.txt").exists());
    for victim in ["victim.txt", "victim2.txt"] {
        assert_eq!(
            std::fs::read_to_string(outside.join(victim)).expect("victim"),
            "keep\n",
            "{victim} was written through a link"
        );
    }
    // The file that stays inside is written: the step did run.
    assert_eq!(
        std::fs::read_to_string(workspace(&lab, "links").join("inner.txt")).expect("inner"),
        "fine\n"
    );
}

#[test]
fn a_background_job_left_by_a_command_does_not_keep_the_log_locked() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let sleep = format!("sleep 30.{}{nanos:09}", std::process::id());
    let lab = lab().file(
        "bg.md",
        &format!(
            "---\nid: bg\n---\n# Background\n\n## Serve {{#serve}}\n\n\
             ```bash {{run}}\n{sleep} &\necho started\n```\n\n## Next {{#next}}\n\nRead.\n"
        ),
    );
    lab.run_with(["start", "bg.md", "--yes"], "run\nquit\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("started");
    let running = std::process::Command::new("pgrep")
        .args(["-f", &sleep])
        .output()
        .expect("pgrep");
    let pids = String::from_utf8_lossy(&running.stdout).into_owned();
    assert!(!pids.trim().is_empty(), "the background job is not running");
    let again = lab.run_with(["start", "bg.md", "--yes"], "quit\n");
    for pid in pids.split_whitespace() {
        let _ = std::process::Command::new("kill").arg(pid).status();
    }
    again
        .status(1)
        .stderr_lacks("another labrun session")
        .stderr_contains("Welcome back");
}

/// One value per way a secret comes in. None is in the lesson text: the command-made ones
/// are printed in halves, the others come from outside.
const FROM_PROMPT: &str = "pr0mpt-S3cret-33";
const FROM_ENV: &str = "env-S3cret-77";
const FROM_VAR: &str = "var-S3cret-88";
const FROM_CAPTURE: &str = "capt-S3cret-99";
const FROM_HTTP: &str = "http-S3cret-11";
const FROM_OUTPUT: &str = "out-S3cret-22";
const ALL_SECRETS: [&str; 6] = [
    FROM_PROMPT,
    FROM_ENV,
    FROM_VAR,
    FROM_CAPTURE,
    FROM_HTTP,
    FROM_OUTPUT,
];
const PLAIN: &str = "eu-control-7";

const EVERY_WAY: &str = r#"---
id: every-way
vars:
  s_prompt: { prompt: "Prompt secret", secret: true }
  s_env: { secret: true, env: LAB_S_ENV }
  s_var: { secret: true }
  s_capture: { secret: true }
  s_http: { secret: true }
  s_output: { secret: true }
  region: { prompt: "Region" }
---
# Every way

The environment gave {{s_env}}.

## Gather {#gather}

Prompted {{s_prompt}}, from the environment {{s_env}}, given {{s_var}}.

```bash {run capture=s_capture}
printf 'capt-%s\n' S3cret-99
```

```bash {run}
printf 's_output=out-%s\n' S3cret-22 >> "$LABRUN_OUTPUT"
```

```http {run}
POST @BASE/login
HTTP 200
[Captures]
s_http: jsonpath "$.token"
```

## Use them all {#use}

All: {{s_prompt}} {{s_env}} {{s_var}} {{s_capture}} {{s_http}} {{s_output}} in {{region}}.

<details><summary>Hint</summary>

Try {{s_prompt}} and {{s_http}}.

</details>

```bash {check}
echo "values: $s_prompt $s_env $s_var $s_capture $s_http $s_output in $region"
test -f active
```

```http {check}
POST @BASE/echo
Content-Type: application/json
{"all": "{{s_prompt}} {{s_env}} {{s_var}} {{s_capture}} {{s_http}} {{s_output}} {{region}}"}
HTTP 200
[Asserts]
jsonpath "$.all" contains "{{s_http}}"
```

```bash {solve}
touch active
```

```text {file=config.txt}
prompted={{s_prompt}} http={{s_http}} region={{region}}
```
"#;

#[test]
fn secrets_from_every_way_in_reach_no_file_and_no_output_of_any_command() {
    let lab = lab().env("LAB_S_ENV", FROM_ENV);
    let active = workspace(&lab, "every-way").join("active");
    let server = Server::start();
    server.route(
        "/login",
        Reply::json(200, &format!(r#"{{"token":"{FROM_HTTP}"}}"#)),
    );
    let gate = active.clone();
    // Echoes what it was sent: refused (with the secrets in the body) until `active` exists.
    server.route_with("/echo", move |request, _| {
        let status = if gate.exists() { 200 } else { 403 };
        Reply::json(status, &request.body_text())
    });
    let lab = lab.file("every.md", &with_base(EVERY_WAY, &server.url("")));
    let var = format!("s_var={FROM_VAR}");
    let mut outputs: Vec<(String, Output)> = Vec::new();

    // gather: the prompt secret, its `run` blocks run as it is entered, go on; use: the
    // region, hint, check (fails), solution, apply it (checked at once: passes).
    let answers = format!("{FROM_PROMPT}\ncontinue\n{PLAIN}\nhint\ncheck\nsolution\napply\n");
    let session = lab
        .run_with(["start", "every.md", "--yes", "--var", &var], &answers)
        .status(0)
        .finished_within(FAST)
        .stderr_contains("✘ Not verified yet")
        .stderr_contains("Lesson complete.");
    outputs.push(("start".into(), session));

    // `check` with the work undone: its failures print the secrets' places again.
    std::fs::remove_file(&active).expect("undo the work");
    outputs.push((
        "check".into(),
        lab.run_with(["check", "--yes", "every.md", "--var", &var], "")
            .status(1),
    ));
    for args in [
        vec!["status", "every.md"],
        vec!["status", "every.md", "--json"],
        vec!["show", "every.md", "--hints", "--solutions"],
        vec!["show", "every.md", "--commands"],
        vec!["show", "every.md", "--json"],
    ] {
        outputs.push((args.join(" "), lab.run_with(args, "")));
    }
    for format in ["table", "json", "csv", "junit", "markdown", "html"] {
        let out = lab.run_with(["report", ".progress", "--format", format], "");
        outputs.push((format!("report --format {format}"), out));
    }

    // The secrets were used for real: the server got every one.
    let sent: String = server.requests().iter().map(|r| r.body_text()).collect();
    for secret in ALL_SECRETS {
        assert!(sent.contains(secret), "the server never got {secret}");
    }
    // And none is anywhere else.
    for (command, out) in &outputs {
        for secret in ALL_SECRETS {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "`labrun {command}` printed {secret}:\n{}{}",
                out.stdout,
                out.stderr
            );
        }
    }
    for secret in ALL_SECRETS {
        assert_eq!(
            files_containing(lab.path(), secret),
            Vec::<PathBuf>::new(),
            "files hold {secret}"
        );
    }
    // The scan sees what is there: the plain value is in the log, the failures were masked
    // where they were printed, and every report ran.
    let log = lab.path().join(".progress/every-way/ada.jsonl");
    assert!(files_containing(&lab.path().join(".progress"), PLAIN).contains(&log));
    assert_eq!(
        std::fs::read_to_string(workspace(&lab, "every-way").join("config.txt"))
            .expect("the file= block was written"),
        "prompted=•••• http=•••• region=eu-control-7\n"
    );
    let start = &outputs[0].1;
    assert!(
        start
            .stderr
            .contains("values: •••• •••• •••• •••• •••• •••• in eu-control-7"),
        "{}",
        start.stderr
    );
    for (command, out) in &outputs[7..] {
        assert_eq!(out.status, 0, "`labrun {command}`: {}", out.stderr);
        assert!(
            out.stdout.contains("every-way"),
            "`labrun {command}`:\n{}",
            out.stdout
        );
    }
}
