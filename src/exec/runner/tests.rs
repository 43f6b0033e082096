use std::sync::atomic::AtomicBool;

use super::*;
use crate::exec::Secrets;
use crate::lesson::{Source, from_sources};

/// The first block of a one-step lesson whose step holds `block` (a fenced block).
fn block(markdown: &str) -> Block {
    let text = format!("## S\n\n{markdown}\n");
    let loaded = from_sources(
        "t.md".into(),
        vec![Source {
            path: "t.md".into(),
            text: text.into(),
        }],
    );
    loaded.lesson.steps[0].blocks[0].clone()
}

struct Env {
    dir: tempfile::TempDir,
    secrets: Secrets,
    interrupt: AtomicBool,
}

impl Env {
    fn new() -> Self {
        let mut secrets = Secrets::new();
        secrets.add("hunter2");
        Self {
            dir: tempfile::tempdir().unwrap(),
            secrets,
            interrupt: AtomicBool::new(false),
        }
    }

    fn run(&self, block: &Block) -> (BlockRun, Vec<RunProgress>) {
        let vars = |name: &str| match name {
            "name" => Some("ada".to_owned()),
            "password" => Some("hunter2".to_owned()),
            _ => None,
        };
        let env = vec![("name".to_owned(), "ada".to_owned())];
        let context = RunContext {
            vars: &vars,
            env: &env,
            secrets: &self.secrets,
            cwd: self.dir.path(),
            env_remove: &[],
            interrupt: &self.interrupt,
        };
        let mut seen = Vec::new();
        let run = BlockRunner::new().run(block, &context, &mut |p| seen.push(p));
        (run, seen)
    }
}

fn reason(run: &BlockRun) -> &str {
    run.outcome.reason().unwrap_or("")
}

#[test]
fn exit_codes_decide_and_the_output_is_the_reason() {
    let env = Env::new();
    let (run, _) = env.run(&block(
        "```bash {check}\necho 'notes.txt is missing'; exit 1\n```",
    ));
    assert_eq!(
        reason(&run),
        "notes.txt is missing\n(exit code 1, expected 0)"
    );
    assert_eq!(run.outcome.evidence().exit_code, Some(1));
    let (run, _) = env.run(&block("```bash {check exit=1}\nexit 1\n```"));
    assert!(run.outcome.passed());
}

#[test]
fn the_headline_of_a_failure_is_what_the_command_said_last_else_how_it_ended() {
    let env = Env::new();
    // What went well comes first; what went wrong, last, is the headline.
    let (run, _) = env.run(&block(
        "```bash {check}\necho 'found 2 pods'; echo 'pod web is not ready' >&2; exit 1\n```",
    ));
    assert_eq!(
        reason(&run),
        "found 2 pods\npod web is not ready\n(exit code 1, expected 0)"
    );
    assert_eq!(run.outcome.headline(), Some("pod web is not ready"));
    let (run, _) = env.run(&block(
        "```bash {check}\necho 'all good'\necho\nexit 3\n```",
    ));
    assert_eq!(run.outcome.headline(), Some("all good"));
    let (run, _) = env.run(&block("```bash {check}\nexit 1\n```"));
    assert_eq!(run.outcome.headline(), Some("exit code 1, expected 0"));
    let (run, _) = env.run(&block("```bash {check expect=\"^bye\"}\necho hi\n```"));
    assert_eq!(
        run.outcome.headline(),
        Some("the output does not match `^bye`")
    );
}

#[test]
fn expect_matches_stdout_after_substitution() {
    let env = Env::new();
    let (run, _) = env.run(&block(
        "```bash {check expect=\"^hi {{name}}$\"}\necho hi $name\n```",
    ));
    assert!(run.outcome.passed(), "{:?}", run.outcome);
    let (run, _) = env.run(&block("```bash {check expect=\"^bye\"}\necho hi\n```"));
    assert_eq!(reason(&run), "the output does not match `^bye`:\nhi");
}

#[test]
fn capture_and_labrun_output_set_variables() {
    let env = Env::new();
    let (run, _) = env.run(&block("```bash {run capture=GREETING}\necho '  hello  '\necho 'TOKEN=abc' >> \"$LABRUN_OUTPUT\"\n```"));
    assert!(run.outcome.passed());
    assert_eq!(
        run.captures,
        [
            ("TOKEN".to_owned(), "abc".to_owned()),
            ("GREETING".to_owned(), "hello".to_owned())
        ]
    );
}

#[test]
fn polling_waits_for_a_state_that_appears_later() {
    let env = Env::new();
    std::process::Command::new("sh")
        .args(["-c", "(sleep 1; touch ready) >/dev/null 2>&1 &"])
        .current_dir(env.dir.path())
        .status()
        .unwrap();
    let (run, progress) = env.run(&block("```bash {check interval=200ms timeout=10s}\necho looking; test -f ready || { echo not yet; exit 1; }\n```"));
    assert!(run.outcome.passed(), "{:?}", run.outcome);
    assert!(run.outcome.evidence().attempts > 1);
    assert!(progress.iter().any(|p| matches!(p, RunProgress::Waiting { last, remaining: Some(_), .. } if last.contains("not yet"))));
}

#[test]
fn polling_gives_up_when_the_budget_runs_out() {
    let env = Env::new();
    let started = Instant::now();
    let (run, _) = env.run(&block(
        "```bash {check interval=100ms timeout=1s}\nexit 1\n```",
    ));
    assert!(!run.outcome.passed());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(reason(&run).contains("gave up after"), "{}", reason(&run));
}

#[test]
fn a_command_that_never_ends_is_stopped_at_its_timeout() {
    let env = Env::new();
    let started = Instant::now();
    let (run, _) = env.run(&block("```bash {check timeout=500ms}\nsleep 30\n```"));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        reason(&run).starts_with("did not finish within 0s; it was stopped")
            || reason(&run).starts_with("did not finish"),
        "{}",
        reason(&run)
    );
}

#[test]
fn a_variable_without_a_value_stops_the_block_before_it_runs() {
    let env = Env::new();
    let (run, _) = env.run(&block("```bash {run}\ntouch ran; echo {{later}}\n```"));
    assert!(reason(&run).starts_with("the variable `later` has no value yet"));
    assert!(!env.dir.path().join("ran").exists());
}

#[test]
fn secrets_are_masked_in_reasons_and_live_output() {
    let env = Env::new();
    let (run, progress) = env.run(&block(
        "```bash {run}\necho token {{password}}; exit 3\n```",
    ));
    assert!(reason(&run).contains("token ••••"), "{}", reason(&run));
    assert!(!format!("{progress:?}").contains("hunter2"));
    assert!(format!("{progress:?}").contains("token ••••"));
}

#[test]
fn checks_run_quietly_and_run_blocks_show_their_output() {
    let env = Env::new();
    let (_, quiet) = env.run(&block("```bash {check}\necho checking\n```"));
    assert!(quiet.is_empty());
    let (_, shown) = env.run(&block("```bash {run}\necho running\n```"));
    assert!(matches!(&shown[..], [RunProgress::Output { text, .. }] if text.contains("running")));
}

#[test]
fn raw_blocks_run_as_written() {
    let env = Env::new();
    let (run, _) = env.run(&block(
        "```bash {check raw expect=\"^[{][{]x[}][}]$\"}\necho '{{x}}'\n```",
    ));
    assert!(run.outcome.passed(), "{:?}", run.outcome);
}
