//! A step's check fails before the learner's action and passes after it: shell checks on the
//! workspace, HTTP checks on a server whose state the learner changes.

use super::{FAST, event_names, events_named, lab, position, with_base, workspace};
use crate::server::{Reply, Server};

const NOTES: &str = "\
---
id: notes
---
# Notes

## Write the notes {#notes}

Write a line about milk to `notes.txt`.

```bash
echo 'remember the milk' > notes.txt
```

```bash {check}
grep -q milk notes.txt || { echo \"notes.txt has no milk\"; exit 1; }
```
";

#[test]
fn a_shell_check_fails_before_the_learner_runs_the_command_and_passes_after() {
    let lab = lab().file("notes.md", NOTES);
    let out = lab
        .run_with(["start", "notes.md", "--yes"], "check\nrun\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("\n    notes.txt has no milk\n")
        .stderr_contains("(exit code 1, expected 0)")
        .stderr_contains("✘ Not verified yet (1 failed)")
        .stderr_contains("✔ Step verified.")
        .stderr_contains("Lesson complete.");
    // The failure came before the learner's command, the verification after it.
    let failed = position(&out.stderr, "\n    notes.txt has no milk\n");
    let ran = position(&out.stderr, "[run] echo 'remember the milk' > notes.txt");
    let verified = position(&out.stderr, "✔ Step verified.");
    assert!(failed < ran && ran < verified, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(workspace(&lab, "notes").join("notes.txt")).unwrap(),
        "remember the milk\n"
    );
    let names = event_names(&lab, "notes");
    let order: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|name| name.starts_with("check_") || *name == "step_verified")
        .collect();
    assert_eq!(order, ["check_failed", "check_passed", "step_verified"]);
    let failed = &events_named(&lab, "notes", "check_failed")[0];
    assert_eq!(failed["step"], "notes");
    assert_eq!(failed["evidence"]["exit_code"], 1);
    assert!(
        failed["reason"]
            .as_str()
            .unwrap()
            .contains("notes.txt has no milk")
    );
}

#[test]
fn a_check_keeps_failing_when_the_learner_declines_to_run_the_command() {
    let lab = lab().file("notes.md", NOTES);
    // Consent to the checks, then refuse the command when asked to confirm it.
    lab.run_with(["start", "notes.md"], "y\ncheck\nrun\nn\ncheck\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("Allow them to run? [Y/n] y")
        .stderr_contains("About to run (shell):\n  $ echo 'remember the milk' > notes.txt")
        .stderr_contains("Run it? [Y/n] n")
        .stderr_contains("note: not run")
        .stderr_count("\n    notes.txt has no milk\n", 2)
        .stderr_lacks("✔ Step verified.")
        .stderr_contains("(end of input: saving and quitting)");
    assert!(!workspace(&lab, "notes").join("notes.txt").exists());
    assert_eq!(events_named(&lab, "notes", "check_failed").len(), 2);
    assert!(events_named(&lab, "notes", "check_passed").is_empty());
}

#[test]
fn a_confirmed_command_runs_and_the_check_then_passes() {
    let lab = lab().file("notes.md", NOTES);
    // Menu items by number: 3) run, then 1) check.
    lab.run_with(["start", "notes.md"], "y\n3\ny\n1\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("> 3\nAbout to run (shell):")
        .stderr_contains("Run it? [Y/n] y")
        .stderr_contains("> 1\n[check]")
        .stderr_contains("✔ Step verified.")
        .stderr_lacks("\n    notes.txt has no milk\n")
        .stderr_lacks("failed (exit");
}

const NAMESPACE: &str = "\
---
id: registry
---
# Registry

## Create a namespace {#namespace}

```http {run}
POST @BASE/api/namespaces
Content-Type: application/json
{\"name\": \"ada-ns\"}
HTTP 201
```

```http {check}
GET @BASE/api/namespaces/ada-ns
HTTP 200
[Asserts]
jsonpath \"$.name\" == \"ada-ns\"
```
";

/// The registry of the lesson above: the namespace exists once it was created by a POST.
fn registry() -> Server {
    let server = Server::start();
    server
        .setter(
            "/api/namespaces",
            "created",
            Reply::json(201, r#"{"name":"ada-ns"}"#),
        )
        .switch(
            "/api/namespaces/ada-ns",
            "created",
            Reply::json(200, r#"{"name":"ada-ns","state":"active"}"#),
            Reply::json(404, r#"{"error":"no namespace ada-ns"}"#),
        );
    server
}

#[test]
fn an_http_check_fails_before_the_state_exists_on_the_server_and_passes_after() {
    let server = registry();
    let lab = lab().file("registry.md", &with_base(NAMESPACE, &server.url("")));
    let out = lab
        // Consent, then no to the `run` block as the step is entered: the check fails; then
        // run it.
        .run_with(["start", "registry.md"], "y\nn\ncheck\nrun\ny\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains(&format!("GET {}/api/namespaces/ada-ns", server.url("")))
        .stderr_contains("status: expected 200, got 404")
        .stderr_contains(r#"response: status 404, body: {"error":"no namespace ada-ns"}"#)
        .stderr_contains("✔ Step verified.");
    let failed = position(&out.stderr, "status: expected 200, got 404");
    let posted = position(&out.stderr, "[run] POST");
    let verified = position(&out.stderr, "✔ Step verified.");
    assert!(failed < posted && posted < verified, "{}", out.stderr);

    let methods: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|r| (r.method.clone(), r.path().to_owned()))
        .collect();
    assert_eq!(
        methods,
        [
            ("GET".into(), "/api/namespaces/ada-ns".into()),
            ("POST".into(), "/api/namespaces".into()),
            ("GET".into(), "/api/namespaces/ada-ns".into()),
        ]
    );
    assert_eq!(server.requests()[1].body_text(), r#"{"name": "ada-ns"}"#);
    let failed = &events_named(&lab, "registry", "check_failed")[0];
    assert_eq!(failed["evidence"]["http_status"], 404);
    let passed = &events_named(&lab, "registry", "check_passed")[0];
    assert_eq!(passed["evidence"]["http_status"], 200);
    assert_eq!(
        passed["evidence"]["body_sha256"].as_str().map(str::len),
        Some(64)
    );
}

const DEPLOY: &str = "\
---
id: deploy
---
# Deploy

## Roll out the app {#rollout}

```bash
touch rolled-out
```

```http {check}
GET @BASE/apps/web
HTTP 200
[Asserts]
jsonpath \"$.state\" == \"running\"
jsonpath \"$.replicas\" >= 2
```
";

#[test]
fn an_http_assert_failure_shows_the_expected_and_actual_values_and_the_status() {
    // The app runs once the learner's shell command has left its mark in the workspace.
    let server = Server::start();
    let lab = lab().file("deploy.md", &with_base(DEPLOY, &server.url("")));
    server.when_file(
        "/apps/web",
        workspace(&lab, "deploy").join("rolled-out"),
        Reply::json(200, r#"{"state":"running","replicas":3}"#),
        Reply::json(200, r#"{"state":"pending","replicas":0}"#),
    );
    let out = lab
        .run_with(["start", "deploy.md", "--yes"], "check\nrun\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains(r#"jsonpath "$.state": expected == "running", got "pending""#)
        .stderr_contains(r#"jsonpath "$.replicas": expected >= 2, got 0"#)
        .stderr_contains(r#"response: status 200, body: {"state":"pending","replicas":0}"#)
        .stderr_contains("✔ Step verified.");
    assert!(
        position(&out.stderr, "got \"pending\"") < position(&out.stderr, "✔ Step verified."),
        "{}",
        out.stderr
    );
    let reason = events_named(&lab, "deploy", "check_failed")[0]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains(r#"expected == "running", got "pending""#),
        "{reason}"
    );
    assert_eq!(server.hits("/apps/web"), 2);
}

#[test]
fn an_optional_check_that_fails_warns_but_does_not_block_the_step() {
    let optional = lab().file(
        "optional.md",
        "---\nid: optional\n---\n# Optional\n\n## Look {#look}\n\n\
         ```bash {check optional}\necho 'nice to have is missing'; exit 1\n```\n\n\
         ```bash {check}\ntrue\n```\n",
    );
    optional
        .run_with(["start", "optional.md", "--yes"], "check\n")
        .status(0)
        .stderr_contains("note: an optional check failed: nice to have is missing")
        .stderr_contains("✔ Step verified.");
    // The same failing check without `optional` blocks the step.
    let required = lab().file(
        "required.md",
        "---\nid: required\n---\n# Required\n\n## Look {#look}\n\n\
         ```bash {check}\necho 'nice to have is missing'; exit 1\n```\n\n\
         ```bash {check}\ntrue\n```\n",
    );
    required
        .run_with(["start", "required.md", "--yes"], "check\n")
        .status(1)
        .stderr_contains("✘ Not verified yet (1 failed)")
        .stderr_lacks("✔ Step verified.");
}

#[test]
fn the_default_answer_runs_the_checks_and_a_wrong_word_is_asked_again() {
    let lab = lab().file("notes.md", NOTES);
    std::fs::create_dir_all(workspace(&lab, "notes")).unwrap();
    std::fs::write(workspace(&lab, "notes").join("notes.txt"), "milk\n").unwrap();
    // `chek` is no action: asked again; then an empty line takes the default, `check`.
    lab.run_with(["start", "notes.md", "--yes"], "chek\n\n")
        .status(0)
        .stderr_contains("1) check  2) continue")
        .stderr_contains("[Enter: check] >")
        .stderr_contains("unknown choice `chek`")
        .stderr_contains("✔ Step verified.");
}

#[test]
fn the_preview_of_a_command_marks_where_each_command_starts_not_its_continuations() {
    let lesson = "# Preview\n\n## Write {#write}\n\n\
                  ```bash\n\
                  cat > note.txt <<'EOF'\n\
                  $ not a prompt\n\
                  EOF\n\
                  grep -q prompt \\\n  note.txt\n\
                  ```\n\n\
                  ```bash {check}\ntest -s note.txt\n```\n";
    let lab = lab().file("preview.md", lesson);
    lab.run_with(["start", "preview.md"], "y\nrun\ny\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains(
            "About to run (shell):\n  $ cat > note.txt <<'EOF'\n    $ not a prompt\n    EOF\n  \
             $ grep -q prompt \\\n      note.txt\n",
        )
        .stderr_contains("✔ Step verified.");
}
