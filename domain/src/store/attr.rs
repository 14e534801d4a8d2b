//! Reading and writing item attributes without repeating the `AttributeValue` dance.

use super::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// Typed reads from one item of one table; errors name the table and attribute.
pub struct Reader<'a> {
    pub table: &'a str,
    pub item: &'a Item,
}

impl<'a> Reader<'a> {
    pub fn new(table: &'a str, item: &'a Item) -> Self {
        Self { table, item }
    }

    pub fn string(&self, name: &str) -> Result<&'a str, StoreError> {
        match self.item.get(name) {
            Some(AttributeValue::S(v)) => Ok(v),
            _ => Err(StoreError::malformed(
                self.table,
                format!("{name} is not a string"),
            )),
        }
    }

    /// A string attribute that may be absent; absent and empty are both `None`.
    pub fn optional_string(&self, name: &str) -> Result<Option<&'a str>, StoreError> {
        match self.item.get(name) {
            None => Ok(None),
            Some(AttributeValue::S(v)) if v.is_empty() => Ok(None),
            Some(AttributeValue::S(v)) => Ok(Some(v)),
            _ => Err(StoreError::malformed(
                self.table,
                format!("{name} is not a string"),
            )),
        }
    }

    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<T, StoreError> {
        match self.item.get(name) {
            Some(AttributeValue::N(v)) => v
                .parse()
                .map_err(|_| StoreError::malformed(self.table, format!("{name} is out of range"))),
            _ => Err(StoreError::malformed(
                self.table,
                format!("{name} is not a number"),
            )),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<bool, StoreError> {
        match self.item.get(name) {
            Some(AttributeValue::Bool(v)) => Ok(*v),
            None => Ok(false),
            _ => Err(StoreError::malformed(
                self.table,
                format!("{name} is not a boolean"),
            )),
        }
    }

    /// Parses a string attribute with a domain parser.
    pub fn parsed<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        parse(self.string(name)?)
            .map_err(|e| StoreError::malformed(self.table, format!("{name}: {e}")))
    }
}
