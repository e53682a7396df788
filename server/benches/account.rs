//! A user's own data, through the HTTP API of the real server, on SQLite and on Postgres: how fast
//! "export my data" streams (and how little memory it takes: one original at a time), and how
//! long "delete my account" holds the database for an account with many photos, favorites,
//! comments and fans.
//!
//! For each engine: starts the app (`common::spawn_app_with`), uploads `PHOTOS` 1600×1200 JPEGs
//! as one user through the API, has `OTHERS` users favorite, comment on and become fans of them,
//! and the user favorite the others' photos; then times `GET /api/v1/me/export` (reading the zip
//! as it arrives) and `DELETE /api/v1/me`.
//!
//! `scripts/bench.sh account` runs it; an argument `sqlite` or `postgres` runs one engine (both by
//! default; Postgres on 127.0.0.1:5432). `PHOTOSHARE_BENCH_PHOTOS` changes the photo count.

#[path = "../tests/api/common/mod.rs"]
mod common;

use futures::StreamExt;
use serde_json::json;
use std::time::Instant;
use support::{ms, photo_jpeg};

mod support;

const OTHERS: usize = 20;

/// The process's resident memory now, in MiB (Linux `VmRSS`; the server runs in this process).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn run(engine: &str, photos: usize) {
    std::env::set_var("PHOTOSHARE_TEST_DATABASE", engine);
    let app = common::spawn_app_with(|s| {
        s.limits = photoshare_server::config::LimitArgs {
            limit_login_account: 0,
            limit_login_address: 0,
            limit_signups: 0,
            limit_uploads: 0,
            limit_comments: 0,
            limit_exports: 0,
        };
        s.max_upload_bytes = 50_000_000;
    })
    .await;
    let leaver = app.signed_in("leaver").await;
    let mut ids = Vec::new();
    let mut uploaded_bytes = 0usize;
    let t = Instant::now();
    for i in 0..photos {
        let bytes = photo_jpeg(i as u32);
        uploaded_bytes += bytes.len();
        let r = app.upload(&leaver, bytes, &format!("photo {i}")).await;
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    let upload_time = t.elapsed();
    let mut others_photos = Vec::new();
    for n in 0..OTHERS {
        let other = app.signed_in(&format!("other{n}")).await;
        let v = app
            .post_photo_json(&other, common::png(64, 64, n as u8), "theirs")
            .await;
        others_photos.push(v["id"].as_str().unwrap().to_owned());
        let calls = [
            ("PUT", "/api/v1/users/leaver/fan".to_owned(), None),
            ("PUT", format!("/api/v1/users/other{n}/fan"), None),
        ];
        for (method, path, body) in calls {
            let client = if path.ends_with("leaver/fan") {
                &other
            } else {
                &leaver
            };
            let (s, _) = app.call(client, method, &path, body).await;
            assert!(s.is_success());
        }
        for id in ids.iter().skip(n).step_by(OTHERS / 4) {
            let (s, _) = app
                .call(
                    &other,
                    "PUT",
                    &format!("/api/v1/photos/{id}/favorite"),
                    None,
                )
                .await;
            assert!(s.is_success());
            let (s, _) = app
                .call(
                    &other,
                    "POST",
                    &format!("/api/v1/photos/{id}/comments"),
                    Some(json!({ "body": "lovely" })),
                )
                .await;
            assert!(s.is_success());
        }
    }
    for id in &others_photos {
        let (s, _) = app
            .call(
                &leaver,
                "PUT",
                &format!("/api/v1/photos/{id}/favorite"),
                None,
            )
            .await;
        assert!(s.is_success());
    }

    // The export, read as it arrives.
    let rss_before = rss_mib();
    let mut rss_peak = rss_before;
    let t = Instant::now();
    let r = leaver
        .get(app.url("/api/v1/me/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let first = t.elapsed();
    let mut body = r.bytes_stream();
    let mut zip_bytes = 0usize;
    while let Some(chunk) = body.next().await {
        zip_bytes += chunk.unwrap().len();
        rss_peak = rss_peak.max(rss_mib());
    }
    let export_time = t.elapsed();
    let rss_growth = rss_peak - rss_before;

    let t = Instant::now();
    let (s, _) = app
        .call(
            &leaver,
            "DELETE",
            "/api/v1/me",
            Some(json!({ "password": "a long enough password", "confirm": "leaver" })),
        )
        .await;
    assert_eq!(s, 204);
    let delete_time = t.elapsed();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photos")
        .fetch_one(app.running.services.db.pool())
        .await
        .unwrap();
    assert_eq!(left as usize, OTHERS, "only the others' photos stay");

    let mib = |b: usize| b as f64 / 1_048_576.0;
    println!(
        "| {engine} | {photos} photos, {:.1} MiB uploaded in {:.1} s | export: first byte {:.0} ms, {:.1} MiB in {:.0} ms = {:.0} MiB/s, memory +{:.0} MiB at most | delete: {:.0} ms |",
        mib(uploaded_bytes),
        upload_time.as_secs_f64(),
        ms(first),
        mib(zip_bytes),
        ms(export_time),
        mib(zip_bytes) / export_time.as_secs_f64(),
        rss_growth,
        ms(delete_time),
    );
    app.stop().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let photos: usize = std::env::var("PHOTOSHARE_BENCH_PHOTOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let engines: Vec<&str> = ["sqlite", "postgres"]
        .into_iter()
        .filter(|e| args.iter().all(|a| a.starts_with('-')) || args.iter().any(|a| a == e))
        .collect();
    println!("| engine | data | export my data | delete my account |");
    println!("| --- | --- | --- | --- |");
    for engine in engines {
        run(engine, photos).await;
    }
}
