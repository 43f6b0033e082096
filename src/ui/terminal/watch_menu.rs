//! The action menu in watch mode: the same items, keys and typing as [`super::menu`], drawn
//! by hand because inquire blocks on the keyboard. Keys are read with a timeout
//! (`crossterm::event::poll`), so between two key presses the menu hears the [`Watch`]: a try
//! that failed updates the status line, and checks that pass answer `check` by themselves.
//!
//! Keys: ↑↓ move, Enter chooses, letters or a number pick by word or position, Backspace
//! edits, Esc or Ctrl-D saves and quits, Ctrl-C interrupts.

use std::io::{self, Write};
use std::time::Duration;

use console::Style;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, queue, terminal};
use inquire::ui::RenderConfig;

use crate::engine::{Action, UiError, Watch, WatchEvent};
use crate::lesson::Lesson;

use super::marks::Marks;
use super::menu::{Item, items, jump, quiz_only, score};

/// How long a key is waited for before the watch is looked at.
const TICK: Duration = Duration::from_millis(100);

/// Raw mode for as long as it lives, and the cursor hidden.
struct Raw;

impl Raw {
    fn on() -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let _ = queue!(io::stderr(), cursor::Hide);
        Ok(Self)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = queue!(io::stderr(), cursor::Show);
        let _ = io::stderr().flush();
        let _ = terminal::disable_raw_mode();
    }
}

/// What is on screen, to redraw in place.
struct Screen {
    lines: usize,
}

impl Screen {
    /// Replaces what the menu drew last with `lines`.
    fn draw(&mut self, lines: &[String]) -> io::Result<()> {
        let mut err = io::stderr();
        self.clear()?;
        write!(err, "{}", lines.join("\r\n"))?;
        err.flush()?;
        self.lines = lines.len();
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        let mut err = io::stderr();
        if self.lines > 1 {
            queue!(
                err,
                cursor::MoveUp(u16::try_from(self.lines - 1).unwrap_or(u16::MAX))
            )?;
        }
        queue!(
            err,
            cursor::MoveToColumn(0),
            terminal::Clear(terminal::ClearType::FromCursorDown)
        )?;
        self.lines = 0;
        Ok(())
    }
}

/// Asks until the learner chooses, or the watch says the checks pass.
pub(super) fn choose(
    config: RenderConfig<'static>,
    marks: Marks,
    lesson: &Lesson,
    index: usize,
    actions: &[Action],
    default: &Action,
    watch: &Watch,
) -> Result<Action, UiError> {
    let all = items(actions, index, lesson.steps.len(), quiz_only(lesson, index));
    let start = all
        .iter()
        .position(|item| item.action.as_ref() == Some(default))
        .unwrap_or(0);
    let mut state = Menu {
        all,
        typed: String::new(),
        cursor: start,
        status: format!(
            "watching: your checks re-run every {}s and when a file changes",
            watch.every().as_secs().max(1)
        ),
        marks,
    };
    loop {
        let raw = Raw::on()?;
        let mut screen = Screen { lines: 0 };
        let picked = state.run(&mut screen, watch);
        screen.clear()?;
        drop(raw);
        match picked? {
            Picked::Action(action) => {
                let word = state
                    .all
                    .iter()
                    .find(|item| item.action.as_ref() == Some(&action))
                    .map_or("quit", |item| item.word);
                crate::style::note_painted(&marks.good("✔"), &format!("What next? {word}"));
                return Ok(action);
            }
            Picked::Passed => {
                crate::note!(
                    "{}",
                    marks.good("⟳ Your checks pass now: checking it for the record.")
                );
                return Ok(Action::Check);
            }
            Picked::Jump => {
                crate::style::note_painted(&marks.good("✔"), "What next? jump");
                if let Some(step) = jump(config, lesson, index)? {
                    return Ok(Action::Jump(step));
                }
            }
        }
    }
}

enum Picked {
    Action(Action),
    Jump,
    Passed,
}

struct Menu {
    all: Vec<Item>,
    typed: String,
    /// Index into [`Menu::shown`].
    cursor: usize,
    status: String,
    marks: Marks,
}

impl Menu {
    /// The items that match what was typed, best first (all of them, in order, when nothing
    /// was).
    fn shown(&self) -> Vec<&Item> {
        let mut scored: Vec<(i64, &Item)> = self
            .all
            .iter()
            .enumerate()
            .filter_map(|(i, item)| score(&self.typed, item, i).map(|s| (s, item)))
            .collect();
        scored.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
        scored.into_iter().map(|(_, item)| item).collect()
    }

    fn lines(&self) -> Vec<String> {
        let marks = self.marks;
        let width = marks.term.width.max(20);
        let mut lines = vec![format!(
            "{} What next? {}",
            marks.paint(&Style::new().green(), "?"),
            self.typed
        )];
        let shown = self.shown();
        for (i, item) in shown.iter().enumerate() {
            let text = console::truncate_str(&item.to_string(), width - 2, "…").into_owned();
            lines.push(if i == self.cursor {
                format!(
                    "{} {}",
                    marks.paint(&Style::new().cyan(), "❯"),
                    marks.paint(&Style::new().cyan(), &text)
                )
            } else {
                format!("  {text}")
            });
        }
        if shown.is_empty() {
            lines.push(marks.dim("  (no action matches; Backspace to edit)"));
        }
        lines.push(marks.dim(&console::truncate_str(
            "↑↓ move · enter choose · type a word or number · esc saves and quits",
            width,
            "…",
        )));
        lines.push(marks.paint(
            &Style::new().blue(),
            &console::truncate_str(&format!("⟳ {}", self.status), width, "…"),
        ));
        lines
    }

    fn run(&mut self, screen: &mut Screen, watch: &Watch) -> Result<Picked, UiError> {
        screen.draw(&self.lines())?;
        // The step moves on by itself only when the work changed under the watch (a try
        // failed, then passed) and the learner is not typing: a step that passes as it
        // appears is left for the learner to read, and typing is never thrown away.
        let mut failed_once = false;
        loop {
            match watch.poll() {
                Some(WatchEvent::Passed) if failed_once && self.typed.is_empty() => {
                    return Ok(Picked::Passed);
                }
                Some(WatchEvent::Passed) => {
                    self.status = "your checks pass now: press Enter to check".to_owned();
                    if self.typed.is_empty() {
                        self.cursor = self
                            .shown()
                            .iter()
                            .position(|item| item.action == Some(Action::Check))
                            .unwrap_or(self.cursor);
                    }
                    screen.draw(&self.lines())?;
                }
                Some(WatchEvent::NotYet(reason)) => {
                    failed_once = true;
                    self.status = format!("watching · not yet: {reason}");
                    screen.draw(&self.lines())?;
                }
                None => {}
            }
            if !event::poll(TICK)? {
                continue;
            }
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    if let Some(picked) = self.key(key)? {
                        return Ok(picked);
                    }
                    screen.draw(&self.lines())?;
                }
                Event::Resize(..) => {
                    self.marks.term = crate::style::Term::stderr();
                    screen.draw(&self.lines())?;
                }
                _ => {}
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Result<Option<Picked>, UiError> {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        let shown = self.shown().len();
        match key.code {
            KeyCode::Char('c') if control => return Err(UiError::Interrupted),
            KeyCode::Char('d') if control => return Ok(Some(Picked::Action(Action::Quit))),
            KeyCode::Esc => return Ok(Some(Picked::Action(Action::Quit))),
            KeyCode::Enter => {
                let shown = self.shown();
                return Ok(shown.get(self.cursor).map(|item| match &item.action {
                    Some(action) => Picked::Action(action.clone()),
                    None => Picked::Jump,
                }));
            }
            KeyCode::Up if shown > 0 => self.cursor = (self.cursor + shown - 1) % shown,
            KeyCode::Down if shown > 0 => self.cursor = (self.cursor + 1) % shown,
            KeyCode::Backspace => {
                self.typed.pop();
                self.cursor = 0;
            }
            KeyCode::Char(c) if !control => {
                self.typed.push(c);
                self.cursor = 0;
            }
            _ => {}
        }
        Ok(None)
    }
}
