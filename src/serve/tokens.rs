//! Tokens: random, shown once, stored only as hashes, compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A new token: 32 random bytes from the operating system, as 64 hex digits.
pub(super) fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)?;
    Ok(hex(&bytes))
}

/// A shorter code people type (the class code): 10 characters of an alphabet with no
/// look-alikes (no 0/O, 1/l/I), about 50 bits.
pub(super) fn generate_code() -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut bytes = [0u8; 10];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// What the store keeps of a token: its SHA-256, hex. A token is random and long, so a plain
/// hash is enough (no salt or slow hash: there is no dictionary to try).
pub(super) fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `token` hashes to `stored`, in time that does not depend on where they differ.
pub(super) fn matches(token: &str, stored: &str) -> bool {
    hash(token).as_bytes().ct_eq(stored.as_bytes()).into()
}

use crate::text::hex;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_checked_against_their_hash_only() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        let stored = hash(&a);
        assert_ne!(stored, a);
        assert!(matches(&a, &stored));
        assert!(!matches(&b, &stored));
        assert!(!matches("", &stored));
        let code = generate_code().unwrap();
        assert_eq!(code.len(), 10);
        assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
    }
}
