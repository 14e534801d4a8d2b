//! The one quote of a cart: which lines can be bought, at what price, and what changed since
//! the shopper added them. Pure: the caller says where products come from (the cart page from
//! the catalog snapshot, checkout from consistent reads of the store), so the cart page, the
//! checkout page and placing the order can never disagree about a line.

use super::{CartLine, CartView, LineIssue};
use crate::catalog::{Product, ProductId, ProductStatus, Slug, StockState};
use crate::orders::{pricing, OrderLine, Quantity, ShortLine};
use crate::{Currency, Money};

/// One line as the cart stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    pub product: ProductId,
    pub quantity: Quantity,
    /// The price the shopper saw when adding it, in cents.
    pub seen_price_cents: i64,
}

/// What a line with no product on sale is called.
const NO_LONGER_SOLD: &str = "A product no longer sold";

/// Prices `lines` from the products `product` finds (any status: only active ones sell).
pub fn quote<'a>(
    lines: impl IntoIterator<Item = &'a StoredLine>,
    product: impl Fn(&ProductId) -> Option<Product>,
) -> CartView {
    let lines: Vec<CartLine> = lines
        .into_iter()
        .map(|stored| match product(&stored.product) {
            Some(p) if p.status == ProductStatus::Active => quoted(stored, p),
            _ => unavailable(stored),
        })
        .collect();
    let priced: Vec<(Money, Quantity)> = lines
        .iter()
        .filter(|l| l.issue.as_ref().is_none_or(|i| !i.blocks_checkout()))
        .map(|l| (l.unit_price, l.quantity))
        .collect();
    CartView {
        count: lines.iter().map(|l| u32::from(l.quantity.get())).sum(),
        totals: pricing::totals(&priced),
        lines,
    }
}

fn quoted(stored: &StoredLine, p: Product) -> CartLine {
    let quantity = stored.quantity;
    let issue = match p.stock_state() {
        StockState::SoldOut => Some(LineIssue::SoldOut),
        _ if p.stock < u32::from(quantity.get()) => Some(LineIssue::OnlyLeft(p.stock)),
        _ if p.price.cents() != stored.seen_price_cents => Some(LineIssue::PriceChanged {
            was: Money::new(stored.seen_price_cents, p.price.currency()).unwrap_or(p.price),
        }),
        _ => None,
    };
    CartLine {
        product_id: p.id,
        slug: p.slug,
        name: p.name,
        image: p.image,
        unit_price: p.price,
        quantity,
        line_total: pricing::line_total(p.price, quantity),
        max_quantity: p.stock.min(u32::from(Quantity::MAX_PER_LINE)),
        issue,
    }
}

/// A line whose product is no longer on sale: shown, flagged, not priced.
fn unavailable(stored: &StoredLine) -> CartLine {
    let price =
        Money::new(stored.seen_price_cents, Currency::Usd).unwrap_or(Money::zero(Currency::Usd));
    CartLine {
        product_id: stored.product.clone(),
        slug: Slug::from_name("unavailable"),
        name: NO_LONGER_SOLD.to_owned(),
        image: String::new(),
        unit_price: price,
        quantity: stored.quantity,
        line_total: pricing::line_total(price, stored.quantity),
        max_quantity: 0,
        issue: Some(LineIssue::Unavailable),
    }
}

impl CartView {
    /// The order's lines at the quoted prices, or every line that cannot be bought as asked.
    pub fn order_lines(&self) -> Result<Vec<OrderLine>, Vec<ShortLine>> {
        let short: Vec<ShortLine> = self
            .lines
            .iter()
            .filter_map(|l| {
                let available = match l.issue.as_ref()? {
                    LineIssue::PriceChanged { .. } => return None,
                    LineIssue::OnlyLeft(n) => *n,
                    LineIssue::SoldOut | LineIssue::Unavailable => 0,
                };
                Some(ShortLine {
                    name: l.name.clone(),
                    wanted: l.quantity.get(),
                    available,
                })
            })
            .collect();
        if !short.is_empty() {
            return Err(short);
        }
        Ok(self
            .lines
            .iter()
            .map(|l| OrderLine {
                product_id: l.product_id.clone(),
                slug: l.slug.clone(),
                name: l.name.clone(),
                unit_price: l.unit_price,
                quantity: l.quantity,
                line_total: l.line_total,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Category;
    use crate::time::Timestamp;

    /// `p7` → the product id ending in 7.
    fn pid(name: &str) -> ProductId {
        ProductId::parse(&format!("00000000-0000-0000-0000-{:0>12}", &name[1..])).unwrap()
    }

    fn product(id: &str, cents: i64, stock: u32, status: ProductStatus) -> Product {
        Product {
            id: pid(id),
            slug: Slug::from_name(id),
            name: format!("Product {id}"),
            description: String::new(),
            price: Money::new(cents, Currency::Usd).unwrap(),
            category: Category::ALL[0],
            image: String::new(),
            stock,
            status,
            featured: false,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    fn line(id: &str, quantity: i64, seen: i64) -> StoredLine {
        StoredLine {
            product: pid(id),
            quantity: Quantity::parse(quantity).unwrap(),
            seen_price_cents: seen,
        }
    }

    fn catalog(products: Vec<Product>) -> impl Fn(&ProductId) -> Option<Product> {
        move |id| products.iter().find(|p| &p.id == id).cloned()
    }

    #[test]
    fn a_quote_prices_every_buyable_line_at_todays_price_and_flags_a_change() {
        let shop = catalog(vec![
            product("p1", 1_000, 10, ProductStatus::Active),
            product("p2", 2_500, 10, ProductStatus::Active),
        ]);
        let view = quote(&[line("p1", 2, 1_000), line("p2", 1, 2_000)], shop);
        assert_eq!(view.count, 3);
        assert_eq!(view.totals.subtotal.cents(), 4_500);
        assert_eq!(
            view.lines[1].issue,
            Some(LineIssue::PriceChanged {
                was: Money::new(2_000, Currency::Usd).unwrap()
            })
        );
        assert!(view.can_check_out(), "a price change only needs noticing");
        let lines = view.order_lines().unwrap();
        assert_eq!(lines[1].unit_price.cents(), 2_500);
    }

    #[test]
    fn short_sold_out_and_withdrawn_lines_block_the_order_and_are_not_priced() {
        let shop = catalog(vec![
            product("p1", 1_000, 1, ProductStatus::Active),
            product("p2", 1_000, 0, ProductStatus::Active),
            product("p3", 1_000, 9, ProductStatus::Archived),
        ]);
        let view = quote(
            &[
                line("p1", 3, 1_000),
                line("p2", 1, 1_000),
                line("p3", 1, 1_000),
                line("p4", 1, 500),
            ],
            shop,
        );
        assert_eq!(view.totals.subtotal.cents(), 0);
        assert!(!view.can_check_out());
        let short = view.order_lines().unwrap_err();
        let available: Vec<u32> = short.iter().map(|s| s.available).collect();
        assert_eq!(available, vec![1, 0, 0, 0]);
        assert_eq!(short[3].name, NO_LONGER_SOLD);
    }
}
