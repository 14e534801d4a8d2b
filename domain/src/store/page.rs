//! One page of an index query, however many calls it takes: a filter drops items after
//! DynamoDB's `Limit` applies, so a filtered page is read in chunks until it is full, the
//! index ends, or a bound on items read is reached (then its cursor goes on from there).

use super::attr::{s, Item, Reader};
use super::{Store, StoreError};

/// Where a page stopped: the last item's `pk` and index sort key, as text `<pk>|<sort>`.
/// `P` is the first character of the `pk`s of the items listed (`L#…`, `U#…`), so a cursor of
/// one list is refused by another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCursor<const P: char> {
    pk: String,
    sort: String,
}

impl<const P: char> KeyCursor<P> {
    pub fn encode(&self) -> String {
        format!("{}|{}", self.pk, self.sort)
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (pk, sort) = text.split_once('|')?;
        let mut chars = pk.chars();
        let ok = chars.next() == Some(P)
            && chars.next() == Some('#')
            && pk.len() < 64
            && !sort.is_empty()
            && sort.len() <= 256;
        ok.then(|| Self {
            pk: pk.to_owned(),
            sort: sort.to_owned(),
        })
    }
}

/// A query on one value of an index's hash key.
pub struct IndexQuery<'a> {
    pub table: &'a str,
    pub index: &'a str,
    /// The hash key attribute and its value.
    pub hash: (&'a str, &'a str),
    /// The index's sort key attribute.
    pub sort: &'a str,
    /// A filter expression and its `:values`.
    pub filter: Option<(String, Vec<(&'a str, String)>)>,
    /// Ascending sort key order (`false`: descending).
    pub forward: bool,
}

/// Filtered queries read this many items per call.
const FILTERED_CHUNK: i32 = 200;

impl Store {
    /// Up to `limit` items of `q` after `after`, reading at most about `max_read` items, and
    /// the cursor of what follows (if anything may).
    pub async fn index_page<const P: char>(
        &self,
        q: &IndexQuery<'_>,
        after: Option<&KeyCursor<P>>,
        limit: usize,
        max_read: i32,
    ) -> Result<(Vec<Item>, Option<KeyCursor<P>>), StoreError> {
        let limit = limit.max(1);
        let mut items: Vec<Item> = Vec::new();
        let mut start = after.cloned();
        let mut read = 0;
        loop {
            let wanted = i32::try_from(limit - items.len()).unwrap_or(i32::MAX);
            let (hash, value) = q.hash;
            let mut request = self
                .client
                .query()
                .table_name(q.table)
                .index_name(q.index)
                .key_condition_expression("#h = :h")
                .expression_attribute_names("#h", hash)
                .expression_attribute_values(":h", s(value))
                .scan_index_forward(q.forward)
                .limit(if q.filter.is_some() {
                    FILTERED_CHUNK
                } else {
                    wanted
                });
            if let Some((expression, values)) = &q.filter {
                request = request.filter_expression(expression);
                for (name, v) in values {
                    request = request.expression_attribute_values(*name, s(v));
                }
            }
            if let Some(c) = &start {
                request = request
                    .exclusive_start_key("pk", s(&c.pk))
                    .exclusive_start_key(q.sort, s(&c.sort))
                    .exclusive_start_key(hash, s(value));
            }
            let out = request
                .send()
                .await
                .map_err(|e| StoreError::call("Query", e))?;
            read += out.scanned_count();
            let more_after_page = out.last_evaluated_key().is_some();
            let page = out.items();
            for (i, item) in page.iter().enumerate() {
                items.push(item.clone());
                if items.len() == limit && (i + 1 < page.len() || more_after_page) {
                    // Full before the end of what was read: go on after the last item kept.
                    let next = self.cursor_at(q, item)?;
                    return Ok((items, Some(next)));
                }
            }
            start = match out.last_evaluated_key() {
                Some(key) => Some(self.cursor_at(q, key)?),
                None => None,
            };
            if start.is_none() || items.len() >= limit || read >= max_read {
                return Ok((items, start));
            }
        }
    }

    fn cursor_at<const P: char>(
        &self,
        q: &IndexQuery<'_>,
        item: &Item,
    ) -> Result<KeyCursor<P>, StoreError> {
        let r = Reader::new(q.table, item);
        Ok(KeyCursor {
            pk: r.string("pk")?.to_owned(),
            sort: r.string(q.sort)?.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_one_of_another_list_is_refused() {
        let c = KeyCursor::<'L'>::parse("L#abc|000123#abc").unwrap();
        assert_eq!(c.encode(), "L#abc|000123#abc");
        assert!(KeyCursor::<'U'>::parse("L#abc|x").is_none());
        assert!(KeyCursor::<'L'>::parse("L#abc").is_none());
        assert!(KeyCursor::<'L'>::parse("L#abc|").is_none());
    }
}
