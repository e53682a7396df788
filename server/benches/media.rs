//! PhotoShare's media-store benchmarks, each side by side with a comparator in one run:
//!   1. upload acknowledgement latency with S3 healthy, down, and 1 s slower;
//!   2. draining 1,000 objects to S3 vs a plain parallel aws-sdk-s3 PUT loop and rclone;
//!   3. serving a cached image (wrk) vs nginx serving the same file.
//!
//! Run with `scripts/bench.sh` (installs wrk, nginx-light, rclone from Debian if missing). Loopback
//! only; every loop is bounded.

#[path = "../tests/api/common/mod.rs"]
mod common;

use aws_sdk_s3::primitives::ByteStream;
use common::fault_proxy::Fault;
use futures::StreamExt;
use photoshare_server::StartOptions;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{ms, percentile, photo_jpeg};

mod support;

const UPLOADS: usize = 60;
const DRAIN_OBJECTS: usize = 1_000;
const OBJECT_BYTES: usize = 100_000;
const WRK_SECONDS: &str = "10s";

async fn upload_latency(fault: Fault, photos: &[Vec<u8>]) -> (Duration, Duration) {
    let app = common::spawn_app_behind_proxy_with(StartOptions { sync_worker: true }).await;
    let c = app.signed_in("bench").await;
    app.proxy().set(fault);
    let mut times = Vec::with_capacity(photos.len());
    for bytes in photos {
        let t = Instant::now();
        let r = app.upload(&c, bytes.clone(), "bench").await;
        assert_eq!(r.status(), 201);
        times.push(t.elapsed());
    }
    times.sort();
    // Stopped before the next scenario, so its backlog does not drain on the next one's time.
    app.stop().await;
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn random_objects() -> Vec<Vec<u8>> {
    use rand::RngCore;
    let mut rng = rand::thread_rng();
    (0..DRAIN_OBJECTS)
        .map(|_| {
            let mut b = vec![0u8; OBJECT_BYTES];
            rng.fill_bytes(&mut b);
            b
        })
        .collect()
}

async fn drain_vs_put_loop() {
    let objects = random_objects();
    let app = common::spawn_app_behind_proxy().await;
    let media = app.running.services.media.clone();
    for o in &objects {
        let obj = media
            .objects()
            .keep_bytes(o, "application/octet-stream")
            .await
            .unwrap();
        let mut tx = media.objects().db().pool().begin().await.unwrap();
        media.objects().record(&mut tx, &[&obj]).await.unwrap();
        tx.commit().await.unwrap();
    }
    let t = Instant::now();
    let report = app.running.sync_worker().drain().await.unwrap();
    let ours = t.elapsed();
    assert_eq!(report.synced, DRAIN_OBJECTS);

    // The comparator: the same objects, a plain aws-sdk-s3 PUT loop, same concurrency (8),
    // straight to the S3 server (no proxy), into another bucket.
    let s3 = app.s3.as_ref().unwrap();
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&s3.endpoint)
        .credentials_provider(aws_credential_types::Credentials::new(
            &s3.access_key,
            &s3.secret_key,
            None,
            None,
            "bench",
        ))
        .load()
        .await;
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    client
        .create_bucket()
        .bucket("plain-loop")
        .send()
        .await
        .unwrap();
    let t = Instant::now();
    futures::stream::iter(objects.iter().enumerate())
        .map(|(i, o)| {
            let client = client.clone();
            async move {
                client
                    .put_object()
                    .bucket("plain-loop")
                    .key(format!("obj/{i}"))
                    .body(ByteStream::from(o.clone()))
                    .send()
                    .await
                    .unwrap();
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let plain = t.elapsed();

    println!(
        "\n## Draining {DRAIN_OBJECTS} objects of {} kB to S3 (s3s-fs on loopback)",
        OBJECT_BYTES / 1000
    );
    println!("| what | seconds | objects/s |");
    println!("| --- | --- | --- |");
    let rate = |d: Duration| DRAIN_OBJECTS as f64 / d.as_secs_f64();
    println!(
        "| PhotoShare sync worker (sha256 checked by S3, 8 at once) | {:.2} | {:.0} |",
        ours.as_secs_f64(),
        rate(ours)
    );
    println!(
        "| plain aws-sdk-s3 PUT loop (8 at once, SDK default CRC32) | {:.2} | {:.0} |",
        plain.as_secs_f64(),
        rate(plain)
    );

    // rclone copying the same files (the cache folder), if installed.
    if Command::new("rclone")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let src = app.dir.path().join("data/cache/objects");
        let t = Instant::now();
        let out = Command::new("rclone")
            .args(["copy", "--transfers", "8", "--s3-upload-cutoff", "200M"])
            .arg(&src)
            .arg("S:rclone-copy")
            .env_remove("AWS_CA_BUNDLE")
            .env("RCLONE_CONFIG_S_TYPE", "s3")
            .env("RCLONE_CONFIG_S_PROVIDER", "Other")
            .env("RCLONE_CONFIG_S_ENDPOINT", &s3.endpoint)
            .env("RCLONE_CONFIG_S_FORCE_PATH_STYLE", "true")
            .env("RCLONE_CONFIG_S_ACCESS_KEY_ID", &s3.access_key)
            .env("RCLONE_CONFIG_S_SECRET_ACCESS_KEY", &s3.secret_key)
            .env("RCLONE_CONFIG_S_REGION", "us-east-1")
            .output()
            .unwrap();
        let d = t.elapsed();
        if out.status.success() {
            println!(
                "| rclone copy --transfers 8 (same files) | {:.2} | {:.0} |",
                d.as_secs_f64(),
                rate(d)
            );
        } else {
            println!(
                "| rclone copy | failed: {} | |",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
        }
    }
    println!(
        "ratio (plain loop time / ours): {:.2}",
        plain.as_secs_f64() / ours.as_secs_f64()
    );
    app.stop().await;
}

/// Requests/s and p99 latency (ms) from wrk's output.
fn wrk(url: &str) -> Option<(f64, f64)> {
    let out = Command::new("wrk")
        .args(["-t2", "-c32", "-d", WRK_SECONDS, "--latency", url])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // A server answering errors fast is not a server serving the file.
    assert!(
        !text.contains("Non-2xx"),
        "{url} answered errors under load:\n{text}"
    );
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let p99 = text
        .lines()
        .find(|l| l.trim_start().starts_with("99%"))?
        .split_whitespace()
        .nth(1)?;
    let p99 = if let Some(v) = p99.strip_suffix("ms") {
        v.parse().ok()?
    } else if let Some(v) = p99.strip_suffix("us") {
        v.parse::<f64>().ok()? / 1e3
    } else {
        p99.strip_suffix('s')?.parse::<f64>().ok()? * 1e3
    };
    Some((rps, p99))
}

async fn serving_vs_nginx() {
    if Command::new("wrk").arg("-v").output().is_err() {
        println!("\n(wrk is not installed: serving benchmark skipped)");
        return;
    }
    // Two servers: one that reads and verifies the disk copy on every request, one that serves
    // from its in-memory set (verified when it was loaded).
    let jpeg = photo_jpeg(7);
    let mut ours = Vec::new();
    let mut path = std::path::PathBuf::new();
    let mut size = 0;
    for memory in [0usize, 256 << 20] {
        let app = common::spawn_app_with(|s| s.memory_cache_bytes = memory).await;
        let c = app.signed_in("server").await;
        let photo = app.post_photo(&c, jpeg.clone(), "").await;
        let large = photo.urls.large.clone();
        let hash = large.trim_start_matches("/media/");
        path = app
            .running
            .services
            .media
            .objects()
            .cache()
            .path_of(&hash.parse().unwrap());
        size = std::fs::metadata(&path).unwrap().len();
        ours.push(wrk(&app.url(&large)));
        // Keep the file for nginx after the app is gone.
        let keep = std::env::temp_dir().join("photoshare-bench-large.jpg");
        std::fs::copy(&path, &keep).unwrap();
        path = keep;
        app.stop().await;
    }

    // nginx serving the same file from a folder of its own.
    let root = tempfile::tempdir().unwrap();
    std::fs::copy(&path, root.path().join("large.jpg")).unwrap();
    // nginx's workers run as an unprivileged user: let them read the folder.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        root.path().join("large.jpg"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let conf = root.path().join("nginx.conf");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        &conf,
        format!(
            "worker_processes 2; daemon off; pid {0}/nginx.pid; error_log {0}/error.log;
             events {{ worker_connections 1024; }}
             http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
                    client_body_temp_path {0}; proxy_temp_path {0}; fastcgi_temp_path {0};
                    uwsgi_temp_path {0}; scgi_temp_path {0};
                    server {{ listen 127.0.0.1:{1}; root {0};
                             location / {{ add_header Cache-Control \"public, max-age=31536000, immutable\"; }} }} }}",
            root.path().display(),
            port
        ),
    )
    .unwrap();
    let nginx = Command::new("nginx")
        .args(["-c"])
        .arg(&conf)
        .args(["-p"])
        .arg(root.path())
        .spawn();
    let theirs = match nginx {
        Ok(mut child) => {
            std::thread::sleep(Duration::from_millis(500));
            let r = wrk(&format!("http://127.0.0.1:{port}/large.jpg"));
            // SIGTERM: the master stops its workers too (SIGKILL would leave them serving).
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
            r
        }
        Err(_) => None,
    };
    println!("\n## Serving a cached {size}-byte JPEG (wrk -t2 -c32 -d{WRK_SECONDS}, keep-alive, loopback)");
    println!("| server | requests/s | p99 ms |");
    println!("| --- | --- | --- |");
    if let Some((rps, p99)) = ours[0] {
        println!("| PhotoShare /media, disk copy read and sha256-verified on every request | {rps:.0} | {p99:.2} |");
    }
    if let Some((rps, p99)) = ours[1] {
        println!("| PhotoShare /media, in-memory set (verified when loaded; the default) | {rps:.0} | {p99:.2} |");
    }
    if let Some((rps, p99)) = theirs {
        println!("| nginx (sendfile) | {rps:.0} | {p99:.2} |");
    }
    if let (Some(a), Some(b)) = (ours[1], theirs) {
        println!("ratio (ours, default / nginx): {:.2}", a.0 / b.0);
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let photos: Vec<Vec<u8>> = (0..UPLOADS as u32).map(photo_jpeg).collect();
        println!("# PhotoShare media-store benchmarks ({} cores)", std::thread::available_parallelism().map_or(0, |n| n.get()));
        println!("\n## Upload acknowledgement latency: {UPLOADS} uploads of a 1600×1200 JPEG ({} kB), sync worker running", photos[0].len() / 1000);
        println!("| S3 | p50 ms | p99 ms |");
        println!("| --- | --- | --- |");
        let mut healthy_p99 = Duration::ZERO;
        for (name, fault) in [
            ("healthy", Fault::Pass),
            ("down (connections refused)", Fault::Refuse),
            ("1 s slower (every chunk delayed 1 s)", Fault::Delay(Duration::from_secs(1))),
        ] {
            let (p50, p99) = upload_latency(fault, &photos).await;
            if matches!(fault, Fault::Pass) {
                healthy_p99 = p99;
            }
            println!("| {name} | {:.1} | {:.1} (×{:.2} healthy) |", ms(p50), ms(p99), p99.as_secs_f64() / healthy_p99.as_secs_f64());
        }
        drain_vs_put_loop().await;
        serving_vs_nginx().await;
    });
}
