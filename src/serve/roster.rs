//! A class with a roster: only the names on it join, each with a code of their own, so no
//! one who knows the class code can take a classmate's name first.
//!
//! A learner's code is derived from their name and a key the server keeps in its database
//! (HMAC-SHA256), so the server stores no code and can print the roster's codes again at
//! every start; a learner who joins again with their code (another machine) gets a new
//! token, and the old one stops working.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The longest name a learner may have, in bytes.
pub(super) const NAME_LIMIT: usize = 100;

/// Why a roster file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("cannot read the roster `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {why}")]
    Name {
        path: String,
        line: usize,
        why: String,
    },
}

/// The names of a roster file: one per line; blank lines and `#` comments are skipped.
pub(super) fn read(path: &std::path::Path) -> Result<Vec<String>, RosterError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| RosterError::Read {
        path: shown.clone(),
        source,
    })?;
    let mut names: Vec<String> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let name = line.trim();
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        if let Err(why) = check_name(name) {
            return Err(RosterError::Name {
                path: shown,
                line: index + 1,
                why,
            });
        }
        if !names.iter().any(|known| known == name) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// Whether `name` can be a learner's: what a join and a roster both check.
pub(super) fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > NAME_LIMIT || name.chars().any(crate::text::is_control) {
        return Err(format!(
            "a learner's name is 1 to {NAME_LIMIT} bytes, none of them control characters"
        ));
    }
    Ok(())
}

/// The code `name` joins with, under the server's `key`: 10 characters of the class code's
/// alphabet (about 50 bits).
pub(super) fn code(key: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(name.as_bytes());
    mac.finalize().into_bytes()[..10]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Whether `given` is `name`'s code, in time that does not depend on where they differ.
pub(super) fn matches(key: &str, name: &str, given: &str) -> bool {
    code(key, name)
        .as_bytes()
        .ct_eq(given.trim().as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_has_its_own_code_under_each_key() {
        let ada = code("key", "ada");
        assert_eq!(ada.len(), 10);
        assert_eq!(ada, code("key", "ada"));
        assert_ne!(ada, code("key", "bob"));
        assert_ne!(ada, code("other key", "ada"));
        assert!(matches("key", "ada", &ada));
        assert!(matches("key", "ada", &format!(" {ada}\n")));
        assert!(!matches("key", "bob", &ada));
        assert!(!matches("key", "ada", ""));
    }

    #[test]
    fn a_roster_file_gives_its_names_and_refuses_a_bad_one_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.txt");
        std::fs::write(&path, "# class of 2026\nada\n\n  bob  \nada\n").unwrap();
        assert_eq!(read(&path).unwrap(), ["ada", "bob"]);
        std::fs::write(&path, "ada\nbo\u{1b}b\n").unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "roster.txt:2: a learner's name is 1 to 100 bytes, none of them control characters"
            ),
            "{error}"
        );
        assert!(read(&dir.path().join("none")).is_err());
    }
}
