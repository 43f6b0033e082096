//! Values a step sets reach later steps: `capture=`, an HTTP `[Captures]` token used as a
//! header, and `NAME=value` lines written to `$LABRUN_OUTPUT`.

use super::{FAST, events_named, lab, with_base};
use crate::server::{Reply, Server};

const CLUSTER_ID: &str = "\
---
id: capture
---
# Capture

## Create the cluster {#create}

```bash {run capture=cluster_id}
printf 'c-%s\\n' 4242
```

## Look at it {#look}

Your cluster is {{cluster_id}}.

```bash {check}
test \"{{cluster_id}}\" = c-4242 || { echo \"wrong cluster: {{cluster_id}}\"; exit 1; }
```
";

#[test]
fn a_value_captured_in_step_one_is_substituted_into_step_two() {
    let lab = lab().file("capture.md", CLUSTER_ID);
    lab.run_with(["start", "capture.md", "--yes"], "continue\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Your cluster is c-4242.")
        .stderr_contains("[check] test \"c-4242\" = c-4242")
        .stderr_contains("✔ Step verified.");
    let set = events_named(&lab, "capture", "var_set");
    assert_eq!(set.len(), 1, "{set:?}");
    assert_eq!(set[0]["name"], "cluster_id");
    assert_eq!(set[0]["value"], "c-4242");
}

#[test]
fn a_step_two_check_fails_on_the_missing_value_when_step_one_did_not_run() {
    let lab = lab().file("capture.md", CLUSTER_ID);
    // Straight to step two: step one's `run` block never ran.
    lab.run_with(["start", "capture.md", "--yes", "--step", "look"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains(
            "`cluster_id` has no value yet: step \"Create the cluster\" (`create`) sets it; do that step first",
        )
        .stderr_lacks("✔ Step verified.");
    assert!(events_named(&lab, "capture", "var_set").is_empty());
}

#[test]
fn a_captured_value_is_still_known_after_quitting_and_resuming() {
    let lab = lab().file("capture.md", CLUSTER_ID);
    lab.run_with(["start", "capture.md", "--yes"], "continue\nquit\n")
        .status(1);
    lab.run_with(["start", "capture.md", "--yes"], "check\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Welcome back: resuming at \"Look at it\".")
        .stderr_contains("Your cluster is c-4242.")
        .stderr_contains("✔ Step verified.");
}

const TOKEN: &str = "\
---
id: token
---
# Token

## Log in {#login}

```http {check}
POST @BASE/login
Content-Type: application/json
{\"user\": \"ada\"}
HTTP 200
[Captures]
token: jsonpath \"$.token\"
session: header \"X-Session\"

GET @BASE/me
Authorization: Bearer {{token}}
X-Session: {{session}}
HTTP 200
[Asserts]
jsonpath \"$.user\" == \"ada\"
```

## Use the token {#use}

```http {check}
GET @BASE/me
Authorization: Bearer {{token}}
X-Session: {{session}}
HTTP 200
```

```bash {check}
test \"$token\" = tok-77 && test \"{{session}}\" = s-5 || { echo \"token=$token session={{session}}\"; exit 1; }
```
";

/// `/login` hands out `tok-77` (and session `s-5` in a header); `/me` wants `expected`.
fn auth_server(expected: &'static str) -> Server {
    let server = Server::start();
    server.route(
        "/login",
        Reply::json(200, r#"{"token":"tok-77"}"#).header("X-Session", "s-5"),
    );
    server.route_with("/me", move |request, _| {
        if request.header("Authorization") == Some(&format!("Bearer {expected}"))
            && request.header("X-Session") == Some("s-5")
        {
            Reply::json(200, r#"{"user":"ada"}"#)
        } else {
            Reply::json(401, r#"{"error":"who are you?"}"#)
        }
    });
    server
}

#[test]
fn an_http_capture_is_a_header_in_a_later_entry_and_in_a_later_step() {
    let server = auth_server("tok-77");
    let lab = lab().file("token.md", &with_base(TOKEN, &server.url("")));
    lab.run_with(["start", "token.md", "--yes"], "check\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_count("✔ Step verified.", 2);
    let me: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/me")
        .collect();
    assert_eq!(me.len(), 2, "the later entry and the later step");
    for request in &me {
        assert_eq!(request.header("Authorization"), Some("Bearer tok-77"));
        assert_eq!(request.header("X-Session"), Some("s-5"));
    }
    let set: Vec<(String, String)> = events_named(&lab, "token", "var_set")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        set,
        [
            ("token".to_owned(), "tok-77".to_owned()),
            ("session".to_owned(), "s-5".to_owned())
        ]
    );
}

#[test]
fn the_same_checks_fail_when_the_server_refuses_the_captured_token() {
    let server = auth_server("tok-other");
    let lab = lab().file("token.md", &with_base(TOKEN, &server.url("")));
    lab.run_with(["start", "token.md", "--yes"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("(request 2 of 2)")
        .stderr_contains("status: expected 200, got 401")
        .stderr_contains(r#"body: {"error":"who are you?"}"#)
        .stderr_lacks("✔ Step verified.");
    assert_eq!(
        server.requests().last().unwrap().header("Authorization"),
        Some("Bearer tok-77")
    );
}

const OUTPUT: &str = "\
---
id: output
vars:
  region: {}
---
# Output

## Pick a region {#pick}

```bash {run}
echo \"region=eu-de\" >> \"$LABRUN_OUTPUT\"
echo 'picked a region'
```

## Use it {#use}

The region is {{region}}.

```bash {check}
test \"$region\" = eu-de && test \"{{region}}\" = eu-de || { echo \"region is '$region'\"; exit 1; }
```
";

#[test]
fn a_name_value_line_written_to_labrun_output_sets_a_variable_for_later_steps() {
    let lab = lab().file("output.md", OUTPUT);
    lab.run_with(["start", "output.md", "--yes"], "continue\ncheck\n")
        .status(0)
        .finished_within(FAST)
        .stderr_contains("| picked a region")
        .stderr_contains("The region is eu-de.")
        .stderr_contains("✔ Step verified.");
    let set = events_named(&lab, "output", "var_set");
    assert_eq!(set.len(), 1, "{set:?}");
    assert_eq!(set[0]["name"], "region");
    assert_eq!(set[0]["value"], "eu-de");
    // The file named by `$LABRUN_OUTPUT` is gone once read.
    assert_eq!(
        std::fs::read_dir(lab.path().join("tmp")).unwrap().count(),
        1,
        "only tmp/.keep is left"
    );
}

#[test]
fn without_the_labrun_output_line_the_later_check_fails() {
    let lab = lab().file("output.md", OUTPUT);
    // Straight to step two: step one's `run` block, which writes the line, never ran.
    lab.run_with(["start", "output.md", "--yes", "--step", "use"], "check\n")
        .status(1)
        .finished_within(FAST)
        .stderr_contains("`region` has no value yet: an earlier step sets it")
        .stderr_lacks("✔ Step verified.");
}

const REGION: &str = "\
---
id: region
vars:
  region: { prompt: \"Region?\", choices: [us-south, eu-de] }
  zone: { prompt: \"Zone?\", pattern: \"^[a-z]+-[0-9]$\" }
---
# Region

## Look {#look}

In {{region}}, {{zone}}, cluster {{cluster_id}}.

```bash {run capture=cluster_id}
echo c-1
```

```bash {check}
true
```
";

#[test]
fn var_flags_are_checked_like_typed_answers_and_a_misspelt_name_is_refused() {
    let lab = lab().file("region.md", REGION);
    for (var, message) in [
        (
            "regoin=us-south",
            "error: `--var regoin=…`: the lesson has no variable `regoin` (did you mean `region`?); its variables: region, zone, cluster_id",
        ),
        (
            "region=mars",
            "error: `--var region=…`: `region` must be one of: us-south, eu-de",
        ),
        (
            "zone=nowhere",
            "error: `--var zone=…`: `nowhere` does not match the pattern",
        ),
        (
            "learner=eve",
            "error: `--var learner=…`: `learner` is set by labrun",
        ),
    ] {
        for command in ["start", "check"] {
            lab.run_with([command, "region.md", "--var", var], "")
                .status(2)
                .finished_within(FAST)
                .stderr_contains(message);
        }
    }
    // A value a step captures may be given ahead; valid values run.
    lab.run_with(
        [
            "check",
            "--yes",
            "region.md",
            "--var",
            "region=eu-de",
            "--var",
            "zone=eu-1",
            "--var",
            "cluster_id=c-9",
        ],
        "",
    )
    .status(0)
    .finished_within(FAST);
}

const QUIZ_WITH_VARIABLES: &str = "\
---
id: quizvars
vars:
  region: { prompt: \"Region?\", default: eu-de }
  token: { prompt: \"Token?\", secret: true }
---
# Quiz

## Which region {#which}

```quiz
question: Which registry serves {{region}}?
choices: [\"{{region}}.icr.io\", \"us.icr.io\"]
answer: \"{{region}}.icr.io\"
explain: \"{{region}}.icr.io is the registry of {{region}}; the token {{token}} stays hidden.\"
```
";

#[test]
fn a_quiz_shows_the_lessons_values_in_its_question_choices_and_explanation() {
    let lab = lab().file("quiz.md", QUIZ_WITH_VARIABLES);
    let output = lab
        .run_with(
            ["start", "quiz.md", "--yes", "--var", "token=s3cr3t-value"],
            "\ncheck\n1\n",
        )
        .status(0)
        .finished_within(FAST)
        .stderr_contains("Which registry serves eu-de?")
        .stderr_contains("1) eu-de.icr.io")
        .stderr_contains("Correct.")
        .stderr_contains("eu-de.icr.io is the registry of eu-de; the token •••• stays hidden.")
        .stderr_contains("✔ Step verified.");
    assert!(!output.stderr.contains("{{region}}"), "{}", output.stderr);
    assert!(!output.stderr.contains("s3cr3t-value"), "{}", output.stderr);
}

/// A lesson in two files: the second part's intro names `zone`, so `zone` is asked as that
/// part begins, after the first part's `region`; not before the lesson's intro.
#[test]
fn a_variable_a_later_parts_intro_names_is_asked_when_that_part_begins() {
    let lab = lab()
        .file(
            "course/1-first.md",
            "---\nvars:\n  region: { prompt: \"Region?\" }\n  zone: { prompt: \"Zone?\" }\n---\n\
             # First\n\nWelcome.\n\n## Pick {#pick}\n\nIn {{region}}.\n\n\
             ```bash {check}\ntest -n \"$region\"\n```\n",
        )
        .file(
            "course/2-second.md",
            "# Second\n\nThis part works in {{zone}}.\n\n## Use {#use}\n\n\
             ```bash {check}\ntest -n \"$zone\"\n```\n",
        );
    let output = lab
        .run_with(
            ["start", "course", "--yes"],
            "eu-de\ncheck\neu-de-1\ncheck\n",
        )
        .status(0)
        .finished_within(FAST);
    let stderr = &output.stderr;
    let (welcome, region, zone) = (
        stderr.find("Welcome.").expect("the intro"),
        stderr.find("Region?").expect("region asked"),
        stderr.find("Zone?").expect("zone asked"),
    );
    assert!(welcome < region && region < zone, "{stderr}");
    assert!(
        stderr[..zone].contains("✔ Step verified."),
        "zone is asked once the first part is done:\n{stderr}"
    );
}
