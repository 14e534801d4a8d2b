//! The shop's departments. A closed set: the menu, the filter and the admin form list them.

use crate::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    Electronics,
    HomeKitchen,
    Outdoor,
    Books,
    Fashion,
    Beauty,
    Toys,
    Sports,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Electronics,
        Category::HomeKitchen,
        Category::Outdoor,
        Category::Books,
        Category::Fashion,
        Category::Beauty,
        Category::Toys,
        Category::Sports,
    ];

    /// The stable identifier used in URLs and in the store.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Electronics => "electronics",
            Category::HomeKitchen => "home-kitchen",
            Category::Outdoor => "outdoor",
            Category::Books => "books",
            Category::Fashion => "fashion",
            Category::Beauty => "beauty",
            Category::Toys => "toys",
            Category::Sports => "sports",
        }
    }

    /// The name shoppers read.
    pub fn label(self) -> &'static str {
        match self {
            Category::Electronics => "Electronics",
            Category::HomeKitchen => "Home & Kitchen",
            Category::Outdoor => "Outdoor",
            Category::Books => "Books",
            Category::Fashion => "Fashion",
            Category::Beauty => "Beauty",
            Category::Toys => "Toys & Games",
            Category::Sports => "Sports",
        }
    }

    pub fn parse(slug: &str) -> Result<Self, FieldError> {
        Category::ALL
            .into_iter()
            .find(|c| c.slug() == slug.trim())
            .ok_or_else(|| FieldError::new("category", "is not one of the shop's categories"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_parses_back_from_its_slug() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.slug()), Ok(c));
        }
    }

    #[test]
    fn an_unknown_category_is_refused_naming_the_field() {
        assert_eq!(Category::parse("weapons").unwrap_err().field, "category");
    }
}
