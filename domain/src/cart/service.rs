//! The cart service: lines stored in DynamoDB (`carts` table), priced from the live catalog.
//!
//! Each cart item carries a `version`; every change is a conditional write on it, retried on
//! conflict, so concurrent changes never lose one another, and checkout can clear exactly the
//! cart it priced.

use super::counts::CartCounts;
use super::quote::{quote, StoredLine};
use super::recent::RecentCarts;
use super::CartView;
use crate::catalog::{CatalogService, ProductId};
use crate::identity::UserId;
use crate::orders::Quantity;
use crate::store::attr::{n, s, Reader};
use crate::store::{Store, StoreError};
use crate::time::Timestamp;
use crate::FieldError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Distinct products one cart may hold.
pub const MAX_LINES: usize = 50;
/// A guest cart is forgotten this long after its last change.
const GUEST_CART_DAYS: i64 = 30;
const CONFLICT_RETRIES: usize = 8;

/// Whose cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartOwner {
    /// A visitor, by the opaque id in their cart cookie.
    Guest(String),
    Customer(UserId),
}

impl CartOwner {
    /// The owner as stored: `G#<token>` or `U#<user id>`.
    pub fn key(&self) -> String {
        match self {
            CartOwner::Guest(token) => format!("G#{token}"),
            CartOwner::Customer(id) => format!("U#{}", id.as_str()),
        }
    }

    /// A new guest cart id: 128 random bits.
    pub fn new_guest() -> Self {
        CartOwner::Guest(hex::encode(crate::random::bytes::<16>()))
    }

    /// A guest cart id from a cookie; anything but 32 hex digits is none.
    pub fn guest_from_cookie(value: &str) -> Option<Self> {
        (value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| CartOwner::Guest(value.to_ascii_lowercase()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("that product is not for sale")]
    Unavailable,
    #[error("that product is sold out")]
    SoldOut,
    #[error("a cart holds at most {MAX_LINES} different products")]
    Full,
    #[error("the cart kept changing; try again")]
    Contended,
    #[error("that product is not in the cart")]
    NotInCart,
    #[error("cart storage failed")]
    Store(#[from] StoreError),
}

impl crate::refusal::Explain for CartError {
    fn refusal(&self) -> crate::refusal::Refusal {
        use crate::refusal::Refusal;
        match self {
            CartError::Invalid(field) => Refusal::invalid(vec![field.clone()]),
            CartError::Contended => Refusal::conflict("Your cart kept changing. Please try again."),
            CartError::NotInCart => Refusal::not_found("That product is not in your cart."),
            CartError::Store(e) => e.refusal(),
            refused => Refusal::new(422, refused.to_string()),
        }
    }
}

/// One stored line: quantity and the price the shopper saw when adding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineRecord {
    quantity: u16,
    seen_price_cents: i64,
}

/// A cart as stored, with the version its next write must match.
#[derive(Debug, Clone, Default)]
pub struct StoredCart {
    lines: BTreeMap<String, LineRecord>,
    pub version: u64,
    exists: bool,
}

impl StoredCart {
    pub fn quantities(&self) -> impl Iterator<Item = (ProductId, u16)> + '_ {
        self.lines
            .iter()
            .filter_map(|(id, l)| ProductId::parse(id).ok().map(|id| (id, l.quantity)))
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// How many items the cart holds, counted as [`quote`] counts them.
    pub fn count(&self) -> u32 {
        self.lines()
            .iter()
            .map(|l| u32::from(l.quantity.get()))
            .sum()
    }

    /// The lines as [`quote`] takes them; a line that no longer parses is left out.
    pub fn lines(&self) -> Vec<StoredLine> {
        self.lines
            .iter()
            .filter_map(|(id, l)| {
                Some(StoredLine {
                    product: ProductId::parse(id).ok()?,
                    quantity: Quantity::parse(i64::from(l.quantity)).ok()?,
                    seen_price_cents: l.seen_price_cents,
                })
            })
            .collect()
    }
}

#[derive(Clone)]
pub struct CartService {
    store: Store,
    table: String,
    catalog: Arc<CatalogService>,
    counts: Arc<CartCounts>,
    recent: Arc<RecentCarts>,
}

impl std::fmt::Debug for CartService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CartService")
            .field("table", &self.table)
            .finish()
    }
}

impl CartService {
    pub fn new(store: Store, catalog: Arc<CatalogService>) -> Self {
        Self {
            table: store.tables.carts(),
            store,
            catalog,
            counts: Arc::default(),
            recent: Arc::default(),
        }
    }

    /// The stored cart (empty when there is none), read consistently.
    pub async fn load(&self, owner: &CartOwner) -> Result<StoredCart, StoreError> {
        let Some(item) = self.store.get_by_pk(&self.table, owner.key()).await? else {
            return Ok(StoredCart::default());
        };
        let r = Reader::new(&self.table, &item);
        let mut lines = BTreeMap::new();
        if let Some(AttributeValue::M(map)) = item.get("lines") {
            for (id, value) in map {
                let AttributeValue::M(line) = value else {
                    return Err(StoreError::malformed(&self.table, "cart line is not a map"));
                };
                let lr = Reader::new(&self.table, line);
                lines.insert(
                    id.clone(),
                    LineRecord {
                        quantity: lr.number("q")?,
                        seen_price_cents: lr.number("p")?,
                    },
                );
            }
        }
        let cart = StoredCart {
            lines,
            version: r.number("version")?,
            exists: true,
        };
        self.keep(owner, &cart);
        Ok(cart)
    }

    /// The customer's cart for placing an order: this replica's copy when it has a non-empty
    /// one (see [`RecentCarts`] for why a stale copy is harmless), else read from the store.
    pub(crate) async fn load_for_order(&self, owner: &CartOwner) -> Result<StoredCart, StoreError> {
        match self.recent.get(&owner.key()) {
            Some(cart) if !cart.is_empty() => Ok(cart),
            _ => self.load(owner).await,
        }
    }

    /// Keeps a customer's cart as it is now in the store.
    fn keep(&self, owner: &CartOwner, cart: &StoredCart) {
        if matches!(owner, CartOwner::Customer(_)) {
            self.recent.put(owner.key(), cart.clone());
        }
    }

    async fn save(&self, owner: &CartOwner, cart: &StoredCart) -> Result<bool, StoreError> {
        let lines: HashMap<String, AttributeValue> = cart
            .lines
            .iter()
            .map(|(id, l)| {
                let line = HashMap::from([
                    ("q".to_owned(), n(l.quantity)),
                    ("p".to_owned(), n(l.seen_price_cents)),
                ]);
                (id.clone(), AttributeValue::M(line))
            })
            .collect();
        let now = Timestamp::now();
        let mut put = self
            .store
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(owner.key()))
            .item("lines", AttributeValue::M(lines))
            .item("version", n(cart.version + 1))
            .item("updated_at", n(now.millis()));
        if matches!(owner, CartOwner::Guest(_)) {
            put = put.item("ttl", n(now.millis() / 1000 + GUEST_CART_DAYS * 86_400));
        }
        put = if cart.exists {
            put.condition_expression("version = :v")
                .expression_attribute_values(":v", n(cart.version))
        } else {
            put.condition_expression("attribute_not_exists(pk)")
        };
        match put.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(StoreError::call("PutItem", e)),
        }
    }

    /// Applies `change` to the cart and writes it, retrying on a concurrent change.
    async fn update(
        &self,
        owner: &CartOwner,
        mut change: impl FnMut(&mut StoredCart) -> Result<(), CartError>,
    ) -> Result<(), CartError> {
        for _ in 0..CONFLICT_RETRIES {
            let mut cart = self.load(owner).await?;
            change(&mut cart)?;
            if self.save(owner, &cart).await? {
                self.counts.changed(&owner.key(), Some(cart.count()));
                self.keep(
                    owner,
                    &StoredCart {
                        version: cart.version + 1,
                        exists: true,
                        ..cart
                    },
                );
                return Ok(());
            }
        }
        Err(CartError::Contended)
    }

    /// The most of a product one line may hold now.
    fn limit(stock: u32) -> u16 {
        u16::try_from(stock.min(u32::from(Quantity::MAX_PER_LINE)))
            .unwrap_or(Quantity::MAX_PER_LINE)
    }

    /// Adds `quantity` of a product (on top of what the line holds), capped by stock.
    #[tracing::instrument(name = "cart.add", skip_all)]
    pub async fn add(
        &self,
        owner: &CartOwner,
        product: &ProductId,
        quantity: Quantity,
    ) -> Result<(), CartError> {
        let p = self
            .catalog
            .active_product(product)
            .ok_or(CartError::Unavailable)?;
        if p.stock == 0 {
            return Err(CartError::SoldOut);
        }
        let limit = Self::limit(p.stock);
        self.update(owner, |cart| {
            let key = product.as_str().to_owned();
            if !cart.lines.contains_key(&key) && cart.lines.len() >= MAX_LINES {
                return Err(CartError::Full);
            }
            let line = cart.lines.entry(key).or_insert(LineRecord {
                quantity: 0,
                seen_price_cents: p.price.cents(),
            });
            line.quantity = line.quantity.saturating_add(quantity.get()).min(limit);
            Ok(())
        })
        .await
    }

    /// Sets a line's quantity, capped by stock. A line that is not in the cart is
    /// [`CartError::NotInCart`] (removed meanwhile, say, in another tab).
    #[tracing::instrument(name = "cart.set_quantity", skip_all)]
    pub async fn set_quantity(
        &self,
        owner: &CartOwner,
        product: &ProductId,
        quantity: Quantity,
    ) -> Result<(), CartError> {
        let limit = self
            .catalog
            .active_product(product)
            .map_or(quantity.get(), |p| Self::limit(p.stock).max(1));
        self.update(owner, |cart| {
            let line = cart
                .lines
                .get_mut(product.as_str())
                .ok_or(CartError::NotInCart)?;
            line.quantity = quantity.get().min(limit);
            Ok(())
        })
        .await
    }

    #[tracing::instrument(name = "cart.remove", skip_all)]
    pub async fn remove(&self, owner: &CartOwner, product: &ProductId) -> Result<(), CartError> {
        self.update(owner, |cart| {
            cart.lines.remove(product.as_str());
            Ok(())
        })
        .await
    }

    /// Moves a guest cart's lines into a customer's cart (quantities add up, capped by
    /// stock) and deletes the guest cart. Called on sign-in.
    #[tracing::instrument(name = "cart.merge", skip_all)]
    pub async fn merge(&self, guest: &CartOwner, into: &CartOwner) -> Result<(), CartError> {
        let from = self.load(guest).await?;
        if from.is_empty() {
            return Ok(());
        }
        let catalog = self.catalog.clone();
        self.update(into, |cart| {
            for (id, line) in &from.lines {
                let limit = ProductId::parse(id)
                    .ok()
                    .and_then(|pid| catalog.active_product(&pid))
                    .map_or(line.quantity, |p| Self::limit(p.stock).max(1));
                if !cart.lines.contains_key(id) && cart.lines.len() >= MAX_LINES {
                    continue;
                }
                let target = cart.lines.entry(id.clone()).or_insert(LineRecord {
                    quantity: 0,
                    seen_price_cents: line.seen_price_cents,
                });
                target.quantity = target.quantity.saturating_add(line.quantity).min(limit);
            }
            Ok(())
        })
        .await?;
        self.store
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(guest.key()))
            .send()
            .await
            .map_err(|e| StoreError::call("DeleteItem", e))?;
        self.emptied(guest);
        Ok(())
    }

    /// How many items the cart holds, for the header. Read from the store at most once per
    /// [`COUNT_FRESH_FOR`](super::COUNT_FRESH_FOR) unless it changed through this replica.
    #[tracing::instrument(name = "cart.count", skip_all)]
    pub async fn count(&self, owner: &CartOwner) -> Result<u32, CartError> {
        let key = owner.key();
        if let Some(count) = self.counts.get(&key) {
            return Ok(count);
        }
        let read = self.counts.begin();
        let count = self.load(owner).await?.count();
        self.counts.put(key, count, read);
        Ok(count)
    }

    /// The cart was emptied by other code here (an order placed from it).
    pub(crate) fn emptied(&self, owner: &CartOwner) {
        self.counts.changed(&owner.key(), Some(0));
        self.recent.forget(&owner.key());
    }

    /// The cart priced from the current catalog, with each line's issues.
    pub async fn view(&self, owner: &CartOwner) -> Result<CartView, CartError> {
        let cart = self.load(owner).await?;
        Ok(self.price(&cart))
    }

    /// Prices a stored cart from the catalog snapshot. No I/O.
    pub fn price(&self, cart: &StoredCart) -> CartView {
        quote(&cart.lines(), |id| self.catalog.active_product(id))
    }

    pub(crate) fn table(&self) -> &str {
        &self.table
    }

    pub(crate) fn key_of(owner: &CartOwner) -> String {
        owner.key()
    }
}
