//! `spawn_app()`: the real server on port 0, a fresh database (SQLite, or Postgres when
//! `PHOTOSHARE_TEST_DATABASE=postgres`), and a real S3 server (the embedded s3s-fs).

#![allow(dead_code)]

pub mod fault_proxy;

use photoshare_domain::problem::Problem;
use photoshare_domain::types::PhotoView;
use photoshare_server::config::{CommonArgs, ServeArgs};
use photoshare_server::{start, Running, StartOptions};
use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;
use std::io::Cursor;
use std::path::PathBuf;

pub struct TestApp {
    pub base: String,
    pub database_url: String,
    pub running: Running,
    pub dir: tempfile::TempDir,
    /// With [`spawn_app_behind_proxy`]: the S3 server the test started, and the proxy in front.
    pub s3: Option<photoshare_server::embedded_s3::EmbeddedS3>,
    pub proxy: Option<fault_proxy::FaultProxy>,
}

pub const TEST_BUCKET: &str = "photoshare-test";

/// Which database the suite runs on.
pub fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("PHOTOSHARE_TEST_DATABASE").as_deref() {
        Ok("postgres") => {
            let admin = std::env::var("PHOTOSHARE_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("ps_test_{}", uuid::Uuid::new_v4().simple());
            let url = admin
                .rsplit_once('/')
                .map(|(server, _)| format!("{server}/{name}"))
                .unwrap();
            let create = format!("CREATE DATABASE {name}");
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut conn = sqlx::PgConnection::connect(&admin)
                        .await
                        .expect("Postgres for tests");
                    sqlx::Executor::execute(&mut conn, create.as_str())
                        .await
                        .expect("creating a test database");
                })
            })
            .join()
            .unwrap();
            url
        }
        _ => format!("sqlite://{}", dir.join("photoshare.db").display()),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// As [`spawn_app`], with a chance to change the serve options first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut ServeArgs)) -> TestApp {
    spawn_app_started(adjust, StartOptions { sync_worker: false }).await
}

/// As [`spawn_app_with`], choosing whether the background sync worker runs (benchmarks want it).
pub async fn spawn_app_started(
    adjust: impl FnOnce(&mut ServeArgs),
    options: StartOptions,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><html><head><title>PhotoShare</title></head><body></body></html>",
    )
    .unwrap();
    let db_url = database_url(dir.path());
    let common = CommonArgs {
        data_dir: dir.path().join("data"),
        database_url: Some(db_url.clone()),
        log: "warn".into(),
    };
    let mut serve = ServeArgs {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist: PathBuf::from(&dist),
        s3: photoshare_server::config::S3Args {
            bucket: TEST_BUCKET.into(),
            endpoint: None,
            access_key: None,
            secret_key: None,
            timeout_secs: 10,
        },
        cache_max_bytes: 10_000_000_000,
        min_free_disk_bytes: 1 << 20,
        cache_pinned_recent: 300,
        memory_cache_bytes: 64 << 20,
        max_upload_bytes: 5_000_000,
        demo: false,
        node: Some("test-node".into()),
        hide_after_reports: 3,
        cluster: photoshare_server::config::ClusterArgs {
            node_url: None,
            cluster_secret: None,
            replicas: 1,
            node_timeout: 15,
        },
        limits: photoshare_server::config::LimitArgs {
            limit_login_account: 10,
            limit_login_address: 50,
            limit_signups: 30,
            limit_uploads: 300,
            limit_comments: 120,
            limit_exports: 10,
        },
        trusted_proxies: Vec::new(),
        max_connections: 4096,
        header_timeout_secs: 10,
        body_idle_timeout_secs: 30,
        session_max_days: 30,
        session_idle_days: 14,
        require_admin_2fa: false,
    };
    adjust(&mut serve);
    let running = start(&common, &serve, options)
        .await
        .expect("server starts");
    TestApp {
        base: format!("http://{}", running.addr),
        database_url: db_url,
        running,
        dir,
        s3: None,
        proxy: None,
    }
}

impl TestApp {
    /// Stops the server and its sync worker (a dropped TestApp leaves them running until the
    /// process ends, which is fine for a test but skews a benchmark).
    pub async fn stop(self) {
        self.running.stop().await;
    }

    /// Where this node's cache keeps the object behind a media URL (`/media/<sha256>`).
    pub fn cached_path(&self, media_url: &str) -> std::path::PathBuf {
        let hash = media_url.trim_start_matches("/media/");
        self.running
            .services
            .media
            .objects()
            .cache()
            .path_of(&hash.parse().unwrap())
    }

    /// Gives an existing user an icon; returns the hash of its small size.
    pub async fn set_icon(&self, handle: &str, seed: u8) -> photoshare_domain::types::ContentHash {
        let services = &self.running.services;
        let handle = photoshare_domain::types::Handle::parse(handle).unwrap();
        let user = services.accounts.by_handle(&handle).await.unwrap().unwrap();
        let view = services
            .accounts
            .set_icon_bytes(&services.media, &user, &png(64, 64, seed))
            .await
            .unwrap();
        view.icon_url
            .unwrap()
            .trim_start_matches("/media/")
            .parse()
            .unwrap()
    }

    pub fn proxy(&self) -> &fault_proxy::FaultProxy {
        self.proxy.as_ref().expect("spawn_app_behind_proxy")
    }

    /// The bytes the S3 server holds for `hash`, read from its own files (not through our client).
    pub fn s3_file(&self, hash_hex: &str) -> std::path::PathBuf {
        self.s3_file_in(TEST_BUCKET, hash_hex)
    }

    /// Where the S3 server keeps an object of `bucket`.
    pub fn s3_file_in(&self, bucket: &str, hash_hex: &str) -> std::path::PathBuf {
        let s3 = self.s3.as_ref().expect("spawn_app_behind_proxy");
        s3.root
            .join(bucket)
            .join("sha256")
            .join(&hash_hex[..2])
            .join(hash_hex)
    }

    /// A new admin, signed in.
    pub async fn admin(&self, handle: &str) -> reqwest::Client {
        use photoshare_domain::types::{Handle, Password};
        let accounts = &self.running.services.accounts;
        let password = "admin password 123";
        accounts
            .sign_up(
                &Handle::parse(handle).unwrap(),
                &Password::parse(password).unwrap(),
                true,
            )
            .await
            .unwrap();
        let c = self.client();
        let r = c
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({ "handle": handle, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        c
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar: one per simulated person.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    pub async fn sign_up(&self, client: &reqwest::Client, handle: &str) -> reqwest::Response {
        client
            .post(self.url("/api/v1/accounts"))
            .json(&serde_json::json!({ "handle": handle, "password": "a long enough password" }))
            .send()
            .await
            .unwrap()
    }

    /// GET `path` with `client`, which must succeed, read into the shared view type `T`.
    pub async fn get_as<T: DeserializeOwned>(&self, client: &reqwest::Client, path: &str) -> T {
        let r = client.get(self.url(path)).send().await.unwrap();
        read_as(r).await
    }

    /// POST to `path` with no body, which must succeed, read into the shared view type `T`.
    pub async fn post_as<T: DeserializeOwned>(&self, client: &reqwest::Client, path: &str) -> T {
        let r = client.post(self.url(path)).send().await.unwrap();
        read_as(r).await
    }

    /// A refused upload left nothing behind: no object queued for S3, no staged file.
    pub async fn assert_nothing_half_written(&self) {
        let backlog = self.running.services.media.queue().backlog().await.unwrap();
        assert_eq!(backlog.objects, 0, "no object queued");
        let tmp = self.dir.path().join("data/cache/tmp");
        assert_eq!(std::fs::read_dir(tmp).unwrap().count(), 0, "no staged file");
    }

    /// As [`TestApp::call`], for a call that must answer `status` with a `T`.
    pub async fn call_as<T: DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        status: reqwest::StatusCode,
    ) -> T {
        let (got, json) = self.call(client, method, path, body).await;
        assert_eq!(got, status, "{method} {path}: {json}");
        view(&json)
    }

    /// As [`TestApp::call`], for a call that must be refused with `status`: the problem it names.
    pub async fn refused(
        &self,
        client: &reqwest::Client,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        status: reqwest::StatusCode,
    ) -> Problem {
        self.call_as(client, method, path, body, status).await
    }

    /// GET `path` with `client`, as JSON: for answers with no shared view type.
    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `method` `path` with an optional JSON body: the status and the JSON answer (`null` when
    /// there is none).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut req = client.request(method.parse().unwrap(), self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        (status, json)
    }

    /// POST to `path` with no body, as JSON: for answers with no shared view type.
    pub async fn post_json(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        client
            .post(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// GET `path` with `client`, as text.
    pub async fn get_text(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Makes each call (client, method, path, body), which must all succeed.
    pub async fn all_succeed<const N: usize>(
        &self,
        calls: [(&reqwest::Client, &str, String, Option<serde_json::Value>); N],
    ) {
        for (client, method, path, body) in calls {
            let (s, body) = self.call(client, method, &path, body).await;
            assert!(s.is_success(), "{method} {path}: {body}");
        }
    }

    /// A client signed in as a new user `handle`.
    pub async fn signed_in(&self, handle: &str) -> reqwest::Client {
        let c = self.client();
        assert_eq!(
            self.sign_up(&c, handle).await.status(),
            reqwest::StatusCode::CREATED
        );
        c
    }

    /// Uploads and returns the new photo, asserting 201.
    pub async fn post_photo(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        caption: &str,
    ) -> PhotoView {
        let r = self.upload(client, bytes, caption).await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        read_as(r).await
    }

    /// As [`TestApp::post_photo`] (the answer must read as a [`PhotoView`]), returned as the
    /// JSON on the wire, for the lines that read it so and must stay as they are.
    pub async fn post_photo_json(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        caption: &str,
    ) -> serde_json::Value {
        serde_json::to_value(self.post_photo(client, bytes, caption).await).unwrap()
    }

    pub async fn upload(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        caption: &str,
    ) -> reqwest::Response {
        self.upload_with(
            client,
            bytes,
            Form::new().text("caption", caption.to_owned()),
        )
        .await
    }

    /// Uploads a photo with alt text and a visibility (multipart fields `alt`, `visibility`).
    pub async fn upload_described(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        caption: &str,
        alt: &str,
        visibility: &str,
    ) -> reqwest::Response {
        let form = Form::new()
            .text("caption", caption.to_owned())
            .text("alt", alt.to_owned())
            .text("visibility", visibility.to_owned());
        self.upload_with(client, bytes, form).await
    }

    /// POSTs `form` with `bytes` as its image to the upload endpoint.
    async fn upload_with(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        form: Form,
    ) -> reqwest::Response {
        let form = form.part(
            "image",
            Part::bytes(bytes)
                .file_name("photo.png")
                .mime_str("image/png")
                .unwrap(),
        );
        client
            .post(self.url("/api/v1/photos"))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}

/// A JSON answer read into the shared view type `T` (or an error body into a [`Problem`]); a body
/// of another shape fails the test, showing it.
pub fn view<T: DeserializeOwned>(body: &serde_json::Value) -> T {
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not a {}: {e}: {body}", std::any::type_name::<T>()))
}

/// A response that must have succeeded, read into the shared view type `T`; another status, or a
/// body of another shape, fails the test, showing the body.
pub async fn read_as<T: DeserializeOwned>(r: reqwest::Response) -> T {
    let status = r.status();
    let url = r.url().path().to_owned();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{url}: {status}: {text}");
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{url}: not a {}: {e}: {text}", std::any::type_name::<T>()))
}

/// A refused response's body, read as the [`Problem`] it names (its `code` and values).
pub async fn problem_of(r: reqwest::Response) -> Problem {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(!status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not a problem: {e}: {text}"))
}

/// Opens a server-sent-event stream at `path`, checking it is one.
pub async fn open_events(app: &TestApp, path: &str) -> reqwest::Response {
    open_events_as(app, &app.client(), path).await
}

/// As [`open_events`], as `client` (with its session).
pub async fn open_events_as(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> reqwest::Response {
    let r = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    r
}

/// The server-sent events at `path`, as (event name, data) pairs.
pub async fn events(
    app: &TestApp,
    path: &str,
) -> std::pin::Pin<Box<dyn futures::Stream<Item = (String, String)> + Send>> {
    events_as(app, &app.client(), path).await
}

/// As [`events`], as `client` (with its session).
pub async fn events_as(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> std::pin::Pin<Box<dyn futures::Stream<Item = (String, String)> + Send>> {
    use futures::StreamExt;
    let mut buf = String::new();
    open_events_as(app, client, path)
        .await
        .bytes_stream()
        .map(move |chunk| {
            buf.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            let mut out = Vec::new();
            while let Some(end) = buf.find("\n\n") {
                let event: String = buf.drain(..end + 2).collect();
                let kind = event.lines().find_map(|l| l.strip_prefix("event: "));
                let data = event.lines().find_map(|l| l.strip_prefix("data: "));
                if let (Some(k), Some(d)) = (kind, data) {
                    out.push((k.to_owned(), d.to_owned()));
                }
            }
            futures::stream::iter(out)
        })
        .flatten()
        .boxed()
}

/// The next item of `stream`, failing the test after 10 s.
pub async fn next_within<T>(stream: &mut (impl futures::Stream<Item = T> + Unpin)) -> T {
    use futures::StreamExt;
    tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s")
        .expect("the stream is still open")
}

/// POSTs an announcement (multipart) as `client`: the status and the JSON answer.
pub async fn announce(
    app: &TestApp,
    client: &reqwest::Client,
    image: Vec<u8>,
    fields: &[(&str, &str)],
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut form = Form::new().part(
        "image",
        Part::bytes(image)
            .file_name("status.png")
            .mime_str("image/png")
            .unwrap(),
    );
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let r = client
        .post(app.url("/api/v1/announcements"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// A real PNG, different for each `seed`.
pub fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, seed]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The app talking to a real S3 server (s3s-fs, started here) through a [`fault_proxy::FaultProxy`],
/// with a 1 s S3 timeout so a black hole is noticed quickly.
pub async fn spawn_app_behind_proxy() -> TestApp {
    spawn_app_behind_proxy_with(StartOptions { sync_worker: false }).await
}

pub async fn spawn_app_behind_proxy_with(options: StartOptions) -> TestApp {
    behind_proxy(|_| {}, options).await
}

/// As [`spawn_app_behind_proxy`], with a chance to change the serve options first.
pub async fn spawn_app_behind_proxy_configured(adjust: impl FnOnce(&mut ServeArgs)) -> TestApp {
    behind_proxy(adjust, StartOptions { sync_worker: false }).await
}

async fn behind_proxy(adjust: impl FnOnce(&mut ServeArgs), options: StartOptions) -> TestApp {
    let s3_dir = tempfile::tempdir().unwrap();
    let s3 = photoshare_server::embedded_s3::start(&s3_dir.path().join("s3"))
        .await
        .unwrap();
    let upstream: std::net::SocketAddr = s3.endpoint.trim_start_matches("http://").parse().unwrap();
    let proxy = fault_proxy::FaultProxy::start(upstream).await;
    let (endpoint, ak, sk) = (
        proxy.endpoint(),
        s3.access_key.clone(),
        s3.secret_key.clone(),
    );
    let mut app = spawn_app_started(
        move |serve| {
            serve.s3.endpoint = Some(endpoint);
            serve.s3.access_key = Some(ak);
            serve.s3.secret_key = Some(sk.into());
            serve.s3.timeout_secs = 1;
            adjust(serve);
        },
        options,
    )
    .await;
    app.s3 = Some(s3);
    app.proxy = Some(proxy);
    // The S3 server's files live as long as the test process.
    std::mem::forget(s3_dir);
    app
}
