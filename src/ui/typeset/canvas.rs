//! Line output with nested margins (quotes, list items, code gutters) and blank lines
//! between blocks.

use std::io::{self, Write};

use crate::style::Term;

use super::pieces::{Piece, VarsShown, paint, wrap};
use super::theme::Look;

/// The narrowest text column anything is wrapped to, however deep the nesting.
const MIN_WIDTH: usize = 20;

/// Writes lines, each prefixed by the margins of the elements it is nested in.
pub(crate) struct Canvas<'w> {
    out: &'w mut dyn Write,
    pub term: Term,
    /// How `{{NAME}}` shows in what is written here.
    pub vars: VarsShown,
    margins: Vec<Margin>,
    /// A blank line is due before the next line.
    gap: bool,
    wrote: bool,
}

/// The left margin of a nested element: `first` on its first line (a list marker), `rest`
/// after. Both are already painted; `width` is their display width.
struct Margin {
    first: String,
    rest: String,
    width: usize,
    fresh: bool,
}

impl<'w> Canvas<'w> {
    pub(crate) fn new(out: &'w mut dyn Write, term: Term, vars: VarsShown) -> Self {
        Self {
            out,
            term,
            vars,
            margins: Vec::new(),
            gap: false,
            wrote: false,
        }
    }

    /// Starts a nested element. `first` and `rest` are plain text, painted with `look`.
    pub(crate) fn indent(&mut self, first: &str, rest: &str, look: Look) {
        let width = super::pieces::width(first).max(super::pieces::width(rest));
        let paint = |text: &str| {
            // Paint the glyphs only, so a margin's trailing spaces can be trimmed.
            let glyphs = text.trim_end();
            let pad = width.saturating_sub(super::pieces::width(glyphs));
            format!(
                "{}{}",
                super::pieces::paint_one(self.term, glyphs, look),
                " ".repeat(pad)
            )
        };
        let margin = Margin {
            first: paint(first),
            rest: paint(rest),
            width,
            fresh: true,
        };
        self.margins.push(margin);
    }

    pub(crate) fn dedent(&mut self) {
        self.margins.pop();
    }

    /// The columns left for text inside the current margins.
    pub(crate) fn width(&self) -> usize {
        let margins: usize = self.margins.iter().map(|m| m.width).sum();
        self.term.width.saturating_sub(margins).max(MIN_WIDTH)
    }

    /// Asks for a blank line before whatever comes next (collapsed when several are asked).
    /// Not at the start of a nested element: its first line follows its marker or title.
    pub(crate) fn gap(&mut self) {
        if !self.margins.last().is_some_and(|margin| margin.fresh) {
            self.gap = true;
        }
    }

    /// Writes one line of already painted text, never wrapped.
    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        if self.gap && self.wrote {
            let blank: String = self
                .margins
                .iter()
                .filter(|m| !m.fresh)
                .map(|m| m.rest.as_str())
                .collect();
            writeln!(self.out, "{}", blank.trim_end())?;
        }
        self.gap = false;
        self.wrote = true;
        let mut prefix = String::new();
        for margin in &mut self.margins {
            prefix.push_str(if margin.fresh {
                &margin.first
            } else {
                &margin.rest
            });
            margin.fresh = false;
        }
        writeln!(self.out, "{}", format!("{prefix}{text}").trim_end())
    }

    /// Writes `pieces` wrapped to the width left.
    pub(crate) fn text(&mut self, pieces: &[Piece]) -> io::Result<()> {
        if pieces.iter().all(|piece| piece.text.trim().is_empty()) {
            return Ok(());
        }
        for line in wrap(pieces, self.width()) {
            let painted = paint(self.term, &line);
            self.line(&painted)?;
        }
        Ok(())
    }

    /// Writes one look of text, wrapped.
    pub(crate) fn styled(&mut self, text: &str, look: Look) -> io::Result<()> {
        self.text(&[Piece::new(text, look)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_show_their_marker_once_and_blank_lines_keep_outer_margins() {
        let mut out = Vec::new();
        let mut canvas = Canvas::new(&mut out, Term::plain(80), VarsShown::default());
        canvas.indent("│ ", "│ ", Look::DIM);
        canvas.line("quote").unwrap();
        canvas.indent("• ", "  ", Look::PLAIN);
        canvas.line("item").unwrap();
        canvas.line("more").unwrap();
        canvas.dedent();
        canvas.gap();
        canvas.indent("• ", "  ", Look::PLAIN);
        canvas.line("next").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "│ quote\n│ • item\n│   more\n│\n│ • next\n"
        );
    }
}
