//! Catalog CSV: export of every product, and import that checks the whole file first, then
//! applies each valid row as one transaction of its own (create, or update fields and stock of
//! the product with that slug). The rows are applied in the background by the import jobs
//! ([`super::import_jobs`]), which keep the progress and the report in the store.

use super::import_report::CSV_COLUMNS;
use super::{CatalogError, CatalogService, Product, ProductFields, StockChange};
use crate::identity::Admin;
use crate::store::StoreError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::collections::HashMap;

/// The largest file accepted.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// The most data rows in one file.
pub const MAX_IMPORT_ROWS: usize = 10_000;

/// Why a whole file was refused (nothing was applied).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
    #[error("choose a CSV file")]
    Empty,
    #[error("is larger than 5 MB")]
    TooLarge,
    #[error("is not UTF-8 text (save it as “CSV UTF-8”)")]
    NotUtf8,
    #[error("must have exactly the columns {expected}; it has {found}")]
    Columns { expected: String, found: String },
    #[error("has more than 10,000 rows; split it into smaller files")]
    TooManyRows,
    #[error("is not readable CSV at line {line}: {reason}")]
    Malformed { line: u64, reason: String },
}

/// One data row of an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub fields: ProductFields,
    pub stock: String,
}

/// Every product as CSV, in slug order, with the columns import reads back.
pub fn export_csv(products: &[Product]) -> Result<String, CatalogError> {
    let mut sorted: Vec<&Product> = products.iter().collect();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed =
        |e: csv::Error| CatalogError::Invalid(crate::FieldError::new("csv", e.to_string()));
    writer.write_record(CSV_COLUMNS).map_err(failed)?;
    for p in sorted {
        let fields = ProductFields::of(p);
        writer
            .write_record([
                fields.slug.as_str(),
                fields.name.as_str(),
                fields.description.as_str(),
                fields.price.as_str(),
                fields.category.as_str(),
                fields.status.as_str(),
                if p.featured { "yes" } else { "no" },
                &p.stock.to_string(),
            ])
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| CatalogError::Invalid(crate::FieldError::new("csv", e.to_string())))?;
    String::from_utf8(bytes)
        .map_err(|e| CatalogError::Invalid(crate::FieldError::new("csv", e.to_string())))
}

/// Reads a whole import file: its encoding, its columns and its size in rows. Rows are not
/// validated here; each is checked when it is applied, and reported on its own.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<ImportRow>, ImportFileError> {
    if bytes.is_empty() {
        return Err(ImportFileError::Empty);
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportFileError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportFileError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let malformed = |e: csv::Error| ImportFileError::Malformed {
        line: e.position().map_or(0, |p| p.line()),
        reason: match e.kind() {
            csv::ErrorKind::UnequalLengths { .. } => {
                "a row has a different number of fields than the header".into()
            }
            _ => e.to_string(),
        },
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(malformed)?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut expected: Vec<&str> = CSV_COLUMNS.to_vec();
    expected.sort_unstable();
    let mut found: Vec<&str> = header.iter().map(String::as_str).collect();
    found.sort_unstable();
    if expected != found {
        return Err(ImportFileError::Columns {
            expected: CSV_COLUMNS.join(", "),
            found: header.join(", "),
        });
    }
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let at: HashMap<&str, usize> = CSV_COLUMNS.iter().map(|c| (*c, column(c))).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(ImportFileError::TooManyRows);
        }
        let get = |name: &str| record.get(at[name]).unwrap_or_default().to_owned();
        let featured = match get("featured").trim().to_lowercase().as_str() {
            "yes" | "true" | "1" => Some("on".to_owned()),
            "no" | "false" | "0" | "" => None,
            other => Some(other.to_owned()),
        };
        rows.push(ImportRow {
            line: record.position().map_or(0, |p| p.line()),
            fields: ProductFields {
                name: get("name"),
                slug: get("slug"),
                description: get("description"),
                price: get("price"),
                category: get("category"),
                status: get("status"),
                featured,
            },
            stock: get("stock"),
        });
    }
    Ok(rows)
}

/// What applying one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}

impl CatalogService {
    /// Applies one import row as one transaction: creates the product with the row's slug, or
    /// updates that product's fields and stock, together with the item `record` makes for what
    /// was done (the import's progress). A bad row, or one that changes nothing, writes
    /// nothing (and `record` is not part of any write); a bad row says why.
    pub async fn import_row(
        &self,
        admin: &Admin,
        row: &ImportRow,
        record: impl Fn(RowOutcome) -> Result<TransactWriteItem, StoreError>,
    ) -> Result<RowOutcome, String> {
        let draft = row.fields.parse();
        let stock =
            StockChange::parse("set", &row.stock).map_err(|e| format!("stock {}", e.message));
        let draft = match (draft, stock) {
            (Ok(d), Ok(StockChange::Set(stock))) => (d, stock),
            (Err(errors), stock) => {
                let mut all: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{} {}", e.field, e.message))
                    .collect();
                all.extend(stock.err());
                return Err(all.join("; "));
            }
            (_, Err(e)) => return Err(e),
            (_, Ok(StockChange::Delta(_))) => return Err("stock must be a whole number".into()),
        };
        let (draft, stock) = draft;
        let explained = |e: CatalogError| match e {
            CatalogError::Invalid(f) => format!("{} {}", f.field, f.message),
            CatalogError::SlugTaken(slug) => format!("slug {slug} is used by another product"),
            CatalogError::Stale => {
                "the product changed while importing; import the row again".into()
            }
            other => {
                tracing::error!(error = ?other, line = row.line, "an import row failed");
                "could not be saved; import the row again".into()
            }
        };
        let existing = match self.get_by_slug(&draft.slug).await {
            Ok(p) => Some(p),
            Err(CatalogError::NotFound) => None,
            Err(e) => return Err(explained(e)),
        };
        let recorded = |outcome| record(outcome).map_err(|e| explained(e.into()));
        match existing {
            None => self
                .create_with(admin, draft, stock, Some(recorded(RowOutcome::Created)?))
                .await
                .map(|_| RowOutcome::Created)
                .map_err(explained),
            Some(before) => {
                let after = Product {
                    stock,
                    ..draft.applied_to(&before)
                };
                let updated_at = before.updated_at;
                let progress = recorded(RowOutcome::Updated)?;
                let saved = self
                    .save(
                        admin.staff(),
                        "product.imported",
                        before,
                        after,
                        true,
                        Some(progress),
                    )
                    .await
                    .map_err(explained)?;
                Ok(if saved.updated_at == updated_at {
                    RowOutcome::Unchanged
                } else {
                    RowOutcome::Updated
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "slug,name,description,price,category,status,featured,stock\n";

    #[test]
    fn a_file_with_the_columns_in_any_order_is_read_row_by_row() {
        let file = "stock,name,slug,price,category,status,featured,description\n\
                    4,Trail Lamp,trail-lamp,12.50,outdoor,active,yes,\"Bright, light\"\n";
        let rows = parse_csv(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].fields.description, "Bright, light");
        assert_eq!(rows[0].fields.featured.as_deref(), Some("on"));
        assert_eq!(rows[0].stock, "4");
    }

    #[test]
    fn wrong_columns_bad_encoding_and_too_many_rows_refuse_the_whole_file() {
        assert!(matches!(
            parse_csv(b"slug,name,price\nx,y,1\n"),
            Err(ImportFileError::Columns { .. })
        ));
        assert_eq!(parse_csv(b"slug,\xff\xfe"), Err(ImportFileError::NotUtf8));
        assert_eq!(parse_csv(b""), Err(ImportFileError::Empty));
        let mut big = HEADER.to_owned();
        for i in 0..=MAX_IMPORT_ROWS {
            big.push_str(&format!("p-{i},Product {i},,1,outdoor,draft,no,1\n"));
        }
        assert_eq!(parse_csv(big.as_bytes()), Err(ImportFileError::TooManyRows));
        let ragged = format!("{HEADER}a,b\n");
        assert!(matches!(
            parse_csv(ragged.as_bytes()),
            Err(ImportFileError::Malformed { line: 2, .. })
        ));
    }
}
