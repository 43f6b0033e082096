//! The session loop driven by the plain UI with scripted answers and a fake executor: the
//! transcript is what a learner would read.

use std::collections::VecDeque;
use std::io::Cursor;
use std::io::Write as _;

use super::*;
use crate::engine::Journal;
use crate::exec::{Executor, Outcome, RunContext, RunProgress};
use crate::lesson::{Source, from_sources};
use crate::progress::Evidence;
use crate::progress::StepStatus;
use crate::style::Term;
use crate::ui::plain::PlainUi;

/// Passes or fails blocks from a script, in order; records what it was asked to run.
#[derive(Default)]
struct FakeExecutor {
    outcomes: VecDeque<bool>,
    ran: Vec<String>,
    captures: Vec<(String, String)>,
}

impl Executor for FakeExecutor {
    fn run(
        &mut self,
        block: &Block,
        context: &RunContext<'_>,
        progress: &mut dyn FnMut(RunProgress),
    ) -> BlockRun {
        let code =
            crate::lesson::template::substitute(block.code.trim(), |name| (context.vars)(name))
                .into_owned();
        self.ran.push(code.clone());
        progress(RunProgress::Output {
            stream: crate::exec::Stream::Stdout,
            text: context.secrets.mask(&code).into_owned(),
        });
        let passed = self.outcomes.pop_front().unwrap_or(true);
        let evidence = Evidence {
            exit_code: Some(if passed { 0 } else { 1 }),
            attempts: 1,
            ..Default::default()
        };
        let outcome = if passed {
            Outcome::Passed { evidence }
        } else {
            Outcome::failed(format!("`{code}` failed"), evidence)
        };
        BlockRun {
            outcome,
            captures: std::mem::take(&mut self.captures),
            interrupted: false,
            shell: None,
        }
    }

    fn open_shell(&mut self, _context: &RunContext<'_>) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Default)]
struct MemoryJournal(Vec<Event>);

impl Journal for MemoryJournal {
    fn append(&mut self, event: Event) -> Result<(), LogError> {
        self.0.push(event);
        Ok(())
    }

    fn location(&self) -> String {
        "memory".into()
    }
}

const LESSON: &str = r#"---
vars:
  name: { prompt: "Your name", default: friend }
  token: { prompt: "Token", secret: true }
---
# Tour

Welcome.

## Hello {#hello}

Hi {{name}}.

```bash {run}
echo hello {{name}} {{token}}
```

```bash {check}
test -f done
```

<details><summary>Hint</summary>

Create `done`.

</details>

```bash {solve}
touch done
```

## Read {#read}

Nothing to check here.

## Quiz {#quiz}

```quiz
question: Pick b
choices: [a, b]
answer: b
```
"#;

struct Run {
    transcript: String,
    events: Vec<Event>,
    end: SessionEnd,
    ran: Vec<String>,
}

/// `text` parsed as the lesson `name`.
fn parse(name: &str, text: &str) -> crate::lesson::Loaded {
    from_sources(
        name.into(),
        vec![Source {
            path: name.into(),
            text: text.into(),
        }],
    )
}

/// Runs a session of `lesson` to its end, with no interruption, in a fresh workspace (given,
/// so that a test can look into it). Learner `ada` unless `options` names one.
fn run_session(
    lesson: &crate::lesson::Lesson,
    ui: &mut dyn crate::engine::Ui,
    exec: &mut FakeExecutor,
    journal: &mut dyn crate::engine::Journal,
    options: Options,
    prior: &LessonState,
) -> (SessionEnd, tempfile::TempDir) {
    let workspace = tempfile::tempdir().unwrap();
    let options = Options {
        workspace: workspace.path().to_path_buf(),
        learner: if options.learner.is_empty() {
            "ada".into()
        } else {
            options.learner
        },
        ..options
    };
    let interrupt = crate::engine::Interrupt::new();
    let end = Session::new(lesson, ui, exec, journal, &interrupt, options, prior)
        .run(prior)
        .unwrap();
    (end, workspace)
}

fn run(input: &str, outcomes: &[bool], prior: &LessonState, options: Options) -> Run {
    let loaded = parse("tour.md", LESSON);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let mut ui =
        PlainUi::new(Cursor::new(input.to_owned()), Vec::new(), Term::plain(80)).echo_answers(true);
    let mut exec = FakeExecutor {
        outcomes: outcomes.iter().copied().collect(),
        ..Default::default()
    };
    let mut journal = MemoryJournal::default();
    let (end, workspace) = run_session(
        &loaded.lesson,
        &mut ui,
        &mut exec,
        &mut journal,
        options,
        prior,
    );
    let transcript = String::from_utf8(ui.into_output())
        .unwrap()
        .replace(&workspace.path().display().to_string(), "[WORKSPACE]");
    Run {
        transcript,
        events: journal.0,
        end,
        ran: exec.ran,
    }
}

/// A first session, with no options.
fn fresh(input: &str, outcomes: &[bool]) -> Run {
    run(input, outcomes, &LessonState::default(), Options::default())
}

fn statuses(events: &[Event]) -> Vec<(String, StepStatus)> {
    let state = LessonState::from_events(events);
    state
        .steps
        .iter()
        .map(|(id, s)| (id.clone(), s.status))
        .collect()
}

#[test]
fn a_whole_lesson_in_plain_mode_reads_well() {
    // consent, name, token, the `run` block runs as the step is entered (confirmed), Enter
    // checks (fails), Enter shows the hint, check (passes), Enter confirms the next step,
    // Enter asks the quiz, its answer.
    let input = "\nAda\ns3cret\n\n\n\ncheck\n\n\n2\n";
    let run = run(
        input,
        &[true, false, true],
        &LessonState::default(),
        Options::default(),
    );
    assert_eq!(run.end, SessionEnd::Completed);
    insta::assert_snapshot!(run.transcript);
    assert_eq!(
        statuses(&run.events),
        [
            ("hello".into(), StepStatus::Verified),
            ("read".into(), StepStatus::Confirmed),
            ("quiz".into(), StepStatus::Verified),
        ]
    );
    assert_eq!(
        run.ran[0], "echo hello Ada s3cret",
        "commands get the real secret"
    );
    assert!(
        !run.transcript.contains("s3cret"),
        "the screen never shows it"
    );
    let logged = serde_json::to_string(&run.events).unwrap();
    assert!(!logged.contains("s3cret"), "the log never holds it");
    assert!(
        logged.contains(r#""name":"name","value":"Ada""#),
        "a plain answer is saved"
    );
}

#[test]
fn a_failing_check_keeps_the_step_pending_until_it_passes() {
    let run = fresh("\nAda\nt\n\ncheck\n", &[true, false]);
    assert_eq!(
        run.end,
        SessionEnd::Incomplete,
        "input ended: saved and quit"
    );
    assert!(
        run.transcript.contains("✘ Not verified yet (1 failed)"),
        "{}",
        run.transcript
    );
    assert!(run.transcript.contains("`test -f done` failed"));
    assert_eq!(
        statuses(&run.events)[0],
        ("hello".into(), StepStatus::Failed)
    );
}

#[test]
fn quitting_and_resuming_continues_at_the_same_step() {
    let first = fresh("\nAda\nt\n\ncontinue\n\nquit\n", &[true, true]);
    assert_eq!(first.end, SessionEnd::Incomplete);
    let prior = LessonState::from_events(&first.events);
    assert_eq!(prior.current.as_deref(), Some("quiz"));
    // The saved name is not asked again, nor the secret: no step from here on uses it.
    let second = run("quit\n", &[], &prior, Options::default());
    assert!(
        second
            .transcript
            .contains("Welcome back: resuming at \"Quiz\"."),
        "{}",
        second.transcript
    );
    assert!(!second.transcript.contains("Your name"));
    assert!(
        !second.transcript.contains("Token"),
        "{}",
        second.transcript
    );
    assert!(second.transcript.contains("Step 3/3"));
    assert!(
        !second.transcript.contains("Step 1/3"),
        "no step is shown twice"
    );
}

#[test]
fn the_solution_makes_a_verified_step_solved() {
    // Applying the solution checks the step at once.
    let run = fresh(
        "\nAda\nt\n\nsolution\napply\ny\n\nquit\n",
        &[true, true, true],
    );
    assert!(run.transcript.contains("Solution:"));
    assert!(run.ran.contains(&"touch done".to_owned()));
    assert_eq!(
        statuses(&run.events)[0],
        ("hello".into(), StepStatus::Solved)
    );
}

#[test]
fn flags_set_variables_and_yes_runs_without_asking() {
    let options = Options {
        vars: vec![("name".into(), "Bo".into()), ("token".into(), "x".into())],
        yes: true,
        ..Default::default()
    };
    // The `run` block runs as the step is entered.
    let run = run("quit\n", &[true], &LessonState::default(), options);
    assert!(!run.transcript.contains("Your name"));
    assert!(!run.transcript.contains("Run it?"));
    assert_eq!(run.ran, ["echo hello Bo x"]);
}

#[test]
fn a_wrong_quiz_answer_fails_the_check() {
    let options = Options {
        step: Some("quiz".into()),
        ..Default::default()
    };
    // Nothing is asked for the variables of steps before the quiz.
    let run = run("\n\n1\nquit\n", &[], &LessonState::default(), options);
    assert!(run.transcript.contains("Not quite."));
    assert_eq!(
        LessonState::from_events(&run.events).status("quiz"),
        StepStatus::Failed
    );
}

#[test]
fn declining_consent_runs_no_check() {
    let run = fresh("n\nAda\nt\nn\ncheck\nn\nquit\n", &[]);
    assert!(run.ran.is_empty(), "{:?}", run.ran);
    assert!(
        run.transcript
            .contains("the checks were not run: they need your consent")
    );
}

/// An output the UI and the journal both write to, so a test sees what came first.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `[saved EVENT]` to the shared output as each event is appended.
struct TellingJournal(Shared);

impl Journal for TellingJournal {
    fn append(&mut self, event: Event) -> Result<(), LogError> {
        let value = serde_json::to_value(&event).unwrap();
        let name = value["event"].as_str().unwrap_or_default().to_owned();
        let _ = writeln!(self.0, "[saved {name}]");
        Ok(())
    }

    fn location(&self) -> String {
        "memory".into()
    }
}

#[test]
fn a_step_is_told_verified_only_once_its_event_is_saved() {
    let loaded = parse("tour.md", LESSON);
    let shared = Shared::default();
    // consent, name, token, run block, check (fails), check (passes), continue, quiz answer.
    let input = "\nAda\nt\n\n\ncheck\n\n\n2\n";
    let mut ui = PlainUi::new(Cursor::new(input), shared.clone(), Term::plain(80));
    let mut exec = FakeExecutor {
        outcomes: [true, false, true].into(),
        ..Default::default()
    };
    let mut journal = TellingJournal(shared.clone());
    let prior = LessonState::default();
    let (end, _workspace) = run_session(
        &loaded.lesson,
        &mut ui,
        &mut exec,
        &mut journal,
        Options::default(),
        &prior,
    );
    assert_eq!(end, SessionEnd::Completed);
    let transcript = String::from_utf8(shared.0.borrow().clone()).unwrap();
    let told: Vec<usize> = transcript
        .match_indices("✔ Step verified.")
        .map(|(at, _)| at)
        .collect();
    let saved: Vec<usize> = transcript
        .match_indices("[saved step_verified]")
        .map(|(at, _)| at)
        .collect();
    assert_eq!(told.len(), 2, "{transcript}");
    assert_eq!(saved.len(), 2, "{transcript}");
    for (told, saved) in told.iter().zip(&saved) {
        assert!(saved < told, "told before it was saved:\n{transcript}");
    }
    // A failure is told after its `check_failed` is saved, the end after `session_ended`.
    let failed = transcript.find("[saved check_failed]").unwrap();
    assert!(
        failed < transcript.find("✘ Not verified yet").unwrap(),
        "{transcript}"
    );
    let ended = transcript.find("[saved session_ended]").unwrap();
    assert!(
        ended < transcript.find("Lesson complete.").unwrap(),
        "{transcript}"
    );
}

#[test]
fn a_file_block_never_writes_a_secret_to_disk() {
    let lesson = "---\nvars:\n  token: { secret: true }\n---\n# T\n\n## S\n\n```yaml {file=config.yaml}\ntoken: {{token}}\n```\n";
    let loaded = parse("t.md", lesson);
    let mut ui = PlainUi::new(
        Cursor::new(String::from("quit\n")),
        Vec::new(),
        Term::plain(80),
    );
    let mut exec = FakeExecutor::default();
    let mut journal = MemoryJournal::default();
    let options = Options {
        vars: vec![("token".into(), "s3cr3t".into())],
        // Writing the lesson's files needs consent.
        yes: true,
        ..Default::default()
    };
    let prior = LessonState::default();
    let (_, workspace) = run_session(
        &loaded.lesson,
        &mut ui,
        &mut exec,
        &mut journal,
        options,
        &prior,
    );
    let written = std::fs::read_to_string(workspace.path().join("config.yaml")).unwrap();
    assert_eq!(written, "token: ••••\n");
}

#[test]
fn a_declined_run_block_stays_the_default_and_a_failed_check_points_at_it() {
    // consent, name, token, no to the run block, check (fails), then Enter runs it.
    let run = fresh("\nAda\nt\nn\ncheck\n\ny\nquit\n", &[false, true]);
    assert!(
        run.transcript.contains("[Enter: run] >"),
        "{}",
        run.transcript
    );
    assert!(
        run.transcript
            .contains("note: this step's commands have not all run yet: press Enter to run them"),
        "{}",
        run.transcript
    );
    assert_eq!(run.ran, ["test -f done", "echo hello Ada t"]);
}

#[test]
fn enter_never_loops_on_a_failing_check() {
    // consent, name, token, run block; then only Enter: check, hint, solution, apply (which
    // checks), and once nothing is left, skip.
    let run = fresh("\nAda\nt\n\n\n\n\n\n\n\n\n", &[true, false, true, false]);
    let text = &run.transcript;
    let order = [
        "note: press Enter for a hint",
        "Hint 1/1:",
        "[Enter: solution] >",
        "Solution:",
        "[Enter: apply] >",
        "Run it? [Y/n]",
        "note: press Enter to skip this step for now",
        "Step 2/3 · Read",
    ];
    let mut at = 0;
    for expected in order {
        let found = text[at..]
            .find(expected)
            .unwrap_or_else(|| panic!("no {expected:?} after byte {at}:\n{text}"));
        at += found + expected.len();
    }
    assert_eq!(
        statuses(&run.events)[0],
        ("hello".into(), StepStatus::Skipped)
    );
}
