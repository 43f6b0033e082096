//! [`TerminalUi`]: the session on a real terminal. Steps are rendered as `labrun show`
//! renders them, questions are inquire prompts, running blocks get a spinner.

use console::Style;
use inquire::ui::RenderConfig;

use crate::engine::{Action, Reporter, SessionSummary, Ui, UiError, Vars, Watch};
use crate::exec::{BlockRun, RunProgress, Stream};
use crate::lesson::{Block, Lesson, Quiz, Role, ToolRequirement, VarSpec};
use crate::progress::{StepState, StepStatus};
use crate::style::Term;
use crate::text::TerminalText;
use crate::ui::display;
use crate::ui::render;
use crate::ui::typeset;

use super::marks::Marks;
use super::running::Running;
use super::{menu, prompt, watch_menu};

/// The learner's terminal; everything goes to stderr.
pub struct TerminalUi {
    out: console::Term,
    marks: Marks,
    config: RenderConfig<'static>,
    running: Option<Running>,
    /// The learner just saw the block and said yes: no need to show it again.
    confirmed: bool,
}

impl Default for TerminalUi {
    fn default() -> Self {
        Self::new()
    }
}

impl TerminalUi {
    pub fn new() -> Self {
        let term = Term::stderr();
        Self {
            out: console::Term::stderr(),
            marks: Marks { term },
            config: prompt::render_config(term),
            running: None,
            confirmed: false,
        }
    }

    /// Writes a line above the spinner, if one is showing. Output errors have nowhere to
    /// go: a closed terminal shows up at the next prompt anyway.
    fn say(&self, text: &str) {
        let out = &self.out;
        match self.running.as_ref().and_then(|r| r.spinner.as_ref()) {
            Some(spinner) => spinner.suspend(|| {
                let _ = out.write_line(text);
            }),
            None => {
                let _ = out.write_line(text);
            }
        }
    }

    /// Prose of labrun's own (notices, advice), wrapped at spaces to the terminal's width
    /// after `mark` (already painted, `mark_width` columns) with the lines after it indented
    /// as far; `code` quotes are shown as code, without their backticks.
    fn say_prose(&self, mark: &str, mark_width: usize, text: &str) {
        let text = TerminalText::lines(text);
        let text = text.as_str();
        let gap = usize::from(mark_width > 0);
        let room = self
            .marks
            .term
            .width
            .saturating_sub(mark_width + gap)
            .max(20);
        let mut in_code = false;
        for (i, line) in wrap_words(text, room).into_iter().enumerate() {
            let mut painted = String::new();
            for (j, part) in line.split('`').enumerate() {
                if j > 0 {
                    in_code = !in_code;
                }
                painted.push_str(&if in_code {
                    self.marks.code(part)
                } else {
                    part.to_owned()
                });
            }
            let lead = if i == 0 {
                mark.to_owned()
            } else {
                " ".repeat(mark_width)
            };
            let gap = " ".repeat(gap);
            self.say(&format!("{lead}{gap}{painted}"));
        }
    }

    /// Lines of `text` after `mark` (painted, one column wide), each painted by `paint`; a
    /// line too wide folds inside the gutter, as code in a rendered step does, instead of
    /// being wrapped by the terminal into the margin.
    /// `text` line by line after a one-column gutter, folded to the width with `↪` on the
    /// parts after the first. Line `i` gets `mark(i)` (a space for none); a folded part gets
    /// the gutter its line has, or, with `fold_blank`, none (a command's `$` marks its start).
    fn say_in_gutter(
        &self,
        mark: impl Fn(usize) -> Option<String>,
        fold_blank: bool,
        text: &str,
        paint: impl Fn(&str) -> String,
    ) {
        let room = self.marks.term.width.saturating_sub(4);
        let text = TerminalText::lines(text);
        let text = text.as_str();
        for (number, line) in text.lines().enumerate() {
            let line_mark = mark(number).unwrap_or_else(|| " ".to_owned());
            for (i, part) in typeset::fold(line, room).into_iter().enumerate() {
                let (mark, fold) = match i {
                    0 => (line_mark.as_str(), String::new()),
                    _ if fold_blank => (" ", self.marks.dim(typeset::FOLD)),
                    _ => (line_mark.as_str(), self.marks.dim(typeset::FOLD)),
                };
                self.say(&format!("  {mark} {fold}{}", paint(part)));
            }
        }
    }

    /// Code about to run: `$` where a shell command starts (not on the lines that continue
    /// it, nor in a here-document), `│` beside each line of an HTTP block.
    fn code_lines(&self, lang: &str, code: &str) {
        if lang.eq_ignore_ascii_case("http") {
            let mark = self.marks.dim("│");
            let mark = |_| Some(mark.clone());
            self.say_in_gutter(mark, false, code, |part| self.marks.code(part));
        } else {
            let starts = crate::lesson::command_starts(code);
            let mark = self.marks.dim("$");
            let mark = |i: usize| starts.get(i).copied().unwrap_or(true).then(|| mark.clone());
            self.say_in_gutter(mark, true, code, |part| self.marks.code(part));
        }
    }

    fn stop_spinner(&mut self) -> Option<Running> {
        let mut running = self.running.take()?;
        running.stop();
        Some(running)
    }
}

/// `text` in lines of at most `width` columns, broken at spaces (a word longer than the line
/// stands alone); the backticks of code quotes do not count, as they are not shown.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let shown = |word: &str| console::measure_text_width(&word.replace('`', ""));
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ').filter(|word| !word.is_empty()) {
            let w = shown(word);
            if used > 0 && used + 1 + w > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used > 0 {
                line.push(' ');
                used += 1;
            }
            line.push_str(word);
            used += w;
        }
        lines.push(line);
    }
    lines
}

impl Drop for TerminalUi {
    /// Whatever ends the session, the terminal is left as it was found.
    fn drop(&mut self) {
        let _ = self.stop_spinner();
        let _ = self.out.show_cursor();
    }
}

impl Ui for TerminalUi {
    fn lesson_start(&mut self, lesson: &Lesson, resume_at: Option<&str>, vars: &Vars) {
        self.say("");
        self.say(&self.marks.heading(&lesson.title));
        if let Some(summary) = &lesson.summary {
            self.say(&self.marks.dim(summary));
        }
        self.say("");
        let _ = render::intro(&mut self.out, lesson, self.marks.term, display(vars));
        if let Some(step) = resume_at.and_then(|id| lesson.step(id)) {
            self.say("");
            self.say(&format!(
                "{} resuming at {}",
                self.marks.paint(&Style::new().cyan(), "↺ Welcome back:"),
                self.marks.paint(&Style::new().bold(), &step.title)
            ));
        }
    }

    fn missing_tools(&mut self, missing: &[&ToolRequirement]) -> Result<bool, UiError> {
        self.say(&self.marks.paint(
            &Style::new().yellow(),
            "This lesson needs programs that are not on your PATH:",
        ));
        for tool in missing {
            let name = self.marks.paint(&Style::new().bold(), &tool.name);
            match &tool.hint {
                Some(hint) => self.say(&format!("  • {name}: {hint}")),
                None => self.say(&format!("  • {name}")),
            }
        }
        prompt::confirm(self.config, "Go on anyway?", false)
    }

    fn consent(&mut self, lesson: &Lesson, given: &[(String, String)]) -> Result<bool, UiError> {
        self.say("");
        self.say_prose(
            "",
            0,
            &format!("This lesson {} on this machine.", lesson.consent_summary()),
        );
        for line in lesson.consent_details(given) {
            let indent = line.len() - line.trim_start().len();
            self.say_prose(&" ".repeat(indent), indent, line.trim_start());
        }
        self.say(&self.marks.dim(&format!(
            "To read it all first, quit and run `labrun show {} --commands`.",
            lesson.path.display()
        )));
        prompt::confirm(self.config, "Allow them to run?", true)
    }

    fn ask_var(
        &mut self,
        spec: &VarSpec,
        default: Option<&str>,
        problem: Option<&str>,
    ) -> Result<String, UiError> {
        if let Some(problem) = problem {
            self.say(&self.marks.reason(&format!("✘ {problem}")));
        }
        if let Some(description) = &spec.description {
            self.say("");
            self.say(&self.marks.dim(description));
        }
        prompt::var(self.config, spec, default)
    }

    fn step(&mut self, lesson: &Lesson, index: usize, state: &StepState, vars: &Vars) {
        // The terminal may have been resized since the last step.
        self.marks.term = Term::stderr();
        self.say("");
        let seen = state.hints_shown as usize;
        let _ = render::step(
            &mut self.out,
            lesson,
            index,
            seen,
            self.marks.term,
            display(vars),
        );
        if state.status != StepStatus::Pending {
            self.say(&format!(
                "{} {}",
                self.marks.dim("status:"),
                self.marks.status(state.status, 0)
            ));
        }
    }

    fn choose(
        &mut self,
        lesson: &Lesson,
        index: usize,
        actions: &[Action],
        default: &Action,
        watch: Option<&Watch>,
    ) -> Result<Action, UiError> {
        self.say("");
        match watch {
            Some(watch) => watch_menu::choose(
                self.config,
                self.marks,
                lesson,
                index,
                actions,
                default,
                watch,
            ),
            None => menu::choose(self.config, lesson, index, actions, default),
        }
    }

    fn confirm(&mut self, question: &str) -> Result<bool, UiError> {
        prompt::confirm(self.config, question, false)
    }

    fn confirm_block(&mut self, block: &Block, code: &str) -> Result<bool, UiError> {
        self.say("");
        self.say(&self.marks.dim(&format!(
            "About to run ({}) in the lesson workspace:",
            if block.is_http() { "HTTP" } else { "shell" }
        )));
        self.code_lines(&block.lang, code);
        self.confirmed = prompt::confirm(self.config, "Run it?", true)?;
        Ok(self.confirmed)
    }

    fn checks_finished(&mut self, passed: bool, failures: &[String], next: Option<&str>) {
        if passed {
            self.say(&self.marks.good(next.unwrap_or("✔ Step verified.")));
            return;
        }
        self.say(&self.marks.bad("✘ Not verified yet."));
        for failure in failures {
            for line in failure.lines() {
                self.say(&format!("    {}", self.marks.reason(line)));
            }
        }
        if let Some(next) = next {
            self.say_prose("", 0, next);
        }
    }

    fn ask_quiz(&mut self, quiz: &Quiz) -> Result<Option<Vec<String>>, UiError> {
        prompt::quiz(self.config, quiz)
    }

    fn quiz_result(&mut self, quiz: &Quiz, correct: bool) {
        if correct {
            self.say(&self.marks.good("✔ Correct."));
            if let Some(explain) = &quiz.explain {
                self.say_prose(" ", 1, explain);
            }
        } else {
            self.say(&self.marks.bad("✘ Not quite."));
        }
    }

    fn hint(&mut self, number: u32, total: u32, markdown: &str) {
        self.say("");
        self.say(&self.marks.paint(
            &Style::new().yellow().bold(),
            &format!("💡 Hint {number} of {total}"),
        ));
        let _ = render::markdown(&mut self.out, markdown, self.marks.term);
        let _ = self.out.flush();
    }

    fn solution(&mut self, blocks: &[(String, String)]) {
        self.say("");
        self.say(&self.marks.paint(&Style::new().yellow().bold(), "Solution"));
        for (lang, code) in blocks {
            self.code_lines(lang, code);
        }
        self.say_prose(
            "",
            0,
            "Type it yourself, or choose `apply` to have labrun run it and check. Once \
             checked, a step whose solution you saw counts as solved, not verified.",
        );
    }

    fn finished(&mut self, summary: &SessionSummary) {
        let _ = self.stop_spinner();
        self.say("");
        self.say(&self.marks.heading(&summary.title));
        for (title, status) in &summary.steps {
            self.say(&format!("  {} {title}", self.marks.status(*status, 9)));
        }
        self.say("");
        if summary.complete {
            self.say(&self.marks.good("Lesson complete. Well done!"));
        } else {
            self.say_prose(
                "",
                0,
                summary.next.as_deref().unwrap_or(
                    "Progress saved. Run the same command again to continue where you left off.",
                ),
            );
        }
        self.say(&self.marks.dim(&format!("Progress log: {}", summary.log)));
    }
}

impl Reporter for TerminalUi {
    fn block_started(&mut self, block: &Block, code: &str) {
        let _ = self.stop_spinner();
        let confirmed = std::mem::take(&mut self.confirmed);
        let marks = self.marks;
        if block.attrs.interactive {
            self.say(&marks.dim(&format!(
                "▶ {} (it has the terminal until it ends)",
                marks.first_line(code, 40)
            )));
        } else if matches!(block.role, None | Some(Role::Run | Role::Solve)) && !confirmed {
            self.say(&marks.dim(&format!("▶ {}", marks.first_line(code, 4))));
        }
        self.running = Some(Running::start(block, code, marks));
    }

    fn progress(&mut self, progress: &RunProgress) {
        match progress {
            RunProgress::Output { stream, text } => {
                let bar = if *stream == Stream::Stderr {
                    self.marks.paint(&Style::new().yellow(), "│")
                } else {
                    self.marks.dim("│")
                };
                self.say_in_gutter(|_| Some(bar.clone()), false, text, str::to_owned);
                if let Some(running) = &mut self.running {
                    running.streamed = true;
                }
            }
            RunProgress::Request { method, url } => {
                if let Some(spinner) = self.running.as_ref().and_then(|r| r.spinner.as_ref()) {
                    spinner.set_text(&format!("{method} {url}"));
                }
            }
            RunProgress::Waiting {
                attempt,
                remaining,
                last,
            } => {
                if let Some(spinner) = self.running.as_ref().and_then(|r| r.spinner.as_ref()) {
                    spinner.waiting(*attempt, *remaining, last);
                }
            }
        }
    }

    fn block_finished(&mut self, _block: &Block, run: &BlockRun) {
        if let Some(running) = self.stop_spinner() {
            for line in running.verdict(run, self.marks) {
                self.say(&line);
            }
        }
    }

    fn notice(&mut self, text: &str) {
        let mark = self.marks.paint(&Style::new().blue(), "ℹ");
        self.say_prose(&mark, 1, text);
    }
}
