//! A customer's profile: the name to address them by, a phone number for the courier, and the
//! address checkout starts from.

use super::PersonName;
use crate::address::ShippingAddress;
use crate::FieldError;
use serde::{Deserialize, Serialize};

/// A phone number as people write it: digits with spaces, dashes, dots or brackets between
/// them and an optional leading `+`; 6 to 15 digits (E.164 allows at most 15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub const MAX_CHARS: usize = 24;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        let invalid = || {
            FieldError::new(
                "phone",
                "must be a phone number of 6 to 15 digits, like +1 555 010 1234",
            )
        };
        if text.chars().count() > Self::MAX_CHARS {
            return Err(invalid());
        }
        let body = text.strip_prefix('+').unwrap_or(text);
        let allowed = body
            .chars()
            .all(|c| c.is_ascii_digit() || " -.()".contains(c));
        let digits = body.chars().filter(char::is_ascii_digit).count();
        if allowed && (6..=15).contains(&digits) {
            Ok(Self(text.to_owned()))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a customer keeps in their profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: PersonName,
    pub phone: Option<Phone>,
    /// The default shipping address; its name is the profile's name.
    pub address: Option<ShippingAddress>,
}

/// The profile form's fields as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFields {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
}

impl Profile {
    /// Parses the form, reporting every bad field. Leaving every address field empty means
    /// "no default address"; filling any of them asks for a whole address.
    pub fn parse(f: &ProfileFields) -> Result<Self, Vec<FieldError>> {
        let name = PersonName::parse(&f.name);
        let phone = match f.phone.trim() {
            "" => Ok(None),
            text => Phone::parse(text).map(Some),
        };
        let address_fields = [&f.line1, &f.line2, &f.city, &f.postal_code, &f.country];
        let address = if address_fields.iter().all(|v| v.trim().is_empty()) {
            Ok(None)
        } else {
            ShippingAddress::parse(
                &f.name,
                &f.line1,
                &f.line2,
                &f.city,
                &f.postal_code,
                &f.country,
            )
            .map(Some)
        };
        match (name, phone, address) {
            (Ok(name), Ok(phone), Ok(address)) => Ok(Self {
                name,
                phone,
                address,
            }),
            (name, phone, address) => {
                let mut errors: Vec<FieldError> =
                    name.err().into_iter().chain(phone.err()).collect();
                // The address repeats the name's check; report it once.
                errors.extend(
                    address
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|e| e.field != "name"),
                );
                Err(errors)
            }
        }
    }

    /// The form's fields filled from this profile.
    pub fn fields(&self) -> ProfileFields {
        let a = self.address.as_ref();
        let part = |get: fn(&ShippingAddress) -> &str| a.map(get).unwrap_or("").to_owned();
        ProfileFields {
            name: self.name.as_str().to_owned(),
            phone: self
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            line1: part(|a| &a.line1),
            line2: part(|a| &a.line2),
            city: part(|a| &a.city),
            postal_code: part(|a| &a.postal_code),
            country: part(|a| &a.country),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ProfileFields {
        ProfileFields {
            name: "Ada Lovelace".into(),
            phone: "+44 20 7946 0958".into(),
            line1: "12 St James's Square".into(),
            line2: String::new(),
            city: "London".into(),
            postal_code: "SW1Y 4LB".into(),
            country: "United Kingdom".into(),
        }
    }

    #[test]
    fn phones_allow_separators_and_a_leading_plus_and_count_digits() {
        assert!(Phone::parse("+1 (555) 010-1234").is_ok());
        assert!(Phone::parse("020.7946.0958").is_ok());
        assert!(Phone::parse("12345").is_err(), "too few digits");
        assert!(
            Phone::parse("+1234567890123456").is_err(),
            "more than 15 digits"
        );
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("++44 20").is_err());
    }

    #[test]
    fn a_full_profile_parses_and_fills_the_form_back() {
        let profile = Profile::parse(&fields()).unwrap();
        assert_eq!(profile.address.as_ref().unwrap().city, "London");
        assert_eq!(profile.fields(), fields());
    }

    #[test]
    fn an_empty_address_means_no_default_address_and_an_empty_phone_none() {
        let f = ProfileFields {
            name: "Ada".into(),
            ..Default::default()
        };
        let profile = Profile::parse(&f).unwrap();
        assert_eq!(profile.address, None);
        assert_eq!(profile.phone, None);
    }

    #[test]
    fn a_partial_address_asks_for_the_missing_fields_and_reports_a_bad_name_once() {
        let f = ProfileFields {
            name: String::new(),
            phone: "nope".into(),
            line1: "1 Main St".into(),
            ..Default::default()
        };
        let errors = Profile::parse(&f).unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["name", "phone", "city", "postal_code", "country"]);
    }
}
