//! A secret never reaches a file under the progress folder, the workspace or the temporary
//! folder, nor stdout or stderr — whether it comes from the environment, `--var`, a prompt,
//! `capture=` or an HTTP `[Captures]`, and even when a failing check prints it or a server
//! echoes it. Every test also proves that the secret was really used (the server saw it), and
//! that a non-secret value of the same session does show up where the scan looks, so a scan
//! that finds nothing means something.

use std::path::Path;

use super::{FAST, events_named, files_containing, lab, with_base, workspace};
use crate::harness::{Output, Test};
use crate::server::{Reply, Server};

/// A value that is not secret: it must appear in the log and on screen.
const REGION: &str = "eu-control-7";

/// The step that uses `{{token}}`: a check that prints it and fails until the learner has
/// activated the token, and an HTTP check whose server echoes the token it was sent.
const USE: &str = "\
## Use the token {#use}

Your token is {{token}}, your region {{region}}.

```bash {check}
echo \"the token $token in $region is not active yet\"; test -f active
```

```bash
touch active
```

```http {check}
GET @BASE/whoami?key={{token}}
Authorization: Bearer {{token}}
HTTP 200
[Asserts]
jsonpath \"$.key\" == \"{{token}}\"
```
";

fn lesson(token: &str, first_step: &str, base: &str) -> String {
    with_base(
        &format!(
            "---\nid: secret\nvars:\n  token: {token}\n  region: {{ prompt: \"Region\" }}\n---\n\
             # Secret\n\n{first_step}\n{USE}"
        ),
        base,
    )
}

/// `/whoami` echoes the bearer token: refused (403) until the workspace holds `active`.
/// `/login` hands out `login_token`.
fn server(lab: &Test, login_token: &'static str) -> Server {
    let server = Server::start();
    let active = workspace(lab, "secret").join("active");
    server.route_with("/whoami", move |request, _| {
        let key = request
            .header("Authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        if active.exists() {
            Reply::json(200, &format!(r#"{{"key":"{key}"}}"#))
        } else {
            Reply::json(403, &format!(r#"{{"error":"key {key} is not active"}}"#))
        }
    });
    server.route(
        "/login",
        Reply::json(200, &format!(r#"{{"token":"{login_token}"}}"#)),
    );
    server
}

/// The secret is nowhere in the output nor in any file of the test folder; the control
/// value is, so the scan can see; the server got the secret.
#[track_caller]
fn assert_kept_secret(lab: &Test, out: &Output, server: &Server, secret: &str) {
    assert!(
        !out.stdout.contains(secret),
        "stdout shows the secret:\n{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains(secret),
        "stderr shows the secret:\n{}",
        out.stderr
    );
    assert_eq!(
        files_containing(lab.path(), secret),
        Vec::<std::path::PathBuf>::new(),
        "files hold the secret"
    );
    assert!(out.stderr.contains("••••"), "masked:\n{}", out.stderr);
    // The control: a plain value is in the log and on screen.
    assert!(out.stderr.contains(REGION), "{}", out.stderr);
    let in_log = files_containing(&lab.path().join(".progress"), REGION);
    assert_eq!(in_log.len(), 1, "the log holds the plain value");
    // The secret was used for real.
    let bearer = format!("Bearer {secret}");
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("Authorization") == Some(bearer.as_str())),
        "the server never got the secret"
    );
}

/// Answers for a session: `first` for the first step, then the use step fails (the secret
/// printed by the check and echoed by the server), the learner activates it, and it passes.
fn session(prompts: &str, first: &str) -> String {
    format!("{prompts}{first}check\nrun\ncheck\n")
}

fn assert_failed_then_passed(lab: &Test, out: &Output) {
    assert!(
        out.stderr
            .contains("the token •••• in eu-control-7 is not active yet"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Lesson complete."), "{}", out.stderr);
    let failed = events_named(lab, "secret", "check_failed");
    assert_eq!(failed.len(), 2, "{failed:?}");
    let reasons: Vec<&str> = failed
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert!(reasons[0].contains("the token ••••"), "{reasons:?}");
    assert!(
        reasons[1].contains(r#"key •••• is not active"#),
        "{reasons:?}"
    );
}

const GIVEN: &str = "{ prompt: \"Token\", secret: true, env: LAB_TOKEN }";
const SECRET: &str = "s3cr3t-K3y-a1b2";

#[test]
fn a_secret_from_the_environment_reaches_no_file_and_no_output() {
    let lab = lab().env("LAB_TOKEN", SECRET);
    let server = server(&lab, "unused");
    let lab = lab.file("secret.md", &lesson(GIVEN, "", &server.url("")));
    // `check` before the session (with a log of its own): the printed secret is masked.
    let check = lab
        .run_with(
            ["check", "--yes", "secret.md", "--progress-dir", ".check"],
            "",
        )
        .status(1)
        .stdout_contains("the token •••• in  is not active yet");
    assert!(!check.stdout.contains(SECRET) && !check.stderr.contains(SECRET));
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes"],
            &session(&format!("{REGION}\n"), ""),
        )
        .status(0)
        .finished_within(FAST)
        .stderr_lacks("Token: ")
        .stderr_contains("Your token is ••••, your region eu-control-7.");
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, SECRET);
}

#[test]
fn a_secret_from_var_reaches_no_file_and_no_output() {
    let lab = lab();
    let server = server(&lab, "unused");
    let lab = lab.file("secret.md", &lesson(GIVEN, "", &server.url("")));
    let var = format!("token={SECRET}");
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes", "--var", var.as_str()],
            &session(&format!("{REGION}\n"), ""),
        )
        .status(0)
        .finished_within(FAST)
        .stderr_lacks("Token: ");
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, SECRET);
}

#[test]
fn a_secret_typed_at_its_prompt_reaches_no_file_and_no_output_and_is_asked_again_next_time() {
    let lab = lab();
    let server = server(&lab, "unused");
    let lab = lab.file("secret.md", &lesson(GIVEN, "", &server.url("")));
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes"],
            &session(&format!("{SECRET}\n{REGION}\n"), ""),
        )
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Token: ••••\n")
        .stderr_contains("Region: eu-control-7");
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, SECRET);
    // Never saved, so asked again; the plain answer is not.
    lab.run_with(["start", "secret.md", "--yes"], "another-one\n\n")
        .status(0)
        .stderr_contains("Token: ")
        .stderr_lacks("Region: ");
}

const CAPTURED: &str = "{ secret: true }";

/// The token `capture=` takes: printed in two halves, so the lesson itself does not hold it.
const CAPTURED_TOKEN: &str = "tok-Zq9-x7";

fn capture_step(role: &str) -> String {
    format!(
        "## Get a token {{#get}}\n\n```bash {{{role} capture=token}}\nprintf 'tok-%s\\n' Zq9-x7\n```\n"
    )
}

#[test]
fn a_secret_captured_by_a_check_reaches_no_file_and_no_output() {
    let lab = lab();
    let server = server(&lab, "unused");
    let lab = lab.file(
        "secret.md",
        &lesson(CAPTURED, &capture_step("check"), &server.url("")),
    );
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes"],
            // The region is asked when the step that names it comes.
            &session("", &format!("check\n{REGION}\n")),
        )
        .status(0)
        .finished_within(FAST);
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, CAPTURED_TOKEN);
    assert!(
        events_named(&lab, "secret", "var_set")
            .iter()
            .all(|e| e["name"] != "token"),
        "a secret capture is not saved"
    );
}

#[test]
fn a_secret_captured_by_a_run_block_reaches_no_file_and_no_output() {
    let lab = lab();
    let server = server(&lab, "unused");
    let lab = lab.file(
        "secret.md",
        &lesson(CAPTURED, &capture_step("run"), &server.url("")),
    );
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes"],
            // The `run` block runs as its step is entered; the region is asked at step two.
            &session("", &format!("continue\n{REGION}\n")),
        )
        .status(0)
        .finished_within(FAST);
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, CAPTURED_TOKEN);
}

#[test]
fn a_secret_written_to_labrun_output_reaches_no_file_and_no_output() {
    let lab = lab();
    let server = server(&lab, "unused");
    let first = "## Get a token {#get}\n\n```bash {check}\n\
                 printf 'token=tok-%s\\n' Zq9-x7 >> \"$LABRUN_OUTPUT\"\n```\n";
    let lab = lab.file("secret.md", &lesson(CAPTURED, first, &server.url("")));
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes"],
            // The region is asked when the step that names it comes.
            &session("", &format!("check\n{REGION}\n")),
        )
        .status(0)
        .finished_within(FAST);
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, CAPTURED_TOKEN);
}

const LOGIN_TOKEN: &str = "srv-Tk-9q8w";

const LOGIN: &str = "\
## Log in {#login}

```http {check}
POST @BASE/login
HTTP 200
[Captures]
token: jsonpath \"$.token\"
```
";

#[test]
fn a_secret_captured_from_an_http_response_reaches_no_file_and_no_output() {
    let lab = lab();
    let server = server(&lab, LOGIN_TOKEN);
    let lab = lab.file("secret.md", &lesson(CAPTURED, LOGIN, &server.url("")));
    let out = lab
        .run_with(
            ["start", "secret.md", "--yes"],
            // The region is asked when the step that names it comes.
            &session("", &format!("check\n{REGION}\n")),
        )
        .status(0)
        .finished_within(FAST);
    assert_failed_then_passed(&lab, &out);
    assert_kept_secret(&lab, &out, &server, LOGIN_TOKEN);
}

#[test]
fn a_secret_captured_by_an_http_entry_is_masked_in_a_later_entry_of_the_same_block() {
    let lab = lab();
    let server = server(&lab, LOGIN_TOKEN);
    let lab = lab.file(
        "secret.md",
        &with_base(
            "---\nid: secret\nvars:\n  token: { secret: true }\n---\n# Secret\n\n\
             ## Log in and look {#login}\n\n```http {check}\nPOST @BASE/login\nHTTP 200\n\
             [Captures]\ntoken: jsonpath \"$.token\"\n\n\
             GET @BASE/whoami?key={{token}}\nAuthorization: Bearer {{token}}\nHTTP 200\n```\n",
            &server.url(""),
        ),
    );
    let out = lab
        .run_with(["start", "secret.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("status: expected 200, got 403")
        .stderr_contains("key •••• is not active");
    assert!(!out.stderr.contains(LOGIN_TOKEN), "{}", out.stderr);
    assert_eq!(
        files_containing(lab.path(), LOGIN_TOKEN),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn a_plain_value_computed_from_a_secret_shows_the_secret_masked() {
    let server = Server::start();
    server.route("/login", Reply::json(200, r#"{"user":"ada"}"#));
    let lab = lab().env("LAB_TOKEN", SECRET).file(
        "secret.md",
        &with_base(
            "---\nid: secret\nvars:\n  token: { secret: true, env: LAB_TOKEN }\n\
             \x20 login: { value: \"@BASE/login?key={{token}}\" }\n---\n# Secret\n\n\
             ## Log in {#login}\n\nOpen {{login}} in a browser.\n\n\
             <details><summary>Hint</summary>\n\nThe address is {{login}}.\n\n</details>\n\n\
             ```http {check}\nGET {{login}}\nHTTP 200\n```\n",
            &server.url(""),
        ),
    );
    let out = lab
        .run_with(["start", "secret.md", "--yes"], "hint\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("/login?key=•••• in a browser.")
        .stderr_contains("The address is http://")
        .stderr_contains("✔ Step verified.");
    assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
    assert!(files_containing(lab.path(), SECRET).is_empty());
    // The secret was sent.
    assert_eq!(server.requests()[0].query(), format!("key={SECRET}"));
}

/// The scan itself: it finds a value where it is, so an empty scan is a real result.
#[test]
fn the_scan_finds_a_value_written_anywhere_in_the_folder() {
    let lab = lab().file("deep/er/file.bin", "xx needle-42 yy");
    assert_eq!(
        files_containing(lab.path(), "needle-42"),
        [lab.path().join("deep/er/file.bin")]
    );
    assert!(files_containing(Path::new(lab.path()), "absent-99").is_empty());
}
