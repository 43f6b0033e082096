//! The readable text of raw HTML in a lesson: what a reader of the rendered page would see.

use super::pieces::{Piece, VarsShown, with_vars};
use super::theme::Look;

/// The readable text of raw HTML: comments and tags dropped, `<br>` and block tags kept as
/// line breaks, `<img>` shown as an image. Line breaks of the HTML source are layout, not text.
pub(crate) fn html_text(html: &str, vars: &VarsShown) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open].replace('\n', " "));
        rest = &rest[open..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            // A tag cut off (by a blank line inside it): its remains are not text.
            rest = "";
            break;
        };
        let tag = &rest[1..close];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        match name.to_ascii_lowercase().as_str() {
            "br" | "p" | "div" | "li" | "tr" if !text.trim().is_empty() => text.push('\n'),
            "img" => {
                pieces.extend(with_vars(vars, &decode(&text), Look::PLAIN, None, false));
                text.clear();
                let alt = attribute(tag, "alt").unwrap_or_default();
                let label = if alt.is_empty() {
                    "[image]".to_owned()
                } else {
                    format!("[image: {alt}]")
                };
                pieces.push(Piece::new(label, Look::IMAGE));
                if let Some(src) = attribute(tag, "src") {
                    pieces.push(Piece::new(" ", Look::PLAIN));
                    pieces.push(Piece::atomic(format!("({src})"), Look::DIM));
                }
            }
            _ => {}
        }
        rest = &rest[close + 1..];
    }
    text.push_str(&rest.replace('\n', " "));
    pieces.extend(with_vars(vars, &decode(&text), Look::PLAIN, None, false));
    while pieces
        .last()
        .is_some_and(|piece| piece.text.trim().is_empty())
    {
        pieces.pop();
    }
    let blank = pieces
        .iter()
        .take_while(|piece| piece.text.trim().is_empty())
        .count();
    pieces.drain(..blank);
    if let Some(first) = pieces.first_mut() {
        first.text = first.text.trim_start().to_owned();
    }
    if let Some(last) = pieces.last_mut() {
        last.text = last.text.trim_end().to_owned();
    }
    pieces
}

/// The value of `name="value"` in a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = tag[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value = after[1..].trim_start();
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
        let value = match quote {
            Some(q) => value[1..].split(q).next().unwrap_or(""),
            None => value
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(decode(value));
    }
    None
}

fn decode(text: &str) -> String {
    crate::lesson::markdown::decode_entities(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        html_text(html, &VarsShown::default())
            .iter()
            .map(|piece| piece.text.as_str())
            .collect()
    }

    #[test]
    fn html_shows_its_text_and_images_but_not_tags_or_comments() {
        assert_eq!(
            text("<p align=\"center\">\n  <img src=\"logo.png\" alt=\"The &amp; logo\">\n</p>"),
            "[image: The & logo] (logo.png)"
        );
        assert_eq!(text("<!-- a comment -->"), "");
        assert_eq!(text("a<br>b <kbd>Ctrl</kbd>"), "a\nb Ctrl");
        assert_eq!(text("<img src='x.png'>"), "[image] (x.png)");
        assert_eq!(text("unclosed <img src="), "unclosed");
    }
}
