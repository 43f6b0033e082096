//! One output stream of a command: the bounded start that is kept, and the text to show live.

use super::output::MAX_CAPTURE;

/// A line longer than this is shown in pieces rather than held back until its end.
const MAX_PENDING: usize = 16 * 1024;

/// What labrun holds of one stream: at most [`MAX_CAPTURE`] bytes kept, plus a partial line
/// (at most [`MAX_PENDING`] bytes and one read chunk) waiting to be shown.
#[derive(Debug, Default)]
pub(super) struct Capture {
    kept: Vec<u8>,
    truncated: bool,
    /// Read but not yet shown: the end of a line whose newline has not arrived.
    pending: Vec<u8>,
}

impl Capture {
    /// Takes a chunk as read from the pipe; returns the text to show now (whole lines).
    pub(super) fn push(&mut self, chunk: &[u8]) -> Option<String> {
        let room = MAX_CAPTURE.saturating_sub(self.kept.len());
        if chunk.len() > room {
            self.truncated = true;
        }
        self.kept
            .extend_from_slice(chunk.get(..room).unwrap_or(chunk));
        self.pending.extend_from_slice(chunk);
        let end = match self.pending.iter().rposition(|&byte| byte == b'\n') {
            Some(newline) => newline + 1,
            None if self.pending.len() >= MAX_PENDING => complete_len(&self.pending),
            None => return None,
        };
        self.take_pending(end)
    }

    /// The partial line held back, for when the stream went quiet (a prompt waiting for an
    /// answer that will never come, since stdin is `/dev/null`). Half a character stays.
    pub(super) fn flush(&mut self) -> Option<String> {
        self.take_pending(complete_len(&self.pending))
    }

    /// Everything held back, at the end of the stream.
    pub(super) fn flush_all(&mut self) -> Option<String> {
        self.take_pending(self.pending.len())
    }

    /// The kept text, at most [`MAX_CAPTURE`] bytes, and whether anything was left out.
    pub(super) fn into_text(self) -> (String, bool) {
        let Self {
            kept,
            mut truncated,
            ..
        } = self;
        let kept = if truncated {
            // The cut may have split a character: drop the piece rather than show U+FFFD.
            &kept[..complete_len(&kept)]
        } else {
            &kept[..]
        };
        let mut text = String::from_utf8_lossy(kept).into_owned();
        if text.len() > MAX_CAPTURE {
            // Each invalid byte became a three-byte U+FFFD: keep the promise on the length.
            let mut end = MAX_CAPTURE;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            truncated = true;
        }
        (text, truncated)
    }

    fn take_pending(&mut self, end: usize) -> Option<String> {
        if end == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&self.pending[..end]).into_owned();
        self.pending.drain(..end);
        Some(text)
    }

    #[cfg(test)]
    fn held_bytes(&self) -> usize {
        self.kept.capacity() + self.pending.capacity()
    }
}

/// The length of `bytes` without a UTF-8 sequence cut short at its end.
fn complete_len(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(4) {
        let byte = bytes[len - back];
        if byte & 0b1100_0000 == 0b1000_0000 {
            continue; // a continuation byte: look further back for the start
        }
        let width = match byte {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if width > back { len - back } else { len };
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_lines_are_shown_until_the_stream_goes_quiet() {
        let mut capture = Capture::default();
        assert_eq!(capture.push(b"one\ntw"), Some("one\n".to_owned()));
        assert_eq!(capture.push(b"o"), None);
        assert_eq!(
            capture.push(b"\nthree\nfo"),
            Some("two\nthree\n".to_owned())
        );
        assert_eq!(capture.flush(), Some("fo".to_owned()));
        assert_eq!(capture.flush(), None);
        assert_eq!(
            capture.into_text(),
            ("one\ntwo\nthree\nfo".to_owned(), false)
        );
    }

    #[test]
    fn half_a_character_is_held_back_until_the_rest_arrives() {
        let snowman = "☃".as_bytes();
        let mut capture = Capture::default();
        assert_eq!(capture.push(&[b'a', snowman[0], snowman[1]]), None);
        assert_eq!(capture.flush(), Some("a".to_owned()));
        assert_eq!(capture.push(&[snowman[2], b'\n']), Some("☃\n".to_owned()));
        let mut cut = Capture::default();
        cut.push(&snowman[..2]);
        assert_eq!(cut.flush_all(), Some("\u{FFFD}".to_owned()));
    }

    #[test]
    fn a_long_line_is_shown_in_pieces() {
        let mut capture = Capture::default();
        let shown = capture.push(&vec![b'x'; MAX_PENDING + 1]).unwrap();
        assert_eq!(shown.len(), MAX_PENDING + 1);
        assert_eq!(capture.push(b"xx"), None);
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily() {
        let mut capture = Capture::default();
        assert_eq!(capture.push(b"a\xffb\n"), Some("a\u{FFFD}b\n".to_owned()));
        assert_eq!(capture.into_text().0, "a\u{FFFD}b\n");
    }

    #[test]
    fn the_start_is_kept_and_memory_stays_bounded_however_much_is_read() {
        let mut capture = Capture::default();
        let chunk = "y\n".repeat(32 * 1024);
        let mut shown = 0;
        for _ in 0..1600 {
            shown += capture.push(chunk.as_bytes()).map_or(0, |text| text.len());
            assert!(capture.held_bytes() <= MAX_CAPTURE + 2 * (MAX_PENDING + chunk.len()));
        }
        assert_eq!(shown, 1600 * chunk.len());
        let (text, truncated) = capture.into_text();
        assert!(truncated);
        assert_eq!(text.len(), MAX_CAPTURE);
        assert!(text.starts_with("y\ny\n"));
    }

    #[test]
    fn a_cut_through_a_character_drops_the_piece() {
        let mut capture = Capture::default();
        let mut data = vec![b'a'; MAX_CAPTURE - 1];
        data.extend_from_slice("é".as_bytes());
        capture.push(&data);
        let (text, truncated) = capture.into_text();
        assert!(truncated);
        assert_eq!(text.len(), MAX_CAPTURE - 1);
        assert!(text.ends_with('a'));
    }

    #[test]
    fn binary_output_still_fits_the_bound_once_decoded() {
        let mut capture = Capture::default();
        capture.push(&vec![0xFF; MAX_CAPTURE]);
        let (text, truncated) = capture.into_text();
        assert!(truncated, "three bytes of U+FFFD for each byte read");
        assert!(text.len() <= MAX_CAPTURE);
        assert!(text.chars().all(|c| c == '\u{FFFD}'));
    }
}
