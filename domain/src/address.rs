//! A postal address: where an order goes, and the default a customer keeps in their profile.

use crate::identity::PersonName;
use crate::FieldError;
use serde::{Deserialize, Serialize};

/// Where an order goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    pub name: PersonName,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
}

fn bounded(field: &str, text: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars < min {
        return Err(FieldError::new(field, "is required"));
    }
    if chars > max || text.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters of text"),
        ));
    }
    Ok(text.to_owned())
}

impl ShippingAddress {
    /// Parses the address fields, reporting every bad one.
    pub fn parse(
        name: &str,
        line1: &str,
        line2: &str,
        city: &str,
        postal_code: &str,
        country: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let name = PersonName::parse(name);
        let line1 = bounded("line1", line1, 1, 120);
        let line2 = bounded("line2", line2, 0, 120);
        let city = bounded("city", city, 1, 80);
        let postal_code = bounded("postal_code", postal_code, 1, 16);
        let country = bounded("country", country, 2, 56);
        match (name, line1, line2, city, postal_code, country) {
            (Ok(name), Ok(line1), Ok(line2), Ok(city), Ok(postal_code), Ok(country)) => Ok(Self {
                name,
                line1,
                line2,
                city,
                postal_code,
                country,
            }),
            (a, b, c, d, e, f) => Err([a.err(), b.err(), c.err(), d.err(), e.err(), f.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}
