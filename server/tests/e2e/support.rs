//! The processes of the end-to-end test: `echelon serve` and chromedriver,
//! both on free loopback ports and killed when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ is inside the workspace")
        .to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

async fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not listen on port {port} within 60 s");
}

/// `echelon serve` with the demo page, the bundle at /pkg, the shared
/// server module and the stream transformer.
pub struct Server {
    child: Child,
    port: u16,
}

impl Server {
    pub async fn start(guest: &Path, pkg: &Path, data: &Path) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_echelon"))
            .arg("serve")
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data")
            .arg(data)
            .arg("--www")
            .arg(root().join("www"))
            .arg("--pkg")
            .arg(pkg)
            .arg("--guest")
            .arg(guest)
            .arg("--stream-module")
            .arg(root().join("examples/wat/transform.wat"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("echelon serve starts");
        let mut server = Server { child, port };
        wait_for_port(port, "echelon serve", &mut server.child).await;
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver and one headless Chromium session.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

fn program(env: &str, name: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return p.into();
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is not on PATH (set {env}, or run `cargo xtask setup` to install Debian's)")
        })
}

impl Browser {
    pub async fn start() -> Browser {
        let port = free_port();
        let chromedriver = program("CHROMEDRIVER", "chromedriver");
        let chromium = program("CHROMIUM", "chromium");
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} starts: {e}", chromedriver.display()));
        let mut browser_driver = driver;
        wait_for_port(port, "chromedriver", &mut browser_driver).await;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1200,2400"
                ]
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("a Chromium session through {}: {e}", chromedriver.display()));
        Browser {
            client,
            driver: browser_driver,
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Polls the JavaScript expression until it is truthy; panics with the
/// page's status line after `timeout`.
pub async fn wait_until(client: &Client, expression: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    let script = format!("return !!({expression});");
    loop {
        if let Ok(v) = client.execute(&script, vec![]).await {
            if v.as_bool() == Some(true) {
                return;
            }
        }
        if Instant::now() > deadline {
            let status = client
                .execute(
                    "return document.getElementById('status') && document.getElementById('status').textContent",
                    vec![],
                )
                .await
                .ok();
            panic!("waited {timeout:?} for `{expression}`; page status: {status:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
