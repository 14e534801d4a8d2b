//! Session tokens: 256 random bits, given to the browser in an HttpOnly cookie. Only their
//! SHA-256 is stored, so a copy of the table does not let anyone sign in.

use sha2::{Digest, Sha256};

#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn generate() -> Self {
        Self(hex::encode(crate::random::bytes::<32>()))
    }

    /// A token from a cookie; anything that is not 64 hex digits is no token.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the session is stored under.
    pub(super) fn storage_key(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_unique() {
        let a = SessionToken::generate();
        assert_eq!(a.as_str().len(), 64);
        assert_ne!(a, SessionToken::generate());
        assert_eq!(SessionToken::parse(a.as_str()), Some(a));
    }

    #[test]
    fn malformed_cookie_values_are_no_token() {
        for bad in ["", "abc", &"z".repeat(64), &"a".repeat(65)] {
            assert!(SessionToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn the_stored_key_is_not_the_token() {
        let t = SessionToken::generate();
        assert_ne!(t.storage_key(), t.as_str());
        assert_eq!(t.storage_key().len(), 64);
    }
}
