//! The test application shared by the HTTP tests: the real router over a fresh dynoxide
//! database with the demo catalog, and requests sent straight into it.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use domain::catalog::demo;
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use server::router::{self, Site};
use std::path::PathBuf;
use tower::ServiceExt;

pub const ORIGIN: &str = "https://shop.example";

pub struct TestApp {
    pub router: Router,
    pub services: Services,
    pub db: Option<EmbeddedDynamo>,
    /// The serving process's workers (catalog refresher, imports), as start-up runs them.
    pub workers: Option<domain::worker::Workers>,
    _site: tempdir::TempSite,
}

mod tempdir {
    /// A throwaway site root with one hashed bundle file and its precompressed twin.
    pub struct TempSite(pub std::path::PathBuf);

    impl TempSite {
        pub fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("cloudmart-site-{}", uuid_like()));
            std::fs::create_dir_all(dir.join("pkg")).unwrap();
            std::fs::write(dir.join("pkg/cloudmart.abc123.js"), "console.log('hi');").unwrap();
            std::fs::write(
                dir.join("pkg/cloudmart.abc123.js.br"),
                b"\x0b\x08\x80hi\x03",
            )
            .unwrap();
            std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
            Self(dir)
        }
    }

    impl Drop for TempSite {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn uuid_like() -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        format!(
            "{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        )
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        let db = EmbeddedDynamo::in_memory().await.unwrap();
        let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "t-").await;
        init_tables(&store).await.unwrap();
        let services = Services::start(store).await.unwrap();
        demo::seed(&services.catalog).await.unwrap();
        let site_dir = tempdir::TempSite::new();
        let site = Site::at(
            &PathBuf::from(&site_dir.0),
            "127.0.0.1:3000".parse().unwrap(),
            "https://shop.example",
        );
        Self::with_site(services, db, site, site_dir)
    }

    /// The app with `limits` instead of the default request limits.
    pub async fn with_limits(limits: server::limits::HttpLimits) -> Self {
        let app = Self::spawn().await;
        let site = Site {
            limits,
            ..Site::at(
                &app._site.0,
                "127.0.0.1:3000".parse().unwrap(),
                "https://shop.example",
            )
        };
        Self {
            router: router::build(app.services.clone(), site),
            ..app
        }
    }

    /// A second replica of this shop: its own services, caches and workers over the same
    /// store, as another pod would run them.
    pub async fn replica(&self) -> Self {
        let services = Services::start(self.services.store.clone()).await.unwrap();
        let site_dir = tempdir::TempSite::new();
        let site = Site::at(
            &PathBuf::from(&site_dir.0),
            "127.0.0.1:3000".parse().unwrap(),
            "https://shop.example",
        );
        Self {
            router: router::build(services.clone(), site),
            workers: Some(server::startup::start_workers(&services, None)),
            services,
            db: None,
            _site: site_dir,
        }
    }

    fn with_site(
        services: Services,
        db: EmbeddedDynamo,
        site: Site,
        site_dir: tempdir::TempSite,
    ) -> Self {
        Self {
            router: router::build(services.clone(), site),
            workers: Some(server::startup::start_workers(&services, None)),
            services,
            db: Some(db),
            _site: site_dir,
        }
    }

    /// Some active product of the catalog (the demo's, unless a test changed it).
    pub fn any_product(&self) -> domain::catalog::Product {
        let snapshot = self.services.catalog.snapshot();
        let first = snapshot
            .products()
            .next()
            .expect("the catalog has products");
        first.clone()
    }

    pub async fn get(&self, uri: &str) -> Page {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> Page {
        let what = format!("{} {}", request.method(), request.uri());
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            self.router.clone().oneshot(request),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} got no answer in 20 s"))
        .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 8 * 1024 * 1024)
            .await
            .unwrap();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A form post as a browser without JavaScript sends it: urlencoded, accepting HTML, from a
/// page of this site.
pub fn plain_form_post(path: &str, from_page: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::HOST, "shop.example")
        .header(header::ORIGIN, ORIGIN)
        .header(header::REFERER, format!("{ORIGIN}{from_page}"))
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// The same post as the page's script sends it with JavaScript: a plain post that says it is
/// sent in place (`cloudmart-form: enhanced`).
pub fn enhanced_form_post(path: &str, from_page: &str, body: &str) -> Request<Body> {
    let mut request = plain_form_post(path, from_page, body);
    request.headers_mut().insert(
        "cloudmart-form",
        header::HeaderValue::from_static("enhanced"),
    );
    request
}

/// The same post as a program calling the server function sends it: it accepts JSON.
pub fn json_form_post(path: &str, body: &str) -> Request<Body> {
    json_call(path, body, None)
}

/// A call to a server function that reads JSON, as the visitor with `cookie` (if any).
pub fn json_call(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "shop.example")
        .header(header::ORIGIN, ORIGIN);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

/// A browser's visit to `path`, as the visitor with `cookie` (if any).
pub fn visit(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path)
        .header(header::HOST, "shop.example")
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

/// A signed-in session of a fresh account with `role`, as its cookie header value.
pub async fn session_for(app: &TestApp, role: domain::identity::Role) -> String {
    let email = format!("{}@access.test", role.as_str());
    let form =
        domain::identity::SignUp::parse("Access Tester", &email, "access test password").unwrap();
    app.services
        .identity
        .ensure_account(form, role)
        .await
        .unwrap();
    let (_, token) = app
        .services
        .identity
        .sign_in(domain::identity::SignIn {
            email,
            password: "access test password".into(),
            client: None,
        })
        .await
        .unwrap();
    format!("{}={}", domain::identity::SESSION_COOKIE, token.as_str())
}

/// A file upload as a browser's form sends it: `multipart/form-data` with one file field,
/// from a page of this site.
pub fn multipart_post(
    path: &str,
    cookie: Option<&str>,
    field: &str,
    file_name: &str,
    bytes: &[u8],
) -> Request<Body> {
    const BOUNDARY: &str = "----cloudmart-test-boundary";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut request = Request::post(path)
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(axum::http::header::HOST, "shop.example")
        .header(axum::http::header::ORIGIN, ORIGIN)
        .header(axum::http::header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(axum::http::header::COOKIE, cookie);
    }
    request.body(Body::from(body)).unwrap()
}

/// The admin capability of a stored admin account, to make changes as the console would.
pub async fn admin(app: &TestApp) -> domain::identity::Admin {
    let form = domain::identity::SignUp::parse(
        "Test Admin",
        "admin@cloudmart.test",
        "admin test password",
    )
    .unwrap();
    let identity = &app.services.identity;
    let (account, _) = identity
        .ensure_account(form, domain::identity::Role::Admin)
        .await
        .unwrap();
    identity
        .principal_of(&account.id)
        .await
        .unwrap()
        .admin()
        .expect("an admin account gives the admin capability")
}
