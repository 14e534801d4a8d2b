//! The assistant's tools as a model sees them (names, descriptions, JSON Schema parameters)
//! and as the shop runs them: every call's arguments are parsed into a typed call first, and
//! arguments that do not fit (not JSON, an unknown field, a wrong type) are answered as a tool
//! error the model can correct, never a crash. A tool that would change something only
//! proposes it (see [`ToolCall::is_proposal`]): the shopper confirms in the UI.

use serde::Deserialize;
use serde_json::{json, Value};

use super::intent::{self, Preference, Wish};
use crate::catalog::Category;

/// A tool as offered to a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// JSON Schema of its arguments.
    pub parameters: Value,
}

/// The most products one search returns.
pub const MAX_RESULTS: usize = 6;

/// The shopping assistant's tools (everyone).
pub fn shopping_tools() -> Vec<ToolSpec> {
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
    vec![
        ToolSpec {
            name: "search_products",
            description: "Search the shop's live catalog. Returns products on sale, best matches first, with their slugs. Only products returned by a tool may be recommended.",
            parameters: json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "text": {"type": "string", "maxLength": 200, "description": "What the shopper wants, in their words"},
                    "category": {"type": "string", "enum": categories},
                    "min_price_cents": {"type": "integer", "minimum": 0},
                    "max_price_cents": {"type": "integer", "minimum": 0},
                    "in_stock_only": {"type": "boolean", "default": true},
                    "sort": {"type": "string", "enum": ["relevance", "price_asc", "price_desc"]},
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS}
                }
            }),
        },
        ToolSpec {
            name: "get_product",
            description: "One product by its slug, with its description, price and stock.",
            parameters: slug_parameters(),
        },
        ToolSpec {
            name: "compare_products",
            description: "Two to four products side by side, by their slugs.",
            parameters: json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["slugs"],
                "properties": {
                    "slugs": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4}
                }
            }),
        },
        ToolSpec {
            name: "add_to_cart",
            description: "Propose adding a product to the shopper's cart. This does not change the cart: the shopper sees a card and presses its button to add it.",
            parameters: json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["slug"],
                "properties": {
                    "slug": {"type": "string"},
                    "quantity": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1}
                }
            }),
        },
    ]
}

/// The support chat's tools (signed-in customers, on top of the shopping tools). They act as
/// the customer: only their own orders exist for them.
pub fn support_tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "list_my_orders",
            description: "The signed-in customer's latest orders, newest first: number, status, date, items, total, and whether they can still cancel it.",
            parameters: json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_ORDERS}
                }
            }),
        },
        ToolSpec {
            name: "get_order",
            description: "One of the customer's orders by its number (like CM-7K3M9Q): its lines, status and history.",
            parameters: number_parameters(),
        },
        ToolSpec {
            name: "cancel_order",
            description: "Propose cancelling one of the customer's orders. This does not cancel it: the customer sees a confirmation card and the order is cancelled only when they press its button.",
            parameters: number_parameters(),
        },
        ToolSpec {
            name: "open_ticket",
            description: "Hand the conversation over to the support team as a ticket (when the customer asks for a person, or you cannot help). Returns the ticket number to tell them.",
            parameters: json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "summary": {"type": "string", "maxLength": 120, "description": "What the customer needs, in a few words (the ticket's subject)"}
                }
            }),
        },
    ]
}

/// The most orders `list_my_orders` returns.
pub const MAX_ORDERS: usize = 10;

fn number_parameters() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["number"],
        "properties": {"number": {"type": "string", "maxLength": 32, "description": "The order number, like CM-7K3M9Q"}}
    })
}

fn slug_parameters() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["slug"],
        "properties": {"slug": {"type": "string"}}
    })
}

/// A search, as the shop runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub wish: Wish,
    pub in_stock_only: bool,
    pub limit: usize,
}

/// A tool call with its arguments parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolCall {
    Search(Search),
    GetProduct {
        slug: String,
    },
    Compare {
        slugs: Vec<String>,
    },
    /// A proposal: the cart changes only when the shopper presses the card's button.
    AddToCart {
        slug: String,
        quantity: u16,
    },
}

impl ToolCall {
    /// Whether the call only proposes a change for the shopper to confirm.
    pub fn is_proposal(&self) -> bool {
        matches!(self, ToolCall::AddToCart { .. })
    }
}

/// A support chat tool call with its arguments parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportCall {
    ListOrders {
        limit: usize,
    },
    GetOrder {
        number: String,
    },
    /// A proposal: the order is cancelled only when the customer presses the card's button.
    CancelOrder {
        number: String,
    },
    OpenTicket {
        summary: Option<String>,
    },
}

/// Why a tool call was not run: told to the model as the tool's result, so it can correct
/// itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchArgs {
    text: Option<String>,
    category: Option<String>,
    min_price_cents: Option<i64>,
    max_price_cents: Option<i64>,
    in_stock_only: Option<bool>,
    sort: Option<String>,
    limit: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlugArgs {
    slug: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareArgs {
    slugs: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CartArgs {
    slug: String,
    quantity: Option<u16>,
}

fn args<T: serde::de::DeserializeOwned>(name: &str, arguments: &str) -> Result<T, ToolError> {
    let text = if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    };
    serde_json::from_str(text)
        .map_err(|e| ToolError(format!("the arguments of {name} are not valid: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    limit: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberArgs {
    number: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketArgs {
    summary: Option<String>,
}

fn order_number(name: &str, arguments: &str) -> Result<String, ToolError> {
    let number = args::<NumberArgs>(name, arguments)?.number;
    let number = number.trim().to_ascii_uppercase();
    if number.is_empty() || number.len() > 32 {
        return Err(ToolError(
            "number must be an order number like CM-7K3M9Q".into(),
        ));
    }
    Ok(number)
}

/// Parses a model's call of the support tool `name`; `None` when `name` is not one (it may be
/// a shopping tool).
pub fn parse_support_call(name: &str, arguments: &str) -> Option<Result<SupportCall, ToolError>> {
    let call = match name {
        "list_my_orders" => args::<ListArgs>(name, arguments).and_then(|a| {
            let limit = a.limit.unwrap_or(5);
            if (1..=MAX_ORDERS).contains(&limit) {
                Ok(SupportCall::ListOrders { limit })
            } else {
                Err(ToolError(format!("limit must be 1 to {MAX_ORDERS}")))
            }
        }),
        "get_order" => order_number(name, arguments).map(|number| SupportCall::GetOrder { number }),
        "cancel_order" => {
            order_number(name, arguments).map(|number| SupportCall::CancelOrder { number })
        }
        "open_ticket" => args::<TicketArgs>(name, arguments).and_then(|a| {
            let summary = a
                .summary
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            if summary.as_ref().is_some_and(|s| s.chars().count() > 120) {
                return Err(ToolError("summary must be at most 120 characters".into()));
            }
            Ok(SupportCall::OpenTicket { summary })
        }),
        _ => return None,
    };
    Some(call)
}

/// Parses a model's call of the tool `name` with `arguments` (JSON text, as models send it).
pub fn parse_call(name: &str, arguments: &str) -> Result<ToolCall, ToolError> {
    match name {
        "search_products" => {
            let a: SearchArgs = args(name, arguments)?;
            let text = a.text.unwrap_or_default();
            if text.chars().count() > 200 {
                return Err(ToolError("text must be at most 200 characters".into()));
            }
            let mut wish = intent::wish_of(&text);
            if let Some(slug) = a.category {
                wish.category = Some(Category::parse(&slug).map_err(|_| {
                    let all: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
                    ToolError(format!("category must be one of {}", all.join(", ")))
                })?);
            }
            if a.min_price_cents.is_some_and(|c| c < 0) || a.max_price_cents.is_some_and(|c| c < 0)
            {
                return Err(ToolError("prices are whole cents, 0 or more".into()));
            }
            wish.min_cents = a.min_price_cents.or(wish.min_cents);
            wish.max_cents = a.max_price_cents.or(wish.max_cents);
            wish.preference = match a.sort.as_deref() {
                None | Some("relevance") => wish.preference,
                Some("price_asc") => Preference::Cheapest,
                Some("price_desc") => Preference::Priciest,
                Some(other) => {
                    return Err(ToolError(format!(
                        "sort must be relevance, price_asc or price_desc, not {other:?}"
                    )))
                }
            };
            let limit = a.limit.unwrap_or(MAX_RESULTS);
            if !(1..=MAX_RESULTS).contains(&limit) {
                return Err(ToolError(format!("limit must be 1 to {MAX_RESULTS}")));
            }
            Ok(ToolCall::Search(Search {
                wish,
                in_stock_only: a.in_stock_only.unwrap_or(true),
                limit,
            }))
        }
        "get_product" => Ok(ToolCall::GetProduct {
            slug: args::<SlugArgs>(name, arguments)?.slug,
        }),
        "compare_products" => {
            let slugs = args::<CompareArgs>(name, arguments)?.slugs;
            if !(2..=4).contains(&slugs.len()) {
                return Err(ToolError("compare two to four products".into()));
            }
            Ok(ToolCall::Compare { slugs })
        }
        "add_to_cart" => {
            let a: CartArgs = args(name, arguments)?;
            let quantity = a.quantity.unwrap_or(1);
            if !(1..=10).contains(&quantity) {
                return Err(ToolError("quantity must be 1 to 10".into()));
            }
            Ok(ToolCall::AddToCart {
                slug: a.slug,
                quantity,
            })
        }
        other => Err(ToolError(format!("there is no tool called {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_its_arguments_into_a_wish() {
        let call = parse_call(
            "search_products",
            r#"{"text":"running gift","max_price_cents":5000,"sort":"price_asc","category":"sports"}"#,
        )
        .unwrap();
        let ToolCall::Search(search) = call else {
            panic!("{call:?}")
        };
        assert_eq!(search.wish.max_cents, Some(5_000));
        assert_eq!(search.wish.preference, Preference::Cheapest);
        assert_eq!(search.wish.category, Some(Category::Sports));
        assert!(search.in_stock_only);
        assert_eq!(search.limit, MAX_RESULTS);
    }

    #[test]
    fn arguments_that_do_not_fit_are_a_tool_error_not_a_crash() {
        for (name, arguments) in [
            ("search_products", "{not json"),
            ("search_products", r#"{"price": 5}"#),
            ("search_products", r#"{"max_price_cents": "cheap"}"#),
            ("search_products", r#"{"category": "weapons"}"#),
            ("search_products", r#"{"limit": 99}"#),
            ("compare_products", r#"{"slugs": ["one"]}"#),
            ("add_to_cart", r#"{"slug": "x", "quantity": 500}"#),
            ("set_price", r#"{"slug": "x", "cents": 100}"#),
        ] {
            assert!(parse_call(name, arguments).is_err(), "{name} {arguments}");
        }
        assert!(
            parse_call("search_products", "").is_ok(),
            "no arguments: all defaults"
        );
    }

    #[test]
    fn adding_to_the_cart_is_only_a_proposal() {
        let call = parse_call("add_to_cart", r#"{"slug":"bramble-plush-fox"}"#).unwrap();
        assert!(call.is_proposal());
        assert!(!parse_call("get_product", r#"{"slug":"x"}"#)
            .unwrap()
            .is_proposal());
    }

    #[test]
    fn support_calls_are_parsed_and_cancelling_takes_an_order_number() {
        assert_eq!(
            parse_support_call("cancel_order", r#"{"number":" cm-7k3m9q "}"#),
            Some(Ok(SupportCall::CancelOrder {
                number: "CM-7K3M9Q".into()
            }))
        );
        assert!(matches!(
            parse_support_call("cancel_order", r#"{"id":"x"}"#),
            Some(Err(_))
        ));
        assert!(matches!(
            parse_support_call("list_my_orders", r#"{"limit":50}"#),
            Some(Err(_))
        ));
        assert_eq!(parse_support_call("search_products", "{}"), None);
        for spec in support_tools() {
            assert!(parse_support_call(spec.name, r#"{"number":"CM-1"}"#).is_some());
        }
    }

    #[test]
    fn every_tool_offered_is_one_the_shop_parses() {
        for spec in shopping_tools() {
            let err = parse_call(spec.name, "{}");
            assert!(
                !matches!(&err, Err(ToolError(m)) if m.starts_with("there is no tool")),
                "{}",
                spec.name
            );
            assert_eq!(spec.parameters["type"], "object");
        }
    }
}
