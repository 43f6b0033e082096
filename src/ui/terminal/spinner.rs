//! The spinner shown while a block runs: what runs and for how long, or while polling the
//! time left and the last value seen. Output printed meanwhile goes above it.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use console::Style;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};

use crate::style::Term;

/// Quick commands finish before the spinner would show: it stays blank until then, so a
/// fast check does not flicker.
const MOMENT: Duration = Duration::from_millis(300);
const TICK: Duration = Duration::from_millis(100);
const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// What the spinner line says, shared with indicatif's drawing thread.
#[derive(Debug, Default)]
struct Line {
    /// The block's first line, or the request being sent.
    text: String,
    /// Polling: when the time budget runs out (none: no budget).
    deadline: Option<Instant>,
    /// Polling: the last try's result.
    last: Option<String>,
    attempt: u32,
    /// The time the block may take, shown beside the time it took (`1.9s of 6s`).
    budget: Option<Duration>,
    /// How many tries `retry=` allows (`try 3 of 16`).
    tries: Option<u32>,
}

pub(super) struct Spinner {
    bar: ProgressBar,
    line: Arc<Mutex<Line>>,
}

impl Spinner {
    /// A spinner for `text`; `budget` and `tries` are the block's limits, when it has some.
    pub(super) fn start(
        text: &str,
        term: Term,
        budget: Option<Duration>,
        tries: Option<u32>,
    ) -> Self {
        let line = Arc::new(Mutex::new(Line {
            text: text.to_owned(),
            budget,
            tries,
            ..Line::default()
        }));
        let shared = Arc::clone(&line);
        let draw = move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let line = shared.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = out.write_str(&render(&line, state.elapsed(), term));
        };
        // The template cannot fail to parse; a plain spinner is the fallback all the same.
        let style = ProgressStyle::with_template("{line}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key("line", draw);
        let target = ProgressDrawTarget::term_like_with_hz(Box::new(Margin::stderr()), 20);
        let bar = ProgressBar::with_draw_target(None, target).with_style(style);
        bar.enable_steady_tick(TICK);
        Self { bar, line }
    }

    pub(super) fn set_text(&self, text: &str) {
        self.update(|line| line.text = crate::text::line(text));
    }

    /// A poll failed: the next try comes after a wait.
    pub(super) fn waiting(&self, attempt: u32, remaining: Option<Duration>, last: &str) {
        self.update(|line| {
            line.deadline = remaining.map(|left| Instant::now() + left);
            line.last = Some(crate::text::line(last));
            line.attempt = attempt;
        });
    }

    /// Runs `f` with the spinner off the screen, so what it prints stays above it.
    pub(super) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    pub(super) fn finish(self) {
        self.bar.finish_and_clear();
    }

    fn update(&self, f: impl FnOnce(&mut Line)) {
        f(&mut self.line.lock().unwrap_or_else(PoisonError::into_inner));
        self.bar.tick();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

/// stderr, drawn two columns narrower than it is. indicatif pads its line to the full
/// width, which leaves the cursor in the last column; the `^C` a terminal echoes on Ctrl-C
/// would then wrap to a new line and strand a copy of the spinner above it. With a margin
/// the echo stays on the spinner's line and is cleared with it.
#[derive(Debug)]
struct Margin(console::Term);

impl Margin {
    fn stderr() -> Self {
        Self(console::Term::stderr())
    }
}

impl TermLike for Margin {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }

    fn height(&self) -> u16 {
        self.0.size().0
    }

    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }

    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }

    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }

    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }

    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }

    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }

    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }

    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The spinner line: blank for a moment, then `⠋ text  1.2s`, cut to the terminal width.
fn render(line: &Line, elapsed: Duration, term: Term) -> String {
    if elapsed < MOMENT {
        return String::new();
    }
    let frame = FRAMES[(elapsed.as_millis() / TICK.as_millis()) as usize % FRAMES.len()];
    let text = match &line.last {
        Some(last) => {
            let next = line.attempt + 1;
            let try_word = match line.tries {
                Some(tries) => format!("try {next} of {tries}"),
                None => format!("try {next}"),
            };
            let left = match line.deadline {
                Some(deadline) => format!(
                    "{}s left · {try_word}",
                    deadline.saturating_duration_since(Instant::now()).as_secs()
                ),
                None => try_word,
            };
            format!("waiting: {left} · last: {last}")
        }
        None => line.text.clone(),
    };
    let time = match line.budget {
        // Polling shows the time left instead.
        Some(budget) if line.last.is_none() => {
            format!("{} of {}", seconds(elapsed), seconds(budget))
        }
        _ => seconds(elapsed),
    };
    let width = console::Term::stderr().size().1 as usize;
    // Frame, two spaces, the time and a margin so the line never wraps.
    let room = width.saturating_sub(console::measure_text_width(&time) + 6);
    let text = console::truncate_str(&text, room, "…");
    let mut out = String::new();
    let _ = write!(
        out,
        "{} {text}  {}",
        term.paint(&Style::new().cyan(), frame),
        term.paint(&Style::new().dim(), &time)
    );
    out
}

/// `0.4s`, `12.0s`, `2m 05s`.
pub(super) fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_line_stays_blank_for_a_moment() {
        let line = Line {
            text: "sleep 5".into(),
            ..Line::default()
        };
        assert_eq!(
            render(&line, Duration::from_millis(100), Term::plain(80)),
            ""
        );
        assert!(render(&line, Duration::from_secs(2), Term::plain(80)).contains("sleep 5  2.0s"));
    }

    #[test]
    fn while_polling_the_spinner_shows_the_time_left_and_the_last_value() {
        let line = Line {
            text: "curl".into(),
            deadline: Some(Instant::now() + Duration::from_millis(14_500)),
            last: Some("jsonpath \"$.status\" was \"FAIL\"".into()),
            attempt: 2,
            budget: Some(Duration::from_secs(20)),
            tries: Some(16),
        };
        let shown = render(&line, Duration::from_secs(3), Term::plain(100));
        assert!(
            shown.contains(
                "waiting: 14s left · try 3 of 16 · last: jsonpath \"$.status\" was \"FAIL\""
            ),
            "{shown}"
        );
        assert!(!shown.contains("curl"), "{shown}");
    }

    #[test]
    fn a_block_with_a_time_limit_shows_it_beside_the_time_taken() {
        let line = Line {
            text: "make".into(),
            budget: Some(Duration::from_secs(6)),
            ..Line::default()
        };
        let shown = render(&line, Duration::from_millis(1900), Term::plain(80));
        assert!(shown.contains("make  1.9s of 6.0s"), "{shown}");
    }

    #[test]
    fn durations_read_as_seconds_then_minutes() {
        assert_eq!(seconds(Duration::from_millis(400)), "0.4s");
        assert_eq!(seconds(Duration::from_secs(125)), "2m 05s");
    }
}
