//! What the engine asks of a user interface. The terminal UI and the plain line UI implement
//! it; tests use the plain one with scripted input, so every session is testable as text.

use crate::lesson::{Block, Lesson, Quiz, ToolRequirement, VarSpec};
use crate::progress::{StepState, StepStatus};

use super::machine::Action;
use super::runtime::Reporter;
use super::vars::Vars;
use super::watch::Watch;

/// Why the UI could not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// Input ended: save and quit.
    #[error("end of input")]
    Eof,
    /// Ctrl-C at a prompt.
    #[error("interrupted")]
    Interrupted,
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
}

/// How a session ended, for the closing summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub title: String,
    /// Each step's title and status, in lesson order.
    pub steps: Vec<(String, StepStatus)>,
    pub complete: bool,
    /// Where the progress log is.
    pub log: String,
    /// When the lesson is not complete: what is left and the command that does it.
    pub next: Option<String>,
}

/// A learner-facing interface: what it shows of running blocks is its [`Reporter`] side.
pub trait Ui: Reporter {
    /// The lesson's title and intro, and where the learner resumes.
    fn lesson_start(&mut self, lesson: &Lesson, resume_at: Option<&str>, vars: &Vars);

    /// Programs the lesson needs that are not on `PATH`: go on anyway?
    fn missing_tools(&mut self, missing: &[&ToolRequirement]) -> Result<bool, UiError>;

    /// May the lesson's setup and check commands run? (`run` blocks are confirmed one by one.)
    /// `given`: the variables the learner gave on the command line, with their values.
    fn consent(&mut self, lesson: &Lesson, given: &[(String, String)]) -> Result<bool, UiError>;

    /// Asks for a variable; `problem` says why the last answer was refused.
    fn ask_var(
        &mut self,
        spec: &VarSpec,
        default: Option<&str>,
        problem: Option<&str>,
    ) -> Result<String, UiError>;

    /// Shows step `index` (its prose with variables substituted for display).
    fn step(&mut self, lesson: &Lesson, index: usize, state: &StepState, vars: &Vars);

    /// Asks what to do at step `index`: one of `actions` (always in the same order), or
    /// `default` on Enter. With a `watch`, the step's checks re-run in the background while
    /// the learner decides: a UI that can wait for a key and the watch at once answers
    /// [`Action::Check`] by itself when the watch says they pass.
    fn choose(
        &mut self,
        lesson: &Lesson,
        index: usize,
        actions: &[Action],
        default: &Action,
        watch: Option<&Watch>,
    ) -> Result<Action, UiError>;

    /// A yes/no question whose answer is no unless the learner says yes (Enter, Esc).
    fn confirm(&mut self, question: &str) -> Result<bool, UiError>;

    /// Asks before running a block for the learner.
    fn confirm_block(&mut self, block: &Block, code: &str) -> Result<bool, UiError>;

    /// The checks of a step ran: every failure reason, secrets masked. `next` is what to say
    /// instead of the usual line: what to do after a failure, how a pass counts.
    fn checks_finished(&mut self, passed: bool, failures: &[String], next: Option<&str>);

    /// Asks a quiz: the chosen choices, or the typed answer; `None` when the learner went
    /// back without answering (Esc, an empty answer).
    fn ask_quiz(&mut self, quiz: &Quiz) -> Result<Option<Vec<String>>, UiError>;

    fn quiz_result(&mut self, quiz: &Quiz, correct: bool);

    /// A revealed hint: its Markdown, variables substituted for display.
    fn hint(&mut self, number: u32, total: u32, markdown: &str);

    /// The solution: the code of each `solve` block, for display.
    fn solution(&mut self, blocks: &[(String, String)]);

    fn finished(&mut self, summary: &SessionSummary);
}
