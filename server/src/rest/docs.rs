//! The API's documentation: the OpenAPI 3.1 document at `/api/v1/openapi.json`, and a
//! reference page at `/api/docs` rendered from that same document on the server. The page is
//! plain HTML with one stylesheet of its own: no script, no CDN, so it works offline and under
//! the site's Content-Security-Policy.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use domain::markup::escape;
use serde_json::{Map, Value};
use std::fmt::Write;
use std::sync::OnceLock;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const STYLES: &str = include_str!("docs.css");

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        serde_json::to_string_pretty(super::document()).unwrap_or_else(|_| "{}".into())
    });
    ([(header::CONTENT_TYPE, "application/json")], json.as_str()).into_response()
}

/// `GET /api/docs.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLES,
    )
        .into_response()
}

/// `GET /api/docs`.
pub async fn reference() -> Html<&'static str> {
    static PAGE: OnceLock<String> = OnceLock::new();
    Html(PAGE.get_or_init(|| {
        let document = serde_json::to_value(super::document()).unwrap_or(Value::Null);
        render(&document)
    }))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn anchor(method: &str, path: &str) -> String {
    let path: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{method}{path}")
}

/// A schema as a short phrase: `string`, `integer (1–100)`, `array of ApiProduct`, a link to
/// a named schema, `one of: a, b`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let kinds: Vec<String> = options.iter().map(type_of).collect();
            return kinds.join(" or ");
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(&v.to_string().replace('"', ""))))
            .collect();
        return format!("one of {}", values.join(", "));
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        Some(Value::String(kind)) => kind.clone(),
        _ => "any".to_owned(),
    };
    let kind = match (kind.as_str(), schema.get("items")) {
        (k, Some(items)) if k.contains("array") => {
            k.replace("array", &format!("array of {}", type_of(items)))
        }
        _ => escape(&kind),
    };
    let mut notes = Vec::new();
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        notes.push(escape(format));
    }
    match (schema.get("minimum"), schema.get("maximum")) {
        (Some(min), Some(max)) => notes.push(format!("{min}–{max}")),
        (Some(min), None) => notes.push(format!("≥ {min}")),
        (None, Some(max)) => notes.push(format!("≤ {max}")),
        _ => {}
    }
    if let Some(max) = schema.get("maxLength") {
        notes.push(format!("at most {max} characters"));
    }
    if notes.is_empty() {
        kind
    } else {
        format!("{kind} ({})", notes.join(", "))
    }
}

fn parameters(out: &mut String, operation: &Value) {
    let Some(parameters) = operation.get("parameters").and_then(Value::as_array) else {
        return;
    };
    out.push_str("<h4>Parameters</h4><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Description</th></tr></thead><tbody>");
    for p in parameters {
        let required = if p.get("required") == Some(&Value::Bool(true)) {
            " <span class=\"required\">required</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(text(p, "name")),
            escape(text(p, "in")),
            p.get("schema").map(type_of).unwrap_or_default(),
            inline(text(p, "description")),
        );
    }
    out.push_str("</tbody></table>");
}

/// The schema of a request or response body, by its first content type.
fn body(value: &Value) -> Option<(String, String)> {
    let (content_type, media) = value.get("content")?.as_object()?.iter().next()?;
    let schema = media.get("schema").map(type_of).unwrap_or_default();
    Some((escape(content_type), schema))
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        out,
        "<section class=\"operation\" id=\"{}\" aria-labelledby=\"{0}-title\"><h3 id=\"{0}-title\"><span class=\"method {method}\">{}</span> <code>{}</code></h3>",
        anchor(method, path),
        method.to_uppercase(),
        escape(path),
    );
    let _ = write!(
        out,
        "<p><strong>{}</strong></p>",
        inline(text(op, "summary"))
    );
    let description = text(op, "description");
    if !description.is_empty() {
        out.push_str(&paragraphs(description));
    }
    let _ = write!(out, "<p class=\"who\">{}</p>", who(op));
    parameters(out, op);
    if let Some((content_type, schema)) = op.get("requestBody").and_then(body) {
        let _ = write!(
            out,
            "<h4>Request body</h4><p><code>{content_type}</code>: {schema}</p>"
        );
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("<h4>Responses</h4><table><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Meaning</th><th scope=\"col\">Body</th></tr></thead><tbody>");
        for (status, response) in responses {
            let body = body(response)
                .map(|(content_type, schema)| format!("<code>{content_type}</code>: {schema}"))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{body}</td></tr>",
                escape(status),
                inline(text(response, "description")),
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn schema(out: &mut String, name: &str, schema: &Value) {
    let _ = write!(
        out,
        "<section class=\"schema\" id=\"schema-{0}\" aria-labelledby=\"schema-{0}-title\"><h3 id=\"schema-{0}-title\">{0}</h3>",
        escape(name)
    );
    let description = text(schema, "description");
    if !description.is_empty() {
        out.push_str(&paragraphs(description));
    }
    // A schema made of others (`allOf`: a flattened struct) lists each part in turn.
    let parts: Vec<&Value> = match schema.get("allOf").and_then(Value::as_array) {
        Some(parts) => parts.iter().collect(),
        None => vec![schema],
    };
    for part in parts {
        if part.get("$ref").is_some() {
            let _ = write!(out, "<p>Every field of {}, and:</p>", type_of(part));
        } else {
            fields(out, part);
        }
    }
    out.push_str("</section>");
}

/// The fields of an object schema, or its type when it has none.
fn fields(out: &mut String, schema: &Value) {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if properties.is_empty() {
        let _ = write!(out, "<p>{}</p>", type_of(schema));
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Description</th></tr></thead><tbody>");
    for (field, property) in properties {
        let marker = if required.contains(&field.as_str()) {
            ""
        } else {
            " <span class=\"optional\">optional</span>"
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{marker}</td><td>{}</td><td>{}</td></tr>",
            escape(field),
            type_of(property),
            inline(text(property, "description")),
        );
    }
    out.push_str("</tbody></table>");
}

/// Who may call an operation, from its `security`.
fn who(op: &Value) -> &'static str {
    let Some(requirements) = op.get("security").and_then(Value::as_array) else {
        return "No token needed.";
    };
    let admin = requirements
        .iter()
        .filter_map(|r| r.get("token").and_then(Value::as_array))
        .flatten()
        .any(|scope| scope == "admin");
    let desk = op
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t == "desk"));
    if admin && desk {
        "Needs a support agent's or an admin's token with the <code>admin</code> scope."
    } else if admin {
        "Needs an admin's token with the <code>admin</code> scope."
    } else {
        "Needs a token; a <code>read</code> token only for reads. Acts on the token's own account."
    }
}

/// The whole reference page.
fn render(document: &Value) -> String {
    let info = document.get("info").unwrap_or(&Value::Null);
    let empty = Map::new();
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut contents = String::new();
    let mut operations = String::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let _ = write!(
                    contents,
                    "<li><a href=\"#{}\"><span class=\"method {method}\">{}</span> <code>{}</code></a> {}</li>",
                    anchor(method, path),
                    method.to_uppercase(),
                    escape(path),
                    escape(text(op, "summary")),
                );
                operation(&mut operations, method, path, op);
            }
        }
    }
    let mut schemas = String::new();
    if let Some(components) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, value) in components {
            schema(&mut schemas, name, value);
        }
    }
    format!(
        concat!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{title} reference · CloudMart</title>",
            "<link rel=\"stylesheet\" href=\"/api/docs.css\"></head><body>",
            "<a class=\"skip\" href=\"#main\">Skip to content</a>",
            "<header><p><a href=\"/\">CloudMart</a></p><h1>{title} <small>v{version}</small></h1></header>",
            "<main id=\"main\"><section aria-labelledby=\"intro\"><h2 id=\"intro\">Using the API</h2>",
            "<div class=\"prose\">{description}</div>",
            "<p>The machine-readable document: <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a> (OpenAPI {openapi}).</p></section>",
            "<nav aria-labelledby=\"routes\"><h2 id=\"routes\">Routes</h2><ul>{contents}</ul></nav>",
            "<section aria-labelledby=\"operations\"><h2 id=\"operations\">Operations</h2>{operations}</section>",
            "<section aria-labelledby=\"schemas\"><h2 id=\"schemas\">Schemas</h2>{schemas}</section>",
            "</main></body></html>"
        ),
        title = escape(text(info, "title")),
        version = escape(text(info, "version")),
        description = paragraphs(text(info, "description")),
        openapi = escape(text(document, "openapi")),
        contents = contents,
        operations = operations,
        schemas = schemas,
    )
}

/// Text with blank-line paragraphs and `code` spans, as markup.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{}</p>", inline(p.trim())))
        .collect()
}

/// Text with `code` spans, as markup.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in escape(text).split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_lists_every_operation_and_schema_of_the_document() {
        let document = serde_json::to_value(super::super::document()).unwrap();
        let page = render(&document);
        let paths = document["paths"].as_object().unwrap();
        assert!(!paths.is_empty());
        for (path, item) in paths {
            for method in METHODS.into_iter().filter(|m| item.get(m).is_some()) {
                assert!(
                    page.contains(&format!("id=\"{}\"", anchor(method, path))),
                    "{method} {path}"
                );
            }
        }
        for name in document["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
        {
            assert!(page.contains(&format!("id=\"schema-{name}\"")), "{name}");
        }
        assert!(!page.contains("<script"), "the page runs no script");
        assert!(
            !page.contains("href=\"http") && !page.contains("src="),
            "nothing is fetched from elsewhere"
        );
    }

    #[test]
    fn a_schema_reads_as_a_short_phrase() {
        let limit = serde_json::json!({"type": ["integer", "null"], "minimum": 1, "maximum": 100});
        assert_eq!(type_of(&limit), "integer or null (1–100)");
        let list = serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/ApiProduct"}});
        assert_eq!(
            type_of(&list),
            "array of <a href=\"#schema-ApiProduct\">ApiProduct</a>"
        );
        let sort = serde_json::json!({"type": "string", "enum": ["name", "newest"]});
        assert_eq!(
            type_of(&sort),
            "one of <code>name</code>, <code>newest</code>"
        );
    }
}
