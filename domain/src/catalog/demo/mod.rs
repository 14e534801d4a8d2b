//! The demo shop: a believable catalog, its generated images, and idempotent seeding.
//!
//! Images are SVGs drawn from each product's name and category, so nothing is fetched at run
//! time. They are committed under `public/images/demo/` with a content hash in their names
//! (`server demo-images` writes them; a test proves the committed files match).

mod data;
mod image;

use super::{CatalogError, CatalogService, Category, NewProduct, ProductName, ProductStatus, Slug};
use crate::time::Timestamp;
use crate::{Currency, Money};

pub use image::{content_hash, svg};

/// One product of the demo catalog, as written in `data.rs`.
#[derive(Debug, Clone, Copy)]
pub struct DemoProduct {
    pub name: &'static str,
    pub category: Category,
    pub price_cents: i64,
    pub stock: u32,
    pub featured: bool,
    pub description: &'static str,
}

/// Where the committed demo images live, relative to the site root.
pub const IMAGE_URL_DIR: &str = "/images/demo";

impl DemoProduct {
    pub fn slug(&self) -> Slug {
        Slug::from_name(self.name)
    }

    /// The image's file name: slug plus the first 8 hex digits of its content hash.
    pub fn image_file_name(&self) -> String {
        let svg = svg(self);
        format!(
            "{}-{}.svg",
            self.slug().as_str(),
            &content_hash(svg.as_bytes())[..8]
        )
    }

    pub fn to_new_product(&self) -> Result<NewProduct, CatalogError> {
        Ok(NewProduct {
            slug: self.slug(),
            name: ProductName::parse(self.name)?,
            description: self.description.to_owned(),
            price: Money::new(self.price_cents, Currency::Usd)?,
            category: self.category,
            image: format!("{IMAGE_URL_DIR}/{}", self.image_file_name()),
            stock: self.stock,
            status: ProductStatus::Active,
            featured: self.featured,
        })
    }
}

/// The demo catalog.
pub fn products() -> &'static [DemoProduct] {
    data::DEMO_PRODUCTS
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub created: usize,
    /// The store had been seeded before; nothing was written.
    pub already_seeded: bool,
}

/// Seeds the demo catalog once. A second run, or a run after an interrupted one, creates only
/// what is missing (slugs are unique by condition) and then marks the store as seeded.
#[tracing::instrument(name = "catalog.seed_demo", skip_all)]
pub async fn seed(catalog: &CatalogService) -> Result<SeedReport, CatalogError> {
    if catalog.table().demo_seeded().await? {
        return Ok(SeedReport {
            created: 0,
            already_seeded: true,
        });
    }
    let now = Timestamp::now().millis();
    let count = products().len() as i64;
    let mut created = 0;
    for (i, demo) in products().iter().enumerate() {
        // Spread creation an hour apart, the first listed the oldest, so "Newest" is stable.
        let created_at = Timestamp(now - (count - i as i64) * 3_600_000);
        match catalog.create_at(demo.to_new_product()?, created_at).await {
            Ok(_) => created += 1,
            Err(CatalogError::SlugTaken(_)) => {}
            Err(e) => return Err(e),
        }
    }
    catalog.table().mark_demo_seeded(Timestamp::now()).await?;
    Ok(SeedReport {
        created,
        already_seeded: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_demo_catalog_has_at_least_sixty_products_in_at_least_six_categories() {
        assert!(products().len() >= 60);
        let categories: HashSet<Category> = products().iter().map(|p| p.category).collect();
        assert!(categories.len() >= 6);
    }

    #[test]
    fn every_demo_product_parses_into_a_new_product_with_a_unique_slug() {
        let mut slugs = HashSet::new();
        for p in products() {
            let new = p.to_new_product().unwrap();
            assert!(
                slugs.insert(new.slug.as_str().to_owned()),
                "duplicate {}",
                p.name
            );
        }
    }

    #[test]
    fn the_demo_catalog_has_a_sold_out_product_and_a_few_low_in_stock() {
        let sold_out = products().iter().filter(|p| p.stock == 0).count();
        let low = products()
            .iter()
            .filter(|p| (1..=crate::catalog::LOW_STOCK_THRESHOLD).contains(&p.stock))
            .count();
        assert_eq!(sold_out, 1);
        assert!(low >= 3, "{low} low-stock products");
    }

    #[test]
    fn the_committed_demo_images_are_exactly_what_the_generator_draws() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/images/demo");
        let mut expected = HashSet::new();
        for p in products() {
            let name = p.image_file_name();
            let committed = std::fs::read_to_string(dir.join(&name))
                .unwrap_or_else(|e| panic!("{name}: {e}; run `make demo-images`"));
            assert_eq!(committed, svg(p), "{name} is stale; run `make demo-images`");
            expected.insert(name);
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                expected.contains(&name),
                "{name} is not a demo image; remove it"
            );
        }
    }
}
