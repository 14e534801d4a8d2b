//! API tokens: how scripts, ERPs and apps call the REST API as one account.
//!
//! A token is `cmk_` and 64 hex digits (256 random bits), shown once when it is created; only
//! its SHA-256 is stored, as for sessions. Each has a name, a scope and an expiry, and is
//! listed with when it was last used. The scope limits what the account may do through it:
//! `read` only reads, `read-write` also writes, and only `admin` (which only an admin can
//! create) lets an admin's token act as admin.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// What a token may do on behalf of its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenScope {
    /// Reads only: the catalog, the account's cart and orders.
    Read,
    /// Reads and the account's own writes: cart, checkout, cancelling an order.
    ReadWrite,
    /// Everything the account's role allows: the support desk for support agents, the desk
    /// and the console for admins.
    Admin,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::ReadWrite, TokenScope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::ReadWrite => "read-write",
            TokenScope::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "Read only",
            TokenScope::ReadWrite => "Read and write",
            TokenScope::Admin => "Staff (desk and console)",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        TokenScope::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| FieldError::new("scope", "must be one of read, read-write, admin"))
    }

    /// Whether an account with `role` may make a token of this scope: the `admin` scope is
    /// for staff (support agents and admins), and grants only what their role allows.
    pub fn allowed_for(self, role: super::Role) -> bool {
        self != TokenScope::Admin || matches!(role, super::Role::Support | super::Role::Admin)
    }

    /// Whether requests that change something are allowed.
    pub fn writes(self) -> bool {
        self != TokenScope::Read
    }
}

/// A token's name, so its owner knows which script holds it: 1 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenName(String);

impl TokenName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let name = text.trim();
        if name.is_empty() {
            return Err(FieldError::new("name", "is required"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new("name", "must be at most 60 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A token to create, parsed: every field's error is reported, not only the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: TokenName,
    pub scope: TokenScope,
    /// Days until it expires, 1 to [`NewApiToken::MAX_DAYS`].
    pub days: u16,
}

impl NewApiToken {
    pub const DEFAULT_DAYS: u16 = 90;
    pub const MAX_DAYS: u16 = 365;

    pub fn parse(name: &str, scope: &str, days: &str) -> Result<Self, Vec<FieldError>> {
        let days = match days.trim() {
            "" => Ok(Self::DEFAULT_DAYS),
            text => text
                .parse::<u16>()
                .ok()
                .filter(|d| (1..=Self::MAX_DAYS).contains(d))
                .ok_or_else(|| FieldError::new("days", "must be a whole number from 1 to 365")),
        };
        match (TokenName::parse(name), TokenScope::parse(scope), days) {
            (Ok(name), Ok(scope), Ok(days)) => Ok(Self { name, scope, days }),
            (name, scope, days) => Err([name.err(), scope.err(), days.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

/// A token as its owner sees it in the list: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSummary {
    /// The token's public id, for revoking it.
    pub id: String,
    pub name: TokenName,
    pub scope: TokenScope,
    /// The secret's first characters (`cmk_1a2b`), to tell tokens apart.
    pub hint: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub expires_at: i64,
    /// `None` until it is first used; kept to within a few minutes.
    pub last_used_at: Option<i64>,
}

impl TokenSummary {
    /// Whether the token has expired at `now` (Unix milliseconds).
    pub fn expired_at(&self, now: i64) -> bool {
        self.expires_at <= now
    }
}

#[cfg(feature = "ssr")]
pub use secret::ApiToken;

#[cfg(feature = "ssr")]
mod secret {
    use sha2::{Digest, Sha256};

    const PREFIX: &str = "cmk_";
    const HEX_DIGITS: usize = 64;

    /// A token's secret. Never logged; only its [`ApiToken::storage_key`] is stored.
    #[derive(Clone, PartialEq, Eq)]
    pub struct ApiToken(String);

    impl ApiToken {
        pub fn generate() -> Self {
            Self(format!(
                "{PREFIX}{}",
                hex::encode(crate::random::bytes::<32>())
            ))
        }

        /// A token as a client sent it; anything without the token's shape is no token.
        pub fn parse(text: &str) -> Option<Self> {
            let digits = text.strip_prefix(PREFIX)?;
            (digits.len() == HEX_DIGITS && digits.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| Self(format!("{PREFIX}{}", digits.to_ascii_lowercase())))
        }

        /// From an `Authorization` header value: `Bearer <token>` (the scheme in any case).
        pub fn from_authorization(value: &str) -> Option<Self> {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| Self::parse(token.trim()))?
        }

        /// The secret, to show its owner once.
        pub fn expose(&self) -> &str {
            &self.0
        }

        /// The first characters, shown in lists.
        pub fn hint(&self) -> String {
            self.0[..PREFIX.len() + 4].to_owned()
        }

        /// The key the token is stored under.
        pub fn storage_key(&self) -> String {
            hex::encode(Sha256::digest(self.0.as_bytes()))
        }
    }

    impl std::fmt::Debug for ApiToken {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("ApiToken(<redacted>)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_token_is_parsed_with_every_field_error_named() {
        let token = NewApiToken::parse(" ERP sync ", "read-write", "30").unwrap();
        assert_eq!(token.name.as_str(), "ERP sync");
        assert_eq!(token.scope, TokenScope::ReadWrite);
        assert_eq!(token.days, 30);
        assert_eq!(
            NewApiToken::parse("x", "read", "").unwrap().days,
            NewApiToken::DEFAULT_DAYS
        );
        let errors = NewApiToken::parse("", "everything", "0").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "scope", "days"]);
        for days in ["366", "-1", "1.5", "many"] {
            assert!(NewApiToken::parse("x", "read", days).is_err(), "{days}");
        }
        assert!(NewApiToken::parse(&"n".repeat(61), "read", "1").is_err());
    }

    #[test]
    fn only_a_read_token_is_refused_writes() {
        assert!(!TokenScope::Read.writes());
        assert!(TokenScope::ReadWrite.writes() && TokenScope::Admin.writes());
        for scope in TokenScope::ALL {
            assert_eq!(TokenScope::parse(scope.as_str()), Ok(scope));
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_token_is_read_from_a_bearer_header_and_must_have_its_shape() {
        let token = ApiToken::generate();
        assert!(token.expose().starts_with("cmk_") && token.expose().len() == 68);
        let header = format!("Bearer {}", token.expose());
        assert_eq!(ApiToken::from_authorization(&header), Some(token.clone()));
        let lower = format!(
            "bearer  {}",
            token.expose().to_uppercase().replace("CMK_", "cmk_")
        );
        assert_eq!(ApiToken::from_authorization(&lower), Some(token.clone()));
        for bad in [
            token.expose().to_owned(),
            format!("Basic {}", token.expose()),
            "Bearer cmk_123".to_owned(),
            format!("Bearer {}", &token.expose()[4..]),
        ] {
            assert!(ApiToken::from_authorization(&bad).is_none(), "{bad}");
        }
        assert_ne!(token.storage_key(), token.expose());
        assert_eq!(token.hint(), token.expose()[..8]);
    }
}
