//! The admin's user management against a real DynamoDB API: lists, roles, disabling, the
//! last-admin rule, and the index an older database gets when the shop is upgraded.
#![cfg(feature = "ssr")]

use domain::audit::{AuditFilter, AuditLog, TargetKind};
use domain::identity::{
    AccessChange, Admin, IdentityError, IdentityService, Principal, Role, SignUp,
};
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};

async fn store() -> (EmbeddedDynamo, Store) {
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "u-").await;
    (db, store)
}

async fn service() -> (EmbeddedDynamo, Store, IdentityService) {
    let (db, store) = store().await;
    init_tables(&store).await.unwrap();
    (db, store.clone(), IdentityService::new(store))
}

async fn account(ids: &IdentityService, name: &str, email: &str, role: Role) -> Principal {
    let form = SignUp::parse(name, email, "a long enough password").unwrap();
    let (account, _) = ids.ensure_account(form, role).await.unwrap();
    ids.principal_of(&account.id).await.unwrap()
}

async fn admin_account(ids: &IdentityService, name: &str, email: &str) -> Admin {
    account(ids, name, email, Role::Admin)
        .await
        .admin()
        .expect("an admin account gives the admin capability")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_listed_by_role_in_email_order_and_found_by_any_part_of_name_or_email() {
    let (_db, _store, ids) = service().await;
    for (name, email) in [
        ("Grace Hopper", "grace@example.com"),
        ("Ada Lovelace", "ada@example.com"),
        ("Alan Turing", "alan@example.org"),
    ] {
        account(&ids, name, email, Role::Customer).await;
    }
    account(&ids, "Sam Support", "sam@example.com", Role::Support).await;

    let (all, next) = ids.list_users(Role::Customer, "", None, 10).await.unwrap();
    let emails: Vec<&str> = all.iter().map(|u| u.account.email.as_str()).collect();
    assert_eq!(
        emails,
        ["ada@example.com", "alan@example.org", "grace@example.com"]
    );
    assert!(next.is_none());

    let (found, _) = ids
        .list_users(Role::Customer, "HOPPER", None, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].account.email.as_str(), "grace@example.com");
    let (found, _) = ids
        .list_users(Role::Customer, "example.org", None, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    let (first, cursor) = ids.list_users(Role::Customer, "", None, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let (rest, end) = ids
        .list_users(Role::Customer, "", cursor.as_ref(), 2)
        .await
        .unwrap();
    assert_eq!(rest[0].account.email.as_str(), "grace@example.com");
    assert!(end.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_applies_at_once_and_is_audited() {
    let (_db, store, ids) = service().await;
    let admin = admin_account(&ids, "Ann Admin", "ann@example.com").await;
    let (customer, token) = ids
        .sign_up(SignUp::parse("Carl", "carl@example.com", "a long enough password").unwrap())
        .await
        .unwrap();
    ids.change_access(&admin, &customer.id, AccessChange::Role(Role::Support))
        .await
        .unwrap();
    assert_eq!(
        ids.principal(&token)
            .await
            .unwrap()
            .account()
            .cloned()
            .unwrap()
            .role,
        Role::Support
    );

    let month = domain::audit::month_of(domain::time::Timestamp::now());
    let users = AuditFilter {
        kind: Some(TargetKind::User),
        ..Default::default()
    };
    let (entries, _) = AuditLog::new(store)
        .page(&month, &users, None, 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "user.role");
    assert_eq!(entries[0].target.label, "carl@example.com");
    assert_eq!(entries[0].changes[0].before, "customer");
    assert_eq!(entries[0].changes[0].after, "support");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_account_ends_its_sessions_and_enabling_lets_it_sign_in_again() {
    let (_db, _store, ids) = service().await;
    let admin = admin_account(&ids, "Ann Admin", "ann@example.com").await;
    let (customer, token) = ids
        .sign_up(SignUp::parse("Carl", "carl@example.com", "a long enough password").unwrap())
        .await
        .unwrap();
    let disabled = ids
        .change_access(&admin, &customer.id, AccessChange::Disable)
        .await
        .unwrap();
    assert!(disabled.disabled);
    assert_eq!(
        ids.principal(&token).await.unwrap().account().cloned(),
        None
    );
    let attempt = domain::identity::SignIn {
        email: "carl@example.com".into(),
        password: "a long enough password".into(),
        client: None,
    };
    assert!(ids.sign_in(attempt.clone()).await.is_err());
    ids.change_access(&admin, &customer.id, AccessChange::Enable)
        .await
        .unwrap();
    assert!(ids.sign_in(attempt).await.is_ok());
    // The old session stays ended.
    assert_eq!(
        ids.principal(&token).await.unwrap().account().cloned(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_admin_cannot_demote_or_disable_themself() {
    let (_db, _store, ids) = service().await;
    let admin = admin_account(&ids, "Ann Admin", "ann@example.com").await;
    for change in [AccessChange::Role(Role::Customer), AccessChange::Disable] {
        let err = ids
            .change_access(&admin, admin.id(), change)
            .await
            .unwrap_err();
        assert!(matches!(err, IdentityError::LastAdmin), "{err:?}");
    }
    let (admins, _) = ids.list_users(Role::Admin, "", None, 10).await.unwrap();
    assert_eq!(admins.len(), 1);
    assert!(!admins[0].disabled);

    // With a second admin, the first may step down.
    admin_account(&ids, "Bea Admin", "bea@example.com").await;
    ids.change_access(&admin, admin.id(), AccessChange::Role(Role::Support))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    for _ in 0..5 {
        let (_db, _store, ids) = service().await;
        let ann = admin_account(&ids, "Ann Admin", "ann@example.com").await;
        let bea = admin_account(&ids, "Bea Admin", "bea@example.com").await;
        let (a, b) = tokio::join!(
            ids.change_access(&ann, bea.id(), AccessChange::Role(Role::Customer)),
            ids.change_access(&bea, ann.id(), AccessChange::Disable),
        );
        assert_eq!(
            [&a, &b].iter().filter(|r| r.is_ok()).count(),
            1,
            "{a:?} {b:?}"
        );
        let (admins, _) = ids.list_users(Role::Admin, "", None, 10).await.unwrap();
        let active = admins.iter().filter(|u| !u.disabled).count();
        assert_eq!(active, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_database_gets_the_users_index_and_its_accounts_are_listed() {
    let (_db, store) = store().await;
    // The users table as the first version of the shop created it: no index.
    store
        .client
        .create_table()
        .table_name(store.tables.users())
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let ids = IdentityService::new(store.clone());
    account(&ids, "Old Timer", "old@example.com", Role::Customer).await;

    init_tables(&store).await.unwrap();
    let (users, _) = ids.list_users(Role::Customer, "", None, 10).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].account.email.as_str(), "old@example.com");
}
