//! Orders as CSV, for the admin's export of a filtered list.

use super::OrderError;
use super::{Order, OrderFilter, OrderService};

/// The most orders one export holds.
pub const MAX_EXPORT_ORDERS: usize = 10_000;

const COLUMNS: [&str; 11] = [
    "number",
    "placed_utc",
    "status",
    "email",
    "items",
    "lines",
    "subtotal",
    "shipping",
    "total",
    "currency",
    "ship_to",
];

/// `orders` as CSV text, one row per order, amounts as decimals.
pub fn orders_csv(orders: &[Order]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for o in orders {
        let items: u32 = o.lines.iter().map(|l| u32::from(l.quantity.get())).sum();
        let lines = o
            .lines
            .iter()
            .map(|l| format!("{} × {}", l.quantity.get(), l.name))
            .collect::<Vec<_>>()
            .join("; ");
        let a = &o.address;
        let ship_to = format!(
            "{}, {} {}, {}",
            a.name.as_str(),
            a.postal_code,
            a.city,
            a.country
        );
        writer.write_record([
            o.number.as_str(),
            &o.created_at.datetime_utc(),
            o.status.as_str(),
            o.email.as_str(),
            &items.to_string(),
            &lines,
            &o.totals.subtotal.decimal(),
            &o.totals.shipping.decimal(),
            &o.totals.total.decimal(),
            o.totals.total.currency().code(),
            &ship_to,
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

impl OrderService {
    /// Every order matching `filter`, up to [`MAX_EXPORT_ORDERS`]; `true` when there were more.
    pub async fn all_matching(
        &self,
        filter: &OrderFilter,
    ) -> Result<(Vec<Order>, bool), OrderError> {
        let mut orders = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = self.page_matching(filter, cursor.as_ref(), 200).await?;
            orders.extend(page);
            if orders.len() >= MAX_EXPORT_ORDERS {
                let more = orders.len() > MAX_EXPORT_ORDERS || next.is_some();
                orders.truncate(MAX_EXPORT_ORDERS);
                return Ok((orders, more));
            }
            match next {
                Some(n) => cursor = Some(n),
                None => return Ok((orders, false)),
            }
        }
    }
}
