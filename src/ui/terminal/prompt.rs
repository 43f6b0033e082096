//! The inquire prompts the terminal UI asks with, and how their errors become [`UiError`]s.
//!
//! Ctrl-C at any prompt is an interruption (the session records it and exits 130); Esc is
//! a `None` answer that each caller gives its own meaning.

use inquire::error::InquireResult;
use inquire::ui::{Color, ErrorMessageRenderConfig, RenderConfig, StyleSheet, Styled};
use inquire::validator::Validation;
use inquire::{Confirm, InquireError, MultiSelect, Password, PasswordDisplayMode, Select, Text};

use crate::engine::UiError;
use crate::lesson::{Quiz, VarSpec};
use crate::style::Term;

/// How prompts look: labrun's glyphs, in colour only when the terminal allows it.
pub(super) fn render_config(term: Term) -> RenderConfig<'static> {
    let base = if term.color {
        RenderConfig::default_colored()
            .with_help_message(StyleSheet::new().with_fg(Color::DarkGrey))
            .with_answered_prompt_prefix(Styled::new("✔").with_fg(Color::LightGreen))
            .with_highlighted_option_prefix(Styled::new("❯").with_fg(Color::LightCyan))
            .with_canceled_prompt_indicator(Styled::new("(esc)").with_fg(Color::DarkGrey))
            .with_error_message(
                ErrorMessageRenderConfig::default_colored()
                    .with_prefix(Styled::new("✘").with_fg(Color::LightRed)),
            )
    } else {
        RenderConfig::empty()
            .with_answered_prompt_prefix(Styled::new("✔"))
            .with_highlighted_option_prefix(Styled::new("❯"))
            .with_canceled_prompt_indicator(Styled::new("(esc)"))
            .with_error_message(ErrorMessageRenderConfig::empty().with_prefix(Styled::new("✘")))
    };
    let mut config = base
        .with_selected_checkbox(Styled::new("[x]"))
        .with_unselected_checkbox(Styled::new("[ ]"));
    config.password_mask = '•';
    config
}

/// Takes the `(esc)` line of a canceled prompt (and `lines - 1` above it) off the screen,
/// before asking again.
pub(super) fn forget_canceled(lines: usize) {
    let _ = console::Term::stderr().clear_last_lines(lines);
}

/// The answer, `None` for Esc, or the error the session acts on.
pub(super) fn answered<T>(result: InquireResult<T>) -> Result<Option<T>, UiError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => {
            // inquire leaves the interrupted prompt on screen with the cursor at its end.
            let _ = console::Term::stderr().write_line("");
            Err(UiError::Interrupted)
        }
        Err(InquireError::IO(error)) => Err(UiError::Io(error)),
        Err(error) => Err(UiError::Io(std::io::Error::other(error.to_string()))),
    }
}

/// One of `items`, by its index; `None` for Esc.
pub fn pick(message: &str, items: Vec<String>) -> Result<Option<usize>, UiError> {
    let picked = Select::new(message, items)
        .with_help_message("↑↓ move · enter choose · type to filter · esc cancels")
        .with_render_config(render_config(Term::stderr()))
        .raw_prompt();
    Ok(answered(picked)?.map(|option| option.index))
}

/// A yes/no question outside a session (default no); Esc answers no.
pub fn confirm_once(question: &str) -> Result<bool, UiError> {
    confirm(render_config(Term::stderr()), question, false)
}

/// A yes/no question; Esc answers no.
pub(super) fn confirm(
    config: RenderConfig<'static>,
    question: &str,
    default: bool,
) -> Result<bool, UiError> {
    let answer = Confirm::new(question)
        .with_default(default)
        .with_help_message("y or n · enter takes the default · esc says no")
        .with_render_config(config)
        .prompt();
    Ok(answered(answer)?.unwrap_or(false))
}

/// A variable: a list for `choices`, a masked field for a secret, else a line of text
/// checked as it is typed. Esc quits (the answers so far are saved).
pub(super) fn var(
    config: RenderConfig<'static>,
    spec: &VarSpec,
    default: Option<&str>,
) -> Result<String, UiError> {
    let message = spec.prompt.as_deref().unwrap_or(&spec.name);
    let answer = if !spec.choices.is_empty() {
        let cursor = default
            .and_then(|d| spec.choices.iter().position(|choice| choice == d))
            .unwrap_or(0);
        Select::new(message, spec.choices.clone())
            .with_starting_cursor(cursor)
            .with_help_message("↑↓ move · enter choose · type to filter · esc quits")
            .with_render_config(config)
            .prompt()
    } else if spec.secret {
        Password::new(message)
            .without_confirmation()
            .with_display_mode(PasswordDisplayMode::Masked)
            .with_formatter(&|_| crate::text::MASK.to_owned())
            .with_help_message("hidden as you type · never saved to disk · esc quits")
            .with_validator(validator(spec, None))
            .with_render_config(config)
            .prompt()
    } else {
        let mut text = Text::new(message)
            .with_help_message("enter to answer · esc quits")
            .with_validator(validator(spec, default))
            .with_render_config(config);
        if let Some(default) = default {
            text = text.with_default(default);
        }
        text.prompt()
    };
    answered(answer)?.ok_or(UiError::Eof)
}

/// Refuses what the session would refuse, while the learner can still edit it.
fn validator(
    spec: &VarSpec,
    default: Option<&str>,
) -> impl Fn(&str) -> Result<Validation, inquire::CustomUserError> + Clone + 'static {
    let spec = spec.clone();
    let default = default.map(str::to_owned);
    move |answer: &str| {
        let answer = if answer.is_empty() {
            default.as_deref().unwrap_or_default()
        } else {
            answer
        };
        Ok(match spec.validate(answer) {
            Ok(()) => Validation::Valid,
            Err(reason) => Validation::Invalid(reason.into()),
        })
    }
}

/// A quiz: one choice, several, or a typed answer; `None` for Esc (back to the menu). A
/// single-choice question starts on no answer, so Enter alone never gives a wrong one.
pub(super) fn quiz(
    config: RenderConfig<'static>,
    quiz: &Quiz,
) -> Result<Option<Vec<String>>, UiError> {
    // The answer is not judged yet: no tick beside it, right or wrong.
    let config = config.with_answered_prompt_prefix(Styled::new("›"));
    let question = quiz.plain_question();
    let question = question.as_str();
    if quiz.choices.is_empty() {
        let answer = Text::new(question)
            .with_help_message("type your answer · enter to submit · esc back to the menu")
            .with_validator(|answer: &str| {
                Ok(if answer.trim().is_empty() {
                    Validation::Invalid("type an answer, or Esc to go back".into())
                } else {
                    Validation::Valid
                })
            })
            .with_render_config(config)
            .prompt();
        return Ok(answered(answer)?.map(|answer| vec![answer]));
    }
    if quiz.is_multiple_answer() {
        let answer = MultiSelect::new(question, quiz.choices.clone())
            .with_help_message(
                "several answers · ↑↓ move · space picks · enter submits · esc back to the menu",
            )
            .with_validator(|picked: &[inquire::list_option::ListOption<&String>]| {
                Ok(if picked.is_empty() {
                    Validation::Invalid("pick at least one answer with space".into())
                } else {
                    Validation::Valid
                })
            })
            .with_render_config(config)
            .prompt();
        return answered(answer);
    }
    // Numbered, so typing a choice's number picks it (the list filters on what is typed).
    let mut choices = vec![NO_ANSWER.to_owned()];
    choices.extend(
        quiz.choices
            .iter()
            .enumerate()
            .map(|(i, choice)| format!("{}) {choice}", i + 1)),
    );
    let answer = Select::new(question, choices)
        .with_help_message("↑↓ or a number picks · enter answers · esc back to the menu")
        .with_render_config(config)
        .raw_prompt();
    // Enter on "no answer yet" goes back to the menu, as Esc does: never a loop.
    Ok(answered(answer)?
        .filter(|picked| picked.index > 0)
        .and_then(|picked| quiz.choices.get(picked.index - 1).cloned())
        .map(|choice| vec![choice]))
}

/// The line a single-choice quiz starts on: not an answer.
const NO_ANSWER: &str = "(no answer yet: back to the menu)";
