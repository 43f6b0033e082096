//! The plain line UI: numbered menus, one answer per line. Used when stdin or stderr is not a
//! terminal (CI, pipes) or with `--plain`, and by tests with scripted input.
//!
//! Every menu's item 1 is the default action, taken by an empty line. An answer is a number
//! or the action's first word. End of input means save and quit.

use std::io::{BufRead, Write};

use crate::engine::{Action, Reporter, SessionSummary, Ui, UiError, Vars, Watch};
use crate::exec::{BlockRun, Outcome, RunProgress, Stream};
use crate::lesson::{Block, Lesson, Quiz, Role, ToolRequirement, VarSpec};
use crate::progress::{StepState, StepStatus};

use crate::style::Term;
use crate::ui::{action_label, display};

pub struct PlainUi<R, W> {
    input: R,
    out: W,
    term: Term,
    /// Write each answer after its prompt: when answers come from a pipe, nothing else
    /// shows them, and a CI log should read like the session did.
    echo: bool,
}

impl<R: BufRead, W: Write> PlainUi<R, W> {
    pub fn new(input: R, out: W, term: Term) -> Self {
        Self {
            input,
            out,
            term,
            echo: false,
        }
    }

    pub fn echo_answers(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    pub fn into_output(self) -> W {
        self.out
    }

    /// Writes a line, its control characters made visible (it may quote a command's
    /// output or a server's reply). The UI has nowhere to report its own output errors, and
    /// a closed terminal shows up as end of input at the next question anyway.
    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{}", crate::text::TerminalText::lines(text));
    }

    fn ask(&mut self, prompt: &str) -> Result<String, UiError> {
        let _ = write!(self.out, "{prompt}");
        let _ = self.out.flush();
        let mut line = String::new();
        let read = self.input.read_line(&mut line).map_err(|error| {
            if super::stdin::CtrlC::is(&error) {
                let _ = writeln!(self.out);
                UiError::Interrupted
            } else {
                UiError::Io(error)
            }
        })?;
        if read == 0 {
            let _ = writeln!(
                self.out,
                "{}",
                if self.echo {
                    "(end of input: saving and quitting)"
                } else {
                    ""
                }
            );
            return Err(UiError::Eof);
        }
        let answer = line.trim_end_matches(['\n', '\r']).trim().to_owned();
        if self.echo {
            let _ = writeln!(self.out, "{answer}");
        }
        Ok(answer)
    }

    fn yes_no(&mut self, question: &str, default: bool) -> Result<bool, UiError> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            let answer = self
                .ask(&format!("{question} {hint} "))?
                .to_ascii_lowercase();
            match answer.as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => self.say("please answer y or n"),
            }
        }
    }
}

/// Parses an answer to the action menu: empty for `default`, a number, an action word (or
/// its start), or `jump ID` / `jump N`.
pub fn parse_choice(
    answer: &str,
    actions: &[Action],
    default: &Action,
    lesson: &Lesson,
) -> Option<Action> {
    let answer = answer.trim().to_ascii_lowercase();
    if answer.is_empty() {
        return Some(default.clone());
    }
    if let Ok(number) = answer.parse::<usize>() {
        return number.checked_sub(1).and_then(|i| actions.get(i)).cloned();
    }
    let mut words = answer.split_whitespace();
    let word = words.next()?;
    if word == "jump" || word == "step" || word == "goto" {
        let target = words.next()?;
        let by_number = target
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| i < lesson.steps.len());
        let by_id = lesson
            .steps
            .iter()
            .position(|step| step.id.eq_ignore_ascii_case(target));
        return by_number.or(by_id).map(Action::Jump);
    }
    actions
        .iter()
        .find(|action| action_label(action).0 == word)
        .or_else(|| {
            let matching: Vec<&Action> = actions
                .iter()
                .filter(|a| action_label(a).0.starts_with(word))
                .collect();
            (matching.len() == 1).then(|| matching[0])
        })
        .cloned()
}

fn status_word(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Pending => "pending",
        StepStatus::Failed => "not verified yet",
        StepStatus::Verified => "verified",
        StepStatus::Solved => "solved with the solution",
        StepStatus::Confirmed => "done",
        StepStatus::Skipped => "skipped",
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.1}s", ms as f64 / 1000.0)
}

impl<R: BufRead, W: Write> Ui for PlainUi<R, W> {
    fn lesson_start(&mut self, lesson: &Lesson, resume_at: Option<&str>, vars: &Vars) {
        self.say(&format!("=== {} ===", lesson.title));
        if let Some(summary) = &lesson.summary {
            self.say(summary);
        }
        let _ = super::render::intro(&mut self.out, lesson, self.term, display(vars));
        if let Some(step) = resume_at.and_then(|id| lesson.step(id)) {
            self.say(&format!("Welcome back: resuming at \"{}\".", step.title));
        }
    }

    fn missing_tools(&mut self, missing: &[&ToolRequirement]) -> Result<bool, UiError> {
        self.say("This lesson needs programs that are not on your PATH:");
        for tool in missing {
            match &tool.hint {
                Some(hint) => self.say(&format!("  - {}: {hint}", tool.name)),
                None => self.say(&format!("  - {}", tool.name)),
            }
        }
        self.yes_no("Go on anyway?", false)
    }

    fn consent(&mut self, lesson: &Lesson, given: &[(String, String)]) -> Result<bool, UiError> {
        self.say(&format!(
            "This lesson {} on this machine.",
            lesson.consent_summary(),
        ));
        for line in lesson.consent_details(given) {
            self.say(&line);
        }
        self.say(&format!(
            "To read it all first, quit and run `labrun show {} --commands`.",
            lesson.path.display()
        ));
        self.yes_no("Allow them to run?", true)
    }

    fn ask_var(
        &mut self,
        spec: &VarSpec,
        default: Option<&str>,
        problem: Option<&str>,
    ) -> Result<String, UiError> {
        if let Some(problem) = problem {
            self.say(&format!("! {problem}"));
        }
        if let Some(description) = &spec.description {
            self.say(description);
        }
        if !spec.choices.is_empty() {
            for (i, choice) in spec.choices.iter().enumerate() {
                self.say(&format!("  {}) {choice}", i + 1));
            }
        }
        let prompt = spec.prompt.as_deref().unwrap_or(&spec.name);
        let shown_default = default
            .filter(|_| !spec.secret)
            .map(|d| format!(" [{d}]"))
            .unwrap_or_default();
        let answer = if spec.secret {
            // Never echoed, even to a log.
            let echo = std::mem::replace(&mut self.echo, false);
            let answer = self.ask(&format!("{prompt}{shown_default}: "));
            self.echo = echo;
            if echo {
                self.say(crate::text::MASK);
            }
            answer?
        } else {
            self.ask(&format!("{prompt}{shown_default}: "))?
        };
        // A number picks from the choices.
        if let Some(choice) = answer
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| spec.choices.get(i))
        {
            return Ok(choice.clone());
        }
        Ok(answer)
    }

    fn step(&mut self, lesson: &Lesson, index: usize, state: &StepState, vars: &Vars) {
        self.say("");
        let seen = state.hints_shown as usize;
        let _ = super::render::step(&mut self.out, lesson, index, seen, self.term, display(vars));
        if state.status != StepStatus::Pending {
            self.say(&format!("(status: {})", status_word(state.status)));
        }
    }

    fn choose(
        &mut self,
        lesson: &Lesson,
        _index: usize,
        actions: &[Action],
        default: &Action,
        // A line UI waits for a whole line: it cannot hear the watch meanwhile.
        _watch: Option<&Watch>,
    ) -> Result<Action, UiError> {
        let mut menu: Vec<String> = actions
            .iter()
            .enumerate()
            .map(|(i, action)| format!("{}) {}", i + 1, action_label(action).0))
            .collect();
        if lesson.steps.len() > 1 {
            menu.push("jump STEP".to_owned());
        }
        let prompt = format!("[Enter: {}] > ", action_label(default).0);
        loop {
            self.say(&menu.join("  "));
            let answer = self.ask(&prompt)?;
            match parse_choice(&answer, actions, default, lesson) {
                Some(action) => return Ok(action),
                None => self.say(&format!(
                    "unknown choice `{answer}`: press Enter to {}, type a number from 1 to {} or \
                     a word, or `jump` and a step's number or id",
                    action_label(default).1,
                    actions.len()
                )),
            }
        }
    }

    fn confirm(&mut self, question: &str) -> Result<bool, UiError> {
        self.yes_no(question, false)
    }

    fn confirm_block(&mut self, block: &Block, code: &str) -> Result<bool, UiError> {
        self.say(&format!(
            "About to run ({}):",
            if block.is_http() { "HTTP" } else { "shell" }
        ));
        let starts = crate::lesson::command_starts(code);
        for (line, start) in code.lines().zip(starts) {
            let mark = if start && !block.is_http() { "$" } else { " " };
            self.say(&format!("  {mark} {line}"));
        }
        self.yes_no("Run it?", true)
    }

    fn checks_finished(&mut self, passed: bool, failures: &[String], next: Option<&str>) {
        if passed {
            self.say(next.unwrap_or("✔ Step verified."));
            return;
        }
        // Each check's reason was told as it finished.
        self.say(&format!("✘ Not verified yet ({} failed).", failures.len()));
        if let Some(next) = next {
            self.say(next);
        }
    }

    fn ask_quiz(&mut self, quiz: &Quiz) -> Result<Option<Vec<String>>, UiError> {
        self.say(&format!("Quiz: {}", quiz.plain_question()));
        if quiz.choices.is_empty() {
            let answer = self.ask("Your answer (empty: back to the menu): ")?;
            return Ok((!answer.is_empty()).then(|| vec![answer]));
        }
        for (i, choice) in quiz.choices.iter().enumerate() {
            self.say(&format!("  {}) {choice}", i + 1));
        }
        let prompt = if quiz.is_multiple_answer() {
            "Your answers (numbers, separated by commas; empty: back to the menu): "
        } else {
            "Your answer (a number; empty: back to the menu): "
        };
        loop {
            let answer = self.ask(prompt)?;
            if answer.is_empty() {
                return Ok(None);
            }
            let picked: Option<Vec<String>> = answer
                .split([',', ' '])
                .filter(|part| !part.is_empty())
                .map(|part| {
                    part.parse::<usize>()
                        .ok()
                        .and_then(|n| n.checked_sub(1))
                        .and_then(|i| quiz.choices.get(i))
                        .cloned()
                })
                .collect();
            match picked {
                Some(picked) if !picked.is_empty() => return Ok(Some(picked)),
                _ => self.say(&format!("type a number from 1 to {}", quiz.choices.len())),
            }
        }
    }

    fn quiz_result(&mut self, quiz: &Quiz, correct: bool) {
        self.say(if correct { "Correct." } else { "Not quite." });
        if let (true, Some(explain)) = (correct, &quiz.explain) {
            self.say(explain);
        }
    }

    fn hint(&mut self, number: u32, total: u32, markdown: &str) {
        self.say(&format!("Hint {number}/{total}:"));
        let _ = super::render::markdown(&mut self.out, markdown, self.term);
    }

    fn solution(&mut self, blocks: &[(String, String)]) {
        self.say("Solution:");
        for (_, code) in blocks {
            for line in code.lines() {
                self.say(&format!("  $ {line}"));
            }
        }
    }

    fn finished(&mut self, summary: &SessionSummary) {
        self.say("");
        self.say(&format!("=== {} ===", summary.title));
        for (title, status) in &summary.steps {
            self.say(&format!("  {:<10} {title}", status.as_str()));
        }
        if summary.complete {
            self.say("Lesson complete. Well done!");
        } else {
            self.say(summary.next.as_deref().unwrap_or(
                "Progress saved. Run the same command again to continue where you left off.",
            ));
        }
        self.say(&format!("Progress log: {}", summary.log));
    }
}

impl<R: BufRead, W: Write> Reporter for PlainUi<R, W> {
    fn block_started(&mut self, block: &Block, code: &str) {
        let first = code.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let role = block.role.map_or("run", Role::as_str);
        self.say(&format!(
            "[{role}] {first}{}",
            if code.lines().count() > 1 { " …" } else { "" }
        ));
    }

    fn progress(&mut self, progress: &RunProgress) {
        match progress {
            RunProgress::Output { stream, text } => {
                let mark = if *stream == Stream::Stderr { "!" } else { "|" };
                for line in text.lines() {
                    self.say(&format!("  {mark} {line}"));
                }
            }
            RunProgress::Request { method, url } => self.say(&format!("  → {method} {url}")),
            // A line per try would flood a log: the first, then every fifth.
            RunProgress::Waiting {
                attempt,
                remaining,
                last,
            } if *attempt == 1 || attempt % 5 == 0 => {
                let left = remaining
                    .map(|r| format!(", {}s left", r.as_secs()))
                    .unwrap_or_default();
                self.say(&format!(
                    "  … try {attempt} not yet ({last}){left}; waiting"
                ));
            }
            RunProgress::Waiting { .. } => {}
        }
    }

    fn block_finished(&mut self, block: &Block, run: &BlockRun) {
        let evidence = run.outcome.evidence();
        let exit = evidence
            .exit_code
            .map(|code| format!("exit {code}, "))
            .unwrap_or_default();
        match &run.outcome {
            Outcome::Passed { .. } => {
                self.say(&format!("  ok ({exit}{})", seconds(evidence.duration_ms)))
            }
            Outcome::Failed { reason, .. } => {
                self.say(&format!(
                    "  failed ({exit}{}):",
                    seconds(evidence.duration_ms)
                ));
                // The output of a block the learner runs was already shown as it came:
                // repeat only the verdict line.
                let shown =
                    matches!(block.role, None | Some(Role::Run | Role::Solve)) && !block.is_http();
                let lines: Vec<&str> = reason.lines().collect();
                let from = if shown {
                    lines.len().saturating_sub(1)
                } else {
                    0
                };
                for line in &lines[from..] {
                    self.say(&format!("    {line}"));
                }
            }
        }
    }

    fn notice(&mut self, text: &str) {
        self.say(&format!("note: {text}"));
    }
}
