//! The catalog service: the only code that writes products, and the in-memory snapshot that
//! every storefront read is served from.
//!
//! Freshness guarantee: a write through this service is visible to this process's readers as
//! soon as the write returns. Writes by other replicas are picked up by [`CatalogService::
//! keep_fresh`], which polls the catalog's change counter (one small `GetItem`) every
//! couple of seconds and reloads on change; every [`FULL_RELOAD_EVERY`] polls it reloads
//! regardless, which bounds the lag of an eventually consistent index read. Rendering a
//! storefront page never calls DynamoDB.

use super::search::SearchDoc;
use super::table::{ProductCursor, ProductTable};
use super::{
    browse, CatalogError, CatalogPage, CatalogQuery, Category, NewProduct, Product, ProductDetail,
    ProductId, ProductStatus, Slug,
};
use crate::audit::AuditLog;
use crate::store::Store;
use crate::time::Timestamp;
use crate::worker::{Outage, StopSignal};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Polls between unconditional reloads.
pub const FULL_RELOAD_EVERY: u32 = 30;

/// How many related products a product page shows.
const RELATED: usize = 4;

/// The active catalog at one moment, indexed for browsing.
#[derive(Debug)]
pub struct CatalogSnapshot {
    /// Changes whenever the snapshot changes; caches of rendered pages key on it.
    pub generation: u64,
    /// The store's change counter this snapshot reflects, `None` after a local write until
    /// the next reload confirms it.
    store_version: Option<u64>,
    products: Vec<Product>,
    docs: Vec<SearchDoc>,
    by_slug: HashMap<String, usize>,
}

impl CatalogSnapshot {
    fn new(generation: u64, store_version: Option<u64>, mut products: Vec<Product>) -> Self {
        products.retain(|p| p.status == ProductStatus::Active);
        products.sort_by(|a, b| a.id.cmp(&b.id));
        let docs = products.iter().map(SearchDoc::of).collect();
        let by_slug = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.as_str().to_owned(), i))
            .collect();
        Self {
            generation,
            store_version,
            products,
            docs,
            by_slug,
        }
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }
}

/// A product URL for the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub slug: String,
    pub updated: Timestamp,
}

/// The product a [`NewProduct`] becomes: a fresh time-ordered id, created and updated `at`.
pub(super) fn stored_product(new: NewProduct, at: Timestamp) -> Product {
    Product {
        id: ProductId::generate(),
        slug: new.slug,
        name: new.name.as_str().to_owned(),
        description: new.description,
        price: new.price,
        category: new.category,
        image: new.image,
        stock: new.stock,
        status: new.status,
        featured: new.featured,
        created_at: at,
        updated_at: at,
    }
}

pub struct CatalogService {
    pub(super) table: ProductTable,
    pub(super) audit: AuditLog,
    snapshot: RwLock<Arc<CatalogSnapshot>>,
    generations: AtomicU64,
    reload: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for CatalogService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogService")
            .field("generation", &self.snapshot().generation)
            .finish_non_exhaustive()
    }
}

impl CatalogService {
    /// Loads the active catalog. Fails when the store cannot be read.
    #[tracing::instrument(name = "catalog.load", skip_all)]
    pub async fn load(store: Store) -> Result<Arc<Self>, CatalogError> {
        let service = Arc::new(Self {
            table: ProductTable::new(store.clone()),
            audit: AuditLog::new(store),
            snapshot: RwLock::new(Arc::new(CatalogSnapshot::new(0, None, Vec::new()))),
            generations: AtomicU64::new(0),
            reload: tokio::sync::Mutex::new(()),
        });
        service.reload().await?;
        Ok(service)
    }

    /// The current snapshot; cheap (one `Arc` clone).
    pub fn snapshot(&self) -> Arc<CatalogSnapshot> {
        match self.snapshot.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn generation(&self) -> u64 {
        self.snapshot().generation
    }

    fn install(&self, store_version: Option<u64>, products: Vec<Product>) {
        let generation = self.generations.fetch_add(1, Ordering::SeqCst) + 1;
        let next = Arc::new(CatalogSnapshot::new(generation, store_version, products));
        match self.snapshot.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    /// A page of the storefront listing. No I/O.
    pub fn page(&self, query: &CatalogQuery) -> CatalogPage {
        let snap = self.snapshot();
        browse(&snap.products, &snap.docs, query)
    }

    /// An active product by slug, with related products from its category. No I/O.
    pub fn detail(&self, slug: &str) -> Option<ProductDetail> {
        let snap = self.snapshot();
        let product = snap.products.get(*snap.by_slug.get(slug)?)?.clone();
        let query = CatalogQuery {
            category: Some(product.category),
            page: 1,
            ..Default::default()
        };
        let related = browse(&snap.products, &snap.docs, &query)
            .items
            .into_iter()
            .filter(|c| c.slug != product.slug)
            .take(RELATED)
            .collect();
        Some(ProductDetail { product, related })
    }

    /// An active product by id. No I/O.
    pub fn active_product(&self, id: &ProductId) -> Option<Product> {
        let snap = self.snapshot();
        let i = snap.products.binary_search_by(|p| p.id.cmp(id)).ok()?;
        snap.products.get(i).cloned()
    }

    /// Active products at or below the low-stock threshold, fewest first (from the snapshot).
    pub fn low_stock(&self, limit: usize) -> Vec<Product> {
        let snapshot = self.snapshot();
        let mut low: Vec<Product> = snapshot
            .products()
            .iter()
            .filter(|p| p.stock <= super::LOW_STOCK_THRESHOLD)
            .cloned()
            .collect();
        low.sort_by(|a, b| {
            a.stock
                .cmp(&b.stock)
                .then_with(|| a.name.as_str().cmp(b.name.as_str()))
        });
        low.truncate(limit);
        low
    }

    /// Every active product, for the sitemap. No I/O.
    pub fn sitemap(&self) -> Vec<SitemapEntry> {
        let snap = self.snapshot();
        let mut entries: Vec<SitemapEntry> = snap
            .products
            .iter()
            .map(|p| SitemapEntry {
                slug: p.slug.as_str().to_owned(),
                updated: p.updated_at,
            })
            .collect();
        entries.sort_by(|a, b| a.slug.cmp(&b.slug));
        entries
    }

    /// Reloads the snapshot from the store.
    #[tracing::instrument(name = "catalog.reload", skip_all)]
    pub async fn reload(&self) -> Result<(), CatalogError> {
        let _one_at_a_time = self.reload.lock().await;
        // The counter is read first, so the snapshot is never newer-stamped than its data.
        let version = self.table.version().await?;
        let products = self.table.all_by_status(ProductStatus::Active).await?;
        tracing::debug!(products = products.len(), version, "catalog loaded");
        self.install(Some(version), products);
        Ok(())
    }

    /// Reloads when another writer changed the catalog. Returns whether it reloaded.
    pub async fn reload_if_changed(&self) -> Result<bool, CatalogError> {
        let version = self.table.version().await?;
        if self.snapshot().store_version == Some(version) {
            return Ok(false);
        }
        self.reload().await?;
        Ok(true)
    }

    /// Keeps the snapshot fresh until `stop`, as the `catalog-refresher` worker. A store that
    /// is down is backed off and logged once (see [`Outage`]) while the last snapshot keeps
    /// serving; polling returns to `every` by itself when the store is back.
    pub async fn keep_fresh(self: Arc<Self>, every: Duration, mut stop: StopSignal) {
        let mut outage = Outage::new("catalog-refresher");
        let mut polls = 0u32;
        let mut delay = every;
        while stop.sleep(delay).await {
            polls = polls.wrapping_add(1);
            let result = if polls.is_multiple_of(FULL_RELOAD_EVERY) {
                self.reload().await
            } else {
                self.reload_if_changed().await.map(|_| ())
            };
            delay = match result {
                Ok(()) => {
                    outage.succeeded();
                    every
                }
                Err(e) => outage.failed(every, &e),
            };
        }
    }

    /// Applies a product this process just wrote to the snapshot, so it is visible at once.
    pub(super) fn apply_local(&self, product: &Product) {
        let snap = self.snapshot();
        let mut products: Vec<Product> = snap
            .products
            .iter()
            .filter(|p| p.id != product.id)
            .cloned()
            .collect();
        products.push(product.clone());
        self.install(None, products);
    }

    /// Creates a product with a fresh time-ordered id.
    #[tracing::instrument(name = "catalog.create", skip_all, fields(slug = new.slug.as_str()))]
    pub async fn create(&self, new: NewProduct) -> Result<Product, CatalogError> {
        self.create_at(new, Timestamp::now()).await
    }

    /// Creates a product as if at `created_at` (demo seeding spreads creation times).
    pub async fn create_at(
        &self,
        new: NewProduct,
        created_at: Timestamp,
    ) -> Result<Product, CatalogError> {
        let product = stored_product(new, created_at);
        self.table.insert(&product, Vec::new()).await?;
        self.apply_local(&product);
        Ok(product)
    }

    /// A product in any status, read from the store.
    pub async fn get(&self, id: &ProductId) -> Result<Product, CatalogError> {
        self.table.get(id).await?.ok_or(CatalogError::NotFound)
    }

    /// A product in any status by slug, read from the store.
    pub async fn get_by_slug(&self, slug: &Slug) -> Result<Product, CatalogError> {
        self.table
            .get_by_slug(slug)
            .await?
            .ok_or(CatalogError::NotFound)
    }

    /// One page of products in a category (any status), newest first, from the store.
    pub async fn page_in_category(
        &self,
        category: Category,
        after: Option<&ProductCursor>,
        limit: i32,
    ) -> Result<(Vec<Product>, Option<ProductCursor>), CatalogError> {
        Ok(self.table.page_by_category(category, after, limit).await?)
    }

    /// One page of products with a status, newest first, from the store.
    pub async fn page_with_status(
        &self,
        status: ProductStatus,
        after: Option<&ProductCursor>,
        limit: i32,
    ) -> Result<(Vec<Product>, Option<ProductCursor>), CatalogError> {
        Ok(self.table.page_by_status(status, after, limit).await?)
    }

    /// Whether the store answers (one small read), for readiness checks.
    pub async fn check_store(&self) -> Result<(), CatalogError> {
        self.table.version().await?;
        Ok(())
    }

    pub(crate) fn table(&self) -> &ProductTable {
        &self.table
    }
}
