//! JSON request bodies, read strictly: `application/json` only, at most [`MAX_BODY_BYTES`],
//! no unknown fields (each body type denies them), and a wrong type or a missing field
//! refused as a 422 that names the field, like any other invalid input.

use super::problems::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use domain::refusal::Refusal;
use domain::FieldError;
use serde::de::DeserializeOwned;

/// The largest JSON body the API reads; larger ones are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body, parsed into `T` at the edge.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(Refusal::new(
                415,
                "Send the body as JSON, with `Content-Type: application/json`.",
            )));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| {
                ApiError::new(Refusal::new(
                    413,
                    format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
                ))
            })?;
        parse(&bytes).map(JsonBody)
    }
}

/// `bytes` as a `T`: malformed JSON is a 400, JSON of the wrong shape a 422 naming the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let not_json = |e: serde_json::Error| {
        ApiError::new(Refusal::new(
            400,
            format!("The request body is not valid JSON: {e}."),
        ))
    };
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                ApiError::invalid(vec![field_error(&path, &inner.to_string())])
            }
            _ => not_json(inner),
        }
    })?;
    reader.end().map_err(not_json)?;
    Ok(value)
}

/// Names the field a data error is about: its path, or for an unknown or missing field at
/// the top, that field.
fn field_error(path: &str, message: &str) -> FieldError {
    // serde_json's message ends with " at line L column C", which means nothing to a field.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message, |(text, _)| text);
    let quoted = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"));
    let field = match (path, quoted) {
        (".", Some(name)) => name.to_owned(),
        // The body as a whole, or an array where an object belongs.
        (".", None) => "body".to_owned(),
        (path, _) if path.starts_with('[') => "body".to_owned(),
        (path, Some(name)) if message.starts_with("missing field") => format!("{path}.{name}"),
        (path, _) => path.to_owned(),
    };
    FieldError::new(field, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        product_id: String,
        quantity: u16,
        address: Option<Address>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Address {
        city: String,
    }

    fn refusal(body: &str) -> Refusal {
        parse::<Line>(body.as_bytes())
            .unwrap_err()
            .refusal()
            .clone()
    }

    fn fields(refusal: &Refusal) -> Vec<String> {
        refusal.fields.iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn a_body_of_the_right_shape_is_read() {
        let line: Line = parse(br#"{"product_id":"p","quantity":2}"#).unwrap();
        assert_eq!(line.quantity, 2);
    }

    #[test]
    fn unknown_missing_and_mistyped_fields_are_named_in_a_422() {
        let unknown = refusal(r#"{"product_id":"p","quantity":1,"price":1}"#);
        assert_eq!(
            (unknown.status, fields(&unknown)),
            (422, vec!["price".to_owned()])
        );
        let missing = refusal(r#"{"product_id":"p"}"#);
        assert_eq!(fields(&missing), ["quantity"]);
        let mistyped = refusal(r#"{"product_id":"p","quantity":"two"}"#);
        assert_eq!(fields(&mistyped), ["quantity"]);
        assert!(
            !mistyped.fields[0].message.contains("line 1"),
            "{mistyped:?}"
        );
        let nested = refusal(r#"{"product_id":"p","quantity":1,"address":{}}"#);
        assert_eq!(fields(&nested), ["address.city"]);
        let not_an_object = refusal("[1]");
        assert_eq!(fields(&not_an_object), ["body"]);
    }

    #[test]
    fn malformed_json_and_trailing_bytes_are_a_400() {
        for body in ["{", "", r#"{"product_id":"p","quantity":1} x"#] {
            assert_eq!(refusal(body).status, 400, "{body:?}");
        }
    }
}
