//! Runs of styled inline text, and wrapping them to a width.
//!
//! Widths are measured on the text itself, before any escape code is added, so wrapping is
//! the same with and without colour.

use crate::lesson::template;
use crate::style::Term;

use super::theme::Look;

/// A run of inline text with one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The text; a `\n` in a non-atomic piece is a hard line break.
    pub text: String,
    pub look: Look,
    /// Where the text links to (an OSC 8 link on terminals that support them).
    pub link: Option<String>,
    /// Never broken across lines, as inline code.
    pub atomic: bool,
}

impl Piece {
    pub(crate) fn new(text: impl Into<String>, look: Look) -> Self {
        Self {
            text: text.into(),
            look,
            link: None,
            atomic: false,
        }
    }

    pub(crate) fn atomic(text: impl Into<String>, look: Look) -> Self {
        Self {
            atomic: true,
            ..Self::new(text, look)
        }
    }

    fn with_text(&self, text: String) -> Self {
        Self {
            text,
            look: self.look,
            link: self.link.clone(),
            atomic: self.atomic,
        }
    }

    pub(crate) fn width(&self) -> usize {
        width(&self.text)
    }
}

/// Display width in terminal columns.
pub(crate) fn width(text: &str) -> usize {
    console::measure_text_width(text)
}

/// How `{{NAME}}` shows while rendering: which names are the lesson's variables (any other
/// `{{word}}` is text), and, in a learner's session, their values. Carried by the
/// [`Canvas`](super::canvas::Canvas) that everything renders onto.
#[derive(Clone, Default)]
pub(crate) struct VarsShown {
    /// `None`: every `{{name}}` is a variable.
    known: Option<std::rc::Rc<std::collections::BTreeSet<String>>>,
    values: Option<Resolver>,
}

impl VarsShown {
    /// Variables `names` (a lesson's), shown by name (`labrun show`).
    pub(crate) fn named(names: &std::collections::BTreeSet<String>) -> Self {
        Self {
            known: Some(std::rc::Rc::new(names.clone())),
            values: None,
        }
    }

    /// For a text whose variables were replaced by their values already: any `{{word}}`
    /// left in it is text.
    pub(crate) fn none() -> Self {
        Self {
            known: Some(std::rc::Rc::default()),
            values: None,
        }
    }

    /// Shown with the values `resolver` gives (a session; secrets masked by it).
    pub(crate) fn with_values(self, resolver: Resolver) -> Self {
        Self {
            values: Some(resolver),
            ..self
        }
    }

    fn is_variable(&self, name: &str) -> bool {
        self.known.as_ref().is_none_or(|names| names.contains(name))
    }

    fn value(&self, name: &str) -> Option<String> {
        self.values.as_ref().and_then(|resolve| resolve(name))
    }
}

/// Looks up the display value of a variable (secrets already masked).
pub type Resolver = std::rc::Rc<dyn Fn(&str) -> Option<String>>;

/// `text` split so that each `{{NAME}}` has the variable look on top of `look` (and its
/// value, where `vars` has values).
pub(crate) fn with_vars(
    vars: &VarsShown,
    text: &str,
    look: Look,
    link: Option<&String>,
    atomic: bool,
) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut copied = 0;
    let mut push = |text: &str, look: Look| {
        if !text.is_empty() {
            pieces.push(Piece {
                text: text.to_owned(),
                look,
                link: link.cloned(),
                atomic,
            });
        }
    };
    for (name, range) in template::references(text).filter(|(name, _)| vars.is_variable(name)) {
        push(&text[copied..range.start], look);
        match vars.value(name) {
            Some(value) => push(&value, look.with(Look::VAR)),
            None => push(&text[range.clone()], look.with(Look::VAR)),
        }
        copied = range.end;
    }
    push(&text[copied..], look);
    pieces
}

/// One line of pieces, with escape codes and links when `term` allows them.
pub(crate) fn paint(term: Term, pieces: &[Piece]) -> String {
    let mut line = String::new();
    for piece in pieces.iter().filter(|piece| !piece.text.is_empty()) {
        let styled = if piece.look == Look::PLAIN {
            crate::text::TerminalText::lines(&piece.text).into_owned()
        } else {
            term.paint(&piece.look.style(), &piece.text)
        };
        match &piece.link {
            Some(url) => line.push_str(&term.link(&styled, url)),
            None => line.push_str(&styled),
        }
    }
    line
}

/// Paints one piece of text.
pub(crate) fn paint_one(term: Term, text: &str, look: Look) -> String {
    paint(term, &[Piece::new(text, look)])
}

enum Token {
    Word(Vec<Piece>, usize),
    /// A breakable space, styled as the text it was in (so a link's underline continues).
    Space(Piece),
    Break,
}

/// Breaks `pieces` into lines of at most `width` columns, at spaces; a word longer than the
/// width gets a line of its own. Runs of spaces collapse to one, as in Markdown.
pub(crate) fn wrap(pieces: &[Piece], width: usize) -> Vec<Vec<Piece>> {
    let mut lines = Vec::new();
    let mut line: Vec<Piece> = Vec::new();
    let mut used = 0;
    let mut space: Option<Piece> = None;
    for token in tokens(pieces) {
        match token {
            Token::Break => {
                lines.push(std::mem::take(&mut line));
                used = 0;
                space = None;
            }
            Token::Space(piece) => {
                if !line.is_empty() {
                    space = Some(piece);
                }
            }
            Token::Word(word, word_width) => {
                if !line.is_empty() && used + 1 + word_width > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                    space = None;
                }
                if let Some(space) = space.take() {
                    let shared = line.last().is_some_and(|last| same_run(last, &space))
                        && word.first().is_some_and(|first| same_run(first, &space));
                    let look = if shared { space.look } else { Look::PLAIN };
                    let link = if shared { space.link } else { None };
                    push_merged(
                        &mut line,
                        Piece {
                            text: " ".into(),
                            look,
                            link,
                            atomic: false,
                        },
                    );
                    used += 1;
                }
                for piece in word {
                    push_merged(&mut line, piece);
                }
                used += word_width;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn tokens(pieces: &[Piece]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Piece> = Vec::new();
    let flush = |word: &mut Vec<Piece>, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            let word = std::mem::take(word);
            let width = word.iter().map(Piece::width).sum();
            tokens.push(Token::Word(word, width));
        }
    };
    for piece in pieces {
        if piece.atomic {
            push_merged(&mut word, piece.clone());
            continue;
        }
        let mut run = String::new();
        for c in piece.text.chars() {
            // A no-break space stays inside its word.
            if c == '\n' || (c.is_whitespace() && c != '\u{a0}') {
                if !run.is_empty() {
                    push_merged(&mut word, piece.with_text(std::mem::take(&mut run)));
                }
                flush(&mut word, &mut tokens);
                tokens.push(if c == '\n' {
                    Token::Break
                } else {
                    Token::Space(piece.with_text(" ".into()))
                });
            } else {
                run.push(c);
            }
        }
        if !run.is_empty() {
            push_merged(&mut word, piece.with_text(run));
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

fn same_run(a: &Piece, b: &Piece) -> bool {
    a.look == b.look && a.link == b.link
}

/// Appends `piece`, joined to the last one when they look the same (fewer escape codes).
fn push_merged(line: &mut Vec<Piece>, piece: Piece) {
    match line.last_mut() {
        Some(last) if same_run(last, &piece) => last.text.push_str(&piece.text),
        _ => line.push(piece),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Vec<Piece>]) -> Vec<String> {
        lines
            .iter()
            .map(|line| line.iter().map(|p| p.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wrapping_breaks_at_spaces_within_the_width() {
        let lines = wrap(&[Piece::new("one two three four", Look::PLAIN)], 9);
        assert_eq!(texts(&lines), ["one two", "three", "four"]);
    }

    #[test]
    fn inline_code_is_never_broken_even_when_it_holds_spaces() {
        let pieces = [
            Piece::new("run ", Look::PLAIN),
            Piece::atomic("ls -la /tmp", Look::CODE),
            Piece::new(", then", Look::PLAIN),
        ];
        let lines = wrap(&pieces, 8);
        assert_eq!(texts(&lines), ["run", "ls -la /tmp,", "then"]);
    }

    #[test]
    fn hard_breaks_start_a_new_line_and_spaces_collapse() {
        let lines = wrap(&[Piece::new("a   b\nc", Look::PLAIN)], 80);
        assert_eq!(texts(&lines), ["a b", "c"]);
    }

    #[test]
    fn wide_characters_count_as_two_columns() {
        let lines = wrap(&[Piece::new("日本 語", Look::PLAIN)], 4);
        assert_eq!(texts(&lines), ["日本", "語"]);
    }

    #[test]
    fn variables_get_their_own_look() {
        let pieces = with_vars(
            &VarsShown::default(),
            "hi {{name}}!",
            Look::PLAIN,
            None,
            false,
        );
        let looks: Vec<_> = pieces
            .iter()
            .map(|p| (p.text.as_str(), p.look == Look::VAR))
            .collect();
        assert_eq!(looks, [("hi ", false), ("{{name}}", true), ("!", false)]);
    }

    #[test]
    fn in_a_text_with_no_variables_left_a_word_in_braces_is_text() {
        let pieces = with_vars(
            &VarsShown::none(),
            "run `ls`{{exec}}",
            Look::PLAIN,
            None,
            false,
        );
        assert!(pieces.iter().all(|p| p.look != Look::VAR), "{pieces:?}");
    }
}
