//! Inline Markdown events (text, code, emphasis, links, images) gathered into styled pieces.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::style::Term;

use super::pieces::{Piece, VarsShown, with_vars};
use super::theme::Look;

/// Inline text being gathered, with the looks and links open at this point.
pub(crate) struct Inlines {
    term: Term,
    vars: VarsShown,
    pub pieces: Vec<Piece>,
    pub looks: Vec<Look>,
    /// Open links: the target and where the link text starts in `pieces`.
    links: Vec<(String, usize)>,
    /// An open image: its path, its alt text so far, and the depth of nested images.
    image: Option<(String, String, usize)>,
}

impl Inlines {
    pub(crate) fn new(term: Term, vars: VarsShown) -> Self {
        Self {
            term,
            vars,
            pieces: Vec::new(),
            looks: Vec::new(),
            links: Vec::new(),
            image: None,
        }
    }

    fn look(&self) -> Look {
        self.looks
            .iter()
            .fold(Look::PLAIN, |look, &next| look.with(next))
    }

    /// The target of the link being gathered, when a terminal can open it.
    fn link(&self) -> Option<&String> {
        self.links
            .last()
            .map(|(url, _)| url)
            .filter(|url| clickable(url))
    }

    /// Handles an inline event, or gives it back.
    pub(crate) fn event<'e>(&mut self, event: Event<'e>) -> Result<(), Event<'e>> {
        if let Some((_, alt, depth)) = &mut self.image {
            match event {
                Event::Text(text) | Event::Code(text) => alt.push_str(&text),
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => self.close_image(),
                _ => {}
            }
            return Ok(());
        }
        match event {
            Event::Text(text) => {
                let pieces = with_vars(&self.vars, &text, self.look(), self.link(), false);
                self.pieces.extend(pieces);
            }
            Event::Code(code) => {
                // Without colour, the backticks are what sets code apart.
                let text = if self.term.color {
                    code.into_string()
                } else {
                    format!("`{code}`")
                };
                let pieces = with_vars(
                    &self.vars,
                    &text,
                    self.look().with(Look::CODE),
                    self.link(),
                    true,
                );
                self.pieces.extend(pieces);
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.pieces
                    .push(Piece::new(text.into_string(), self.look()));
            }
            Event::SoftBreak => self.pieces.push(Piece::new(" ", Look::PLAIN)),
            Event::HardBreak => self.pieces.push(Piece::new("\n", Look::PLAIN)),
            Event::InlineHtml(html) => {
                if html
                    .trim_start_matches('<')
                    .to_ascii_lowercase()
                    .starts_with("br")
                {
                    self.pieces.push(Piece::new("\n", Look::PLAIN));
                }
            }
            Event::FootnoteReference(label) => self
                .pieces
                .push(Piece::atomic(format!("[{label}]"), Look::DIM)),
            Event::Start(Tag::Emphasis) => self.looks.push(Look {
                italic: true,
                ..Look::PLAIN
            }),
            Event::Start(Tag::Strong) => self.looks.push(Look::BOLD),
            Event::Start(Tag::Strikethrough) => self.looks.push(Look {
                strike: true,
                ..Look::PLAIN
            }),
            Event::Start(Tag::Superscript | Tag::Subscript) => self.looks.push(Look::PLAIN),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {
                self.looks.pop();
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.looks.push(Look::LINK);
                self.links.push((dest_url.into_string(), self.pieces.len()));
            }
            Event::End(TagEnd::Link) => {
                self.looks.pop();
                self.close_link();
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.image = Some((dest_url.into_string(), String::new(), 0))
            }
            event => return Err(event),
        }
        Ok(())
    }

    /// Shows a link's target after its text where the terminal cannot make the text a link.
    fn close_link(&mut self) {
        let Some((url, start)) = self.links.pop() else {
            return;
        };
        let text: String = self
            .pieces
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        let text = text.trim_matches('`');
        // Cloud Shell points at parts of its console (`walkthrough://spotlight-pointer?...`):
        // nowhere a terminal can go.
        let obvious = url.is_empty()
            || url.starts_with('#')
            || url.starts_with("walkthrough:")
            || text == url
            || Some(text) == url.strip_prefix("mailto:");
        let clicked = self.term.links && clickable(&url);
        if !obvious && !clicked {
            self.pieces.push(Piece::new(" ", Look::PLAIN));
            self.pieces
                .push(Piece::atomic(format!("({url})"), Look::DIM));
        }
    }

    /// `[image: alt] (path)`.
    fn close_image(&mut self) {
        let Some((url, alt, _)) = self.image.take() else {
            return;
        };
        let label = if alt.trim().is_empty() {
            "[image]".to_owned()
        } else {
            format!("[image: {}]", alt.trim())
        };
        let look = self.look().with(Look::IMAGE);
        self.pieces.push(Piece {
            text: label,
            look,
            link: clickable(&url).then(|| url.clone()),
            atomic: false,
        });
        if !url.is_empty() {
            self.pieces.push(Piece::new(" ", Look::PLAIN));
            self.pieces
                .push(Piece::atomic(format!("({url})"), Look::DIM));
        }
    }
}

/// Whether a terminal can open `url` from an OSC 8 link: a relative path means nothing to it.
fn clickable(url: &str) -> bool {
    (url.contains("://") && !url.starts_with("walkthrough:")) || url.starts_with("mailto:")
}
