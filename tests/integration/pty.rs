//! The terminal UI, driven as a person would: `labrun start` in a pseudo-terminal, keys in,
//! screen text out. inquire refuses to run without a terminal, so this is the only way to
//! test it end to end.
//!
//! Each `expect` waits up to [`WAIT`] for its text: CI is a loaded machine. Menus are used by
//! typing the start of an action's word and Enter, or with the arrow keys.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Expect, Regex};

const WAIT: Duration = Duration::from_secs(10);
pub(crate) const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";
pub(crate) const CTRL_C: &str = "\x03";

/// A lesson with a prompted variable, a run block, a check that fails until `done.txt`
/// exists, a hint, a solution, and a quiz.
const LESSON: &str = r#"---
id: pty
title: A lesson in a terminal
vars:
  name:
    description: What to call you
    prompt: What is your name?
    default: friend
---

# A lesson in a terminal

Some intro text.

## Make the file {#make}

Hello, {{name}}.

```bash {run}
echo "greeting {{name}}"
```

```bash {check}
test -f done.txt || { echo "done.txt is missing"; exit 1; }
```

<details><summary>Hint</summary>

Create it with touch.

</details>

```bash {solve}
touch done.txt
```

## Answer a question {#question}

```quiz
question: What colour is a clear sky?
choices:
  - green
  - blue
answer: blue
```
"#;

/// A learner at a terminal, and everything the terminal showed them so far.
pub(crate) struct Learner {
    session: OsSession,
    pub(crate) seen: String,
}

impl Learner {
    /// `labrun ARGS` in a pseudo-terminal, in `dir`, with its progress kept there.
    fn start(dir: &Path, args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_labrun"));
        command.args(args);
        Self::spawn(dir, command)
    }

    /// `sh -c SCRIPT`, for what must run after labrun in the same terminal; `$LABRUN` is
    /// the binary.
    pub(crate) fn script(dir: &Path, script: &str) -> Self {
        let mut command = Command::new("sh");
        command
            .args(["-c", script])
            .env("LABRUN", env!("CARGO_BIN_EXE_labrun"));
        Self::spawn(dir, command)
    }

    fn spawn(dir: &Path, mut command: Command) -> Self {
        command
            .current_dir(dir)
            .env("LABRUN_PROGRESS_DIR", dir.join("progress"))
            .env("LABRUN_LEARNER", "ada")
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1")
            .env_remove("LABRUN_WORKSPACE");
        let mut session = OsSession::spawn(command).expect("spawn labrun in a pty");
        session.set_expect_timeout(Some(WAIT));
        Self {
            session,
            seen: String::new(),
        }
    }

    /// Waits for `text`; returns what came before it.
    pub(crate) fn expect(&mut self, text: &str) -> String {
        self.expect_regex(&regex_escape(text))
    }

    fn expect_regex(&mut self, pattern: &str) -> String {
        match self.session.expect(Regex(pattern)) {
            Ok(found) => {
                let before = String::from_utf8_lossy(found.before()).into_owned();
                self.seen
                    .push_str(&String::from_utf8_lossy(found.as_bytes()));
                before
            }
            Err(error) => {
                if let Ok(rest) = self.session.check(Regex("(?s).+")) {
                    self.seen
                        .push_str(&String::from_utf8_lossy(rest.as_bytes()));
                }
                panic!(
                    "waited for `{pattern}` ({error}); the terminal showed:\n{}",
                    readable(&self.seen)
                );
            }
        }
    }

    pub(crate) fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("type into the pty");
    }

    /// Types an answer and presses Enter.
    fn answer(&mut self, text: &str) {
        self.send(text);
        self.send(ENTER);
    }

    /// Waits for the action menu, then picks `word` by typing it.
    pub(crate) fn choose(&mut self, word: &str) {
        self.expect("What next?");
        self.answer(word);
    }

    /// Everything until the program ends.
    pub(crate) fn rest(&mut self) -> String {
        match self.session.expect(expectrl::Eof) {
            Ok(found) => {
                let rest = String::from_utf8_lossy(found.as_bytes()).into_owned();
                self.seen.push_str(&rest);
                rest
            }
            Err(error) => panic!(
                "the program did not end ({error}); the terminal showed:\n{}",
                readable(&self.seen)
            ),
        }
    }

    /// Waits for the program to end; its exit code.
    pub(crate) fn exit_code(&mut self) -> i32 {
        if let Ok(found) = self.session.expect(expectrl::Eof) {
            self.seen
                .push_str(&String::from_utf8_lossy(found.as_bytes()));
        }
        match self.session.get_process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            other => panic!("labrun did not exit normally: {other:?}"),
        }
    }
}

fn regex_escape(text: &str) -> String {
    regex_syntax::escape(text)
}

/// The transcript without escape sequences, for a failure message a person can read.
pub(crate) fn readable(raw: &str) -> String {
    let escapes = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").expect("valid regex");
    escapes.replace_all(raw, "").into_owned()
}

/// A scratch folder with the lesson in it.
pub(crate) fn lab(lesson: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lesson.md");
    std::fs::write(&path, lesson).expect("write the lesson");
    (dir, path)
}

fn progress_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("progress/pty/ada.jsonl")).unwrap_or_default()
}

/// Allows the checks and answers the variable (asked as its step comes): the start of a
/// first session.
fn first_questions(learner: &mut Learner) {
    learner.expect("Allow them to run?");
    learner.send(ENTER);
    learner.expect("What is your name?");
    learner.answer("ada");
}

#[test]
fn a_learner_runs_checks_reads_a_hint_solves_and_quits_from_the_menu() {
    let (dir, _) = lab(LESSON);
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md"]);
    first_questions(&mut learner);
    learner.expect("Step 1/2 · Make the file");
    learner.expect("Hello, ada.");

    // The `run` block runs as the step is entered, once the learner says yes.
    learner.expect("echo \"greeting ada\"");
    learner.expect("Run it?");
    learner.send(ENTER);
    learner.expect("│ greeting ada");
    learner.expect("✔ done");

    learner.choose("check");
    learner.expect("✘ Not verified yet.");
    learner.expect("done.txt is missing");

    learner.choose("hint");
    learner.expect("Hint 1 of 1");
    learner.expect("Create it with touch.");

    learner.choose("solution");
    learner.expect("touch done.txt");
    learner.choose("apply");
    learner.expect("Run it?");
    learner.send(ENTER);
    learner.expect("✔ done");
    // Applying the solution checks at once; seen the solution, the step counts as solved.
    learner.expect("✔ Step solved");
    learner.expect("Step 2/2 · Answer a question");

    learner.choose("quit");
    learner.expect("Progress saved.");
    assert_eq!(learner.exit_code(), 1, "quitting with steps left exits 1");
    let log = progress_log(dir.path());
    assert!(log.contains(r#""event":"hint_shown""#), "{log}");
    assert!(log.contains(r#""reason":"quit""#), "{log}");
}

#[test]
fn starting_again_resumes_at_the_same_step_without_asking_the_saved_variable_again() {
    let (dir, _) = lab(LESSON);
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md"]);
    first_questions(&mut learner);
    learner.expect("Run it?");
    learner.send(ENTER);
    learner.choose("jump");
    learner.expect("Go to which step?");
    learner.send(DOWN);
    learner.send(ENTER);
    learner.expect("Step 2/2 · Answer a question");
    learner.choose("quit");
    assert_eq!(learner.exit_code(), 1);

    let mut learner = Learner::start(dir.path(), &["start", "lesson.md"]);
    // Neither the saved answer nor the consent, given for this version of the lesson.
    let before_menu = learner.expect("What next?");
    assert!(
        !before_menu.contains("Allow them to run?"),
        "consent was asked for again:\n{}",
        readable(&before_menu)
    );
    assert!(
        before_menu.contains("Welcome back: resuming at Answer a question"),
        "{}",
        readable(&before_menu)
    );
    assert!(
        before_menu.contains("Step 2/2 · Answer a question"),
        "{}",
        readable(&before_menu)
    );
    assert!(
        !before_menu.contains("What is your name?"),
        "the saved answer was asked for again:\n{}",
        readable(&before_menu)
    );
    // The saved answer is still known where the lesson uses it.
    learner.answer("back");
    learner.expect("Step 1/2 · Make the file");
    learner.expect("Hello, ada.");
    // Entering the step offers its `run` block again; Esc says no.
    learner.expect("Run it?");
    learner.send(ESC);
    learner.choose("quit");
    assert_eq!(learner.exit_code(), 1);
}

#[test]
fn ctrl_c_at_the_menu_exits_130_and_leaves_the_terminal_sane() {
    let (dir, _) = lab(LESSON);
    let mut learner = Learner::script(
        dir.path(),
        r#"before=$(stty -g); "$LABRUN" start lesson.md; code=$?; after=$(stty -g)
           echo "labrun exited $code"
           if [ "$before" = "$after" ]; then echo "terminal as it was"; else echo "terminal changed"; fi
           stty -a"#,
    );
    first_questions(&mut learner);
    learner.expect("Run it?");
    learner.send(ENTER);
    learner.expect("What next?");
    learner.send(CTRL_C);
    learner.expect("labrun exited 130");
    let stty = learner.rest();
    let _ = learner.exit_code();

    // labrun left raw mode: the terminal settings are those it started with, line by line.
    assert!(stty.contains("terminal as it was"), "{}", readable(&stty));
    let cooked = regex::Regex::new(r"(^|\s)icanon\b").expect("valid regex");
    assert!(cooked.is_match(&stty), "raw mode left on:\n{stty}");
    // The cursor, hidden while the menu was drawn, is visible again.
    let hidden = learner.seen.rfind("\x1b[?25l");
    let shown = learner.seen.rfind("\x1b[?25h");
    assert!(hidden.is_some(), "the menu never hid the cursor");
    assert!(shown > hidden, "the cursor was left hidden");
    assert!(
        progress_log(dir.path()).contains(r#""reason":"interrupted""#),
        "the interruption was not recorded"
    );
}

#[test]
fn escape_at_the_menu_saves_and_quits() {
    let (dir, _) = lab(LESSON);
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md"]);
    first_questions(&mut learner);
    learner.expect("Run it?");
    learner.send(ENTER);
    learner.expect("What next?");
    learner.send(ESC);
    learner.expect("Progress saved.");
    assert_eq!(learner.exit_code(), 1);
    assert!(
        progress_log(dir.path()).contains(r#""reason":"quit""#),
        "the session was not ended as a quit"
    );
}

#[test]
fn a_long_running_block_shows_a_spinner_with_its_first_line_and_its_output_above() {
    let (dir, _) = lab(
        "---\nid: pty\n---\n\n# Slow\n\n## Wait {#wait}\n\n```bash {run}\nsleep 2; echo finished\necho more\n```\n",
    );
    // With `--yes`, the `run` block runs as the step is entered.
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes"]);
    learner.expect_regex(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] sleep 2; echo finished …  \d+\.\ds");
    learner.expect("│ finished");
    learner.expect("✔ done");
    learner.choose("quit");
    assert_eq!(learner.exit_code(), 1);
}

#[test]
fn a_polling_check_shows_the_time_left_and_the_last_value_seen() {
    let (dir, _) = lab(concat!(
        "---\nid: pty\n---\n\n# Poll\n\n## Wait for it {#wait}\n\n",
        "```bash {check timeout=20s interval=1s}\n",
        "test -f ready.txt || { echo \"not ready yet\"; exit 1; }\n",
        "```\n",
    ));
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes"]);
    learner.choose("check");
    learner.expect_regex(r"waiting: 1\ds left · try \d+ · last: not ready yet");
    std::fs::write(workspace(dir.path()).join("ready.txt"), "").expect("make ready.txt");
    learner.expect("✔ Step verified.");
    learner.expect("Lesson complete.");
    assert_eq!(learner.exit_code(), 0);
}

#[test]
fn a_secret_is_typed_masked_and_never_shown() {
    let (dir, _) = lab(concat!(
        "---\nid: pty\nvars:\n  token:\n    prompt: Your token\n    secret: true\n---\n\n",
        "# Secret\n\n## Use it {#use}\n\nThe token is {{token}}.\n\n",
        "```bash {run}\necho \"token is $token\"\n```\n",
    ));
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes"]);
    learner.expect("Your token");
    learner.answer("hunter2");
    learner.expect("The token is ••••.");
    learner.expect("│ token is ••••");
    learner.choose("quit");
    assert_eq!(learner.exit_code(), 1);
    let seen = readable(&learner.seen);
    assert!(!seen.contains("hunter2"), "the secret was shown:\n{seen}");
    assert!(
        !progress_log(dir.path()).contains("hunter2"),
        "the secret was written to the log"
    );
}

/// Where labrun runs the lesson's commands for learner `ada`.
fn workspace(dir: &Path) -> PathBuf {
    dir.join("progress/.workspaces/pty/ada")
}

#[test]
fn without_a_lesson_argument_the_learner_picks_one_from_a_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("lessons")).expect("lessons folder");
    for (file, title) in [("a.md", "Alpha"), ("b.md", "Beta")] {
        let lesson =
            format!("---\nid: pty\n---\n\n# {title}\n\n## Only step {{#only}}\n\nIn {title}.\n");
        std::fs::write(dir.path().join("lessons").join(file), lesson).expect("write a lesson");
    }
    let mut learner = Learner::start(dir.path(), &["start"]);
    learner.expect("Start which lesson?");
    learner.expect("Alpha (not started)");
    learner.expect("Beta (not started)");
    learner.send(DOWN);
    learner.send(ENTER);
    learner.expect("In Beta.");
    learner.choose("quit");
    assert_eq!(learner.exit_code(), 1);
}

#[test]
fn watch_mode_verifies_a_step_soon_after_its_file_appears_with_no_key_pressed() {
    let (dir, _) = lab(concat!(
        "---\nid: pty\n---\n\n# Watch\n\n## Make it {#make}\n\n",
        "```bash {check}\n",
        "echo \"looking for made.txt\"\n",
        "test -f made.txt || { echo \"made.txt is not there yet\"; exit 1; }\n",
        "```\n\n## Then {#then}\n\nDone.\n",
    ));
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes"]);
    learner.expect("What next?");
    learner.expect("watching: your checks re-run every 3s and when a file changes");
    // A quiet try fails first: the status line says why (what the check said last, not
    // first), and nothing is recorded.
    learner.expect("not yet: made.txt is not there yet");
    assert!(!progress_log(dir.path()).contains("check_failed"));
    let written = std::time::Instant::now();
    std::fs::write(workspace(dir.path()).join("made.txt"), "").expect("make the file");
    learner.expect("Your checks pass now");
    learner.expect("✔ Step verified.");
    learner.expect("Step 2/2 · Then");
    assert!(
        written.elapsed() < Duration::from_secs(4),
        "verified {:?} after the file appeared",
        written.elapsed()
    );
    learner.expect("What next?");
    learner.send(ENTER);
    learner.expect("Lesson complete.");
    assert_eq!(learner.exit_code(), 0);
}

#[test]
fn without_watching_the_same_step_waits_for_the_learner() {
    let (dir, _) = lab(concat!(
        "---\nid: pty\n---\n\n# Watch\n\n## Make it {#make}\n\n",
        "```bash {check}\ntest -f made.txt\n```\n",
    ));
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes", "--no-watch"]);
    learner.expect("What next?");
    std::fs::write(workspace(dir.path()).join("made.txt"), "").expect("make the file");
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        !progress_log(dir.path()).contains("step_verified"),
        "verified with no key pressed and --no-watch"
    );
    learner.send(ENTER);
    learner.expect("✔ Step verified.");
    assert_eq!(learner.exit_code(), 0);
}

#[test]
fn enter_at_a_quiz_goes_back_to_the_menu_and_a_number_picks_a_choice() {
    let (dir, _) = lab(LESSON);
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--step", "question"]);
    learner.expect("Allow them to run?");
    learner.send(ENTER);
    learner.expect("What next?");
    learner.send(ENTER);
    // The quiz starts on no answer: Enter there is not a wrong answer, and not a loop.
    learner.expect("(no answer yet: back to the menu)");
    learner.send(ENTER);
    learner.expect("not answered");
    learner.expect("What next?");
    learner.send(ENTER);
    learner.expect("What colour is a clear sky?");
    learner.send("2");
    learner.send(ENTER);
    learner.expect("Correct.");
    learner.expect("✔ Step verified.");
    assert_eq!(learner.exit_code(), 1, "the first step is still to do");
    let log = progress_log(dir.path());
    assert!(log.contains(r#""correct":true"#), "{log}");
    assert!(
        !log.contains(r#""correct":false"#),
        "no wrong answer was recorded: {log}"
    );
}

#[test]
fn a_check_cannot_write_to_the_terminal_behind_labrun_s_back() {
    // Through `/dev/tty` the text would skip every filter: a window title, a cleared screen.
    let (dir, _) = lab(
        "---\nid: pty\n---\n\n# Tty\n\n## Look {#look}\n\n```bash {check}\n\
         if printf '\\033]0;pw%sned\\007GOT%sCHA\\n' '' '' > /dev/tty; then echo wrote; else echo \"no terminal\"; fi\n\
         exit 1\n```\n",
    );
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes"]);
    learner.choose("check");
    learner.expect("no terminal");
    learner.choose("quit");
    learner.rest();
    assert!(
        !learner.seen.contains("GOTCHA"),
        "{}",
        readable(&learner.seen)
    );
    assert!(
        !learner.seen.contains("pwned"),
        "{}",
        readable(&learner.seen)
    );
}

#[test]
fn the_terminal_is_put_back_as_it_was_after_an_interactive_command() {
    // Both run as the step is entered, with no menu between them to reset the terminal.
    let (dir, _) = lab(
        "---\nid: pty\n---\n\n# Stty\n\n## Break it {#break}\n\n```bash {run interactive}\n\
         stty -icanon -isig\n```\n\n```bash {run interactive}\n\
         stty -a | tr ' ' '\\n' | grep -x -e isig -e -isig\n```\n\n```bash {check}\ntrue\n```\n",
    );
    let mut learner = Learner::start(dir.path(), &["start", "lesson.md", "--yes"]);
    learner.expect("✔ done");
    let shown = learner.expect("✔ done");
    let seen = readable(&learner.seen);
    let lines: Vec<&str> = shown.lines().map(str::trim).collect();
    // Without ISIG, Ctrl-C would no longer stop anything.
    assert!(lines.contains(&"isig"), "the terminal kept -isig:\n{seen}");
    assert!(!lines.contains(&"-isig"), "{seen}");
    learner.choose("quit");
    assert_eq!(learner.exit_code(), 1);
}
