//! Secret values, and masking them out of anything shown or stored.

use std::borrow::Cow;

use crate::text::MASK;

/// The secret values of a session. Every text that leaves labrun (screen, log, report) and
/// may hold command output or an HTTP body goes through [`Secrets::mask`], or, for output
/// shown as it arrives, a [`MaskStream`].
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Every value and every form it takes in a URL or in JSON, longest first, so a secret
    /// that contains another is masked whole.
    forms: Vec<String>,
    /// Variables whose values are secret, so a value captured into one later is masked too.
    names: Vec<String>,
}

impl Secrets {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret value. Very short values are still masked: a one-character secret is a
    /// poor secret, but showing it would be worse.
    pub fn add(&mut self, value: &str) {
        let value = value.trim_end_matches(['\n', '\r']);
        if value.is_empty() || self.forms.iter().any(|known| known == value) {
            return;
        }
        for form in encodings(value) {
            if !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
        self.forms.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// Marks the variable `name` as secret.
    pub fn add_name(&mut self, name: &str) {
        if !self.is_secret_name(name) {
            self.names.push(name.to_owned());
        }
    }

    pub fn is_secret_name(&self, name: &str) -> bool {
        self.names.iter().any(|known| known == name)
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// `text` with every secret value (and its URL and JSON forms) replaced by [`MASK`].
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.forms {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), MASK));
            }
        }
        out
    }

    /// A masker for one stream of output shown as it arrives.
    pub fn stream(&self) -> MaskStream<'_> {
        MaskStream {
            secrets: self,
            held: String::new(),
        }
    }

    /// Where the text to show of `text` must end, so that no secret is cut in two: before
    /// the longest end of `text` that begins a secret, and before any secret that would
    /// straddle that point.
    fn safe_end(&self, text: &str) -> usize {
        let mut end = text.len();
        for secret in &self.forms {
            // The ends of `text` shorter than the secret that begin it.
            let shortest = text.len().saturating_sub(secret.len() - 1);
            let starts = text.char_indices().map(|(start, _)| start);
            for start in starts.skip_while(|&start| start < shortest) {
                if start < end && secret.starts_with(&text[start..]) {
                    end = start;
                    break;
                }
            }
        }
        loop {
            let straddling = self.forms.iter().find_map(|secret| {
                text.match_indices(secret.as_str())
                    .map(|(start, found)| (start, start + found.len()))
                    .find(|&(start, stop)| start < end && end < stop)
            });
            match straddling {
                Some((start, _)) => end = start,
                None => return end,
            }
        }
    }
}

/// One stream of output on its way to the screen, masked: a piece that could be the start
/// of a secret is held back until what follows shows whether it is one, so a secret split
/// across two reads (a pause, a full pipe) is still masked whole.
#[derive(Debug)]
pub struct MaskStream<'s> {
    secrets: &'s Secrets,
    held: String,
}

impl MaskStream<'_> {
    /// The masked text that can be shown now, of what was held and `text`.
    pub fn push(&mut self, text: &str) -> String {
        if self.secrets.is_empty() {
            return text.to_owned();
        }
        self.held.push_str(text);
        let end = self.secrets.safe_end(&self.held);
        let rest = self.held.split_off(end);
        let shown = std::mem::replace(&mut self.held, rest);
        self.secrets.mask(&shown).into_owned()
    }

    /// Whatever was held back, masked: the stream has ended.
    pub fn finish(&mut self) -> String {
        let held = std::mem::take(&mut self.held);
        self.secrets.mask(&held).into_owned()
    }
}

/// A value and the forms it takes where commands and servers put secrets: percent-encoded
/// in a URL (RFC 3986, either case of hex digit; `+` for a space in a form) and escaped in a
/// JSON string.
fn encodings(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_owned()];
    let percent = |upper: bool, plus: bool| {
        let mut out = String::new();
        for byte in value.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(char::from(byte));
                }
                b' ' if plus => out.push('+'),
                _ if upper => out.push_str(&format!("%{byte:02X}")),
                _ => out.push_str(&format!("%{byte:02x}")),
            }
        }
        out
    };
    forms.extend([
        percent(true, false),
        percent(false, false),
        percent(true, true),
    ]);
    if let Ok(json) = serde_json::to_string(value) {
        forms.push(json[1..json.len() - 1].to_owned());
        // `/` may be escaped too, and anything beyond ASCII written as `\uXXXX`.
        forms.push(forms[forms.len() - 1].replace('/', "\\/"));
        let mut ascii = String::new();
        for c in forms[forms.len() - 2].chars() {
            if c.is_ascii() {
                ascii.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    ascii.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        forms.push(ascii);
    }
    forms.sort();
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_occurrence_and_the_longest_secret_first() {
        let mut secrets = Secrets::new();
        secrets.add("abc");
        secrets.add("abcdef\n");
        assert_eq!(secrets.mask("x abcdef y abc z"), "x •••• y •••• z");
        assert_eq!(secrets.mask("nothing here"), "nothing here");
        assert!(matches!(secrets.mask("clean"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_secret_is_masked_in_a_url_and_in_json_too() {
        let mut secrets = Secrets::new();
        secrets.add("p@ss w/rd\"é");
        for shown in [
            "?token=p%40ss%20w%2Frd%22%C3%A9&x=1",
            "?token=p%40ss+w%2Frd%22%C3%A9&x=1",
            "?token=p%40ss%20w%2frd%22%c3%a9&x=1",
            r#"{"token":"p@ss w/rd\"é"}"#,
            r#"{"token":"p@ss w\/rd\"é"}"#,
            r#"{"token":"p@ss w/rd\"\u00e9"}"#,
        ] {
            let masked = secrets.mask(shown);
            assert!(masked.contains(MASK), "{shown} → {masked}");
            assert!(!masked.contains("ss"), "{shown} → {masked}");
        }
    }

    #[test]
    fn a_secret_split_across_two_pieces_of_output_is_still_masked() {
        let mut secrets = Secrets::new();
        secrets.add("s3cr3t-token");
        let mut stream = secrets.stream();
        let mut shown = stream.push("Bearer s3cr");
        assert_eq!(shown, "Bearer ");
        shown += &stream.push("3t-token\nnext s3");
        shown += &stream.push("x\n");
        shown += &stream.finish();
        assert_eq!(shown, "Bearer ••••\nnext s3x\n");
        // What could begin a secret but does not is shown once the stream ends.
        let mut stream = secrets.stream();
        assert_eq!(stream.push("ends with s3c"), "ends with ");
        assert_eq!(stream.finish(), "s3c");
    }

    #[test]
    fn a_shorter_secret_inside_a_held_back_one_is_not_shown_in_part() {
        let mut secrets = Secrets::new();
        secrets.add("abc");
        secrets.add("bcde");
        let mut stream = secrets.stream();
        let mut shown = stream.push("xabcd");
        assert!(!shown.contains('a'), "{shown}");
        shown += &stream.push("e!");
        shown += &stream.finish();
        assert_eq!(shown, "xa••••!");
    }

    #[test]
    fn held_back_text_is_cut_between_characters() {
        let mut secrets = Secrets::new();
        secrets.add("日本語の秘密");
        let mut stream = secrets.stream();
        assert_eq!(stream.push("é日本"), "é");
        assert_eq!(stream.push("語の秘密だ"), "••••だ");
    }

    #[test]
    fn without_secrets_output_passes_at_once() {
        let secrets = Secrets::new();
        let mut stream = secrets.stream();
        assert_eq!(stream.push("a"), "a");
        assert_eq!(stream.finish(), "");
    }

    #[test]
    fn empty_values_are_ignored() {
        let mut secrets = Secrets::new();
        secrets.add("");
        assert!(secrets.is_empty());
        assert_eq!(secrets.mask("a"), "a");
    }
}
