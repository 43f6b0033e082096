//! What the engine asks of a user interface. The terminal UI and the plain line UI implement
//! it; tests use the plain one with scripted input, so every session is testable as text.

use crate::exec::{BlockRun, Progress};
use crate::lesson::{Block, Lesson, Quiz, ToolRequirement, VarSpec};
use crate::progress::{StepState, StepStatus};

use super::machine::Action;
use super::vars::Vars;

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
pub struct Summary {
    pub title: String,
    /// Each step's title and status, in lesson order.
    pub steps: Vec<(String, StepStatus)>,
    pub complete: bool,
    /// Where the progress log is.
    pub log: String,
}

/// A learner-facing interface.
pub trait Ui {
    /// The lesson's title and intro, and where the learner resumes.
    fn lesson_start(&mut self, lesson: &Lesson, resume_at: Option<&str>, vars: &Vars);

    /// Programs the lesson needs that are not on `PATH`: go on anyway?
    fn missing_tools(&mut self, missing: &[&ToolRequirement]) -> Result<bool, UiError>;

    /// May the lesson's setup and check commands run? (`run` blocks are confirmed one by one.)
    fn consent(&mut self, lesson: &Lesson) -> Result<bool, UiError>;

    /// Asks for a variable; `problem` says why the last answer was refused.
    fn ask_var(
        &mut self,
        spec: &VarSpec,
        default: Option<&str>,
        problem: Option<&str>,
    ) -> Result<String, UiError>;

    /// Shows step `index` (its prose with variables substituted for display).
    fn step(&mut self, lesson: &Lesson, index: usize, state: &StepState, vars: &Vars);

    /// Asks what to do at step `index`; `actions[0]` is the default.
    fn choose(
        &mut self,
        lesson: &Lesson,
        index: usize,
        actions: &[Action],
    ) -> Result<Action, UiError>;

    /// Asks before running a block for the learner.
    fn confirm_block(&mut self, block: &Block, code: &str) -> Result<bool, UiError>;

    fn block_started(&mut self, block: &Block, code: &str);

    fn progress(&mut self, progress: &Progress);

    fn block_finished(&mut self, block: &Block, run: &BlockRun);

    /// The checks of a step ran: every failure reason, secrets masked; `hints_left` when the
    /// step has a hint the learner has not seen.
    fn checks_finished(&mut self, passed: bool, failures: &[String], hints_left: bool);

    /// Asks a quiz: the chosen choices, or the typed answer.
    fn ask_quiz(&mut self, quiz: &Quiz) -> Result<Vec<String>, UiError>;

    fn quiz_result(&mut self, quiz: &Quiz, correct: bool);

    /// A revealed hint: its Markdown, variables substituted for display.
    fn hint(&mut self, number: u32, total: u32, markdown: &str);

    /// The solution: the code of each `solve` block, for display.
    fn solution(&mut self, blocks: &[(String, String)]);

    fn notice(&mut self, text: &str);

    fn finished(&mut self, summary: &Summary);
}
