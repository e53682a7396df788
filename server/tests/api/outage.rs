//! S3 outages, against a real S3 server behind a fault proxy: uploads keep working, pages keep
//! rendering from the local cache, the circuit opens and closes, the backlog drains by itself, and
//! no corrupt byte is ever served.

use crate::common;

use common::fault_proxy::Fault;
use common::{png, sha256_hex, spawn_app_behind_proxy, TestApp};
use photoshare_domain::media::sync::{SyncConfig, SyncWorker};
use photoshare_domain::types::{Page, PhotoView};
use photoshare_domain::views::{StorageState, StorageStatus};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

/// A worker that opens its circuit after 3 failures and may probe again at once (no waiting in
/// tests: each `tick` that finds the circuit open probes).
fn worker(app: &TestApp) -> SyncWorker {
    app.running.sync_worker_with(SyncConfig {
        breaker_threshold: 3,
        probe_interval: Duration::ZERO,
        base_backoff: Duration::from_millis(1),
        ..SyncConfig::default()
    })
}

fn hash_of(url: &str) -> String {
    url.trim_start_matches("/media/").to_owned()
}

/// `GET /api/v1/admin/sync`, as JSON: the sync's numbers have no shared view type.
async fn sync_state(app: &TestApp, admin: &reqwest::Client) -> Value {
    app.get_json(admin, "/api/v1/admin/sync").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_during_an_outage_succeed_are_visible_and_reach_s3_after_recovery() {
    let app = spawn_app_behind_proxy().await;
    let admin = app.admin("operator").await;
    let c = app.signed_in("noa").await;
    app.proxy().set(Fault::Refuse);

    let mut photos = Vec::new();
    let mut originals = Vec::new();
    for i in 0..3u8 {
        let bytes = png(500, 400, i);
        photos.push(
            app.post_photo(&c, bytes.clone(), &format!("during the outage {i}"))
                .await,
        );
        originals.push(bytes);
    }
    // Visible and served from the local cache while S3 is down.
    let recent: Page<PhotoView> = app.get_as(&c, "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 3);
    for p in &photos {
        let r = c.get(app.url(&p.urls.thumb)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    let mut w = worker(&app);
    let report = w.tick().await.unwrap();
    assert_eq!((report.synced, report.failed), (0, 9));
    assert!(w.circuit_open(), "9 failures in a row open the circuit");
    let status = sync_state(&app, &admin).await;
    assert_eq!(status["state"], "circuit_open");
    assert_eq!(status["backlog_objects"], 9);
    assert!(status["backlog_bytes"].as_i64().unwrap() > 0);
    assert!(
        status["last_error"].as_str().unwrap().contains("S3"),
        "{status}"
    );
    let health: Value = app.get_json(&c, "/healthz").await;
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["sync"]["state"], "circuit_open");
    let metrics = app.get_text(&c, "/metrics").await;
    assert!(
        metrics.contains("photoshare_sync_circuit_open 1\n"),
        "{metrics}"
    );

    // While the circuit is open, nothing is sent; a failed probe keeps it open.
    assert_eq!(w.tick().await.unwrap().claimed, 0);
    assert!(w.circuit_open());

    // S3 comes back: the next probe closes the circuit and the whole backlog goes at once,
    // whatever each object's backoff said.
    app.proxy().set(Fault::Pass);
    let report = w.drain().await.unwrap();
    assert_eq!((report.synced, report.failed), (9, 0));
    assert!(!w.circuit_open());
    let status = sync_state(&app, &admin).await;
    assert_eq!(
        (status["state"].as_str(), status["backlog_objects"].as_i64()),
        (Some("running"), Some(0))
    );

    // S3 holds byte-identical copies (read from the S3 server's own files).
    for (p, original) in photos.iter().zip(&originals) {
        let hash = hash_of(&p.urls.original);
        assert_eq!(&std::fs::read(app.s3_file(&hash)).unwrap(), original);
        for variant in [&p.urls.large, &p.urls.thumb] {
            let hash = hash_of(variant);
            assert_eq!(
                sha256_hex(&std::fs::read(app.s3_file(&hash)).unwrap()),
                hash
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_holed_s3_opens_the_circuit_and_reads_fail_fast_with_retry_after() {
    let app = spawn_app_behind_proxy().await;
    let c = app.signed_in("omar").await;
    let synced = app.post_photo(&c, png(400, 400, 1), "synced before").await;
    let mut w = worker(&app);
    assert_eq!(w.drain().await.unwrap().synced, 3);

    app.proxy().set(Fault::BlackHole);
    let during = app.post_photo(&c, png(400, 400, 2), "during").await;
    let report = w.tick().await.unwrap();
    assert_eq!(report.failed, 3, "each PUT times out instead of hanging");
    assert!(w.circuit_open(), "three timeouts in a row open the circuit");

    // An image with no local copy cannot be fetched now: a clear 503, at once, never a hang or a
    // truncated body.
    let hash = hash_of(&synced.urls.original);
    let path = app
        .running
        .services
        .media
        .objects()
        .cache()
        .path_of(&hash.parse().unwrap());
    std::fs::remove_file(path).unwrap();
    let r = c.get(app.url(&synced.urls.original)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "30");
    assert!(r.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .contains("temporarily unavailable"));
    // Everything else still renders from the cache.
    let r = c.get(app.url(&during.urls.large)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_local_copy_and_with_s3_refusing_the_answer_is_503_with_retry_after() {
    let app = spawn_app_behind_proxy().await;
    let c = app.signed_in("pia").await;
    let photo = app.post_photo(&c, png(200, 100, 4), "").await;
    worker(&app).drain().await.unwrap();
    let hash = hash_of(&photo.urls.thumb);
    std::fs::remove_file(app.cached_path(&photo.urls.thumb)).unwrap();

    app.proxy().set(Fault::Refuse);
    let r = c.get(app.url(&photo.urls.thumb)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));

    app.proxy().set(Fault::Pass);
    let r = c.get(app.url(&photo.urls.thumb)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(sha256_hex(&r.bytes().await.unwrap()), hash);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_bit_in_s3_is_detected_and_never_served() {
    let app = spawn_app_behind_proxy().await;
    let c = app.signed_in("quinn").await;
    let photo = app.post_photo(&c, png(256, 256, 6), "").await;
    worker(&app).drain().await.unwrap();
    let hash = hash_of(&photo.urls.original);
    std::fs::remove_file(app.cached_path(&photo.urls.original)).unwrap();
    let in_s3 = app.s3_file(&hash);
    let mut bytes = std::fs::read(&in_s3).unwrap();
    bytes[50] ^= 0x04;
    std::fs::write(&in_s3, bytes).unwrap();

    let r = c.get(app.url(&photo.urls.original)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let metrics = app.get_text(&c, "/metrics").await;
    assert!(
        metrics.contains("photoshare_corrupt_objects_total 1\n"),
        "{metrics}"
    );
    assert!(
        !app.running
            .services
            .media
            .objects()
            .cache()
            .contains(&hash.parse().unwrap()),
        "nothing corrupt is cached"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_pause_and_resume_the_sync_others_cannot() {
    let app = spawn_app_behind_proxy().await;
    let user = app.signed_in("rosa").await;
    let anon = app.client();
    for path in ["/api/v1/admin/sync/pause", "/api/v1/admin/sync/resume"] {
        assert_eq!(
            anon.post(app.url(path)).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            user.post(app.url(path)).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        user.get(app.url("/api/v1/admin/sync"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    let admin = app.admin("boss").await;
    let r: Value = app.post_json(&admin, "/api/v1/admin/sync/pause").await;
    assert_eq!(r["state"], "paused");
    app.post_photo(&user, png(400, 300, 7), "while paused")
        .await;
    let mut w = worker(&app);
    assert_eq!(
        w.drain().await.unwrap().claimed,
        0,
        "a paused sync sends nothing"
    );
    let status = sync_state(&app, &admin).await;
    assert_eq!(
        (status["state"].as_str(), status["backlog_objects"].as_i64()),
        (Some("paused"), Some(3))
    );
    // The switch is in the database: a new process (here, a fresh connection) sees it.
    let db = photoshare_domain::db::Db::connect(&app.database_url)
        .await
        .unwrap();
    assert!(photoshare_domain::media::paused(&db).await.unwrap());

    let r: Value = app.post_json(&admin, "/api/v1/admin/sync/resume").await;
    assert_eq!(r["state"], "running");
    assert_eq!(w.drain().await.unwrap().synced, 3);
    assert_eq!(sync_state(&app, &admin).await["backlog_objects"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_sees_the_storage_status_change_with_s3_and_the_sync_switch() {
    let app = spawn_app_behind_proxy().await;
    let admin = app.admin("keeper").await;
    let c = app.signed_in("ines").await;
    let anon = app.client();
    let status = || async { app.get_as::<StorageStatus>(&anon, "/api/v1/status").await };
    assert_eq!(status().await.storage, StorageState::Ok);

    // Paused with nothing waiting is not worth a banner; paused with uploads waiting is.
    app.post_json(&admin, "/api/v1/admin/sync/pause").await;
    assert_eq!(status().await.storage, StorageState::Ok);
    app.post_photo(&c, png(400, 300, 1), "waiting").await;
    let s = status().await;
    assert_eq!(s.storage, StorageState::Paused);
    assert_eq!(s.backlog_objects, 3);
    app.post_json(&admin, "/api/v1/admin/sync/resume").await;

    // S3 refuses: once the worker's circuit opens, storage is degraded for everyone.
    app.proxy().set(Fault::Refuse);
    let mut w = worker(&app);
    w.tick().await.unwrap();
    assert!(w.circuit_open());
    assert_eq!(status().await.storage, StorageState::Degraded);

    // S3 is back: the backlog drains and the status is ok again by itself.
    app.proxy().set(Fault::Pass);
    let report = w.drain().await.unwrap();
    assert_eq!(report.synced, 3, "{report:?}");
    let s = status().await;
    assert_eq!((s.storage, s.backlog_objects), (StorageState::Ok, 0));
}
