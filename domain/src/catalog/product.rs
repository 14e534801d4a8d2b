//! Products and the values they are made of. Each value parses; an invalid one cannot exist.

use super::Category;
use crate::time::Timestamp;
use crate::{FieldError, Money};
use serde::{Deserialize, Serialize};

/// A time-ordered UUID (v7), in its canonical lowercase text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductId(String);

impl ProductId {
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        let groups: Vec<&str> = text.split('-').collect();
        let well_formed = groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
        if well_formed {
            Ok(Self(text.to_ascii_lowercase()))
        } else {
            Err(FieldError::new("id", "is not a product id"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The URL name of a product: `a-z`, `0-9` and single inner hyphens, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let ok = !text.is_empty()
            && text.len() <= Self::MAX_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-')
            && !text.contains("--");
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(FieldError::new(
                "slug",
                "must be 1 to 80 lowercase letters, digits and single hyphens",
            ))
        }
    }

    /// Derives a slug from a product name: `"Cast Iron Skillet 12\""` → `cast-iron-skillet-12`.
    /// Letters outside ASCII are dropped; a name with nothing usable gives `product`.
    pub fn from_name(name: &str) -> Self {
        let mut slug = String::with_capacity(name.len());
        for ch in name.chars().flat_map(char::to_lowercase) {
            if ch.is_ascii_alphanumeric() {
                slug.push(ch);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(Self::MAX_LEN);
        let trimmed = slug.trim_end_matches('-');
        if trimmed.is_empty() {
            Self("product".to_owned())
        } else {
            Self(trimmed.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A product's display name: trimmed, 2 to 120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductName(String);

impl ProductName {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        let chars = text.chars().count();
        if !(2..=Self::MAX_CHARS).contains(&chars) {
            return Err(FieldError::new("name", "must be 2 to 120 characters"));
        }
        if text.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProductStatus {
    /// Being prepared; invisible to shoppers.
    Draft,
    /// On sale.
    Active,
    /// Withdrawn; invisible to shoppers but kept for order history.
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        match text.trim() {
            "draft" => Ok(ProductStatus::Draft),
            "active" => Ok(ProductStatus::Active),
            "archived" => Ok(ProductStatus::Archived),
            _ => Err(FieldError::new(
                "status",
                "must be draft, active or archived",
            )),
        }
    }
}

/// At or below this many units a product shows "Only N left".
pub const LOW_STOCK_THRESHOLD: u32 = 5;

/// The most of one product the product page offers to add at once.
pub const MOST_OFFERED_AT_ONCE: u32 = 10;

/// From this stock up every page shows a product the same way (in stock, every quantity
/// offered), so a sale that leaves at least this much changes no page, and the catalog
/// snapshot and cached pages need not hear of it.
pub const STOCK_SHOWN_ALIKE_FROM: u32 = if MOST_OFFERED_AT_ONCE > LOW_STOCK_THRESHOLD {
    MOST_OFFERED_AT_ONCE
} else {
    LOW_STOCK_THRESHOLD + 1
};

/// What a shopper is told about availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockState {
    InStock,
    Low(u32),
    SoldOut,
}

impl StockState {
    pub fn of(stock: u32) -> Self {
        match stock {
            0 => StockState::SoldOut,
            n if n <= LOW_STOCK_THRESHOLD => StockState::Low(n),
            _ => StockState::InStock,
        }
    }

    pub fn label(self) -> String {
        match self {
            StockState::InStock => "In stock".to_owned(),
            StockState::Low(n) => format!("Only {n} left"),
            StockState::SoldOut => "Sold out".to_owned(),
        }
    }

    pub fn is_available(self) -> bool {
        !matches!(self, StockState::SoldOut)
    }

    /// The schema.org availability URL for an `Offer`.
    pub fn schema_org(self) -> &'static str {
        match self {
            StockState::InStock => "https://schema.org/InStock",
            StockState::Low(_) => "https://schema.org/LimitedAvailability",
            StockState::SoldOut => "https://schema.org/OutOfStock",
        }
    }
}

/// A product as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub category: Category,
    /// Site-relative path of the product image, e.g. `/images/demo/x-1a2b3c4d.svg`.
    pub image: String,
    pub stock: u32,
    pub status: ProductStatus,
    /// Featured products lead the default ordering.
    pub featured: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Product {
    pub fn stock_state(&self) -> StockState {
        StockState::of(self.stock)
    }

    /// Whether every page shows `self` and `other` the same way: equal but for stock, and
    /// the stocks equal or both at least [`STOCK_SHOWN_ALIKE_FROM`].
    pub fn shown_alike(&self, other: &Product) -> bool {
        let stock_alike =
            self.stock == other.stock || self.stock.min(other.stock) >= STOCK_SHOWN_ALIKE_FROM;
        stock_alike
            && Product {
                stock: other.stock,
                ..self.clone()
            } == *other
    }

    pub fn card(&self) -> ProductCard {
        ProductCard {
            slug: self.slug.clone(),
            name: self.name.clone(),
            price: self.price,
            category: self.category,
            image: thumbnail_of(&self.image),
            stock_state: self.stock_state(),
        }
    }
}

/// The thumbnail of an image path: uploaded images have one next to the large size
/// (`…-large.jpg` → `…-thumb.jpg`); other images (the demo's SVGs) serve as their own.
pub fn thumbnail_of(image: &str) -> String {
    match image.strip_suffix("-large.jpg") {
        Some(base) => format!("{base}-thumb.jpg"),
        None => image.to_owned(),
    }
}

/// What a grid tile needs: no description, so listing pages stay small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: Slug,
    pub name: String,
    pub price: Money,
    pub category: Category,
    pub image: String,
    pub stock_state: StockState,
}

/// A product page: the product and a few others from its category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub product: Product,
    pub related: Vec<ProductCard>,
}

/// A product to create, every field already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub slug: Slug,
    pub name: ProductName,
    pub description: String,
    pub price: Money,
    pub category: Category,
    pub image: String,
    pub stock: u32,
    pub status: ProductStatus,
    pub featured: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_derived_from_names_in_lowercase_with_single_hyphens() {
        assert_eq!(
            Slug::from_name("Cast Iron Skillet 12\"").as_str(),
            "cast-iron-skillet-12"
        );
        assert_eq!(
            Slug::from_name("  Summit 2-Person   Tent ").as_str(),
            "summit-2-person-tent"
        );
        assert_eq!(
            Slug::from_name("Crème Brûlée Set").as_str(),
            "cr-me-br-l-e-set"
        );
        assert_eq!(Slug::from_name("¿¡!").as_str(), "product");
    }

    #[test]
    fn a_derived_slug_always_parses() {
        for name in ["A", "--x--", "Ünïcode Ōnly", &"long name ".repeat(30)] {
            let slug = Slug::from_name(name);
            assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()), "{name:?}");
        }
    }

    #[test]
    fn malformed_slugs_are_refused() {
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a/b", &"a".repeat(81)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stock_state_is_sold_out_at_zero_low_up_to_the_threshold_and_in_stock_above() {
        assert_eq!(StockState::of(0), StockState::SoldOut);
        assert_eq!(StockState::of(1), StockState::Low(1));
        assert_eq!(StockState::of(LOW_STOCK_THRESHOLD), StockState::Low(5));
        assert_eq!(StockState::of(LOW_STOCK_THRESHOLD + 1), StockState::InStock);
        assert_eq!(StockState::of(3).label(), "Only 3 left");
        assert_eq!(StockState::of(0).label(), "Sold out");
        assert_eq!(StockState::of(40).label(), "In stock");
    }

    #[test]
    fn products_are_shown_alike_when_only_a_plentiful_stock_differs() {
        let product = Product {
            id: ProductId::generate(),
            slug: Slug::from_name("Lamp"),
            name: "Lamp".into(),
            description: "Bright.".into(),
            price: Money::new(1_000, crate::Currency::Usd).unwrap(),
            category: Category::Outdoor,
            image: "/images/lamp.svg".into(),
            stock: 40,
            status: ProductStatus::Active,
            featured: false,
            created_at: Timestamp(1),
            updated_at: Timestamp(1),
        };
        let with = |stock| Product {
            stock,
            ..product.clone()
        };
        assert!(product.shown_alike(&with(STOCK_SHOWN_ALIKE_FROM)));
        assert!(with(3).shown_alike(&with(3)));
        assert!(!product.shown_alike(&with(STOCK_SHOWN_ALIKE_FROM - 1)));
        assert!(!with(0).shown_alike(&with(1)));
        let renamed = Product {
            name: "Desk lamp".into(),
            ..product.clone()
        };
        assert!(!product.shown_alike(&renamed));
    }

    #[test]
    fn product_ids_parse_only_in_uuid_form() {
        assert!(ProductId::parse("01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f").is_ok());
        for bad in [
            "",
            "123",
            "01936b2e7c4a7b3e9f1d2a4b6c8d0e1f",
            "zz936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f",
        ] {
            assert!(ProductId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn product_names_are_trimmed_and_bounded() {
        assert_eq!(ProductName::parse("  Tent ").unwrap().as_str(), "Tent");
        assert!(ProductName::parse("x").is_err());
        assert!(ProductName::parse(&"x".repeat(121)).is_err());
        assert!(ProductName::parse("bad\u{0}name").is_err());
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for s in [
            ProductStatus::Draft,
            ProductStatus::Active,
            ProductStatus::Archived,
        ] {
            assert_eq!(ProductStatus::parse(s.as_str()), Ok(s));
        }
        assert!(ProductStatus::parse("deleted").is_err());
    }
}
