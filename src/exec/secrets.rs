//! Secret values, and masking them out of anything shown or stored.

use std::borrow::Cow;

/// What a secret looks like wherever it would have appeared.
pub const MASK: &str = "••••";

/// The secret values of a session. Every text that leaves labrun (screen, log, report) and
/// may hold command output or an HTTP body goes through [`Secrets::mask`].
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Longest first, so a secret that contains another is masked whole.
    values: Vec<String>,
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
        if value.is_empty() || self.values.iter().any(|known| known == value) {
            return;
        }
        self.values.push(value.to_owned());
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
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
        self.values.is_empty()
    }

    /// `text` with every secret value replaced by [`MASK`].
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.values {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), MASK));
            }
        }
        out
    }
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
    fn empty_values_are_ignored() {
        let mut secrets = Secrets::new();
        secrets.add("");
        assert!(secrets.is_empty());
        assert_eq!(secrets.mask("a"), "a");
    }
}
