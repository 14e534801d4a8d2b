//! The catalog service: the only code that writes products, and the in-memory snapshot that
//! every storefront read is served from.
//!
//! Freshness guarantee: a write through this service is visible to this process's readers as
//! soon as the write returns. Writes by other replicas are picked up by [`CatalogService::
//! keep_fresh`], which polls the catalog's change counter (one small `GetItem`) every couple
//! of seconds. When it moved, the replica reads the change feed (the `by_change` index) from
//! a little before its last read ([`FEED_OVERLAP`]) and patches its snapshot with the
//! products that changed: the cost of a refresh is the number of products changed, not the
//! size of the catalog. The index lags the table, so the feed is read again on every poll for
//! [`FEED_SETTLE`] after the counter last moved; every [`FULL_CHECK_EVERY`] polls every
//! product is read and compared, a safety net that installs a new snapshot only when it finds
//! a difference. A snapshot whose pages would look the same is never replaced, so the page
//! cache survives. Rendering a storefront page never calls DynamoDB.

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
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Polls between full checks of every product (10 minutes at the server's 2 s poll).
pub const FULL_CHECK_EVERY: u32 = 300;

/// A feed read starts this long before the previous one began, so that a change stamped by a
/// writer whose clock runs behind this replica's is still read.
pub const FEED_OVERLAP: Duration = Duration::from_secs(10);

/// For this long after the change counter last moved, every poll reads the feed again: a
/// change can reach the counter before it reaches the index.
pub const FEED_SETTLE: Duration = Duration::from_secs(5);

/// How many related products a product page shows.
const RELATED: usize = 4;

/// The active catalog at one moment, indexed for browsing. Products and their search
/// documents are shared between snapshots, so a patch copies pointers, not products.
#[derive(Debug)]
pub struct CatalogSnapshot {
    /// Changes whenever the snapshot changes; caches of rendered pages key on it.
    pub generation: u64,
    /// Active products by id.
    products: Vec<Arc<Product>>,
    /// `docs[i]` indexes `products[i]` for search.
    docs: Vec<Arc<SearchDoc>>,
    by_slug: HashMap<String, usize>,
}

impl CatalogSnapshot {
    /// The snapshot of `products`' active ones.
    fn of(generation: u64, mut products: Vec<Product>) -> Self {
        products.retain(|p| p.status == ProductStatus::Active);
        products.sort_by(|a, b| a.id.cmp(&b.id));
        let docs = products
            .iter()
            .map(|p| Arc::new(SearchDoc::of(p)))
            .collect();
        let products = products.into_iter().map(Arc::new).collect();
        Self::indexed(generation, products, docs)
    }

    fn indexed(generation: u64, products: Vec<Arc<Product>>, docs: Vec<Arc<SearchDoc>>) -> Self {
        let by_slug = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.as_str().to_owned(), i))
            .collect();
        Self {
            generation,
            products,
            docs,
            by_slug,
        }
    }

    pub fn products(&self) -> impl ExactSizeIterator<Item = &Product> {
        self.products.iter().map(|p| &**p)
    }

    /// `self` with `changes` (products in any status, as now stored) applied, and how many
    /// of them a page shows differently; `None` when every page would look the same. New
    /// products are merged in one sort, so a bulk load costs O(n log n), not O(n²).
    fn patched(&self, changes: &[Product]) -> Option<(Patch, usize)> {
        let mut next: Option<Patch> = None;
        let mut added: BTreeMap<&ProductId, &Product> = BTreeMap::new();
        let mut count = 0;
        for change in changes {
            let current = next.as_ref().map_or(&self.products, |(p, _)| p);
            let found = current.binary_search_by(|p| p.id.cmp(&change.id));
            let active = change.status == ProductStatus::Active;
            let i = match found {
                Ok(i) if active && current[i].shown_alike(change) => continue,
                Err(_) if !active => continue,
                Err(_) => {
                    count += usize::from(added.insert(&change.id, change).is_none());
                    continue;
                }
                Ok(i) => i,
            };
            count += 1;
            let (products, docs) =
                next.get_or_insert_with(|| (self.products.clone(), self.docs.clone()));
            if active {
                products[i] = Arc::new(change.clone());
                docs[i] = Arc::new(SearchDoc::of(change));
            } else {
                products.remove(i);
                docs.remove(i);
            }
        }
        if !added.is_empty() {
            let (products, docs) = next
                .take()
                .unwrap_or_else(|| (self.products.clone(), self.docs.clone()));
            let mut pairs: Vec<(Arc<Product>, Arc<SearchDoc>)> =
                products.into_iter().zip(docs).collect();
            pairs.extend(
                added
                    .into_values()
                    .map(|p| (Arc::new(p.clone()), Arc::new(SearchDoc::of(p)))),
            );
            pairs.sort_by(|a, b| a.0.id.cmp(&b.0.id));
            next = Some(pairs.into_iter().unzip());
        }
        next.map(|patch| (patch, count))
    }

    /// Whether every page shows `self` and `other` alike.
    fn shown_alike(&self, other: &CatalogSnapshot) -> bool {
        self.products.len() == other.products.len()
            && self
                .products
                .iter()
                .zip(&other.products)
                .all(|(a, b)| a.shown_alike(b))
    }
}

/// The assistant reads the live catalog through the snapshot: its products on sale, each
/// with the search document the storefront's search uses.
impl crate::assistant::offline::CatalogView for CatalogSnapshot {
    fn entries(&self) -> Box<dyn Iterator<Item = (&Product, &SearchDoc)> + '_> {
        Box::new(
            self.products
                .iter()
                .map(|p| &**p)
                .zip(self.docs.iter().map(|d| &**d)),
        )
    }

    fn by_slug(&self, slug: &str) -> Option<&Product> {
        self.by_slug
            .get(slug)
            .and_then(|i| self.products.get(*i))
            .map(|p| &**p)
    }
}

/// A snapshot's products and search documents, being patched.
type Patch = (Vec<Arc<Product>>, Vec<Arc<SearchDoc>>);

/// What one refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Products read from the store.
    pub products_read: usize,
    /// Products a page now shows differently (0 when the snapshot was kept).
    pub products_changed: usize,
    /// Whether a new snapshot (and with it a new page-cache generation) was installed.
    pub changed: bool,
}

/// Where a replica's reading of the store stands. Held under a lock: one refresh at a time.
#[derive(Debug)]
struct Freshness {
    /// The change counter as last read.
    version: Option<u64>,
    /// When the last successful feed (or full) read began, on this replica's clock.
    read_from: Timestamp,
    /// Until when the feed is read even though the counter has not moved.
    settle_until: Option<Instant>,
}

fn earlier(at: Timestamp, by: Duration) -> Timestamp {
    Timestamp(at.millis() - i64::try_from(by.as_millis()).unwrap_or(i64::MAX))
}

/// A product URL for the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub slug: String,
    pub updated: Timestamp,
}

/// The product a [`NewProduct`] becomes: a fresh time-ordered id, created and updated `at`.
pub(crate) fn stored_product(new: NewProduct, at: Timestamp) -> Product {
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
    freshness: tokio::sync::Mutex<Freshness>,
    refreshes: AtomicU64,
    refresh_reads: AtomicU64,
}

/// What the refresher has done since start-up, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshCounts {
    /// Refreshes and full checks that reached the store.
    pub refreshes: u64,
    /// Products they read.
    pub products_read: u64,
}

impl std::fmt::Debug for CatalogService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogService")
            .field("generation", &self.snapshot().generation)
            .finish_non_exhaustive()
    }
}

impl CatalogService {
    /// Loads the active catalog, every page of it. Fails when the store cannot be read.
    #[tracing::instrument(name = "catalog.load", skip_all)]
    pub async fn load(store: Store) -> Result<Arc<Self>, CatalogError> {
        let service = Arc::new(Self {
            table: ProductTable::new(store.clone()),
            audit: AuditLog::new(store),
            snapshot: RwLock::new(Arc::new(CatalogSnapshot::of(0, Vec::new()))),
            generations: AtomicU64::new(0),
            freshness: tokio::sync::Mutex::new(Freshness {
                version: None,
                read_from: Timestamp(0),
                settle_until: None,
            }),
            refreshes: AtomicU64::new(0),
            refresh_reads: AtomicU64::new(0),
        });
        let began = Instant::now();
        let loaded = service.check_everything().await?;
        tracing::info!(
            products = service.snapshot().products.len(),
            read = loaded.products_read,
            took_ms = began.elapsed().as_millis() as u64,
            "catalog loaded"
        );
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

    pub fn refresh_counts(&self) -> RefreshCounts {
        RefreshCounts {
            refreshes: self.refreshes.load(Ordering::Relaxed),
            products_read: self.refresh_reads.load(Ordering::Relaxed),
        }
    }

    fn count_refresh(&self, refreshed: Refreshed) -> Refreshed {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        self.refresh_reads
            .fetch_add(refreshed.products_read as u64, Ordering::Relaxed);
        refreshed
    }

    fn next_generation(&self) -> u64 {
        self.generations.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn install(&self, next: CatalogSnapshot) {
        let next = Arc::new(next);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    /// Applies `changes` (products as now stored) to the snapshot, installing a new one only
    /// when a page would show a difference. Returns how many products it changed.
    fn apply(&self, changes: &[Product]) -> usize {
        // Under the write lock, so two local writes cannot each patch the same old snapshot.
        let mut guard = match self.snapshot.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        match guard.patched(changes) {
            Some(((products, docs), count)) => {
                let generation = self.next_generation();
                *guard = Arc::new(CatalogSnapshot::indexed(generation, products, docs));
                count
            }
            None => 0,
        }
    }

    /// A page of the storefront listing. No I/O.
    pub fn page(&self, query: &CatalogQuery) -> CatalogPage {
        let snap = self.snapshot();
        browse(&snap.products, &snap.docs, query)
    }

    /// A page of the REST API's listing. No I/O.
    pub fn list(&self, request: &super::listing::ListingRequest) -> super::listing::Listing {
        let snap = self.snapshot();
        super::listing::list(&snap.products, &snap.docs, request)
    }

    /// An active product by slug, with related products from its category. No I/O.
    pub fn detail(&self, slug: &str) -> Option<ProductDetail> {
        let snap = self.snapshot();
        let product = Product::clone(snap.products.get(*snap.by_slug.get(slug)?)?);
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
        snap.products.get(i).map(|p| Product::clone(p))
    }

    /// Active products at or below the low-stock threshold, fewest first (from the snapshot).
    pub fn low_stock(&self, limit: usize) -> Vec<Product> {
        let snapshot = self.snapshot();
        let mut low: Vec<Product> = snapshot
            .products()
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

    /// Reads every active product and installs them when a page would show a difference (at
    /// start-up always). The counter is read first, so the snapshot is never newer-stamped
    /// than its data.
    #[tracing::instrument(name = "catalog.check_everything", skip_all)]
    pub async fn check_everything(&self) -> Result<Refreshed, CatalogError> {
        let mut freshness = self.freshness.lock().await;
        let began = Timestamp::now();
        let version = self.table.version().await?;
        let products = self.table.all_by_status(ProductStatus::Active).await?;
        let products_read = products.len();
        let loaded = CatalogSnapshot::of(0, products);
        let changed = freshness.version.is_none() || !loaded.shown_alike(&self.snapshot());
        let products_changed = if changed { loaded.products.len() } else { 0 };
        if changed {
            let generation = self.next_generation();
            self.install(CatalogSnapshot {
                generation,
                ..loaded
            });
        }
        *freshness = Freshness {
            version: Some(version),
            read_from: began,
            settle_until: freshness.settle_until,
        };
        Ok(self.count_refresh(Refreshed {
            products_read,
            products_changed,
            changed,
        }))
    }

    /// Brings the snapshot up to date with writes by other replicas: when the change counter
    /// moved (or moved less than [`FEED_SETTLE`] ago), reads the products changed since the
    /// last read and patches the snapshot with them.
    #[tracing::instrument(name = "catalog.refresh", skip_all)]
    pub async fn refresh(&self) -> Result<Refreshed, CatalogError> {
        let mut freshness = self.freshness.lock().await;
        let began = Timestamp::now();
        let version = self.table.version().await?;
        if freshness.version != Some(version) {
            freshness.settle_until = Some(Instant::now() + FEED_SETTLE);
        } else if freshness
            .settle_until
            .is_none_or(|until| Instant::now() > until)
        {
            return Ok(Refreshed::default());
        }
        let changes = self
            .table
            .changed_since(earlier(freshness.read_from, FEED_OVERLAP))
            .await?;
        let products_changed = self.apply(&changes);
        freshness.version = Some(version);
        freshness.read_from = began;
        tracing::debug!(
            read = changes.len(),
            changed = products_changed,
            version,
            "catalog refreshed"
        );
        Ok(self.count_refresh(Refreshed {
            products_read: changes.len(),
            products_changed,
            changed: products_changed > 0,
        }))
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
            let result = if polls.is_multiple_of(FULL_CHECK_EVERY) {
                self.check_everything().await
            } else {
                self.refresh().await
            };
            delay = match result {
                Ok(_) => {
                    outage.succeeded();
                    every
                }
                Err(e) => outage.failed(every, &e),
            };
        }
    }

    /// Applies a product this process just wrote to the snapshot, so it is visible at once.
    pub(super) fn apply_local(&self, product: &Product) {
        self.apply(std::slice::from_ref(product));
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

    /// Writes many new products at once (see [`ProductTable::bulk_insert`]: for an empty
    /// store only) and adds them to the snapshot.
    pub async fn bulk_insert(&self, products: &[Product]) -> Result<(), CatalogError> {
        self.table.bulk_insert(products).await?;
        self.apply(products);
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, Money};

    fn product(name: &str, stock: u32) -> Product {
        stored_product(
            NewProduct {
                slug: Slug::from_name(name),
                name: super::super::ProductName::parse(name).unwrap(),
                description: format!("About {name}."),
                price: Money::new(1_000, Currency::Usd).unwrap(),
                category: Category::Books,
                image: String::new(),
                stock,
                status: ProductStatus::Active,
                featured: false,
            },
            Timestamp(1),
        )
    }

    fn apply(snapshot: &CatalogSnapshot, changes: &[Product]) -> Option<(CatalogSnapshot, usize)> {
        snapshot
            .patched(changes)
            .map(|((products, docs), n)| (CatalogSnapshot::indexed(1, products, docs), n))
    }

    #[test]
    fn a_patch_that_changes_no_page_keeps_the_snapshot() {
        let lamp = product("Lamp", 40);
        let snapshot = CatalogSnapshot::of(0, vec![lamp.clone()]);
        let sold = Product {
            stock: 30,
            ..lamp.clone()
        };
        assert!(apply(&snapshot, &[sold]).is_none());
        let archived_unknown = Product {
            status: ProductStatus::Archived,
            ..product("Gone", 1)
        };
        assert!(apply(&snapshot, &[archived_unknown]).is_none());
    }

    #[test]
    fn a_patch_replaces_removes_and_adds_products_keeping_them_ordered_and_searchable() {
        let (a, b, c) = (
            product("Alpha", 40),
            product("Beta", 40),
            product("Gamma", 3),
        );
        let snapshot = CatalogSnapshot::of(0, vec![a.clone(), b.clone()]);
        let low = Product {
            stock: 2,
            ..a.clone()
        };
        let gone = Product {
            status: ProductStatus::Archived,
            ..b.clone()
        };
        let (next, changed) = apply(&snapshot, &[low, gone, c.clone(), c.clone()]).unwrap();
        assert_eq!(changed, 3);
        let ids: Vec<&ProductId> = next.products().map(|p| &p.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert_eq!(ids.len(), 2);
        assert_eq!(next.products().find(|p| p.id == a.id).unwrap().stock, 2);
        assert!(next.by_slug.contains_key("gamma") && !next.by_slug.contains_key("beta"));
        let found = browse(
            &next.products,
            &next.docs,
            &CatalogQuery {
                q: "gamma".into(),
                ..Default::default()
            },
        );
        assert_eq!(found.total, 1);
    }
}
