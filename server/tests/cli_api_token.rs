//! `server api-token create` as a script runs it: the real binary on an embedded store, its
//! standard output exactly the token, which then resolves to the account with its scope.

use domain::identity::{ApiToken, Grant, TokenScope};
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{Store, StoreEndpoint};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn server(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("CLOUDMART_DATA_DIR", data)
        .env("CLOUDMART_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_token_is_all_the_command_prints_and_it_acts_for_its_account() {
    let data = std::env::temp_dir().join(format!("cm-cli-token-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let admin = server(
        &data,
        &["create-admin", "--email", "ops@cli.test", "--name", "Ops"],
        "cli test password\n",
    );
    assert!(admin.status.success(), "{admin:?}");

    let made = server(
        &data,
        &[
            "api-token",
            "create",
            "--email",
            "ops@cli.test",
            "--name",
            "nightly export",
            "--scope",
            "admin",
            "--days",
            "3",
        ],
        "",
    );
    assert!(made.status.success(), "{made:?}");
    let stdout = String::from_utf8(made.stdout).unwrap();
    let line = stdout.strip_suffix('\n').expect("one line");
    assert!(
        !line.contains('\n'),
        "only the token is printed: {stdout:?}"
    );
    let token = ApiToken::parse(line).expect("the line is a token");
    assert!(String::from_utf8_lossy(&made.stderr).contains("nightly export"));

    let refused = server(
        &data,
        &[
            "api-token",
            "create",
            "--email",
            "nobody@cli.test",
            "--name",
            "x",
        ],
        "",
    );
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty(), "a refusal prints no token");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no active account"));

    let db = EmbeddedDynamo::in_dir(&data).await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "cloudmart-").await;
    let services = Services::start(store).await.unwrap();
    let principal = services.identity.token_principal(&token).await.unwrap();
    assert_eq!(principal.account().unwrap().email.as_str(), "ops@cli.test");
    assert_eq!(principal.grant(), Grant::Token(TokenScope::Admin));
    assert!(principal.admin().is_some());
    db.stop().await;
    let _ = std::fs::remove_dir_all(&data);
}
