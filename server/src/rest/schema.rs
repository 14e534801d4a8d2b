//! OpenAPI schemas for values whose allowed set comes from the domain (so the document lists
//! exactly what the code accepts), and the responses every operation can give.

use domain::catalog::{Category, ProductStatus, SortOrder};
use domain::identity::Role;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

fn string_enum(values: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .into()
}

/// A category's slug.
pub struct CategorySlug;

impl PartialSchema for CategorySlug {
    fn schema() -> RefOr<Schema> {
        string_enum(Category::ALL.iter().map(|c| c.slug()))
    }
}

impl ToSchema for CategorySlug {}

/// A sort order of the product list.
pub struct SortParam;

impl PartialSchema for SortParam {
    fn schema() -> RefOr<Schema> {
        string_enum(SortOrder::ALL.iter().map(|s| s.param()))
    }
}

impl ToSchema for SortParam {}

/// A product's status: `draft` (being prepared), `active` (on sale), `archived` (withdrawn).
pub struct ProductStatusParam;

impl PartialSchema for ProductStatusParam {
    fn schema() -> RefOr<Schema> {
        string_enum(
            [
                ProductStatus::Draft,
                ProductStatus::Active,
                ProductStatus::Archived,
            ]
            .map(ProductStatus::as_str),
        )
    }
}

impl ToSchema for ProductStatusParam {}

/// An account's role.
pub struct RoleParam;

impl PartialSchema for RoleParam {
    fn schema() -> RefOr<Schema> {
        string_enum([Role::Customer, Role::Support, Role::Admin].map(Role::as_str))
    }
}

impl ToSchema for RoleParam {}

/// The refusals any operation can answer, whatever it does: a bad or revoked token (401, on
/// public routes too, as a token that is sent is checked), a malformed request (400), an
/// overlong URL (414), the rate limit (429) and our own or the store's failures (500, 503).
const COMMON: [(&str, &str); 6] = [
    (
        "400",
        "The request is malformed (its query string or body cannot be read)",
    ),
    ("414", "The URL is longer than the server takes"),
    (
        "401",
        "The bearer token is malformed, unknown, expired or revoked",
    ),
    (
        "429",
        "Too many requests; `Retry-After` says how many seconds to wait",
    ),
    ("500", "Something failed on our side"),
    (
        "503",
        "The store did not answer; try again shortly (`Retry-After`)",
    ),
];

/// What an operation that changes things can also answer.
const WRITES: [(&str, &str); 3] = [
    (
        "403",
        "The token is read-only, or lacks the scope or role this route needs",
    ),
    ("413", "The request body is larger than 64 KiB"),
    ("415", "The request body is not `application/json`"),
];

/// Adds the [`COMMON`] refusals (and for a change, the [`WRITES`] ones) to `operation`,
/// leaving any it already documents.
pub fn add_common_responses(operation: &mut Operation, changes: bool) {
    let writes = if changes { &WRITES[..] } else { &[] };
    for &(status, description) in COMMON.iter().chain(writes) {
        if operation.responses.responses.contains_key(status) {
            continue;
        }
        let response = ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemDoc")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .insert(status.to_owned(), response.into());
    }
}
