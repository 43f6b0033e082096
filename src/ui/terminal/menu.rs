//! The action menu at each step: the default first, typed letters pick by the action's
//! word (as in the plain UI), numbers pick by position, and `jump` opens a list of steps.

use std::fmt;

use inquire::Select;
use inquire::ui::RenderConfig;

use crate::engine::{Action, UiError};
use crate::lesson::Lesson;
use crate::ui::action_label;

use super::prompt::{answered, forget_canceled};

const HELP: &str = "↑↓ move · enter choose · type a word or number · esc saves and quits";

/// One line of the menu: an action, or `jump`, which asks for a step.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub action: Option<Action>,
    pub word: &'static str,
    description: &'static str,
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<9} {}", self.word, self.description)
    }
}

/// The menu for `actions`, in their order; `jump` comes before `quit` when the lesson has
/// other steps to go to. `quiz_only`: the step is verified by questions alone.
pub(super) fn items(actions: &[Action], index: usize, steps: usize, quiz_only: bool) -> Vec<Item> {
    let last = index + 1 == steps;
    let mut items: Vec<Item> = actions
        .iter()
        .map(|action| {
            let (word, description) = match action_label(action) {
                ("continue", _) if last => ("continue", "finish the lesson"),
                ("check", _) if quiz_only => ("check", "answer the question"),
                label => label,
            };
            Item {
                action: Some(action.clone()),
                word,
                description,
            }
        })
        .collect();
    if steps > 1 {
        let (word, description) = action_label(&Action::Jump(0));
        let at = items
            .iter()
            .position(|item| item.action == Some(Action::Quit))
            .unwrap_or(items.len());
        items.insert(
            at,
            Item {
                action: None,
                word,
                description,
            },
        );
    }
    items
}

/// The step is verified by quizzes alone: `check` means answering.
pub(super) fn quiz_only(lesson: &Lesson, index: usize) -> bool {
    lesson.steps.get(index).is_some_and(|step| {
        !step.quizzes.is_empty()
            && step
                .blocks_with(crate::lesson::Role::Check)
                .next()
                .is_none()
    })
}

/// Orders the menu as the learner types: a number picks that line, the start of an
/// action's word comes before a match in its description; otherwise the menu's order.
pub(super) fn score(input: &str, item: &Item, index: usize) -> Option<i64> {
    let input = input.trim().to_lowercase();
    let keep_order = 1000 - index as i64;
    if input.is_empty() {
        return Some(keep_order);
    }
    if let Ok(number) = input.parse::<usize>() {
        return (number == index + 1).then_some(keep_order);
    }
    if item.word.starts_with(&input) {
        Some(3000 + keep_order)
    } else if item
        .description
        .split_whitespace()
        .any(|word| word.starts_with(&input))
    {
        Some(1000 + keep_order)
    } else {
        None
    }
}

/// Asks until the learner chooses, the cursor on `default`; Esc or Ctrl-D saves and quits
/// (as `quit` does).
pub(super) fn choose(
    config: RenderConfig<'static>,
    lesson: &Lesson,
    index: usize,
    actions: &[Action],
    default: &Action,
) -> Result<Action, UiError> {
    let items = items(actions, index, lesson.steps.len(), quiz_only(lesson, index));
    let cursor = items
        .iter()
        .position(|item| item.action.as_ref() == Some(default))
        .unwrap_or(0);
    loop {
        let scorer = |input: &str, item: &Item, _: &str, i: usize| score(input, item, i);
        let picked = Select::new("What next?", items.clone())
            .with_help_message(HELP)
            .with_page_size(items.len())
            .with_starting_cursor(cursor)
            .with_scorer(&scorer)
            .with_formatter(&|picked| picked.value.word.to_owned())
            .with_render_config(config)
            .prompt();
        let Some(item) = answered(picked)? else {
            return Ok(Action::Quit);
        };
        match item.action {
            Some(action) => return Ok(action),
            None => {
                match jump(config, lesson, index)? {
                    Some(step) => return Ok(Action::Jump(step)),
                    // The `(esc)` line, and `What next? jump` above it.
                    None => forget_canceled(2),
                }
            }
        }
    }
}

/// A step of the lesson to go to; `None` (Esc) goes back to the menu.
pub(super) fn jump(
    config: RenderConfig<'static>,
    lesson: &Lesson,
    current: usize,
) -> Result<Option<usize>, UiError> {
    let steps: Vec<String> = lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let here = if i == current { "  (you are here)" } else { "" };
            format!("{:>2}. {}{here}", i + 1, step.title)
        })
        .collect();
    let picked = Select::new("Go to which step?", steps)
        .with_starting_cursor(current)
        .with_help_message("↑↓ move · enter goes there · type to filter · esc back to the menu")
        .with_render_config(config)
        .raw_prompt();
    Ok(answered(picked)?.map(|option| option.index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(input: &str, items: &[Item]) -> Vec<&'static str> {
        let mut scored: Vec<(i64, &Item)> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| score(input, item, i).map(|s| (s, item)))
            .collect();
        scored.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
        scored.into_iter().map(|(_, item)| item.word).collect()
    }

    #[test]
    fn the_default_action_comes_first_and_jump_comes_before_quit() {
        let items = items(&[Action::Check, Action::Hint, Action::Quit], 0, 3, false);
        let words: Vec<&str> = items.iter().map(|item| item.word).collect();
        assert_eq!(words, ["check", "hint", "jump", "quit"]);
    }

    #[test]
    fn on_a_step_verified_by_a_quiz_check_means_answering_it() {
        let quiz = items(&[Action::Check, Action::Quit], 0, 2, true);
        assert_eq!(quiz[0].to_string(), "check     answer the question");
        let checks = items(&[Action::Check, Action::Quit], 0, 2, false);
        assert_eq!(checks[0].to_string(), "check     run the checks");
    }

    #[test]
    fn a_lesson_of_one_step_has_nowhere_to_jump() {
        let items = items(&[Action::Continue, Action::Quit], 0, 1, false);
        assert!(items.iter().all(|item| item.word != "jump"));
        assert_eq!(items[0].to_string(), "continue  finish the lesson");
    }

    #[test]
    fn typing_the_start_of_a_word_puts_that_action_first() {
        let items = items(
            &[Action::Check, Action::Run, Action::Hint, Action::Quit],
            0,
            2,
            false,
        );
        assert_eq!(shown("", &items), ["check", "run", "hint", "jump", "quit"]);
        assert_eq!(shown("h", &items)[0], "hint");
        assert_eq!(shown("q", &items), ["quit"]);
        assert_eq!(shown("3", &items), ["hint"]);
        assert!(shown("zzz", &items).is_empty());
    }
}
