//! Forms over HTTP, every way they are sent: a plain post without JavaScript (answered with a
//! redirect back to the page, which then shows the errors next to the fields), the same post
//! sent in place by the page's script (the same answers, except that an accepted form names
//! the next page instead of redirecting to it), and a call that reads JSON (answered with a
//! 4xx status and the errors as JSON). Bad input is never a 500 and writes nothing.

mod support;

use app::identity::{SignIn, SignUp};
use axum::http::{header, StatusCode};
use leptos::server_fn::ServerFn;
use support::{enhanced_form_post, json_form_post, plain_form_post, TestApp};

const BAD_SIGN_UP: &str = "name=Ada&email=not-an-email&password=short";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_without_javascript_comes_back_with_each_error_next_to_its_field() {
    let app = TestApp::spawn().await;
    let posted = app
        .request(plain_form_post(
            SignUp::PATH,
            "/account/sign-up",
            BAD_SIGN_UP,
        ))
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    let back = posted.header("location").to_owned();
    assert!(
        back.contains("/account/sign-up?") && back.contains("__err="),
        "{back}"
    );
    assert!(
        posted.header("set-cookie").is_empty(),
        "no session for a refused sign-up"
    );

    let path = back.trim_start_matches(support::ORIGIN);
    let page = app.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    let email_field = page
        .body
        .split("id=\"field-email\"")
        .nth(1)
        .expect("the email field is rendered");
    assert!(
        email_field.contains("aria-invalid=\"true\""),
        "the email field is flagged"
    );
    assert!(page.body.contains("id=\"field-email-error\""));
    let password_error = page
        .body
        .split("id=\"field-password-error\"")
        .nth(1)
        .unwrap();
    assert!(
        password_error[..200].contains("8"),
        "the password's length rule is shown next to it: {}",
        &password_error[..200]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_that_reads_json_gets_422_and_the_field_errors_as_json() {
    let app = TestApp::spawn().await;
    let answer = app.request(json_form_post(SignUp::PATH, BAD_SIGN_UP)).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let fields: Vec<&str> = json["Invalid"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_missing_a_field_is_refused_with_a_message_not_a_500() {
    let app = TestApp::spawn().await;
    let answer = app.request(json_form_post(SignUp::PATH, "name=Ada")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert!(
        json["Refused"].as_str().unwrap().contains("incomplete"),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_401_with_the_generic_message_and_sets_no_cookie() {
    let app = TestApp::spawn().await;
    let answer = app
        .request(json_form_post(
            SignIn::PATH,
            "email=customer%40cloudmart.test&password=not-the-password",
        ))
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    assert!(answer.body.contains("The email or password is not right."));
    assert!(answer.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_sent_in_place_is_sent_back_to_its_page_with_the_errors() {
    let app = TestApp::spawn().await;
    let posted = app
        .request(enhanced_form_post(
            SignUp::PATH,
            "/account/sign-up",
            BAD_SIGN_UP,
        ))
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert!(posted.header("cloudmart-location").is_empty());
    let back = posted
        .header("location")
        .trim_start_matches(support::ORIGIN);
    let page = app.get(back).await;
    assert!(
        page.body.contains(r#"<form id="sign-up-form""#),
        "the page has the form the script looks for"
    );
    assert!(
        page.body.contains(r#"aria-invalid="true""#),
        "a field is flagged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_form_sent_in_place_names_the_next_page_and_sets_the_session() {
    let app = TestApp::spawn().await;
    let signed_up = app
        .request(enhanced_form_post(
            SignUp::PATH,
            "/account/sign-up",
            "name=Ada&email=ada%40example.com&password=analytical+engine",
        ))
        .await;
    assert_eq!(
        signed_up.status,
        StatusCode::NO_CONTENT,
        "{}",
        signed_up.body
    );
    assert_eq!(signed_up.header("cloudmart-location"), "/");
    assert!(signed_up.header("location").is_empty());
    assert!(signed_up.header("set-cookie").contains("HttpOnly"));
    assert!(signed_up.body.is_empty());

    let signed_in = app
        .request(enhanced_form_post(
            SignIn::PATH,
            "/account/sign-in",
            "next=%2Faccount%2Forders&email=ada%40example.com&password=analytical+engine",
        ))
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::NO_CONTENT,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.header("cloudmart-location"), "/account/orders");
}
