//! The block being run: its spinner while it runs, and the line that says how it ended.

use std::time::Duration;

use crate::exec::{BlockRun, Outcome};
use crate::lesson::{Block, Role};

use super::marks::Marks;
use super::spinner::{Spinner, seconds};

pub(super) struct Running {
    code: String,
    role: Option<Role>,
    /// None for interactive blocks: the command has the terminal.
    pub spinner: Option<Spinner>,
    /// Some output was shown: a failure need not repeat it.
    pub streamed: bool,
}

impl Running {
    /// Starts the spinner (none for an interactive block). The spinner says what runs:
    /// checks, setup and cleanup are named, as the learner did not ask for them.
    pub(super) fn start(block: &Block, code: &str, marks: Marks) -> Self {
        let spinner = (!block.attrs.interactive).then(|| {
            let what = match block.role {
                Some(Role::Check) => "checking: ",
                Some(Role::Setup) => "setting up: ",
                Some(Role::Cleanup) => "cleaning up: ",
                _ => "",
            };
            // A check always has a limit worth showing; another block when it sets one.
            let budget = match block.role {
                Some(Role::Check) => Some(
                    block
                        .attrs
                        .timeout
                        .unwrap_or(crate::exec::runner::CHECK_TIMEOUT),
                ),
                _ => block.attrs.timeout,
            };
            let tries = block.attrs.retry.map(|retry| retry.saturating_add(1));
            Spinner::start(
                &format!("{what}{}", marks.first_line(code, 0)),
                marks.term,
                budget,
                tries,
            )
        });
        Self {
            code: code.to_owned(),
            role: block.role,
            spinner,
            streamed: false,
        }
    }

    /// Takes the spinner off the screen.
    pub(super) fn stop(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.finish();
        }
    }

    /// What to say once the block ended: nothing for setup and cleanup (a failure comes
    /// as the session's notice), a mark and the command for a check (its reasons come with
    /// the step's verdict), else done or failed, with the reason unless the output already
    /// showed it.
    pub(super) fn verdict(&self, run: &BlockRun, marks: Marks) -> Vec<String> {
        let evidence = run.outcome.evidence();
        let mut facts = Vec::new();
        if evidence.attempts > 1 {
            facts.push(format!("{} tries", evidence.attempts));
        }
        if let Some(code) = evidence.exit_code.filter(|_| !run.outcome.passed()) {
            facts.push(format!("exit {code}"));
        }
        facts.push(seconds(Duration::from_millis(evidence.duration_ms)));
        let facts = marks.dim(&format!("({})", facts.join(", ")));
        if run.interrupted {
            return vec![format!("  {} {facts}", marks.reason("✘ interrupted"))];
        }
        match (self.role, &run.outcome) {
            (Some(Role::Setup | Role::Cleanup), _) => Vec::new(),
            (Some(Role::Check), outcome) => {
                let mark = if outcome.passed() {
                    marks.good("✔")
                } else {
                    marks.bad("✘")
                };
                let used = console::measure_text_width(&facts) + 12;
                vec![format!(
                    "  {mark} {} {}  {facts}",
                    marks.dim("check"),
                    marks.first_line(&self.code, used)
                )]
            }
            (_, Outcome::Passed { .. }) => vec![format!("  {} {facts}", marks.good("✔ done"))],
            (_, Outcome::Failed { reason, .. }) => {
                let mut lines = vec![format!("  {} {facts}", marks.bad("✘ failed"))];
                let reason: Vec<&str> = if self.streamed {
                    reason.lines().last().into_iter().collect()
                } else {
                    reason.lines().collect()
                };
                lines.extend(
                    reason
                        .into_iter()
                        .map(|l| format!("    {}", marks.reason(l))),
                );
                lines
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Evidence;
    use crate::style::Term;

    fn block(role: Option<Role>) -> Block {
        let mut block = Block {
            lang: "bash".into(),
            role,
            attrs: Default::default(),
            code: String::new(),
            span: Default::default(),
            info_span: Default::default(),
            code_span: Default::default(),
            file: 0,
            http: Vec::new(),
        };
        // No spinner thread in unit tests.
        block.attrs.interactive = true;
        block
    }

    fn failed(reason: &str) -> BlockRun {
        BlockRun {
            outcome: Outcome::failed(
                reason.into(),
                Evidence {
                    exit_code: Some(1),
                    duration_ms: 1200,
                    attempts: 1,
                    ..Evidence::default()
                },
            ),
            captures: Vec::new(),
            interrupted: false,
            shell: None,
        }
    }

    const MARKS: Marks = Marks {
        term: Term::plain(80),
    };

    #[test]
    fn a_failed_command_whose_output_was_shown_only_adds_the_verdict() {
        let mut running = Running::start(&block(Some(Role::Run)), "make", MARKS);
        let run = failed("make: *** no rule\n(exit code 1, expected 0)");
        assert_eq!(
            running.verdict(&run, MARKS),
            [
                "  ✘ failed (exit 1, 1.2s)",
                "    make: *** no rule",
                "    (exit code 1, expected 0)"
            ]
        );
        running.streamed = true;
        assert_eq!(
            running.verdict(&run, MARKS),
            ["  ✘ failed (exit 1, 1.2s)", "    (exit code 1, expected 0)"]
        );
    }

    #[test]
    fn a_check_is_one_line_and_setup_says_nothing() {
        let check = Running::start(&block(Some(Role::Check)), "test -f x\n", MARKS);
        assert_eq!(
            check.verdict(&failed("x is missing"), MARKS),
            ["  ✘ check test -f x  (exit 1, 1.2s)"]
        );
        let setup = Running::start(&block(Some(Role::Setup)), "mkdir x", MARKS);
        assert!(setup.verdict(&failed("no"), MARKS).is_empty());
    }
}
