//! Colour and terminal capabilities, decided once per output stream.

use std::io::IsTerminal;

use console::Style;

use crate::text::TerminalText;

/// Whether to use colour and terminal features on an output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub color: bool,
    /// OSC 8 hyperlinks.
    pub links: bool,
    pub width: usize,
}

impl Term {
    /// Plain text: no colour, no links, a fixed width. What tests and pipes get.
    pub const fn plain(width: usize) -> Self {
        Self {
            color: false,
            links: false,
            width,
        }
    }

    /// What stderr can do: where the learner's session and diagnostics for a running
    /// lesson are shown.
    pub fn stderr() -> Self {
        let tty = std::io::stderr().is_terminal();
        let color = tty && color_allowed();
        let width = if tty {
            console::Term::stderr().size().1 as usize
        } else {
            80
        };
        Self {
            color,
            links: color && links_supported(),
            width: width.clamp(40, 100),
        }
    }

    /// What stdout can do: colour only on a terminal and without `NO_COLOR`.
    pub fn stdout() -> Self {
        let tty = std::io::stdout().is_terminal();
        let color = tty && color_allowed();
        let width = if tty {
            console::Term::stdout().size().1 as usize
        } else {
            80
        };
        Self {
            color,
            links: color && links_supported(),
            width: width.clamp(40, 100),
        }
    }

    /// `text` in `style`, where colour is allowed. The text's own control characters are
    /// made visible (see [`TerminalText`]): the only escape sequences are labrun's.
    pub fn paint(&self, style: &Style, text: &str) -> String {
        let text = TerminalText::lines(text);
        if self.color {
            style
                .apply_to(text.as_str())
                .force_styling(true)
                .to_string()
        } else {
            text.into_owned()
        }
    }

    /// `painted` (text [`Term::paint`] made, or text already made safe) as a hyperlink where
    /// supported, else as it is (the caller shows the URL if needed). It is not made safe
    /// again: that would show the colours' own escape codes as text.
    pub fn link(&self, painted: &str, url: &str) -> String {
        if self.links {
            format!(
                "\x1b]8;;{}\x1b\\{painted}\x1b]8;;\x1b\\",
                TerminalText::line(url)
            )
        } else {
            painted.to_owned()
        }
    }
}

/// `NO_COLOR` (any non-empty value) turns colour off everywhere, as <https://no-color.org> asks.
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::env::var("TERM").map_or(true, |term| term != "dumb")
}

/// Terminals known to render OSC 8 links; others would show the escape codes or nothing.
fn links_supported() -> bool {
    let var = |name| std::env::var(name).unwrap_or_default();
    !var("WT_SESSION").is_empty()
        || !var("VTE_VERSION").is_empty()
        || !var("KONSOLE_VERSION").is_empty()
        || !var("KITTY_WINDOW_ID").is_empty()
        || !var("WEZTERM_EXECUTABLE").is_empty()
        || matches!(
            var("TERM_PROGRAM").as_str(),
            "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper"
        )
}

/// `error:` in red on a terminal that allows colour, for messages on stderr.
pub fn error_prefix() -> String {
    let color = std::io::stderr().is_terminal() && color_allowed();
    if color {
        Style::new()
            .red()
            .bold()
            .apply_to("error:")
            .force_styling(true)
            .to_string()
    } else {
        "error:".into()
    }
}

/// `1 step`, `2 steps`, `3 quizzes`.
pub fn plural(count: usize, noun: &str) -> String {
    format!("{count} {}", noun_for(count, noun))
}

/// `noun` as `count` of it is written: `step` for 1, `steps`, `quizzes`, `entries` otherwise.
pub fn noun_for(count: usize, noun: &str) -> String {
    match count {
        1 => noun.to_owned(),
        _ if noun.ends_with('z') => format!("{noun}zes"),
        _ if noun.ends_with('y')
            && !["ay", "ey", "oy", "uy"]
                .iter()
                .any(|end| noun.ends_with(end)) =>
        {
            format!("{}ies", &noun[..noun.len() - 1])
        }
        _ if noun.ends_with(['s', 'x']) || noun.ends_with("sh") || noun.ends_with("ch") => {
            format!("{noun}es")
        }
        _ => format!("{noun}s"),
    }
}

/// Writes `painted` (labrun's own marks and colours) and `text` (its control characters made
/// visible) as one line to stderr; like [`note!`](crate::note), it never panics.
pub fn note_painted(painted: &str, text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{painted} {}", TerminalText::lines(text));
}
