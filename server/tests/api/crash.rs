//! kill -9 of the real binary, mid-upload and mid-sync: no acknowledged upload is lost, nothing
//! corrupt is left behind, and the backlog drains after the restart by itself.

use crate::common;

use common::fault_proxy::{Fault, FaultProxy};
use common::{png, sha256_hex, TEST_BUCKET};
use photoshare_domain::types::PhotoView;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server as a child process; killed if the test ends first.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Rig {
    dir: tempfile::TempDir,
    database_url: String,
    s3: photoshare_server::embedded_s3::EmbeddedS3,
    proxy: FaultProxy,
}

impl Rig {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_photoshare"));
        cmd.arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("AWS_ENDPOINT_URL", self.proxy.endpoint())
            .env("AWS_ACCESS_KEY_ID", &self.s3.access_key)
            .env("AWS_SECRET_ACCESS_KEY", &self.s3.secret_key)
            .env("PHOTOSHARE_S3_BUCKET", TEST_BUCKET)
            .env("PHOTOSHARE_S3_TIMEOUT_SECS", "5")
            .env("PHOTOSHARE_NODE", "crash-node")
            .env("PHOTOSHARE_LOG", "warn");
        cmd
    }

    fn serve(&self) -> Server {
        let dist = self.dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
        let mut child = self
            .command(&[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "false",
                "--dist",
            ])
            .arg(&dist)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut server = Server {
            child,
            url: String::new(),
        };
        for line in BufReader::new(stdout).lines() {
            if let Some(rest) = line.unwrap().split("running at ").nth(1) {
                server.url = rest.split_whitespace().next().unwrap().to_owned();
                break;
            }
        }
        assert!(!server.url.is_empty(), "the server started");
        server
    }
}

impl Server {
    /// GET `path`, which must succeed, read into the shared view type `T`.
    async fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> T {
        let r = client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        common::read_as(r).await
    }

    /// GET `path`, as JSON: for `/healthz`, whose answer has no shared view type.
    async fn get_json(&self, client: &reqwest::Client, path: &str) -> Value {
        client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

async fn backlog(client: &reqwest::Client, server: &Server) -> i64 {
    server.get_json(client, "/healthz").await["sync"]["backlog_objects"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_upload_and_mid_sync_loses_nothing_acknowledged_and_leaves_nothing_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let s3_dir = tempfile::tempdir().unwrap();
    let s3 = photoshare_server::embedded_s3::start(s3_dir.path())
        .await
        .unwrap();
    let proxy = FaultProxy::start(s3.endpoint.trim_start_matches("http://").parse().unwrap()).await;
    let rig = Rig {
        database_url: common::database_url(dir.path()),
        dir,
        s3,
        proxy,
    };

    let mut server = rig.serve();
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/api/v1/accounts", server.url))
        .json(&serde_json::json!({"handle": "xena", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // S3 is slow, so uploads to it are in flight when the process dies.
    rig.proxy.set(Fault::Delay(Duration::from_millis(1000)));
    let mut acknowledged = Vec::new();
    for i in 0..5u8 {
        let bytes = png(600, 400, i);
        let form = reqwest::multipart::Form::new().part(
            "image",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name("p.png"),
        );
        let r = c
            .post(format!("{}/api/v1/photos", server.url))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let photo: PhotoView = common::read_as(r).await;
        acknowledged.push((photo, bytes));
    }

    // One more upload whose body is still arriving when the process is killed.
    let url = format!("{}/api/v1/photos", server.url);
    let slow_body = futures::stream::unfold(0u32, |n| async move {
        if n >= 50 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
        Some((Ok::<_, std::io::Error>(vec![0x42u8; 16 * 1024]), n + 1))
    });
    let form = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(slow_body))
            .file_name("big.png"),
    );
    let in_flight = tokio::spawn({
        let c = c.clone();
        async move { c.post(url).multipart(form).send().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        backlog(&c, &server).await > 0,
        "the sync is still under way"
    );
    server.child.kill().unwrap(); // SIGKILL: no shutdown code runs
    server.child.wait().unwrap();
    assert!(
        in_flight
            .await
            .unwrap()
            .map(|r| r.status() != 201)
            .unwrap_or(true),
        "the interrupted upload was never acknowledged"
    );

    // Restart with S3 healthy: the backlog drains by itself.
    rig.proxy.set(Fault::Pass);
    let server = rig.serve();
    let t = Instant::now();
    while backlog(&c, &server).await > 0 {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the backlog did not drain"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        std::fs::read_dir(rig.dir.path().join("data/cache/tmp"))
            .unwrap()
            .count(),
        0,
        "the partial upload was cleaned up"
    );

    // Every acknowledged photo is there, byte for byte, locally and in S3.
    let c = reqwest::Client::new();
    for (photo, bytes) in &acknowledged {
        let got: PhotoView = server
            .get_as(&c, &format!("/api/v1/photos/{}", photo.id))
            .await;
        assert_eq!(&got, photo);
        let original = &photo.urls.original;
        let served = c
            .get(format!("{}{original}", server.url))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(served.as_ref(), bytes.as_slice());
        let hash = original.trim_start_matches("/media/");
        let in_s3 = rig
            .s3
            .root
            .join(TEST_BUCKET)
            .join("sha256")
            .join(&hash[..2])
            .join(hash);
        assert_eq!(sha256_hex(&std::fs::read(in_s3).unwrap()), hash);
    }

    // And fsck finds database, cache and S3 consistent.
    let out = rig.command(&["fsck"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
