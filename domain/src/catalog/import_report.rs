//! What a catalog import reports while it runs and when it is done. Shared with the browser.

use serde::{Deserialize, Serialize};

/// The columns of the catalog CSV, in the order export writes them. Import needs exactly these
/// (in any order).
pub const CSV_COLUMNS: [&str; 8] = [
    "slug",
    "name",
    "description",
    "price",
    "category",
    "status",
    "featured",
    "stock",
];

/// A row that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub message: String,
}

/// Where an import stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub file_name: String,
    /// Data rows in the file.
    pub total: usize,
    /// Rows handled so far (applied, unchanged or refused).
    pub done: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    pub finished: bool,
    /// The import stopped before its last row (the server stopped); the rows done are saved.
    pub interrupted: bool,
}

impl ImportProgress {
    /// Percent of rows handled, for the progress bar.
    pub fn percent(&self) -> u32 {
        if self.total == 0 {
            return 100;
        }
        u32::try_from(self.done * 100 / self.total).unwrap_or(100)
    }
}
