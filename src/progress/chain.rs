//! The chain that makes a log's edits visible.
//!
//! Every line labrun writes carries `seq`, its position in the file (the first line is 1),
//! and `prev`, the SHA-256 (hex) of the bytes of the line before it, line feed excluded
//! (absent on the first line). A line edited, removed, inserted or moved breaks the chain at
//! the first line after it: its `seq` or its `prev` no longer match.
//!
//! Anyone can compute SHA-256, so a learner who rewrites a whole log consistently is not
//! caught by the chain alone: what the class server received while the session ran is what
//! it trusts (see `evidence` in reports). The chain catches a hand-edited line, a line copied
//! from a classmate's log, a removed failure.
//!
//! This is the rule for a log file read whole. The class server applies the same rule to
//! lines as they arrive, batch by batch against what it stored before (`ChainRow::why_broken`
//! in `serve/store/append.rs`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the chain of a learner's log says.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Integrity {
    /// Every line is chained and the chain holds.
    #[default]
    Ok,
    /// Some lines carry no chain (written before labrun chained its logs); those that do
    /// hold.
    Unchained,
    /// A line breaks the chain: the log was edited.
    Broken,
}

impl Integrity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Unchained => "unchained",
            Self::Broken => "broken",
        }
    }
}

/// The first line that breaks a chain, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// Its line number, from 1.
    pub line: u64,
    pub why: String,
}

/// The hash a line's successor names in `prev`.
pub(super) fn line_hash(hasher: Sha256) -> String {
    hex(&hasher.finalize())
}

use crate::text::hex;

/// Follows a log's chain line by line.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    /// Lines seen.
    lines: u64,
    /// The hash of the last line seen.
    last: Option<String>,
    chained: bool,
    unchained: bool,
    broken: Option<BadLine>,
}

impl Chain {
    /// The next line of the log: its hash, and its `seq` and `prev` when it is an event
    /// (`None` for a line that is no event: blank, torn by a crash, garbage).
    pub fn line(&mut self, hash: String, link: Option<(Option<u64>, Option<&str>)>) {
        self.lines += 1;
        let number = self.lines;
        if let Some((seq, prev)) = link
            && self.broken.is_none()
        {
            let why = match seq {
                None if self.chained => Some("an event with no `seq` among chained ones".into()),
                None => {
                    self.unchained = true;
                    None
                }
                Some(seq) if seq != number => {
                    Some(format!("its `seq` is {seq}, but it is line {number}"))
                }
                Some(_) => {
                    self.chained = true;
                    match (prev, &self.last) {
                        (None, None) => None,
                        (Some(prev), Some(last)) if prev == last => None,
                        (None, Some(_)) => Some("it has no `prev`".into()),
                        (Some(_), _) => Some(format!(
                            "its `prev` does not match line {}",
                            number.saturating_sub(1)
                        )),
                    }
                }
            };
            if let Some(why) = why {
                self.broken = Some(BadLine { line: number, why });
            }
        }
        self.last = Some(hash);
    }

    /// How many lines were seen.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The hash of the last line seen: the `prev` of the next line written.
    pub fn last_hash(&self) -> Option<&str> {
        self.last.as_deref()
    }

    pub fn integrity(&self) -> Integrity {
        if self.broken.is_some() {
            Integrity::Broken
        } else if self.unchained {
            Integrity::Unchained
        } else {
            Integrity::Ok
        }
    }

    pub fn broken(&self) -> Option<&BadLine> {
        self.broken.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(text: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(text.as_bytes());
        line_hash(hasher)
    }

    /// An event's `seq` and `prev`.
    type Link = (Option<u64>, Option<String>);

    /// Feeds lines `(text, link)`; `None` link for a line that is no event.
    fn chain(lines: &[(&str, Option<Link>)]) -> Chain {
        let mut chain = Chain::default();
        for (text, link) in lines {
            let link = link.as_ref().map(|(seq, prev)| (*seq, prev.as_deref()));
            chain.line(hash(text), link);
        }
        chain
    }

    #[test]
    fn a_chain_written_in_order_holds() {
        let chain = chain(&[
            ("a", Some((Some(1), None))),
            ("b", Some((Some(2), Some(hash("a"))))),
            ("torn", None),
            ("c", Some((Some(4), Some(hash("torn"))))),
        ]);
        assert_eq!(chain.integrity(), Integrity::Ok);
        assert_eq!(chain.lines(), 4);
        assert_eq!(chain.last_hash(), Some(hash("c").as_str()));
    }

    #[test]
    fn an_edited_removed_or_inserted_line_breaks_the_chain_at_the_next() {
        // Line 1 edited: line 2's prev names the original.
        let edited = chain(&[
            ("a edited", Some((Some(1), None))),
            ("b", Some((Some(2), Some(hash("a"))))),
        ]);
        assert_eq!(edited.integrity(), Integrity::Broken);
        assert_eq!(edited.broken().unwrap().line, 2);
        // Line 2 removed: line 3 is now line 2.
        let removed = chain(&[
            ("a", Some((Some(1), None))),
            ("c", Some((Some(3), Some(hash("b"))))),
        ]);
        assert_eq!(removed.broken().unwrap().line, 2);
        assert!(removed.broken().unwrap().why.contains("`seq` is 3"));
        // A line with no chain written among chained ones.
        let inserted = chain(&[("a", Some((Some(1), None))), ("forged", Some((None, None)))]);
        assert_eq!(inserted.broken().unwrap().line, 2);
        // A first line that names a predecessor.
        let first = chain(&[("a", Some((Some(1), Some(hash("x")))))]);
        assert_eq!(first.integrity(), Integrity::Broken);
    }

    #[test]
    fn a_log_from_before_chaining_is_unchained_and_may_be_continued() {
        let old = chain(&[("a", Some((None, None))), ("b", Some((None, None)))]);
        assert_eq!(old.integrity(), Integrity::Unchained);
        let continued = chain(&[
            ("a", Some((None, None))),
            ("b", Some((Some(2), Some(hash("a"))))),
        ]);
        assert_eq!(continued.integrity(), Integrity::Unchained);
        assert_eq!(Chain::default().integrity(), Integrity::Ok);
    }
}
