//! Code as the terminal shows it: lines in a gutter, a line too wide folded onto lines
//! that keep the gutter rather than wrapped by the terminal into the margin.

use std::io;

use super::canvas::Canvas;
use super::pieces::{self, Piece, paint, with_vars};
use super::theme::{Hue, Look};

/// Code that is not a lesson's block (an example, the text of a revealed hint): its
/// language, then its lines in a dim gutter.
pub(crate) fn example(canvas: &mut Canvas, lang: &str, code: &str) -> io::Result<()> {
    canvas.gap();
    canvas.indent("  ", "  ", Look::PLAIN);
    if !lang.is_empty() {
        canvas.styled(lang, Look::DIM)?;
    }
    gutter(canvas, code, None, false)?;
    canvas.dedent();
    canvas.gap();
    Ok(())
}

/// Code lines in a gutter of `hue`; `{{NAME}}` stands out unless `raw`. A line wider than
/// the room left is folded onto lines that keep the gutter, each continuation marked `↪`,
/// so the terminal never wraps it into the margin.
pub(crate) fn gutter(
    canvas: &mut Canvas,
    code: &str,
    hue: Option<Hue>,
    raw: bool,
) -> io::Result<()> {
    let look = hue.map_or(Look::DIM, Look::hue);
    canvas.indent("│ ", "│ ", look);
    if code.trim().is_empty() {
        canvas.styled("(empty)", Look::DIM)?;
    }
    for line in code.trim_end_matches(['\n', '\r']).lines() {
        let line = line.replace('\t', "    ");
        // Values first (a session fills `{{NAME}}` in), then fold what will be shown.
        let pieces = if raw {
            vec![Piece::new(line, Look::PLAIN)]
        } else {
            with_vars(&canvas.vars, &line, Look::PLAIN, None, true)
        };
        for (i, mut part) in fold_pieces(&pieces, canvas.width()).into_iter().enumerate() {
            if i > 0 {
                part.insert(0, Piece::new(FOLD, Look::DIM));
            }
            canvas.line(&paint(canvas.term, &part))?;
        }
    }
    canvas.dedent();
    Ok(())
}

/// `pieces` (one line) folded as [`fold`] folds their text, each part keeping its looks.
fn fold_pieces(pieces: &[Piece], width: usize) -> Vec<Vec<Piece>> {
    let text: String = pieces.iter().map(|piece| piece.text.as_str()).collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for part in fold(&text, width) {
        let end = start + part.len();
        let mut line = Vec::new();
        let mut at = 0;
        for piece in pieces {
            let (from, to) = (at.max(start), (at + piece.text.len()).min(end));
            if from < to {
                line.push(Piece {
                    text: piece.text[from - at..to - at].to_owned(),
                    ..piece.clone()
                });
            }
            at += piece.text.len();
        }
        parts.push(line);
        start = end;
    }
    parts
}

/// Marks a code line folded from the one above.
pub(crate) const FOLD: &str = "↪ ";

/// `line` cut into parts that fit `width` columns (the first) and `width - 2` (the others,
/// after [`FOLD`]): after a space when there is one in the last third of a part, else
/// anywhere (a long URL) but inside a `{{NAME}}`.
pub(crate) fn fold(line: &str, width: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = line;
    let mut room = width.max(10);
    while pieces::width(rest) > room {
        let mut end = 0;
        let mut used = 0;
        for (at, c) in rest.char_indices() {
            let w = pieces::width(c.encode_utf8(&mut [0; 4]));
            if used + w > room {
                break;
            }
            used += w;
            end = at + c.len_utf8();
        }
        let cut = rest[..end]
            .rfind(' ')
            .filter(|&space| space > 0 && space * 3 >= end * 2)
            .map_or(end, |space| space + 1);
        // Never inside a `{{NAME}}`: it would lose its look, and read as two names.
        let cut = match rest[..cut].rfind("{{") {
            Some(open) if open > 0 && !rest[open..cut].contains("}}") => open,
            _ => cut,
        };
        let cut = if cut == 0 { rest.len() } else { cut };
        parts.push(&rest[..cut]);
        rest = &rest[cut..];
        room = width.saturating_sub(pieces::width(FOLD)).max(10);
    }
    parts.push(rest);
    parts
}

#[cfg(test)]
mod fold_tests {
    use super::fold;

    #[test]
    fn a_long_code_line_folds_after_a_space_and_every_part_fits() {
        let line = "ibmcloud cr exemption-add --scope \"us.icr.io/birds/bluebird:1\" --issue-type cve --issue-id CVE-2019-5953";
        let parts = fold(line, 40);
        assert_eq!(parts.concat(), line, "nothing is lost");
        assert!(
            parts[0].len() <= 40 && parts[1..].iter().all(|p| p.len() <= 38),
            "{parts:?}"
        );
        assert!(parts[0].ends_with(' '), "cut after a space: {parts:?}");
        assert_eq!(fold("short", 40), ["short"]);
        let templated = fold(
            "GET {{va_url}}/va/api/v4/report/{{registry}}/{{namespace}}/{{image}}:1",
            50,
        );
        assert!(
            templated
                .iter()
                .all(|p| p.matches("{{").count() == p.matches("}}").count()),
            "{templated:?}"
        );
        let url = "https://example.com/".repeat(5);
        assert!(fold(&url, 30).iter().all(|p| p.len() <= 30));
    }
}
