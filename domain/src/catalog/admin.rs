//! The admin's writes to the catalog. Each one is a single DynamoDB transaction that changes
//! the product, bumps the catalog version (other replicas reload) and records an audit entry;
//! this process's snapshot is updated as soon as it returns, so the storefront shows the
//! change at once.

use super::{
    admin_page, AdminProductPage, AdminProductQuery, CatalogError, CatalogService, NewProduct,
    Product, ProductDraft, ProductId, ProductStatus, StockChange,
};
use crate::audit::{changes, AuditEntry, Change, Target, TargetKind};
use crate::identity::{Admin, Staff};
use crate::time::Timestamp;
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::time::Duration;

/// How many times a stock adjustment re-reads and tries again when sales or other
/// adjustments keep changing the stock under it.
const STOCK_ATTEMPTS: u32 = 50;

fn target(product: &Product) -> Target {
    Target {
        kind: TargetKind::Product,
        id: product.id.as_str().to_owned(),
        label: product.name.clone(),
    }
}

/// A product's audited fields, as text, in the order the log shows them.
fn audited_fields(p: &Product) -> [(&'static str, String); 8] {
    [
        ("name", p.name.clone()),
        ("slug", p.slug.as_str().to_owned()),
        ("description", p.description.clone()),
        ("price", p.price.format()),
        ("category", p.category.label().to_owned()),
        ("status", p.status.as_str().to_owned()),
        ("featured", if p.featured { "yes" } else { "no" }.to_owned()),
        ("image", p.image.clone()),
    ]
}

fn product_changes(before: &Product, after: &Product) -> Vec<Change> {
    let fields: Vec<(&str, String, String)> = audited_fields(before)
        .into_iter()
        .zip(audited_fields(after))
        .map(|((field, b), (_, a))| (field, b, a))
        .collect();
    changes(&fields)
}

impl CatalogService {
    /// Creates a product from the admin's form, with its first stock count.
    #[tracing::instrument(name = "catalog.create_by", skip_all, fields(slug = draft.slug.as_str()))]
    pub async fn create_by(
        &self,
        admin: &Admin,
        draft: ProductDraft,
        stock: u32,
    ) -> Result<Product, CatalogError> {
        self.create_with(admin, draft, stock, None).await
    }

    /// [`CatalogService::create_by`], writing `also` in the same transaction.
    pub(super) async fn create_with(
        &self,
        admin: &Admin,
        draft: ProductDraft,
        stock: u32,
        also: Option<TransactWriteItem>,
    ) -> Result<Product, CatalogError> {
        let new = NewProduct {
            slug: draft.slug,
            name: draft.name,
            description: draft.description,
            price: draft.price,
            category: draft.category,
            image: String::new(),
            stock,
            status: draft.status,
            featured: draft.featured,
        };
        let product = super::service::stored_product(new, Timestamp::now());
        let mut created: Vec<Change> = audited_fields(&product)
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(field, value)| Change::created(field, value))
            .collect();
        created.push(Change::created("stock", stock));
        let entry = AuditEntry::new(admin.staff(), "product.created", target(&product), created);
        let mut items = vec![self.audit.put(&entry)?];
        items.extend(also);
        self.table.insert(&product, items).await?;
        self.apply_local(&product);
        Ok(product)
    }

    /// Saves the admin's edit of a product read at `read_at` (its `updated_at` then). Refused
    /// with [`CatalogError::Stale`] when someone else saved it in between.
    #[tracing::instrument(name = "catalog.edit", skip_all, fields(id = id.as_str()))]
    pub async fn edit(
        &self,
        admin: &Admin,
        id: &ProductId,
        read_at: Timestamp,
        draft: ProductDraft,
    ) -> Result<Product, CatalogError> {
        let before = self.get(id).await?;
        if before.updated_at != read_at {
            return Err(CatalogError::Stale);
        }
        let after = Product {
            slug: draft.slug,
            name: draft.name.as_str().to_owned(),
            description: draft.description,
            price: draft.price,
            category: draft.category,
            status: draft.status,
            featured: draft.featured,
            ..before.clone()
        };
        self.save(admin.staff(), "product.edited", before, after, false, None)
            .await
    }

    /// Moves a product to draft, active or archived. Archived products leave the storefront
    /// and sitemap at once and stay in order history.
    #[tracing::instrument(name = "catalog.set_status", skip_all, fields(id = id.as_str()))]
    pub async fn set_status(
        &self,
        admin: &Admin,
        id: &ProductId,
        status: ProductStatus,
    ) -> Result<Product, CatalogError> {
        let before = self.get(id).await?;
        let after = Product {
            status,
            ..before.clone()
        };
        self.save(admin.staff(), "product.status", before, after, false, None)
            .await
    }

    /// Points a product at a new image (already stored).
    #[tracing::instrument(name = "catalog.set_image", skip_all, fields(id = id.as_str()))]
    pub async fn set_image(
        &self,
        admin: &Admin,
        id: &ProductId,
        image: String,
    ) -> Result<Product, CatalogError> {
        let before = self.get(id).await?;
        let after = Product {
            image,
            ..before.clone()
        };
        self.save(admin.staff(), "product.image", before, after, false, None)
            .await
    }

    /// Writes `after` over `before` (and its stock too, `with_stock`), with the audit entry
    /// and `also` in the same transaction. Nothing is written when nothing changed.
    pub(super) async fn save(
        &self,
        staff: &Staff,
        action: &str,
        before: Product,
        mut after: Product,
        with_stock: bool,
        also: Option<TransactWriteItem>,
    ) -> Result<Product, CatalogError> {
        let mut changed = product_changes(&before, &after);
        if with_stock && before.stock != after.stock {
            changed.push(Change::new("stock", before.stock, after.stock));
        }
        if changed.is_empty() {
            return Ok(before);
        }
        after.updated_at = Timestamp::now().max(Timestamp(before.updated_at.millis() + 1));
        let entry = AuditEntry::new(staff, action, target(&after), changed);
        let mut items = vec![self.audit.put(&entry)?];
        items.extend(also);
        if with_stock {
            self.table.update_with_stock(&before, &after, items).await?;
        } else {
            self.table.update(&before, &after, items).await?;
        }
        self.apply_local(&after);
        Ok(after)
    }

    /// Sets or moves a product's stock, with the reason, as one conditional write on the
    /// stock it read; when a sale or another adjustment got in first it reads again, so no
    /// update is ever lost and the history's before/after are exact.
    #[tracing::instrument(name = "catalog.adjust_stock", skip_all, fields(id = id.as_str()))]
    pub async fn adjust_stock(
        &self,
        admin: &Admin,
        id: &ProductId,
        change: StockChange,
        reason: &str,
    ) -> Result<Product, CatalogError> {
        for attempt in 0..STOCK_ATTEMPTS {
            let mut product = self.get(id).await?;
            let before = product.stock;
            let after = change.apply(before)?;
            if after == before {
                return Ok(product);
            }
            let entry = AuditEntry::new(
                admin.staff(),
                "stock.adjusted",
                target(&product),
                vec![Change::new("stock", before, after)],
            )
            .with_reason(reason);
            match self
                .table
                .set_stock(id, before, after, self.audit.put(&entry)?)
                .await
            {
                Ok(()) => {
                    product.stock = after;
                    self.apply_local(&product);
                    return Ok(product);
                }
                Err(CatalogError::Stale) => {
                    let jitter = u64::from(crate::random::bytes::<1>()[0] % 8);
                    tokio::time::sleep(Duration::from_millis(
                        2 + jitter * u64::from(attempt.min(4)),
                    ))
                    .await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(CatalogError::Busy)
    }

    /// The newest changes to a product: stock adjustments, edits and status moves.
    pub async fn history(
        &self,
        product: &Product,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, CatalogError> {
        Ok(self.audit.history(&target(product), limit).await?)
    }

    /// Every product in every status, read from the store (for the catalog export).
    pub async fn all_products(&self) -> Result<Vec<Product>, CatalogError> {
        let mut products = Vec::new();
        for status in [
            ProductStatus::Active,
            ProductStatus::Draft,
            ProductStatus::Archived,
        ] {
            products.extend(self.table.all_by_status(status).await?);
        }
        Ok(products)
    }

    /// One page of the admin's product list (every status), read from the store.
    #[tracing::instrument(name = "catalog.admin_list", skip_all)]
    pub async fn admin_list(
        &self,
        query: &AdminProductQuery,
    ) -> Result<AdminProductPage, CatalogError> {
        let statuses = match query.status {
            Some(s) => vec![s],
            None => vec![
                ProductStatus::Active,
                ProductStatus::Draft,
                ProductStatus::Archived,
            ],
        };
        let mut products = Vec::new();
        for status in statuses {
            products.extend(self.table.all_by_status(status).await?);
        }
        Ok(admin_page(&products, query))
    }
}
