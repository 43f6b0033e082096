//! How each element looks on a colour terminal, in one place.
//!
//! A [`Look`] is a set of text attributes; [`Term::paint`](crate::style::Term::paint) drops it entirely for plain
//! output, so nothing here decides whether colour is used.

use console::Style;

use crate::lesson::CalloutKind;

/// The colours labrun uses: the terminal's own palette, so light and dark themes both work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hue {
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
}

/// Text attributes of a run of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Look {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub underline: bool,
    pub dim: bool,
    pub hue: Option<Hue>,
}

impl Look {
    pub(crate) const PLAIN: Look = Look {
        bold: false,
        italic: false,
        strike: false,
        underline: false,
        dim: false,
        hue: None,
    };
    pub(crate) const DIM: Look = Look {
        dim: true,
        ..Look::PLAIN
    };
    pub(crate) const BOLD: Look = Look {
        bold: true,
        ..Look::PLAIN
    };
    /// Inline `code` and code block text.
    pub(crate) const CODE: Look = Look {
        hue: Some(Hue::Cyan),
        ..Look::PLAIN
    };
    /// A `{{NAME}}` reference: shown as written, but easy to spot.
    pub(crate) const VAR: Look = Look {
        bold: true,
        hue: Some(Hue::Magenta),
        ..Look::PLAIN
    };
    pub(crate) const LINK: Look = Look {
        underline: true,
        hue: Some(Hue::Blue),
        ..Look::PLAIN
    };
    pub(crate) const IMAGE: Look = Look {
        italic: true,
        hue: Some(Hue::Magenta),
        ..Look::PLAIN
    };
    pub(crate) const HEADING: Look = Look {
        bold: true,
        hue: Some(Hue::Yellow),
        ..Look::PLAIN
    };
    pub(crate) const TITLE: Look = Look {
        bold: true,
        hue: Some(Hue::Cyan),
        ..Look::PLAIN
    };

    pub(crate) const fn hue(hue: Hue) -> Look {
        Look {
            hue: Some(hue),
            ..Look::PLAIN
        }
    }

    pub(crate) const fn bold_hue(hue: Hue) -> Look {
        Look {
            bold: true,
            hue: Some(hue),
            ..Look::PLAIN
        }
    }

    /// `self` with the attributes of `other` added; `other`'s colour wins.
    pub(crate) fn with(self, other: Look) -> Look {
        Look {
            bold: self.bold || other.bold,
            italic: self.italic || other.italic,
            strike: self.strike || other.strike,
            underline: self.underline || other.underline,
            dim: self.dim || other.dim,
            hue: other.hue.or(self.hue),
        }
    }

    pub(crate) fn style(self) -> Style {
        let mut style = Style::new();
        style = match self.hue {
            Some(Hue::Red) => style.red(),
            Some(Hue::Green) => style.green(),
            Some(Hue::Yellow) => style.yellow(),
            Some(Hue::Blue) => style.blue(),
            Some(Hue::Magenta) => style.magenta(),
            Some(Hue::Cyan) => style.cyan(),
            None => style,
        };
        if self.bold {
            style = style.bold();
        }
        if self.italic {
            style = style.italic();
        }
        if self.strike {
            style = style.strikethrough();
        }
        if self.underline {
            style = style.underlined();
        }
        if self.dim {
            style = style.dim();
        }
        style
    }
}

/// Icon, title and colour of a GitHub alert.
pub(crate) fn callout(kind: CalloutKind) -> (&'static str, &'static str, Hue) {
    match kind {
        CalloutKind::Note => ("ℹ", "Note", Hue::Blue),
        CalloutKind::Tip => ("💡", "Tip", Hue::Green),
        CalloutKind::Important => ("❗", "Important", Hue::Magenta),
        CalloutKind::Warning => ("⚠", "Warning", Hue::Yellow),
        CalloutKind::Caution => ("🛑", "Caution", Hue::Red),
    }
}
