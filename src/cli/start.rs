//! `labrun start`: a learner's session.

use std::io::IsTerminal;
use std::path::PathBuf;

use std::sync::Arc;

use crate::engine::{Options, Session, SessionEnd, Ui, UiError};
use crate::exec::BlockRunner;
use crate::progress::Event;
use crate::style::Term;
use crate::ui::plain::PlainUi;
use crate::ui::stdin::InterruptibleStdin;
use crate::ui::terminal::{self, TerminalUi};

use super::args::{LearnerArgs, StartArgs};
use super::learner::{
    check_given_vars, clear_workspace, interrupt, learner_name, load_runnable, open_log,
    progress_dir, workspace_dir,
};
use super::{CliError, discover, exit};

pub(super) fn run(args: &StartArgs) -> Result<u8, CliError> {
    let terminal = !args.plain && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let path = match &args.lesson {
        Some(path) => path.clone(),
        None => match choose_lesson(terminal, &args.learner)? {
            Some(path) => path,
            None => return Ok(exit::INTERRUPTED),
        },
    };
    let lesson = load_runnable(&path)?;
    check_given_vars(&lesson, &args.vars.given, true)?;
    let (mut log, mut prior, learner) = open_log(&args.learner, &lesson)?;
    if args.restart {
        if prior.is_complete() && !confirm_restart(terminal, &lesson.title)? {
            crate::note!("Nothing changed: your completed lesson is kept.");
            return Ok(exit::OK);
        }
        log.append(Event::LessonReset)?;
        prior.apply(&Event::LessonReset);
        clear_workspace(&args.learner, &lesson.id, &learner);
    }
    super::learner::protect_secrets();
    let interrupt = interrupt();
    let options = Options {
        yes: args.yes,
        step: args.step.clone(),
        vars: args.vars.given.clone(),
        workspace: workspace_dir(&args.learner, &lesson.id, &learner),
        learner,
    };
    let mut exec = BlockRunner::new();
    let piped = !std::io::stdin().is_terminal();
    let mut ui: Box<dyn Ui> = if terminal {
        Box::new(TerminalUi::new())
    } else {
        let input = std::io::BufReader::new(InterruptibleStdin::new(Arc::clone(&interrupt))?);
        Box::new(PlainUi::new(input, std::io::stderr(), Term::stderr()).echo_answers(piped))
    };
    let sending = super::learner::class_sending(
        args.report_to.as_deref(),
        log.path(),
        &options.learner,
        &lesson.id,
    );
    let mut session = Session::new(
        &lesson, &mut *ui, &mut exec, &mut log, &interrupt, options, &prior,
    );
    if terminal && !args.no_watch {
        session = session.watching(Box::new(|| Box::new(BlockRunner::new())));
    }
    let end = session.run(&prior);
    drop(sending);
    Ok(match end? {
        SessionEnd::Completed => exit::OK,
        SessionEnd::Incomplete => exit::FAILED,
        SessionEnd::Interrupted => exit::INTERRUPTED,
    })
}

/// `--restart` on a completed lesson: the record of its completion stays in the log, but
/// the learner starts over; asked first on a terminal.
fn confirm_restart(terminal: bool, title: &str) -> Result<bool, CliError> {
    if !terminal {
        // A script asked for it by name; the log keeps that the lesson was completed.
        crate::note!("{title} was complete; it starts over (the log keeps that it was completed).");
        return Ok(true);
    }
    match terminal::confirm_once(&format!("You have completed {title}. Start it over?")) {
        Ok(answer) => Ok(answer),
        Err(UiError::Io(error)) => Err(CliError::Output(error)),
        Err(_) => Ok(false),
    }
}

/// Without a lesson argument: the lessons in `lessons/`, to pick one from a list on a
/// terminal, else by number. `None`: Ctrl-C.
fn choose_lesson(terminal: bool, learner: &LearnerArgs) -> Result<Option<PathBuf>, CliError> {
    let dir = PathBuf::from("lessons");
    if !dir.is_dir() {
        return Err(CliError::Usage(
            "name a lesson to start: `labrun start LESSON` (no `lessons/` folder here)".into(),
        ));
    }
    let lessons = discover::lessons_in(&dir)?;
    if lessons.is_empty() {
        return Err(CliError::NoLessons(vec![dir]));
    }
    if !std::io::stdin().is_terminal() {
        let names: Vec<String> = lessons.iter().map(|p| p.display().to_string()).collect();
        return Err(CliError::Usage(format!(
            "name a lesson to start: {}",
            names.join(", ")
        )));
    }
    let titles: Vec<String> = lessons.iter().map(|path| describe(path, learner)).collect();
    if terminal {
        let items = titles
            .iter()
            .zip(&lessons)
            .map(|(title, path)| format!("{title} · {}", path.display()))
            .collect();
        return match terminal::pick("Start which lesson?", items) {
            Ok(Some(i)) => Ok(lessons.get(i).cloned()),
            Ok(None) => Err(CliError::Usage("no lesson chosen".into())),
            Err(UiError::Interrupted) => Ok(None),
            Err(UiError::Eof) => Err(CliError::Usage("no lesson chosen".into())),
            Err(UiError::Io(error)) => Err(CliError::Output(error)),
        };
    }
    crate::note!("Lessons in {}:", dir.display());
    for (i, (title, path)) in titles.iter().zip(&lessons).enumerate() {
        crate::note!("  {}) {title} · {}", i + 1, path.display());
    }
    loop {
        crate::note_inline!("Start which? ");
        let mut line = String::new();
        if std::io::stdin()
            .read_line(&mut line)
            .map_err(CliError::Output)?
            == 0
        {
            return Err(CliError::Usage("no lesson chosen".into()));
        }
        if let Some(path) = line
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| lessons.get(i))
        {
            return Ok(Some(path.clone()));
        }
        crate::note!("type a number from 1 to {}", lessons.len());
    }
}

/// A lesson's title and the learner's progress in it: "Welcome to labrun (2/5 steps done)".
fn describe(path: &std::path::Path, learner: &LearnerArgs) -> String {
    let Ok(loaded) = crate::lesson::load(path) else {
        return path.display().to_string();
    };
    let lesson = loaded.lesson;
    let log = crate::progress::log_path(&progress_dir(learner), &learner_name(learner), &lesson.id);
    let state = crate::progress::read_log(&log)
        .map(|read| read.state)
        .unwrap_or_default();
    let done = lesson
        .steps
        .iter()
        .filter(|step| state.status(&step.id).is_complete())
        .count();
    let progress = match (state.started, done) {
        (false, 0) => "not started".to_owned(),
        (_, done) if done == lesson.steps.len() => "complete".to_owned(),
        (_, done) => format!("{done}/{} steps done", lesson.steps.len()),
    };
    format!("{} ({progress})", lesson.title)
}
