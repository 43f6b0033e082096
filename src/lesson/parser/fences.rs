//! Where a fenced block's lines stand in the file: its opening fence (character, width,
//! column, quotes), and the map from de-indented code back to file offsets.

use super::*;

/// Where the lines of a nested block's de-indented code are in the file: each code line is
/// the end of its source line, whose start (list indentation, `>`) was taken off.
pub(super) struct Remap {
    /// (offset of a line in the code, offset of the same text in the file), in order.
    pub(super) lines: Vec<(usize, usize)>,
}

impl Remap {
    pub(super) fn new(source: &str, base: usize, code: &str) -> Self {
        let mut lines = Vec::new();
        let (mut in_code, mut in_source) = (0, 0);
        let mut source_lines = source.split_inclusive('\n');
        for code_line in code.split_inclusive('\n') {
            let source_line = source_lines.next().unwrap_or("");
            let taken_off = if source_line
                .trim_end_matches(['\r', '\n'])
                .ends_with(code_line.trim_end_matches(['\r', '\n']))
            {
                source_line.trim_end_matches(['\r', '\n']).len()
                    - code_line.trim_end_matches(['\r', '\n']).len()
            } else {
                0
            };
            lines.push((in_code, base + in_source + taken_off));
            in_code += code_line.len();
            in_source += source_line.len();
        }
        Self { lines }
    }

    pub(super) fn offset(&self, at: usize) -> usize {
        let index = self.lines.partition_point(|&(start, _)| start <= at);
        match index.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(in_code, in_file)) => in_file + (at - in_code),
            None => at,
        }
    }

    pub(super) fn span(&self, span: Span) -> Span {
        Span::new(self.offset(span.start), self.offset(span.end))
    }

    /// Every span of an HTTP entry, put back in place.
    pub(super) fn entry(&self, entry: &mut crate::lesson::http::HttpEntry) {
        entry.span = self.span(entry.span);
        let pairs = entry
            .headers
            .iter_mut()
            .chain(&mut entry.query)
            .chain(&mut entry.form);
        for pair in pairs {
            pair.span = self.span(pair.span);
        }
        for capture in &mut entry.captures {
            capture.span = self.span(capture.span);
        }
        for assert in &mut entry.asserts {
            assert.span = self.span(assert.span);
        }
    }
}

/// The fence that opens a fenced block: its character and how many, where it stands (the
/// column after its list markers or indentation) and inside how many blockquotes.
#[derive(Clone, Copy)]
pub(super) struct Fence {
    pub(super) char: char,
    pub(super) width: usize,
    pub(super) column: usize,
    pub(super) quotes: usize,
}

impl Fence {
    /// The fence at the start of `block`, whose line begins with `before` (indentation, list
    /// markers, `>`).
    pub(super) fn opening(before: &str, block: &str) -> Option<Self> {
        let char = block.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let width = block.chars().take_while(|&c| c == char).count();
        Some(Self {
            char,
            width,
            column: before.chars().count(),
            quotes: before.matches('>').count(),
        })
    }

    /// What follows the fence run on `line`, when the line could be a fence of this block's
    /// container: as many `>` as the opening, at most 3 columns further in (CommonMark's
    /// limit), then at least as wide a run.
    pub(super) fn after_run<'l>(&self, line: &'l str) -> Option<&'l str> {
        let (quotes, column, text) = layout(line);
        if quotes != self.quotes || column > self.column + 3 {
            return None;
        }
        let run = text.chars().take_while(|&c| c == self.char).count();
        (run >= self.width).then(|| &text[run * self.char.len_utf8()..])
    }

    /// Whether `line` opens another block: a fence with an info string. Inside this block
    /// it is only text, so this block was left open.
    pub(super) fn opens(&self, line: &str) -> bool {
        self.after_run(line).is_some_and(|info| {
            let info = info.trim();
            // A backtick fence's info string holds no backtick.
            let backticked = self.char == '`' && info.contains('`');
            !info.is_empty() && !backticked
        })
    }

    /// Whether `block` (the opening fence to the end of the block) ends with its closing
    /// fence: the run alone on the last line.
    pub(super) fn closed(&self, block: &str) -> bool {
        let mut lines = block.trim_end().lines();
        lines.next();
        lines
            .next_back()
            .and_then(|last| self.after_run(last))
            .is_some_and(|rest| rest.trim().is_empty())
    }
}

/// A line's blockquote depth, the column its text starts at (tabs to the next multiple of
/// 4), and that text.
pub(super) fn layout(line: &str) -> (usize, usize, &str) {
    let (mut quotes, mut column) = (0, 0);
    for (at, c) in line.char_indices() {
        match c {
            '>' => {
                quotes += 1;
                column += 1;
            }
            ' ' => column += 1,
            '\t' => column += 4 - column % 4,
            _ => return (quotes, column, &line[at..]),
        }
    }
    (quotes, column, "")
}

/// The first line of `text`, without its line break.
pub(super) fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
