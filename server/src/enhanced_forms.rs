//! Forms sent in place by the page's script (`app/src/bundle/forms.js`).
//!
//! Such a request says `cloudmart-form: enhanced` and is answered as the same form posted
//! without JavaScript, with one difference. When the form is accepted, its redirect to the
//! next page becomes a `204 No Content` that names the page in `cloudmart-location`, so the
//! script navigates there and the page is loaded once (`fetch` would otherwise follow the
//! redirect, and the browser load the page a second time). A refusal's redirect, back to the
//! form's page with the refusal in its URL, is left alone: `fetch` follows it, and that page
//! is the form with its errors. Cookies and every other header are kept.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// The request header that marks a form sent in place, and its value.
pub const REQUEST_HEADER: &str = "cloudmart-form";
pub const ENHANCED: &str = "enhanced";
/// The response header naming the page to go to once the form is accepted.
pub const LOCATION_HEADER: &str = "cloudmart-location";

pub async fn answer(request: Request, next: Next) -> Response {
    let enhanced = request.method() == Method::POST
        && request
            .headers()
            .get(REQUEST_HEADER)
            .is_some_and(|v| v == ENHANCED);
    let response = next.run(request).await;
    if enhanced {
        to_next_page(response)
    } else {
        response
    }
}

/// An accepted form's redirect as a `204` naming where it led; any other answer as it is.
fn to_next_page(response: Response) -> Response {
    let accepted_redirect = response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .is_some_and(|location| !carries_refusal(location));
    if !accepted_redirect {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    if let Some(location) = parts.headers.remove(header::LOCATION) {
        parts.headers.insert(LOCATION_HEADER, location);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.status = StatusCode::NO_CONTENT;
    Response::from_parts(parts, Body::empty())
}

/// Whether a redirect goes back to the form with a refusal (Leptos puts it in `__err`).
fn carries_refusal(location: &HeaderValue) -> bool {
    memchr::memmem::find(location.as_bytes(), b"__err=").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(to: &str) -> Response {
        Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, to)
            .header(header::SET_COOKIE, "session=abc; HttpOnly")
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn an_accepted_form_names_the_next_page_and_keeps_its_cookies() {
        let answered = to_next_page(redirect("/account/orders/0190"));
        assert_eq!(answered.status(), StatusCode::NO_CONTENT);
        assert_eq!(answered.headers()[LOCATION_HEADER], "/account/orders/0190");
        assert!(answered.headers().get(header::LOCATION).is_none());
        assert_eq!(
            answered.headers()[header::SET_COOKIE],
            "session=abc; HttpOnly"
        );
    }

    #[test]
    fn a_refused_form_is_still_sent_back_to_its_page() {
        let back = "/account/sign-up?__path=%2Fapi%2Fsign_up&__err=%7B%7D";
        let answered = to_next_page(redirect(back));
        assert_eq!(answered.status(), StatusCode::FOUND);
        assert_eq!(answered.headers()[header::LOCATION], back);
        assert!(answered.headers().get(LOCATION_HEADER).is_none());
    }

    #[test]
    fn an_answer_that_is_not_a_redirect_is_left_alone() {
        let page = Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .body(Body::from("slow down"))
            .unwrap();
        assert_eq!(to_next_page(page).status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
