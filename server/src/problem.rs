//! What a refused request gets back, outside Leptos: an RFC 9457 `application/problem+json`
//! document for API clients (server functions under `/api`, REST, anything that asks for
//! JSON), or a small page for browsers. The status, message and field errors come from the
//! one domain mapping ([`domain::refusal`]); the request id ties the answer to the logs.

use crate::request_id::RequestId;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::markup::escape;
use domain::refusal::Refusal;
use serde::Serialize;

/// An RFC 9457 problem document, with the field errors and the request id as extensions.
/// Its type is `about:blank`: the status says what kind of problem it is, and `title` is the
/// status's name, as the RFC asks for that type.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProblemDoc)]
pub struct Problem<'a> {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    /// The status's name.
    #[schema(example = "Unprocessable Content")]
    pub title: &'static str,
    /// The HTTP status.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: &'a str,
    /// The fields to correct, each named; absent when no field is at fault.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[schema(value_type = Option<Vec<ProblemField>>)]
    pub errors: &'a [domain::FieldError],
    /// The request's id (also in the `x-request-id` header), for support and the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
}

/// A field to correct, in a problem document (`domain::FieldError` as it is serialised).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ProblemField {
    /// The field's name: a query parameter, or a body member.
    #[schema(example = "limit")]
    field: String,
    #[schema(example = "must be a whole number from 1 to 100")]
    message: String,
}

impl<'a> Problem<'a> {
    pub fn of(refusal: &'a Refusal, request_id: Option<&'a str>) -> Self {
        Self {
            kind: "about:blank",
            title: refusal.title(),
            status: refusal.status,
            detail: &refusal.message,
            errors: &refusal.fields,
            request_id,
        }
    }
}

/// Whether the client wants JSON rather than a page: a browser (it accepts HTML) gets a page
/// even from an API path, where its plain form posts go; other clients of API paths, and
/// clients that ask for JSON, get a problem document.
pub fn wants_json(uri: &Uri, headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("text/html") {
        return false;
    }
    accept.contains("json") || uri.path().starts_with("/api/")
}

/// The refusal for the request described by `uri`, `headers` and its request id.
pub fn answer(
    uri: &Uri,
    headers: &HeaderMap,
    request_id: Option<&str>,
    refusal: &Refusal,
) -> Response {
    answer_as(wants_json(uri, headers), request_id, refusal)
}

/// The refusal as a problem document (`json`) or as a page.
pub fn answer_as(json: bool, request_id: Option<&str>, refusal: &Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = if json {
        let body = serde_json::to_string(&Problem::of(refusal, request_id))
            .unwrap_or_else(|_| String::from("{}"));
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    } else {
        let detail = refusal
            .fields
            .iter()
            .map(|f| format!("<li>{} {}</li>", escape(&f.field), escape(&f.message)))
            .collect::<String>();
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!("<ul>{detail}</ul>")
        };
        let mut page = (
            status,
            error_page(heading(refusal.status), &refusal.message, &detail),
        )
            .into_response();
        crate::security_headers::apply(
            page.headers_mut(),
            crate::security_headers::policy_without_scripts(),
            false,
        );
        page
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// [`answer`] for a request whose parts are at hand.
pub fn respond(parts: &Parts, refusal: &Refusal) -> Response {
    let id = parts.extensions.get::<RequestId>().map(RequestId::as_str);
    answer(&parts.uri, &parts.headers, id, refusal)
}

/// A page's heading for a refused request: what happened, in a shopper's words.
fn heading(status: u16) -> &'static str {
    match status {
        400 | 414 => "That address doesn't work",
        401 | 403 => "This is not open to you",
        404 => "We couldn't find that page",
        408 => "That took too long",
        413 | 431 => "That is more than we can take",
        422 => "Something in the request needs fixing",
        429 => "Please slow down a little",
        409 => "That could not be done",
        _ => "Something went wrong on our side",
    }
}

/// A complete, self-contained HTML page for an error answered before (or outside) the app's
/// pages: a heading, the message, any detail (already markup) and a way back to the shop.
/// The message's id is `refusal`: a form sent in place shows it (`app/src/bundle/forms.js`).
pub fn error_page(title: &str, message: &str, detail_markup: &str) -> axum::response::Html<String> {
    axum::response::Html(format!(
        concat!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{title} · CloudMart</title></head><body>",
            "<main><h1>{title}</h1><p id=\"refusal\">{message}</p>{detail}",
            "<p><a href=\"/\">Go to the shop</a></p></main></body></html>"
        ),
        title = escape(title),
        message = escape(message),
        detail = detail_markup,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_its_status_detail_fields_and_request_id() {
        let refusal = Refusal::field(422, "price", "must not be negative");
        let json = serde_json::to_value(Problem::of(&refusal, Some("req-1"))).unwrap();
        assert_eq!(json["type"], "about:blank");
        assert_eq!(json["title"], "Unprocessable Content");
        assert_eq!(json["status"], 422);
        assert_eq!(json["errors"][0]["field"], "price");
        assert_eq!(json["request_id"], "req-1");
    }

    #[test]
    fn api_paths_and_json_clients_get_problems_and_browsers_get_pages() {
        let json =
            HeaderMap::from_iter([(header::ACCEPT, HeaderValue::from_static("application/json"))]);
        let html = HeaderMap::from_iter([(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        )]);
        assert!(wants_json(
            &"/api/sign_in".parse().unwrap(),
            &HeaderMap::new()
        ));
        assert!(!wants_json(&"/api/sign_in".parse().unwrap(), &html));
        assert!(wants_json(&"/admin/catalog.csv".parse().unwrap(), &json));
        assert!(!wants_json(&"/admin/catalog.csv".parse().unwrap(), &html));
        let page = answer(
            &"/cart".parse().unwrap(),
            &html,
            None,
            &Refusal::new(429, "Slow down <now>"),
        );
        assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(page.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
}
