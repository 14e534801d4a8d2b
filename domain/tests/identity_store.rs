//! Accounts, sign-in and sessions against a real DynamoDB API (dynoxide, fresh per test).
#![cfg(feature = "ssr")]

use domain::identity::{
    IdentityError, IdentityService, NewPassword, Profile, ProfileFields, Role, SignIn, SignUp,
};
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};

async fn service() -> (EmbeddedDynamo, IdentityService) {
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "id-").await;
    init_tables(&store).await.unwrap();
    (db, IdentityService::new(store))
}

fn sign_up(email: &str) -> SignUp {
    SignUp::parse("Ada Lovelace", email, "analytical engine").unwrap()
}

fn attempt(email: &str, password: &str, client: &str) -> SignIn {
    SignIn {
        email: email.into(),
        password: password.into(),
        client: Some(client.into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_creates_a_customer_account_that_is_signed_in() {
    let (_db, ids) = service().await;
    let (account, token) = ids.sign_up(sign_up("Ada@Example.com")).await.unwrap();
    assert_eq!(account.role, Role::Customer);
    assert_eq!(account.email.as_str(), "ada@example.com");
    assert_eq!(
        ids.principal(&token).await.unwrap().account().cloned(),
        Some(account)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_sign_ups_with_one_email_create_one_account() {
    let (_db, ids) = service().await;
    let (a, b) = tokio::join!(
        ids.sign_up(sign_up("grace@example.com")),
        ids.sign_up(sign_up("GRACE@example.com "))
    );
    let created = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(created, 1, "{a:?} {b:?}");
    let loser = if a.is_err() { a } else { b };
    assert!(matches!(loser, Err(IdentityError::EmailTaken)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_fail_the_same_way() {
    let (_db, ids) = service().await;
    ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let wrong = ids
        .sign_in(attempt("ada@example.com", "wrong password", "10.0.0.1"))
        .await;
    let unknown = ids
        .sign_in(attempt(
            "nobody@example.com",
            "analytical engine",
            "10.0.0.2",
        ))
        .await;
    let garbage = ids.sign_in(attempt("not an email", "x", "10.0.0.3")).await;
    for r in [wrong, unknown, garbage] {
        assert!(matches!(r, Err(IdentityError::InvalidCredentials)), "{r:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_sign_in_starts_a_new_session_and_signing_out_revokes_it() {
    let (_db, ids) = service().await;
    let (_, first) = ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let (account, second) = ids
        .sign_in(attempt(" ADA@example.com", "analytical engine", "10.0.0.1"))
        .await
        .unwrap();
    assert_ne!(first, second);
    ids.sign_out(&second).await.unwrap();
    assert_eq!(
        ids.principal(&second).await.unwrap().account().cloned(),
        None
    );
    assert_eq!(
        ids.principal(&first).await.unwrap().account().cloned(),
        Some(account)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_five_failures_an_account_is_throttled_even_with_the_right_password() {
    let (_db, ids) = service().await;
    ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    for i in 0..5 {
        let client = format!("10.0.1.{i}");
        let r = ids
            .sign_in(attempt("ada@example.com", "guess", &client))
            .await;
        assert!(
            matches!(r, Err(IdentityError::InvalidCredentials)),
            "{i}: {r:?}"
        );
    }
    let r = ids
        .sign_in(attempt("ada@example.com", "analytical engine", "10.0.2.1"))
        .await;
    assert!(
        matches!(r, Err(IdentityError::Throttled { retry_after_secs }) if retry_after_secs >= 1),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_failing_on_many_accounts_is_throttled() {
    let (_db, ids) = service().await;
    ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    for i in 0..5 {
        let _ = ids
            .sign_in(attempt(
                &format!("user{i}@example.com"),
                "guess",
                "10.9.9.9",
            ))
            .await;
    }
    let r = ids
        .sign_in(attempt("ada@example.com", "analytical engine", "10.9.9.9"))
        .await;
    assert!(matches!(r, Err(IdentityError::Throttled { .. })), "{r:?}");
    let elsewhere = ids
        .sign_in(attempt("ada@example.com", "analytical engine", "10.1.1.1"))
        .await;
    assert!(elsewhere.is_ok(), "{elsewhere:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ensuring_an_admin_promotes_an_existing_customer_and_resets_the_password() {
    let (_db, ids) = service().await;
    ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let form = SignUp::parse("Ada", "ada@example.com", "new admin password").unwrap();
    let (account, created) = ids.ensure_account(form, Role::Admin).await.unwrap();
    assert!(!created);
    assert_eq!(account.role, Role::Admin);
    let (signed_in, _) = ids
        .sign_in(attempt("ada@example.com", "new admin password", "10.0.0.1"))
        .await
        .unwrap();
    assert_eq!(signed_in.role, Role::Admin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_up_form_reports_every_bad_field() {
    let errors = SignUp::parse(" ", "nope", "short").unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "email", "password"]);
}

fn profile_fields() -> ProfileFields {
    ProfileFields {
        name: "Ada King".into(),
        phone: "+44 20 7946 0958".into(),
        line1: "12 St James's Square".into(),
        line2: "Flat 2".into(),
        city: "London".into(),
        postal_code: "SW1Y 4LB".into(),
        country: "United Kingdom".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_profile_is_read_back_and_renames_the_account() {
    let (_db, ids) = service().await;
    let (account, token) = ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let fresh = ids.profile(&account.id).await.unwrap();
    assert_eq!((fresh.phone, fresh.address), (None, None));

    let profile = Profile::parse(&profile_fields()).unwrap();
    ids.update_profile(&account, &profile).await.unwrap();
    assert_eq!(ids.profile(&account.id).await.unwrap(), profile);
    let renamed = ids
        .principal(&token)
        .await
        .unwrap()
        .account()
        .cloned()
        .unwrap();
    assert_eq!(renamed.name.as_str(), "Ada King");

    let cleared = Profile::parse(&ProfileFields {
        name: "Ada King".into(),
        ..Default::default()
    })
    .unwrap();
    ids.update_profile(&account, &cleared).await.unwrap();
    assert_eq!(ids.profile(&account.id).await.unwrap().address, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_ends_every_other_session_and_the_old_password() {
    let (_db, ids) = service().await;
    let (account, first) = ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let (_, second) = ids
        .sign_in(attempt("ada@example.com", "analytical engine", "10.0.0.1"))
        .await
        .unwrap();
    let new = NewPassword::parse("difference engine").unwrap();
    let current = ids
        .change_password(&account.id, "analytical engine", &new)
        .await
        .unwrap();

    assert_eq!(
        ids.principal(&first).await.unwrap().account().cloned(),
        None
    );
    assert_eq!(
        ids.principal(&second).await.unwrap().account().cloned(),
        None
    );
    assert!(
        ids.principal(&current)
            .await
            .unwrap()
            .account()
            .cloned()
            .is_some(),
        "the changer stays signed in"
    );
    let old = ids
        .sign_in(attempt("ada@example.com", "analytical engine", "10.0.0.2"))
        .await;
    assert!(matches!(old, Err(IdentityError::InvalidCredentials)));
    ids.sign_in(attempt("ada@example.com", "difference engine", "10.0.0.2"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_current_password_changes_nothing_and_names_the_field() {
    let (_db, ids) = service().await;
    let (account, token) = ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let new = NewPassword::parse("difference engine").unwrap();
    let refused = ids.change_password(&account.id, "guess", &new).await;
    match refused {
        Err(IdentityError::Invalid(e)) => assert_eq!(e.field, "current_password"),
        other => panic!("expected a field error, got {other:?}"),
    }
    assert!(ids
        .principal(&token)
        .await
        .unwrap()
        .account()
        .cloned()
        .is_some());
    ids.sign_in(attempt("ada@example.com", "analytical engine", "10.0.0.3"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_password_changes_from_one_old_password_let_one_win() {
    let (_db, ids) = service().await;
    let (account, _) = ids.sign_up(sign_up("ada@example.com")).await.unwrap();
    let a = NewPassword::parse("first new password").unwrap();
    let b = NewPassword::parse("second new password").unwrap();
    let (ra, rb) = tokio::join!(
        ids.change_password(&account.id, "analytical engine", &a),
        ids.change_password(&account.id, "analytical engine", &b)
    );
    assert_eq!(
        [&ra, &rb].iter().filter(|r| r.is_ok()).count(),
        1,
        "{ra:?} {rb:?}"
    );
    let winner = if ra.is_ok() {
        "first new password"
    } else {
        "second new password"
    };
    ids.sign_in(attempt("ada@example.com", winner, "10.0.0.4"))
        .await
        .unwrap();
}
