//! Identity values: each parses, naming its field when it cannot.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// An email address, normalised: trimmed and lowercased. Two spellings of one address are one
/// account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("email", "must be an email address like name@example.com");
        let email = text.trim().to_lowercase();
        if email.is_empty() {
            return Err(FieldError::new("email", "is required"));
        }
        if email.len() > Self::MAX_LEN {
            return Err(FieldError::new("email", "must be at most 254 characters"));
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(email))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password someone chose: 8 to 128 characters. Never serialised, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let chars = text.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(FieldError::new("password", "must be at least 8 characters"));
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::new(
                "password",
                "must be at most 128 characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// A person's name as they write it: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(FieldError::new("name", "is required"));
        }
        if chars > 100 || text.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                "must be at most 100 characters of text",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Customer,
    Support,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        match text.trim() {
            "customer" => Ok(Role::Customer),
            "support" => Ok(Role::Support),
            "admin" => Ok(Role::Admin),
            _ => Err(FieldError::new(
                "role",
                "must be customer, support or admin",
            )),
        }
    }
}

/// A time-ordered UUID (v7), in canonical text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(String);

impl UserId {
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        crate::catalog::ProductId::parse(text)
            .map(|id| Self(id.as_str().to_owned()))
            .map_err(|_| FieldError::new("id", "is not a user id"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the pages know about the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: UserId,
    pub email: Email,
    pub name: PersonName,
    pub role: Role,
}

/// An account as the admin's user list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub account: Account,
    pub disabled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ada.Lovelace@Example.COM ")
                .unwrap()
                .as_str(),
            "ada.lovelace@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused_naming_the_email_field() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@b..com",
            ".a@b.com",
            "a.@b.com",
            "a@-b.com",
            "a@b.com.",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn passwords_must_be_between_8_and_128_characters() {
        assert!(NewPassword::parse("1234567").is_err());
        assert!(NewPassword::parse("12345678").is_ok());
        assert!(NewPassword::parse(&"é".repeat(128)).is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).unwrap_err().field,
            "password"
        );
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = NewPassword::parse("hunter2-secret").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"n".repeat(101)).is_err());
        assert_eq!(PersonName::parse(" Ada ").unwrap().as_str(), "Ada");
    }

    #[test]
    fn roles_round_trip_through_text() {
        for r in [Role::Customer, Role::Support, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("root").is_err());
    }
}
