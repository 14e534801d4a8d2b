//! The real binary under SIGTERM while shoppers check out: it stops accepting, drains what is
//! in flight, stops its workers and exits 0 within the drain bound, and every order it
//! acknowledged is there when it starts again on the same data.

use app::cart::server_fns::AddToCart;
use app::catalog::server_fns::{GetCatalogPage, GetProductPage};
use app::identity::server_fns::SignUp;
use app::orders::server_fns::{MyOrder, PlaceOrder};
use leptos::server_fn::ServerFn;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SHOPPERS: usize = 12;
const DRAIN_SECS: u64 = 5;

/// One HTTP/1.1 answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A POST of a form to a server function (or a GET when `body` is `None`), on a connection of
/// its own. `Err` when the server does not take the connection or closes it unanswered.
async fn send(
    port: u16,
    path: &str,
    body: Option<&str>,
    cookie: Option<&str>,
) -> Result<Answer, std::io::Error> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let origin = format!("http://127.0.0.1:{port}");
    let mut request = match body {
        Some(body) => format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n",
            body.len()
        ),
        None => format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"),
    };
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .map_err(|_| std::io::Error::other("no answer in 20 s"))??;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("closed without an answer"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_owned(),
    })
}

struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    async fn start(data: &Path, name: &str) -> Self {
        let port = free_port();
        let log = data.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let site = data.join("site");
        std::fs::create_dir_all(&site).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("CLOUDMART_ADDR", format!("127.0.0.1:{port}"))
            .env("CLOUDMART_DATA_DIR", data.join("db"))
            .env("CLOUDMART_LOG", "info")
            .env("CLOUDMART_RATE_LIMIT", "0")
            .env("CLOUDMART_DRAIN_TIMEOUT", DRAIN_SECS.to_string())
            .env("LEPTOS_SITE_ROOT", &site)
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .spawn()
            .expect("the server binary starts");
        let server = Self { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(a) = send(port, "/health/ready", None, None).await {
                if a.status == 200 {
                    return server;
                }
            }
            assert!(
                Instant::now() < deadline,
                "not ready in 60 s:\n{}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut text);
        }
        text
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `within`.
    fn wait(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("still running after {within:?}:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A new shopper's session cookie.
async fn sign_up(port: u16, n: usize) -> String {
    let body =
        format!("name=Shopper+{n}&email=drain-{n}%40cloudmart.test&password=long+enough+pass");
    let answer = send(port, SignUp::PATH, Some(&body), None).await.unwrap();
    let cookie = answer
        .header("set-cookie")
        .unwrap_or_else(|| panic!("signed up: {} {}", answer.status, answer.body));
    cookie.split(';').next().unwrap().to_owned()
}

/// The ids of the demo products with stock, most stocked first.
async fn stocked_products(port: u16) -> Vec<String> {
    let page = send(port, GetCatalogPage::PATH, Some("sort=newest"), None)
        .await
        .unwrap();
    let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    let mut found = Vec::new();
    for item in page["items"].as_array().unwrap() {
        let slug = item["slug"].as_str().unwrap();
        let detail = send(
            port,
            GetProductPage::PATH,
            Some(&format!("slug={slug}")),
            None,
        )
        .await
        .unwrap();
        let detail: serde_json::Value = serde_json::from_str(&detail.body).unwrap();
        let product = &detail["detail"]["product"];
        found.push((
            product["stock"].as_u64().unwrap(),
            product["id"].as_str().unwrap().to_owned(),
        ));
    }
    found.sort_by_key(|p| std::cmp::Reverse(p.0));
    found
        .into_iter()
        .filter(|(stock, _)| *stock > 0)
        .map(|(_, id)| id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_checkouts_drains_stops_the_workers_exits_0_and_loses_no_acknowledged_order()
{
    let data = std::env::temp_dir().join(format!("cloudmart-drain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let mut server = Server::start(&data, "first").await;
    let port = server.port;
    let products = stocked_products(port).await;
    assert!(!products.is_empty());
    let mut sessions = Vec::new();
    for n in 0..SHOPPERS {
        sessions.push(sign_up(port, n).await);
    }

    let stopping = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let mut shoppers = Vec::new();
    for (n, cookie) in sessions.iter().cloned().enumerate() {
        let (product, stopping, acknowledged) = (
            products[n % products.len()].clone(),
            stopping.clone(),
            acknowledged.clone(),
        );
        shoppers.push(tokio::spawn(async move {
            for round in 0.. {
                let add = format!("product_id={product}&quantity=1");
                let Ok(_) = send(port, AddToCart::PATH, Some(&add), Some(&cookie)).await else {
                    break;
                };
                let order = format!(
                    "key=drain-{n}-{round:06}-key&name=Shopper&line1=1+Road&city=Town&postal_code=12345&country=Nowhere"
                );
                match send(port, PlaceOrder::PATH, Some(&order), Some(&cookie)).await {
                    Ok(answer) => {
                        if let Some(id) = answer
                            .header("location")
                            .and_then(|l| l.strip_prefix("/account/orders/"))
                        {
                            acknowledged.lock().unwrap().push((cookie.clone(), id.to_owned()));
                        }
                    }
                    Err(_) => break,
                }
                if stopping.load(Ordering::Relaxed) && round > 1_000 {
                    break;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let signalled = Instant::now();
    server.terminate();
    stopping.store(true, Ordering::Relaxed);
    let status = tokio::task::spawn_blocking(move || {
        let status = server.wait(Duration::from_secs(DRAIN_SECS + 10));
        (status, server)
    })
    .await
    .unwrap();
    let (status, server) = status;
    let took = signalled.elapsed();
    for shopper in shoppers {
        shopper.await.unwrap();
    }
    let log = server.log_text();
    assert!(status.success(), "exit status {status:?}:\n{log}");
    assert!(took < Duration::from_secs(DRAIN_SECS + 5), "took {took:?}");
    for step in ["SIGTERM received", "draining", "workers stopped", "exit"] {
        assert!(log.contains(step), "the log says {step:?}:\n{log}");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        !acknowledged.is_empty(),
        "some orders were placed before the signal"
    );

    let mut again = Server::start(&data, "second").await;
    for (cookie, id) in &acknowledged {
        let answer = send(
            again.port,
            MyOrder::PATH,
            Some(&format!("id={id}")),
            Some(cookie),
        )
        .await
        .unwrap();
        assert!(
            answer.status == 200 && answer.body.contains(id.as_str()),
            "acknowledged order {id} is stored: {} {}",
            answer.status,
            answer.body
        );
    }
    again.terminate();
    assert!(again.wait(Duration::from_secs(DRAIN_SECS + 10)).success());
    let _ = std::fs::remove_dir_all(&data);
}
