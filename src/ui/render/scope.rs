//! What a piece of content is rendered against: its source file, and the blocks, quizzes
//! and hints of its step (or of a part's intro).

use std::rc::Rc;

use crate::lesson::{Block, Hint, Quiz, Source};
use crate::ui::typeset::References;

/// Options of `labrun show` that change what is revealed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShowOptions {
    /// Reveal hints and other `<details>` sections (else only their summary is shown).
    pub hints: bool,
    /// Reveal `solve` blocks (else only "solution available" is shown).
    pub solutions: bool,
    /// Rendering for a learner's session: hidden things are reached from its menu.
    pub session: bool,
}

/// Where content sits, which changes what some blocks mean (a `setup` block in an intro
/// runs once per lesson, in a step when the step starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Intro,
    Step,
}

pub(crate) struct Scope<'l> {
    pub source: &'l Source,
    pub blocks: &'l [Block],
    pub quizzes: &'l [Quiz],
    pub hints: &'l [Hint],
    pub place: Place,
    pub options: ShowOptions,
    /// Reference-style link definitions of the whole file, as re-parsing one slice of it
    /// would not see those defined elsewhere.
    pub references: Rc<References>,
    /// Which of `blocks` have been rendered, so none is left out.
    pub shown: Vec<bool>,
    /// How many of `hints` the learner has seen: those are shown open.
    pub hints_seen: usize,
}

impl<'l> Scope<'l> {
    /// The intro of `part`: its blocks, no quizzes or hints.
    pub(super) fn intro(
        source: &'l Source,
        part: &'l crate::lesson::Part,
        options: ShowOptions,
        references: Rc<References>,
    ) -> Self {
        Self::with(
            source,
            &part.blocks,
            &[],
            &[],
            Place::Intro,
            options,
            references,
        )
    }

    /// Step `step`'s content, with its blocks, quizzes and hints.
    pub(super) fn step(
        source: &'l Source,
        step: &'l crate::lesson::Step,
        options: ShowOptions,
        references: Rc<References>,
    ) -> Self {
        let (blocks, quizzes, hints) = (&step.blocks, &step.quizzes, &step.hints);
        Self::with(
            source,
            blocks,
            quizzes,
            hints,
            Place::Step,
            options,
            references,
        )
    }

    fn with(
        source: &'l Source,
        blocks: &'l [Block],
        quizzes: &'l [Quiz],
        hints: &'l [Hint],
        place: Place,
        options: ShowOptions,
        references: Rc<References>,
    ) -> Self {
        Self {
            source,
            blocks,
            quizzes,
            hints,
            place,
            options,
            references,
            shown: vec![false; blocks.len()],
            hints_seen: 0,
        }
    }

    /// The block that starts at byte `start` of the source.
    pub(super) fn block_at(&self, start: usize) -> Option<usize> {
        self.blocks
            .iter()
            .position(|block| block.span.start == start)
    }

    pub(super) fn quiz_at(&self, start: usize) -> Option<usize> {
        self.quizzes
            .iter()
            .position(|quiz| quiz.span.start == start)
    }
}
