//! The products table: keys, item <-> [`Product`] conversion, and the queries the catalog
//! needs. One table holds three kinds of item, told apart by the `pk` prefix:
//!
//! - `P#<id>`: a product (the only kind with `status`/`category`, so the GSIs are sparse);
//! - `S#<slug>`: a slug claim pointing at a product id, making slugs unique by condition;
//! - `M#catalog`: a counter bumped by every write that changes a page, polled to keep caches
//!   fresh.
//!
//! Every write that bumps the counter also stamps the products it changes with `changed_sk`
//! (and `change_feed`), which puts them on the `by_change` index: a replica that sees the
//! counter move reads only the products changed since it last looked.

use super::{CatalogError, Category, Product, ProductId, ProductStatus, Slug};
use crate::store::attr::{n, s, Item, Reader};
use crate::store::schema::products::{BY_CATEGORY, BY_CHANGE, BY_STATUS};
use crate::store::{Store, StoreError, TransactError, Transaction};
use crate::time::Timestamp;
use crate::{Currency, Money};
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};

const CATALOG_VERSION_PK: &str = "M#catalog";
const DEMO_SEED_PK: &str = "M#demo-seed";

/// The one `change_feed` value. Every changed product sorts into one index partition, so
/// "what changed since t" is one query. Only edits and the sales that change a page write it,
/// which are rare next to quiet sales and page views.
const CHANGE_FEED: &str = "catalog";

/// Sorts by the time of the change; the id breaks ties.
fn changed_sk(id: &ProductId, at: Timestamp) -> String {
    format!("{:015}#{}", at.millis().max(0), id.as_str())
}

/// The lowest `changed_sk` of a change at or after `at`.
fn changed_from(at: Timestamp) -> String {
    format!("{:015}", at.millis().max(0))
}

/// `SET` clauses (and their values) that put a product on the change feed as changed now.
const STAMP_CHANGE: &str = "change_feed = :feed, changed_sk = :changed";

/// `update` with the values of [`STAMP_CHANGE`] for product `id`, changed now.
fn stamped(update: UpdateBuilder, id: &ProductId) -> UpdateBuilder {
    update
        .expression_attribute_values(":feed", s(CHANGE_FEED))
        .expression_attribute_values(":changed", s(changed_sk(id, Timestamp::now())))
}

fn product_pk(id: &ProductId) -> String {
    format!("P#{}", id.as_str())
}

fn slug_pk(slug: &Slug) -> String {
    format!("S#{}", slug.as_str())
}

/// Sorts newest last within a GSI partition; the id breaks ties.
fn created_sk(product: &Product) -> String {
    format!(
        "{:015}#{}",
        product.created_at.millis().max(0),
        product.id.as_str()
    )
}

/// Where a listing stopped: the last item's creation sort key, opaque to callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductCursor {
    pk: String,
    created_sk: String,
}

#[derive(Clone, Debug)]
pub struct ProductTable {
    store: Store,
    name: String,
}

impl ProductTable {
    pub fn new(store: Store) -> Self {
        let name = store.tables.products();
        Self { store, name }
    }

    /// The product's item, on the change feed as changed `changed`.
    fn to_item(product: &Product, changed: Timestamp) -> Item {
        Item::from([
            ("pk".into(), s(product_pk(&product.id))),
            ("id".into(), s(product.id.as_str())),
            ("slug".into(), s(product.slug.as_str())),
            ("name".into(), s(&product.name)),
            ("description".into(), s(&product.description)),
            ("price_cents".into(), n(product.price.cents())),
            ("currency".into(), s(product.price.currency().code())),
            ("category".into(), s(product.category.slug())),
            ("image".into(), s(&product.image)),
            ("stock".into(), n(product.stock)),
            ("status".into(), s(product.status.as_str())),
            ("featured".into(), AttributeValue::Bool(product.featured)),
            ("created_at".into(), n(product.created_at.millis())),
            ("updated_at".into(), n(product.updated_at.millis())),
            ("created_sk".into(), s(created_sk(product))),
            ("change_feed".into(), s(CHANGE_FEED)),
            ("changed_sk".into(), s(changed_sk(&product.id, changed))),
        ])
    }

    fn product_from(&self, item: &Item) -> Result<Product, StoreError> {
        let r = Reader::new(&self.name, item);
        let currency = r.parsed("currency", Currency::parse)?;
        let cents: i64 = r.number("price_cents")?;
        Ok(Product {
            id: r.parsed("id", ProductId::parse)?,
            slug: r.parsed("slug", Slug::parse)?,
            name: r.string("name")?.to_owned(),
            description: r.string("description")?.to_owned(),
            price: Money::new(cents, currency)
                .map_err(|e| StoreError::malformed(&self.name, e.to_string()))?,
            category: r.parsed("category", Category::parse)?,
            image: r.string("image")?.to_owned(),
            stock: r.number("stock")?,
            status: r.parsed("status", ProductStatus::parse)?,
            featured: r.boolean("featured")?,
            created_at: Timestamp(r.number("created_at")?),
            updated_at: Timestamp(r.number("updated_at")?),
        })
    }

    fn bump_version(&self) -> Result<TransactWriteItem, StoreError> {
        bump_version_item(&self.name)
    }

    /// Writes a new product and claims its slug, in one transaction that fails as a whole
    /// when the slug (or, astronomically unlikely, the id) is taken. `also` (the audit entry,
    /// an import's progress) is written in the same transaction.
    pub async fn insert(
        &self,
        product: &Product,
        also: Vec<TransactWriteItem>,
    ) -> Result<(), CatalogError> {
        let put_product = Put::builder()
            .table_name(&self.name)
            .set_item(Some(Self::to_item(product, Timestamp::now())))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(StoreError::from)?;
        let mut tx = Transaction::new()
            .with(
                "product",
                TransactWriteItem::builder().put(put_product).build(),
            )
            .with("slug", self.claim_slug(&product.slug, &product.id)?);
        for item in also {
            tx.push("also", item);
        }
        match self.write_and_bump_version(tx).await {
            Ok(()) => Ok(()),
            Err(e) if e.refused("slug") => {
                Err(CatalogError::SlugTaken(product.slug.as_str().to_owned()))
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    /// Writes `products` and their slug claims unconditionally, in batches, then bumps the
    /// version once. Only for filling a store that holds none of these slugs (a benchmark's
    /// catalog, a migration): unlike [`ProductTable::insert`] nothing here refuses a taken
    /// slug.
    pub async fn bulk_insert(&self, products: &[Product]) -> Result<(), StoreError> {
        let now = Timestamp::now();
        let items = products
            .iter()
            .flat_map(|p| {
                let claim = Item::from([
                    ("pk".into(), s(slug_pk(&p.slug))),
                    ("product_id".into(), s(p.id.as_str())),
                ]);
                [Self::to_item(p, now), claim]
            })
            .collect();
        self.store.batch_put(&self.name, items).await?;
        let bump = Transaction::<&'static str>::new().with("version", self.bump_version()?);
        self.store.commit(&bump).await.map_err(StoreError::from)
    }

    fn claim_slug(&self, slug: &Slug, id: &ProductId) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.name)
            .item("pk", s(slug_pk(slug)))
            .item("product_id", s(id.as_str()))
            .condition_expression("attribute_not_exists(pk)")
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Writes `after`'s editable fields over `before`, only if the product is unchanged since
    /// `before` was read (its `updated_at`), so of two concurrent edits the second is refused
    /// rather than silently lost. Stock is not touched: sales go on during an edit. A new slug
    /// is claimed and the old one released in the same transaction.
    pub async fn update(
        &self,
        before: &Product,
        after: &Product,
        also: Vec<TransactWriteItem>,
    ) -> Result<(), CatalogError> {
        self.update_with(before, after, false, also).await
    }

    /// [`ProductTable::update`] that also sets the stock to `after.stock`, only if it is still
    /// `before.stock` (a catalog import row: fields and stock in one write).
    pub async fn update_with_stock(
        &self,
        before: &Product,
        after: &Product,
        also: Vec<TransactWriteItem>,
    ) -> Result<(), CatalogError> {
        self.update_with(before, after, true, also).await
    }

    async fn update_with(
        &self,
        before: &Product,
        after: &Product,
        with_stock: bool,
        also: Vec<TransactWriteItem>,
    ) -> Result<(), CatalogError> {
        let mut set = "SET slug = :slug, #name = :name, description = :description, \
             price_cents = :price, currency = :currency, category = :category, \
             image = :image, #status = :status, featured = :featured, updated_at = :now, "
            .to_owned()
            + STAMP_CHANGE;
        let mut condition = "updated_at = :read".to_owned();
        if with_stock {
            set.push_str(", stock = :stock");
            condition.push_str(" AND stock = :was_stock");
        }
        let mut update = Update::builder()
            .table_name(&self.name)
            .key("pk", s(product_pk(&before.id)))
            .update_expression(set)
            .condition_expression(condition)
            .expression_attribute_names("#name", "name")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":slug", s(after.slug.as_str()))
            .expression_attribute_values(":name", s(&after.name))
            .expression_attribute_values(":description", s(&after.description))
            .expression_attribute_values(":price", n(after.price.cents()))
            .expression_attribute_values(":currency", s(after.price.currency().code()))
            .expression_attribute_values(":category", s(after.category.slug()))
            .expression_attribute_values(":image", s(&after.image))
            .expression_attribute_values(":status", s(after.status.as_str()))
            .expression_attribute_values(":featured", AttributeValue::Bool(after.featured))
            .expression_attribute_values(":now", n(after.updated_at.millis()))
            .expression_attribute_values(":read", n(before.updated_at.millis()));
        update = stamped(update, &before.id);
        if with_stock {
            update = update
                .expression_attribute_values(":stock", n(after.stock))
                .expression_attribute_values(":was_stock", n(before.stock));
        }
        let update = update.build().map_err(StoreError::from)?;
        let mut tx = Transaction::new().with(
            "product",
            TransactWriteItem::builder().update(update).build(),
        );
        if before.slug != after.slug {
            tx.push("slug", self.claim_slug(&after.slug, &after.id)?);
            let release = Delete::builder()
                .table_name(&self.name)
                .key("pk", s(slug_pk(&before.slug)))
                .condition_expression("product_id = :id")
                .expression_attribute_values(":id", s(before.id.as_str()))
                .build()
                .map_err(StoreError::from)?;
            tx.push(
                "old slug",
                TransactWriteItem::builder().delete(release).build(),
            );
        }
        for item in also {
            tx.push("also", item);
        }
        match self.write_and_bump_version(tx).await {
            Ok(()) => Ok(()),
            Err(e) if e.refused("product") || e.refused("old slug") => Err(CatalogError::Stale),
            Err(e) if e.refused("slug") => {
                Err(CatalogError::SlugTaken(after.slug.as_str().to_owned()))
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    /// Sets a product's stock from `from` to `to`, only if it is still `from`: a sale or
    /// another adjustment in between makes this fail with [`CatalogError::Stale`], and the
    /// caller reads again. That is what makes the recorded before/after exact.
    pub async fn set_stock(
        &self,
        id: &ProductId,
        from: u32,
        to: u32,
        audit: TransactWriteItem,
    ) -> Result<(), CatalogError> {
        let update = Update::builder()
            .table_name(&self.name)
            .key("pk", s(product_pk(id)))
            .update_expression(format!("SET stock = :to, {STAMP_CHANGE}"))
            .condition_expression("stock = :from")
            .expression_attribute_values(":to", n(to))
            .expression_attribute_values(":from", n(from));
        let update = stamped(update, id).build().map_err(StoreError::from)?;
        let tx = Transaction::new()
            .with("stock", TransactWriteItem::builder().update(update).build())
            .with("audit", audit);
        match self.write_and_bump_version(tx).await {
            Ok(()) => Ok(()),
            // Sold or adjusted in between: the caller reads the stock again.
            Err(TransactError::Contended) => Err(CatalogError::Stale),
            Err(e) if e.refused("stock") => Err(CatalogError::Stale),
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    /// Writes `items` and bumps the catalog version, all or nothing.
    async fn write_and_bump_version(
        &self,
        tx: Transaction<&'static str>,
    ) -> Result<(), TransactError<&'static str>> {
        let tx = tx.with("version", self.bump_version()?);
        self.store.commit(&tx).await
    }

    /// One item by key, read consistently.
    async fn item(&self, pk: String) -> Result<Option<Item>, StoreError> {
        self.store.get_by_pk(&self.name, pk).await
    }

    pub async fn get(&self, id: &ProductId) -> Result<Option<Product>, StoreError> {
        self.item(product_pk(id))
            .await?
            .map(|item| self.product_from(&item))
            .transpose()
    }

    pub async fn get_by_slug(&self, slug: &Slug) -> Result<Option<Product>, StoreError> {
        let Some(claim) = self.item(slug_pk(slug)).await? else {
            return Ok(None);
        };
        let id = Reader::new(&self.name, &claim).parsed("product_id", ProductId::parse)?;
        self.get(&id).await
    }

    /// One page of products with `status`, newest first.
    pub async fn page_by_status(
        &self,
        status: ProductStatus,
        after: Option<&ProductCursor>,
        limit: i32,
    ) -> Result<(Vec<Product>, Option<ProductCursor>), StoreError> {
        self.page_of_index(BY_STATUS, "status", status.as_str(), after, limit)
            .await
    }

    /// One page of products in `category` (any status), newest first.
    pub async fn page_by_category(
        &self,
        category: Category,
        after: Option<&ProductCursor>,
        limit: i32,
    ) -> Result<(Vec<Product>, Option<ProductCursor>), StoreError> {
        self.page_of_index(BY_CATEGORY, "category", category.slug(), after, limit)
            .await
    }

    async fn page_of_index(
        &self,
        index: &str,
        hash: &str,
        value: &str,
        after: Option<&ProductCursor>,
        limit: i32,
    ) -> Result<(Vec<Product>, Option<ProductCursor>), StoreError> {
        let mut request = self
            .store
            .client
            .query()
            .table_name(&self.name)
            .index_name(index)
            .key_condition_expression("#h = :v")
            .expression_attribute_names("#h", hash)
            .expression_attribute_values(":v", s(value))
            .scan_index_forward(false)
            .limit(limit);
        if let Some(c) = after {
            request = request
                .exclusive_start_key("pk", s(&c.pk))
                .exclusive_start_key("created_sk", s(&c.created_sk))
                .exclusive_start_key(hash, s(value));
        }
        let out = request
            .send()
            .await
            .map_err(|e| StoreError::call("Query", e))?;
        let products = out
            .items()
            .iter()
            .map(|item| self.product_from(item))
            .collect::<Result<Vec<_>, _>>()?;
        let next = match out.last_evaluated_key() {
            Some(key) => {
                let r = Reader::new(&self.name, key);
                Some(ProductCursor {
                    pk: r.string("pk")?.to_owned(),
                    created_sk: r.string("created_sk")?.to_owned(),
                })
            }
            None => None,
        };
        Ok((products, next))
    }

    /// Every product (any status) whose page changed at or after `since`, oldest change first,
    /// following pages to the end. Read from an index, so a change a moment old may be missing
    /// (see the catalog service's settling).
    pub async fn changed_since(&self, since: Timestamp) -> Result<Vec<Product>, StoreError> {
        let mut changed = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .store
                .client
                .query()
                .table_name(&self.name)
                .index_name(BY_CHANGE)
                .key_condition_expression("change_feed = :feed AND changed_sk >= :from")
                .expression_attribute_values(":feed", s(CHANGE_FEED))
                .expression_attribute_values(":from", s(changed_from(since)))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| StoreError::call("Query", e))?;
            for item in out.items() {
                changed.push(self.product_from(item)?);
            }
            match out.last_evaluated_key() {
                Some(key) => start = Some(key.clone()),
                None => return Ok(changed),
            }
        }
    }

    /// Every product with `status`, following pages to the end.
    pub async fn all_by_status(&self, status: ProductStatus) -> Result<Vec<Product>, StoreError> {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = self.page_by_status(status, cursor.as_ref(), 500).await?;
            all.extend(page);
            match next {
                Some(c) => cursor = Some(c),
                None => return Ok(all),
            }
        }
    }

    /// The catalog's change counter (0 before the first write).
    pub async fn version(&self) -> Result<u64, StoreError> {
        match self.item(CATALOG_VERSION_PK.to_owned()).await? {
            Some(item) => Reader::new(&self.name, &item).number("version"),
            None => Ok(0),
        }
    }

    pub async fn demo_seeded(&self) -> Result<bool, StoreError> {
        Ok(self.item(DEMO_SEED_PK.to_owned()).await?.is_some())
    }

    pub async fn mark_demo_seeded(&self, at: Timestamp) -> Result<(), StoreError> {
        self.store
            .client
            .put_item()
            .table_name(&self.name)
            .item("pk", s(DEMO_SEED_PK))
            .item("seeded_at", n(at.millis()))
            .send()
            .await
            .map_err(|e| StoreError::call("PutItem", e))?;
        Ok(())
    }
}

/// The transaction item that marks the catalog as changed (other replicas reload).
pub(crate) fn bump_version_item(products_table: &str) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .update(
            Update::builder()
                .table_name(products_table)
                .key("pk", s(CATALOG_VERSION_PK))
                .update_expression("ADD version :one")
                .expression_attribute_values(":one", n(1))
                .build()?,
        )
        .build())
}

/// The transaction item that takes `quantity` from an active product's stock, failing (and
/// with it the whole transaction) when fewer than `quantity` are left.
///
/// A `quiet` take also fails unless [`STOCK_SHOWN_ALIKE_FROM`](super::STOCK_SHOWN_ALIKE_FROM)
/// stay: it changes no page, so it leaves the change feed alone. Any other take puts the
/// product on the feed; its transaction must bump the catalog version. With `as_of`, the take
/// also fails unless the product was last edited then (it is as the caller priced it).
pub(crate) fn take_stock_item(
    products_table: &str,
    id: &ProductId,
    quantity: u16,
    quiet: bool,
    as_of: Option<Timestamp>,
) -> Result<TransactWriteItem, StoreError> {
    let mut condition = "stock >= :least AND #status = :active".to_owned();
    let mut update = Update::builder()
        .table_name(products_table)
        .key("pk", s(product_pk(id)))
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":q", n(quantity))
        .expression_attribute_values(":active", s(ProductStatus::Active.as_str()));
    if let Some(at) = as_of {
        condition.push_str(" AND updated_at = :as_of");
        update = update.expression_attribute_values(":as_of", n(at.millis()));
    }
    let update = update.condition_expression(condition);
    let update = if quiet {
        update
            .update_expression("SET stock = stock - :q")
            .expression_attribute_values(
                ":least",
                n(u32::from(quantity) + super::STOCK_SHOWN_ALIKE_FROM),
            )
    } else {
        let update = update
            .update_expression(format!("SET stock = stock - :q, {STAMP_CHANGE}"))
            .expression_attribute_values(":least", n(quantity));
        stamped(update, id)
    };
    Ok(TransactWriteItem::builder().update(update.build()?).build())
}

/// The transaction item that puts `quantity` back into a product's stock, putting it on the
/// change feed; its transaction must bump the catalog version.
pub(crate) fn return_stock_item(
    products_table: &str,
    id: &ProductId,
    quantity: u16,
) -> Result<TransactWriteItem, StoreError> {
    let update = Update::builder()
        .table_name(products_table)
        .key("pk", s(product_pk(id)))
        .update_expression(format!("ADD stock :q SET {STAMP_CHANGE}"))
        .condition_expression("attribute_exists(pk)")
        .expression_attribute_values(":q", n(quantity));
    let update = stamped(update, id);
    Ok(TransactWriteItem::builder().update(update.build()?).build())
}
