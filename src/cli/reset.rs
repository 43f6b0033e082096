//! `labrun reset`: a lesson, or one step, goes back to pending.

use crate::progress::Event;

use super::args::ResetArgs;
use super::learner::{clear_workspace, load_runnable, open_log};
use super::{CliError, exit};

pub fn run(args: &ResetArgs) -> Result<u8, CliError> {
    let lesson = load_runnable(&args.lesson)?;
    let (mut log, _, learner) = open_log(&args.learner, &lesson)?;
    match &args.step {
        Some(id) => {
            if lesson.step(id).is_none() {
                return Err(CliError::Usage(format!(
                    "no step `{id}` in this lesson (steps: {})",
                    lesson
                        .steps
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            log.append(Event::StepReset { step: id.clone() })?;
            eprintln!(
                "Step `{id}` of {} is pending again for {learner}.",
                lesson.title
            );
        }
        None => {
            log.append(Event::LessonReset)?;
            let cleared = clear_workspace(&args.learner, &lesson.id, &learner);
            eprintln!(
                "{} starts over for {learner}: every step is pending and saved answers are forgotten{}.",
                lesson.title,
                if cleared {
                    "; the lesson workspace was emptied"
                } else {
                    ""
                }
            );
        }
    }
    Ok(exit::OK)
}
