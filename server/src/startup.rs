//! Opening the store, starting the services, and serving.

use crate::config::{Config, StoreMode};
use crate::router::{self, Site};
use domain::catalog::{demo, CatalogError};
use domain::identity::{IdentityError, Role, SignUp};
use domain::media::MediaStore;
use domain::services::Services;
use domain::store::embedded::{EmbeddedDynamo, EmbeddedError, TTL_SWEEP_EVERY};
use domain::store::schema::TableOutcome;
use domain::store::{init_tables as create_tables, Store, StoreEndpoint, StoreError};
use domain::worker::Workers;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the embedded store did not start: {0}")]
    Embedded(#[from] EmbeddedError),
    #[error("the store is not usable: {0}")]
    Store(#[from] StoreError),
    #[error("the catalog could not be loaded: {0}")]
    Catalog(#[from] CatalogError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write demo images: {0}")]
    Images(#[source] std::io::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("account storage failed: {0}")]
    Identity(#[from] IdentityError),
}

/// How often the catalog checks for changes made by other replicas.
const CATALOG_POLL: Duration = Duration::from_secs(2);

/// The store, and the embedded server behind it when there is one (kept alive with it).
pub struct OpenStore {
    pub store: Store,
    pub embedded: Option<EmbeddedDynamo>,
}

pub async fn open_store(config: &Config) -> Result<OpenStore, StartError> {
    match &config.store {
        StoreMode::Embedded => {
            let embedded = EmbeddedDynamo::in_dir(&config.data_dir).await?;
            let endpoint = StoreEndpoint::Url(embedded.endpoint().to_owned());
            let store = Store::connect(&endpoint, &config.table_prefix).await;
            create_tables(&store).await?;
            Ok(OpenStore {
                store,
                embedded: Some(embedded),
            })
        }
        StoreMode::External(endpoint) => Ok(OpenStore {
            store: Store::connect(endpoint, &config.table_prefix).await,
            embedded: None,
        }),
    }
}

/// How long stopping workers may take in all once requests are drained.
const WORKERS_STOP: Duration = Duration::from_secs(5);

/// Every background worker of a serving process, started: the catalog refresher, the catalog
/// imports, sentiment scoring, closing solved tickets and, with the embedded store, its TTL
/// sweep.
pub fn start_workers(services: &Services, embedded: Option<&EmbeddedDynamo>) -> Workers {
    let mut workers = Workers::new();
    let catalog = services.catalog.clone();
    workers.spawn("catalog-refresher", |stop| {
        catalog.keep_fresh(CATALOG_POLL, stop)
    });
    let identity = services.identity.clone();
    workers.spawn("session-revocations", |stop| {
        identity.keep_sessions_fresh(domain::identity::session_cache::REVOCATION_POLL, stop)
    });
    let (imports, catalog) = (services.imports.clone(), services.catalog.clone());
    workers.spawn("catalog-imports", |stop| imports.run(catalog, stop));
    let support = services.support.clone();
    workers.spawn("sentiment-scoring", |stop| {
        support.keep_scoring(domain::support::SCORING_INTERVAL, stop)
    });
    let support = services.support.clone();
    workers.spawn("ticket-closing", |stop| {
        support.keep_closing(domain::support::CLOSING_INTERVAL, stop)
    });
    if let Some(db) = embedded {
        let sweep = db.ttl_sweep();
        workers.spawn("ttl-sweep", |stop| sweep.run(TTL_SWEEP_EVERY, stop));
    }
    workers
}

pub async fn serve(config: Config) -> Result<(), StartError> {
    let OpenStore { store, embedded } = open_store(&config).await?;
    let media = MediaStore::open(&config.media)
        .map_err(|e| StartError::Invalid(format!("CLOUDMART_MEDIA {}: {e}", config.media)))?;
    let services = Services::start(store)
        .await?
        .with_media(media)
        .with_support(
            config.support.analyzer.clone(),
            config.support.sla,
            config.support.auto_close,
        )
        .with_assistant_model(config.assistant.clone());
    if embedded.is_some() {
        let report = demo::seed(&services.catalog).await?;
        if !report.already_seeded {
            tracing::info!(products = report.created, "demo catalog seeded");
            create_demo_accounts(&services).await?;
        }
    }
    let workers = start_workers(&services, embedded.as_ref());
    let site = Site::new(&config);
    let app = router::build(services, site);

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.addr,
            source,
        })?;
    tracing::info!(addr = %config.addr, workers = ?workers.names(), "listening");
    println!("CloudMart is serving on http://{}", config.addr);
    crate::serve::serve(listener, app, &config.limits, shutdown_signal()).await;
    workers.stop(WORKERS_STOP).await;
    if let Some(embedded) = embedded {
        embedded.stop().await;
    }
    tracing::info!("exit");
    Ok(())
}

/// Resolves on SIGTERM (what Kubernetes sends) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

/// The demo accounts of the embedded mode (one per role), documented in the README.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 3] = [
    (
        "Demo Customer",
        "customer@cloudmart.test",
        "customer-demo-pass",
        Role::Customer,
    ),
    (
        "Demo Support",
        "support@cloudmart.test",
        "support-demo-pass",
        Role::Support,
    ),
    (
        "Demo Admin",
        "admin@cloudmart.test",
        "admin-demo-pass",
        Role::Admin,
    ),
];

async fn create_demo_accounts(services: &Services) -> Result<(), StartError> {
    for (name, email, password, role) in DEMO_ACCOUNTS {
        let form = SignUp::parse(name, email, password)
            .map_err(|e| StartError::Invalid(format!("demo account {email}: {e:?}")))?;
        services.identity.ensure_account(form, role).await?;
    }
    tracing::info!("demo accounts created");
    seed_demo_tickets(services).await
}

/// The demo customer's tickets, worked by the demo support agent (unless they have some).
async fn seed_demo_tickets(services: &Services) -> Result<(), StartError> {
    let principal = |email: &str| {
        let email = domain::identity::Email::parse(email)
            .map_err(|e| StartError::Invalid(format!("demo account {email}: {e}")));
        async move {
            let email = email?;
            let user = services
                .identity
                .find_by_email(&email)
                .await?
                .ok_or_else(|| {
                    StartError::Invalid(format!("no demo account {}", email.as_str()))
                })?;
            Ok::<_, StartError>(services.identity.principal_of(&user.account.id).await?)
        }
    };
    let customer = principal(DEMO_ACCOUNTS[0].1).await?.customer();
    let agent = principal(DEMO_ACCOUNTS[1].1).await?.staff();
    let admin = principal(DEMO_ACCOUNTS[2].1).await?.admin();
    let (Some(customer), Some(agent)) = (customer, agent) else {
        return Err(StartError::Invalid(
            "the demo accounts lack their roles".into(),
        ));
    };
    let written = services
        .support
        .seed_demo(&customer, &agent, admin.as_ref())
        .await
        .map_err(|e| {
            StartError::Invalid(format!("demo tickets: {}", domain::refusal::chain(&e)))
        })?;
    tracing::info!(tickets = written, "demo tickets seeded");
    Ok(())
}

pub async fn create_admin(config: &Config, email: &str, name: &str) -> Result<(), StartError> {
    let password = read_password()?;
    let form = SignUp::parse(name, email, &password).map_err(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        StartError::Invalid(text.join("; "))
    })?;
    let OpenStore { store, embedded } = open_store(config).await?;
    let services = Services::start(store).await?;
    let (account, created) = services.identity.ensure_account(form, Role::Admin).await?;
    println!(
        "{} {} as an admin",
        if created { "created" } else { "promoted" },
        account.email.as_str()
    );
    if let Some(e) = embedded {
        e.stop().await;
    }
    Ok(())
}

/// `server api-token create`: prints a new token for `email`'s account on standard output (and
/// nothing else there, so a script can capture it), what it is on standard error.
pub async fn create_api_token(
    config: &Config,
    email: &str,
    name: &str,
    scope: &str,
    days: u16,
) -> Result<(), StartError> {
    let fields = |errors: Vec<domain::FieldError>| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        StartError::Invalid(text.join("; "))
    };
    let new =
        domain::identity::NewApiToken::parse(name, scope, &days.to_string()).map_err(fields)?;
    let email = domain::identity::Email::parse(email).map_err(|e| fields(vec![e]))?;
    let OpenStore { store, embedded } = open_store(config).await?;
    let services = Services::start(store).await?;
    let created = match services.identity.customer_by_email(&email).await {
        Ok(owner) => services.identity.create_api_token(&owner, new).await,
        Err(e) => Err(e),
    };
    if let Some(e) = embedded {
        e.stop().await;
    }
    let (summary, token) = created.map_err(|e| match e {
        IdentityError::NotFound => {
            StartError::Invalid(format!("there is no active account {}", email.as_str()))
        }
        IdentityError::Invalid(field) => fields(vec![field]),
        other => StartError::Identity(other),
    })?;
    eprintln!(
        "created the {} token \"{}\" for {}, expiring {} (revoke it at /account/api-tokens)",
        summary.scope.as_str(),
        summary.name.as_str(),
        email.as_str(),
        domain::time::Timestamp(summary.expires_at).date_utc(),
    );
    println!("{}", token.expose());
    Ok(())
}

/// The password from a hidden prompt on a terminal, else the first line of standard input.
fn read_password() -> Result<String, StartError> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password (8 to 128 characters): ")
            .map_err(|e| StartError::Invalid(format!("cannot read the password: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| StartError::Invalid(format!("cannot read the password: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(password)
}

pub async fn init_tables(config: &Config) -> Result<(), StartError> {
    let OpenStore { store, embedded } = open_store(config).await?;
    for outcome in create_tables(&store).await? {
        match outcome {
            TableOutcome::Created(t) => println!("created {t}"),
            TableOutcome::AlreadyExisted(t) => println!("exists  {t}"),
        }
    }
    if let Some(e) = embedded {
        e.stop().await;
    }
    Ok(())
}

pub async fn seed_demo(config: &Config) -> Result<(), StartError> {
    let OpenStore { store, embedded } = open_store(config).await?;
    let services = Services::start(store).await?;
    let report = demo::seed(&services.catalog).await?;
    if report.already_seeded {
        println!("the demo catalog was seeded before; nothing written");
    } else {
        println!("seeded {} demo products", report.created);
    }
    if let Some(e) = embedded {
        e.stop().await;
    }
    Ok(())
}

/// Writes every demo image, and removes files in `dir` that are no longer demo images.
pub fn write_demo_images(dir: &Path) -> Result<(), StartError> {
    std::fs::create_dir_all(dir).map_err(StartError::Images)?;
    let mut names = std::collections::HashSet::new();
    for product in demo::products() {
        let name = product.image_file_name();
        std::fs::write(dir.join(&name), demo::svg(product)).map_err(StartError::Images)?;
        names.insert(name);
    }
    for entry in std::fs::read_dir(dir).map_err(StartError::Images)? {
        let entry = entry.map_err(StartError::Images)?;
        if !names.contains(entry.file_name().to_string_lossy().as_ref()) {
            std::fs::remove_file(entry.path()).map_err(StartError::Images)?;
        }
    }
    println!("wrote {} images to {}", names.len(), dir.display());
    Ok(())
}
