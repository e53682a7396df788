//! Several real app nodes as processes (`photoshare serve`), on one PostgreSQL database made for
//! the drill, one real S3 server process (`photoshare s3-server`), behind a real nginx running
//! deploy/nginx.conf with the drill's ports. Everything listens on 127.0.0.1 and is killed when
//! the drill is dropped.

use photoshare_domain::types::PhotoView;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_photoshare");
pub const SECRET: &str = "drill-cluster-secret-0123456789";
const ACCESS_KEY: &str = "drill-access";
const SECRET_KEY: &str = "drill-secret-key";
pub const BUCKET: &str = "photoshare";
pub const ADMIN_PASSWORD: &str = "an admin password for drills";

/// The server PostgreSQL's admin URL, if one answers; drills are skipped only without it.
pub async fn postgres() -> Option<String> {
    let admin = std::env::var("PHOTOSHARE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    use sqlx::Connection;
    match tokio::time::timeout(Duration::from_secs(5), sqlx::PgConnection::connect(&admin)).await {
        Ok(Ok(_)) => Some(admin),
        _ => {
            eprintln!("PostgreSQL is not running at {admin}: cluster drills skipped");
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Node {
    pub name: String,
    pub port: u16,
    child: Option<Child>,
}

impl Node {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

pub struct Drill {
    pub dir: tempfile::TempDir,
    pub database_url: String,
    pub replicas: u32,
    pub nodes: Vec<Node>,
    s3_port: u16,
    s3: Option<Child>,
    nginx: Option<Child>,
    pub lb_port: u16,
    pub db: sqlx::PgPool,
}

impl Drill {
    /// `n` nodes with `--replicas replicas`, S3 up, nginx in front, an admin `root`.
    pub async fn start(admin_url: &str, n: usize, replicas: u32) -> Drill {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("ps_test_cluster_{}", uuid::Uuid::new_v4().simple());
        {
            use sqlx::{Connection, Executor};
            let mut c = sqlx::PgConnection::connect(admin_url).await.unwrap();
            c.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
        }
        let database_url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
        std::fs::create_dir_all(dir.path().join("dist")).unwrap();
        std::fs::write(
            dir.path().join("dist/index.html"),
            "<!doctype html><title>PhotoShare</title>",
        )
        .unwrap();
        let mut drill = Drill {
            db: sqlx::postgres::PgPoolOptions::new()
                .max_connections(2)
                .connect_lazy(&database_url)
                .unwrap(),
            database_url,
            replicas,
            nodes: (1..=n)
                .map(|i| Node {
                    name: format!("node-{i}"),
                    port: free_port(),
                    child: None,
                })
                .collect(),
            s3_port: free_port(),
            s3: None,
            nginx: None,
            lb_port: free_port(),
            dir,
        };
        drill.start_s3().await;
        // The first node migrates the database; the others start once it is up.
        for i in 0..n {
            drill.start_node(i).await;
        }
        drill.create_admin().await;
        drill.start_nginx().await;
        drill
    }

    fn log(&self, name: &str) -> std::fs::File {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join(format!("{name}.log")))
            .unwrap()
    }

    /// The tail of a process's log, for failure messages.
    pub fn log_tail(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.dir.path().join(format!("{name}.log")))
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    pub fn s3_root(&self) -> PathBuf {
        self.dir.path().join("s3")
    }

    /// Where the S3 server keeps an object.
    pub fn s3_file(&self, hash: &str) -> PathBuf {
        self.s3_root()
            .join(BUCKET)
            .join("sha256")
            .join(&hash[..2])
            .join(hash)
    }

    pub async fn start_s3(&mut self) {
        let child = Command::new(BIN)
            .args([
                "s3-server",
                "--listen",
                &format!("127.0.0.1:{}", self.s3_port),
            ])
            .arg("--root")
            .arg(self.s3_root())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .stdout(self.log("s3"))
            .stderr(self.log("s3"))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        self.s3 = Some(child);
        wait_for_port(self.s3_port).await;
    }

    /// S3 goes away (the process is killed).
    pub async fn stop_s3(&mut self) {
        if let Some(mut c) = self.s3.take() {
            c.kill().await.unwrap();
        }
    }

    pub async fn start_node(&mut self, i: usize) {
        let node = &self.nodes[i];
        let data = self.dir.path().join(&node.name);
        let child = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--listen", &format!("127.0.0.1:{}", node.port)])
            .arg("--dist")
            .arg(self.dir.path().join("dist"))
            .args(["--node", &node.name])
            .args(["--node-url", &node.url("")])
            .args(["--replicas", &self.replicas.to_string()])
            .args(["--node-timeout", "3"])
            .env("PHOTOSHARE_CLUSTER_SECRET", SECRET)
            .env("DATABASE_URL", &self.database_url)
            .env(
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.s3_port),
            )
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .env("PHOTOSHARE_S3_TIMEOUT_SECS", "2")
            .env("PHOTOSHARE_DEMO", "false")
            .env(
                "PHOTOSHARE_LOG",
                "warn,photoshare_server=info,photoshare_domain=info",
            )
            .stdout(self.log(&node.name))
            .stderr(self.log(&node.name))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        self.nodes[i].child = Some(child);
        let url = self.nodes[i].url("/healthz");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = reqwest::get(&url).await {
                if r.status().is_success() {
                    return;
                }
            }
            if let Some(status) = self.nodes[i].child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "{} exited ({status}) while starting:\n{}",
                    self.nodes[i].name,
                    self.log_tail(&self.nodes[i].name.clone())
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} did not start:\n{}",
                self.nodes[i].name,
                self.log_tail(&self.nodes[i].name.clone())
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// kill -9: the node dies with whatever it was doing.
    pub async fn kill_node(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].child.take() {
            c.kill().await.unwrap();
        }
    }

    /// SIGTERM, then waits for the node to exit; returns whether it exited cleanly.
    pub async fn terminate_node(&mut self, i: usize) -> bool {
        let Some(mut c) = self.nodes[i].child.take() else {
            return true;
        };
        let pid = c.id().unwrap();
        let sent = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .unwrap();
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(40), c.wait())
            .await
            .expect("a node exits within 40 s of SIGTERM")
            .unwrap();
        status.success()
    }

    async fn create_admin(&self) {
        let mut child = Command::new(BIN)
            .args(["admin", "create", "root"])
            .env("DATABASE_URL", &self.database_url)
            .arg("--data-dir")
            .arg(self.dir.path().join("cli"))
            .stdin(Stdio::piped())
            .stdout(self.log("cli"))
            .stderr(self.log("cli"))
            .spawn()
            .unwrap();
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
            .await
            .unwrap();
        drop(stdin);
        assert!(
            child.wait().await.unwrap().success(),
            "{}",
            self.log_tail("cli")
        );
    }

    /// nginx with deploy/nginx.conf, its upstream and listen lines pointed at this drill's ports.
    async fn start_nginx(&mut self) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
        let prefix = self.dir.path().join("nginx");
        for sub in ["logs", "tmp/body", "tmp/proxy"] {
            std::fs::create_dir_all(prefix.join(sub)).unwrap();
        }
        // Workers may run as another user than the one that made the folders.
        for sub in ["tmp", "tmp/body", "tmp/proxy"] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(prefix.join(sub), std::fs::Permissions::from_mode(0o777))
                .unwrap();
        }
        let mut site = std::fs::read_to_string(root.join("nginx.conf")).unwrap();
        for (i, node) in self.nodes.iter().enumerate() {
            let template = format!("server 127.0.0.1:{} ", 3001 + i);
            assert!(site.contains(&template), "deploy/nginx.conf lists 3 nodes");
            site = site.replace(&template, &format!("server 127.0.0.1:{} ", node.port));
        }
        for i in self.nodes.len()..3 {
            let line = site
                .lines()
                .find(|l| l.contains(&format!("server 127.0.0.1:{} ", 3001 + i)))
                .unwrap()
                .to_owned();
            site = site.replace(&format!("{line}\n"), "");
        }
        site = site.replace(
            "listen 127.0.0.1:8080;",
            &format!("listen 127.0.0.1:{};", self.lb_port),
        );
        std::fs::write(prefix.join("photoshare.conf"), site).unwrap();
        std::fs::copy(root.join("nginx-main.conf"), prefix.join("nginx-main.conf")).unwrap();
        let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("nginx is installed (scripts/setup.sh test installs Debian's nginx-light)");
        let child = Command::new(nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(prefix.join("nginx-main.conf"))
            .arg("-g")
            .arg(format!("pid {};", prefix.join("nginx.pid").display()))
            .stdout(self.log("nginx"))
            .stderr(self.log("nginx"))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        self.nginx = Some(child);
        wait_for_port(self.lb_port).await;
    }

    /// A URL through the balancer.
    pub fn lb(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.lb_port)
    }

    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap()
    }

    /// A client signed up (through the balancer) as `handle`.
    pub async fn user(&self, handle: &str) -> reqwest::Client {
        let c = Self::client();
        let r = c
            .post(self.lb("/api/v1/accounts"))
            .json(&serde_json::json!({ "handle": handle, "password": "a long enough password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        c
    }

    pub async fn admin(&self) -> reqwest::Client {
        let c = Self::client();
        let r = c
            .post(self.lb("/api/v1/session"))
            .json(&serde_json::json!({ "handle": "root", "password": ADMIN_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        c
    }

    /// Objects not yet confirmed by S3.
    pub async fn unsynced(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM objects WHERE synced_at IS NULL")
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// Waits until S3 has every object (or fails after `limit`).
    pub async fn wait_drained(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let left = self.unsynced().await;
            if left == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{left} objects still not in S3 after {limit:?}:\n{}",
                self.nodes
                    .iter()
                    .map(|n| format!("--- {}\n{}", n.name, self.log_tail(&n.name)))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Drill {
    fn drop(&mut self) {
        for n in &mut self.nodes {
            if let Some(c) = n.child.as_mut() {
                let _ = c.start_kill();
            }
        }
        if let Some(c) = self.nginx.as_mut() {
            let _ = c.start_kill();
        }
        if let Some(c) = self.s3.as_mut() {
            let _ = c.start_kill();
        }
    }
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A real PNG, different for each `seed`.
pub fn png(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([x as u8 ^ seed as u8, y as u8, (seed >> 8) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Uploads a photo; the response as it came.
pub async fn upload(c: &reqwest::Client, url: &str, seed: u32) -> reqwest::Response {
    upload_image(c, url, png(seed), "image/png").await
}

/// Uploads `bytes` as a photo; the response as it came.
pub async fn upload_image(
    c: &reqwest::Client,
    url: &str,
    bytes: Vec<u8>,
    mime: &str,
) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let form = Form::new().text("caption", "drill").part(
        "image",
        Part::bytes(bytes)
            .file_name("photo")
            .mime_str(mime)
            .unwrap(),
    );
    c.post(url).multipart(form).send().await.unwrap()
}

/// Uploads a photo, which must be accepted.
pub async fn post_photo(c: &reqwest::Client, url: &str, seed: u32) -> PhotoView {
    let r = upload(c, url, seed).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The hashes of a photo's three objects.
pub fn hashes(p: &PhotoView) -> Vec<String> {
    [&p.urls.original, &p.urls.large, &p.urls.thumb]
        .into_iter()
        .map(|u| u.trim_start_matches("/media/").to_owned())
        .collect()
}
