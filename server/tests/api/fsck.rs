//! `photoshare fsck [--repair]` on a real data dir: database, local cache and S3 compared.

use crate::common;

use common::{png, spawn_app, TEST_BUCKET};
use photoshare_domain::views::FsckReport;
use std::process::Command;

fn fsck(app: &common::TestApp, repair: bool) -> (i32, FsckReport) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_photoshare"));
    cmd.arg("--data-dir")
        .arg(app.dir.path().join("data"))
        .arg("fsck")
        .args(repair.then_some("--repair"))
        .args(["--s3-bucket", TEST_BUCKET])
        .env("DATABASE_URL", &app.database_url)
        .env("PHOTOSHARE_NODE", "test-node")
        .env("PHOTOSHARE_LOG", "error")
        .env_remove("AWS_ENDPOINT_URL");
    let out = cmd.output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a fsck report: {e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), report)
}

fn hex(url: &str) -> String {
    url.trim_start_matches("/media/").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fsck_finds_corrupt_missing_and_orphaned_objects_and_repairs_them() {
    let app = spawn_app().await;
    let c = app.signed_in("vera").await;
    let one = app.post_photo(&c, png(400, 300, 1), "one").await;
    let two = app.post_photo(&c, png(400, 300, 2), "two").await;
    app.running.sync_worker().drain().await.unwrap();
    assert_eq!(fsck(&app, false).0, 0, "a fresh data dir is consistent");

    let media = app.running.services.media.clone();
    // A flipped bit in a cached copy, a copy gone from S3, and a stray file in the cache.
    let corrupt = hex(&one.urls.original);
    let corrupt_path = media.objects().cache().path_of(&corrupt.parse().unwrap());
    let mut bytes = std::fs::read(&corrupt_path).unwrap();
    bytes[7] ^= 0x10;
    std::fs::write(&corrupt_path, bytes).unwrap();
    let gone = hex(&two.urls.thumb);
    let s3_copy = app
        .dir
        .path()
        .join("data/s3")
        .join(TEST_BUCKET)
        .join("sha256")
        .join(&gone[..2])
        .join(&gone);
    std::fs::remove_file(&s3_copy).unwrap();
    let stray = app
        .dir
        .path()
        .join("data/cache/objects/ab")
        .join("ab".repeat(32));
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, b"left over").unwrap();
    assert!(Command::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(&stray)
        .status()
        .unwrap()
        .success());

    let (code, report) = fsck(&app, false);
    assert_eq!(code, 4, "{report:?}");
    assert_eq!(report.corrupt_local, [corrupt.as_str()]);
    assert_eq!(report.missing_in_s3, [gone.as_str()]);
    assert_eq!(report.orphaned_local, ["ab".repeat(32)]);
    assert_eq!(report.lost, Vec::<String>::new());

    let (code, report) = fsck(&app, true);
    assert_eq!(code, 1, "problems found and all repaired: {report:?}");
    // The good copy came back from S3; the missing S3 copy is queued and goes up again.
    assert_eq!(
        common::sha256_hex(&std::fs::read(&corrupt_path).unwrap()),
        corrupt,
        "the cached copy is good again"
    );
    assert!(!stray.exists());
    assert_eq!(app.running.sync_worker().drain().await.unwrap().synced, 1);
    assert_eq!(common::sha256_hex(&std::fs::read(&s3_copy).unwrap()), gone);

    let (code, report) = fsck(&app, false);
    assert_eq!(code, 0, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fsck_reports_an_unsynced_object_whose_only_copy_is_gone_as_lost() {
    let app = spawn_app().await;
    let c = app.signed_in("walt").await;
    let photo = app.post_photo(&c, png(400, 300, 3), "").await;
    let h = hex(&photo.urls.large);
    std::fs::remove_file(
        app.running
            .services
            .media
            .objects()
            .cache()
            .path_of(&h.parse().unwrap()),
    )
    .unwrap();
    let (code, report) = fsck(&app, true);
    assert_eq!(code, 4, "{report:?}");
    assert_eq!(report.lost, [h]);
}
