//! `spawn_app()`: the real server on port 0, a fresh database (SQLite, or Postgres when
//! `PHOTOSHARE_TEST_DATABASE=postgres`), and a real S3 server (the embedded s3s-fs).

#![allow(dead_code)]

use photoshare_server::config::{CommonArgs, ServeArgs};
use photoshare_server::{start, Running, StartOptions};
use reqwest::multipart::{Form, Part};
use std::io::Cursor;
use std::path::PathBuf;

pub struct TestApp {
    pub base: String,
    pub running: Running,
    pub dir: tempfile::TempDir,
}

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
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><title>PhotoShare</title>",
    )
    .unwrap();
    let common = CommonArgs {
        data_dir: dir.path().join("data"),
        database_url: Some(database_url(dir.path())),
        log: "warn".into(),
    };
    let mut serve = ServeArgs {
        listen: "127.0.0.1:0".parse().unwrap(),
        dist: PathBuf::from(&dist),
        s3_bucket: "photoshare-test".into(),
        s3_endpoint: None,
        max_upload_bytes: 5_000_000,
        demo: false,
        node: Some("test-node".into()),
    };
    adjust(&mut serve);
    let running = start(&common, &serve, StartOptions { sync_worker: false })
        .await
        .expect("server starts");
    TestApp {
        base: format!("http://{}", running.addr),
        running,
        dir,
    }
}

impl TestApp {
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

    /// A client signed in as a new user `handle`.
    pub async fn signed_in(&self, handle: &str) -> reqwest::Client {
        let c = self.client();
        assert_eq!(
            self.sign_up(&c, handle).await.status(),
            reqwest::StatusCode::CREATED
        );
        c
    }

    /// Uploads and returns the new photo's JSON, asserting 201.
    pub async fn post_photo(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        caption: &str,
    ) -> serde_json::Value {
        let r = self.upload(client, bytes, caption).await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        r.json().await.unwrap()
    }

    pub async fn upload(
        &self,
        client: &reqwest::Client,
        bytes: Vec<u8>,
        caption: &str,
    ) -> reqwest::Response {
        let form = Form::new().text("caption", caption.to_owned()).part(
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
