//! What the admin's product form and stock form submit, and the rules that parse them.
//! Shared with the browser so the form can be prefilled from a product.

use super::{Category, Product, ProductName, ProductStatus, Slug};
use crate::{Currency, FieldError, Money};
use serde::{Deserialize, Serialize};

/// The longest description kept, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// The largest stock a product may hold.
pub const MAX_STOCK: u32 = 1_000_000;

/// The product form as typed. Every field is text; [`ProductFields::parse`] makes it a
/// [`ProductDraft`] or says what is wrong with each field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFields {
    pub name: String,
    /// Empty: derived from the name.
    pub slug: String,
    pub description: String,
    pub price: String,
    pub category: String,
    pub status: String,
    /// `"on"` when ticked (what a checkbox sends).
    pub featured: Option<String>,
}

impl ProductFields {
    /// The form prefilled with a stored product.
    pub fn of(product: &Product) -> Self {
        Self {
            name: product.name.clone(),
            slug: product.slug.as_str().to_owned(),
            description: product.description.clone(),
            price: product.price.decimal(),
            category: product.category.slug().to_owned(),
            status: product.status.as_str().to_owned(),
            featured: product.featured.then(|| "on".to_owned()),
        }
    }

    /// Parses every field, collecting all the errors rather than stopping at the first.
    pub fn parse(&self) -> Result<ProductDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |e: FieldError| errors.push(e);
        let name = ProductName::parse(&self.name).map_err(&mut keep).ok();
        let slug = match self.slug.trim() {
            "" => name.as_ref().map(|n| Slug::from_name(n.as_str())),
            text => Slug::parse(text).map_err(&mut keep).ok(),
        };
        let description = self.description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            keep(FieldError::new(
                "description",
                "must be at most 5,000 characters",
            ));
        }
        if description
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            keep(FieldError::new(
                "description",
                "must not contain control characters",
            ));
        }
        let price = parse_price(&self.price).map_err(&mut keep).ok();
        let category = Category::parse(&self.category)
            .map_err(|_| FieldError::new("category", "choose a category"))
            .map_err(&mut keep)
            .ok();
        let status = ProductStatus::parse(&self.status).map_err(&mut keep).ok();
        let featured = match self.featured.as_deref() {
            None | Some("") => Some(false),
            Some("on" | "true") => Some(true),
            Some(_) => {
                keep(FieldError::new("featured", "must be ticked or not"));
                None
            }
        };
        match (name, slug, price, category, status, featured) {
            (Some(name), Some(slug), Some(price), Some(category), Some(status), Some(featured))
                if errors.is_empty() =>
            {
                Ok(ProductDraft {
                    name,
                    slug,
                    description: description.to_owned(),
                    price,
                    category,
                    status,
                    featured,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A price as an admin types it, in the shop's currency.
pub fn parse_price(text: &str) -> Result<Money, FieldError> {
    if text.trim().starts_with('-') {
        return Err(FieldError::new("price", "must not be negative"));
    }
    Money::parse_decimal(text, Currency::Usd)
}

/// A product's editable fields, every one parsed. Stock is not among them: it changes only
/// through [`StockChange`], so an edit can never undo a sale.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductDraft {
    pub name: ProductName,
    pub slug: Slug,
    pub description: String,
    pub price: Money,
    pub category: Category,
    pub status: ProductStatus,
    pub featured: bool,
}

impl ProductDraft {
    /// `product` with this draft's fields (its id, stock, image and times stay).
    pub fn applied_to(self, product: &Product) -> Product {
        Product {
            slug: self.slug,
            name: self.name.as_str().to_owned(),
            description: self.description,
            price: self.price,
            category: self.category,
            status: self.status,
            featured: self.featured,
            ..product.clone()
        }
    }
}

/// A stock adjustment: an absolute count, or units added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockChange {
    Set(u32),
    Delta(i32),
}

impl StockChange {
    /// Parses the stock form: `mode` is `set` or `delta`; `amount` a whole number (a delta may
    /// be signed, `+5` or `-3`).
    pub fn parse(mode: &str, amount: &str) -> Result<Self, FieldError> {
        let amount = amount.trim();
        match mode.trim() {
            "set" => {
                if amount.starts_with('-') {
                    return Err(FieldError::new("amount", "stock cannot be negative"));
                }
                match amount.parse::<u32>() {
                    Ok(n) if n <= MAX_STOCK => Ok(StockChange::Set(n)),
                    _ => Err(FieldError::new(
                        "amount",
                        "must be a whole number from 0 to 1,000,000",
                    )),
                }
            }
            "delta" => match amount.trim_start_matches('+').parse::<i32>() {
                Ok(0) => Err(FieldError::new("amount", "must not be zero")),
                Ok(n) if n.unsigned_abs() <= MAX_STOCK => Ok(StockChange::Delta(n)),
                _ => Err(FieldError::new(
                    "amount",
                    "must be a whole number like +5 or -3",
                )),
            },
            _ => Err(FieldError::new("mode", "must be set or delta")),
        }
    }

    /// The stock after this change to `stock`, or why it cannot apply.
    pub fn apply(self, stock: u32) -> Result<u32, FieldError> {
        let after = match self {
            StockChange::Set(n) => i64::from(n),
            StockChange::Delta(d) => i64::from(stock) + i64::from(d),
        };
        if after < 0 {
            return Err(FieldError::new(
                "amount",
                format!("would leave {after} in stock; there are only {stock}"),
            ));
        }
        u32::try_from(after)
            .ok()
            .filter(|n| *n <= MAX_STOCK)
            .ok_or_else(|| FieldError::new("amount", "would leave more than 1,000,000 in stock"))
    }
}

/// Parses the reason given for a stock change: required, one line, at most 200 characters.
pub fn parse_reason(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new("reason", "say why the stock changes"));
    }
    if text.chars().count() > 200 || text.chars().any(char::is_control) {
        return Err(FieldError::new(
            "reason",
            "must be one line of at most 200 characters",
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ProductFields {
        ProductFields {
            name: "Trail Lantern".into(),
            slug: String::new(),
            description: "Bright.".into(),
            price: "24.50".into(),
            category: "outdoor".into(),
            status: "draft".into(),
            featured: None,
        }
    }

    #[test]
    fn a_complete_form_parses_and_derives_the_slug_from_the_name() {
        let draft = fields().parse().unwrap();
        assert_eq!(draft.slug.as_str(), "trail-lantern");
        assert_eq!(draft.price.cents(), 2450);
        assert_eq!(draft.status, ProductStatus::Draft);
        assert!(!draft.featured);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = ProductFields {
            name: "x".into(),
            slug: "Bad Slug".into(),
            description: "ok".into(),
            price: "-3".into(),
            category: "weapons".into(),
            status: "deleted".into(),
            featured: Some("maybe".into()),
        };
        let errors = bad.parse().unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            named,
            ["name", "slug", "price", "category", "status", "featured"]
        );
        assert_eq!(errors[2].message, "must not be negative");
    }

    #[test]
    fn a_stored_product_round_trips_through_the_form() {
        let draft = fields().parse().unwrap();
        let product = Product {
            id: super::super::ProductId::parse("01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f").unwrap(),
            slug: draft.slug.clone(),
            name: draft.name.as_str().to_owned(),
            description: draft.description.clone(),
            price: draft.price,
            category: draft.category,
            image: String::new(),
            stock: 3,
            status: draft.status,
            featured: true,
            created_at: crate::time::Timestamp(0),
            updated_at: crate::time::Timestamp(0),
        };
        let again = ProductFields::of(&product).parse().unwrap();
        assert_eq!(again.price, product.price);
        assert_eq!(again.slug, product.slug);
        assert!(again.featured);
    }

    #[test]
    fn stock_can_be_set_or_moved_but_never_below_zero() {
        assert_eq!(StockChange::parse("set", "12"), Ok(StockChange::Set(12)));
        assert_eq!(StockChange::parse("delta", "+5"), Ok(StockChange::Delta(5)));
        assert_eq!(
            StockChange::parse("delta", "-3"),
            Ok(StockChange::Delta(-3))
        );
        assert_eq!(StockChange::Delta(-3).apply(10), Ok(7));
        assert_eq!(StockChange::Set(4).apply(10), Ok(4));
        assert!(StockChange::Delta(-11).apply(10).is_err());
        for (mode, amount) in [
            ("set", "-1"),
            ("set", "1.5"),
            ("set", "2000000"),
            ("delta", "0"),
            ("delta", "lots"),
            ("add", "1"),
        ] {
            assert!(StockChange::parse(mode, amount).is_err(), "{mode} {amount}");
        }
    }

    #[test]
    fn a_stock_reason_is_required_and_one_line() {
        assert_eq!(parse_reason("  recount "), Ok("recount".to_owned()));
        assert!(parse_reason(" ").is_err());
        assert!(parse_reason("a\nb").is_err());
    }
}
