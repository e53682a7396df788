//! The operator's tools that move data: `migrate-bucket` (copy, verify, switch, resume) and
//! `import`, run against a real S3 server.

use crate::common;

use common::{png, spawn_app_behind_proxy_configured};
use photoshare_domain::types::{Page, PhotoView};
use photoshare_server::cli;
use std::time::Duration;

fn hash_of(url: &str) -> String {
    url.trim_start_matches("/media/").to_owned()
}

const NEXT: &str = "photoshare-next";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_bucket_verifies_every_copy_resumes_after_a_failure_and_switches_over() {
    let app = spawn_app_behind_proxy_configured(|_| {}).await;
    let services = &app.running.services;
    let owner = app.signed_in("owner").await;
    let photos = [
        app.post_photo(&owner, png(500, 400, 1), "one").await,
        app.post_photo(&owner, png(500, 400, 2), "two").await,
    ];
    app.running.sync_worker().drain().await.unwrap();
    let hashes: Vec<String> = photos
        .iter()
        .flat_map(|p| [&p.urls.original, &p.urls.large, &p.urls.thumb].map(|u| hash_of(u)))
        .collect();

    // One object's only good copy is gone for now: the old bucket's is corrupt, the cache has none.
    let victim = &photos[0].urls.thumb;
    let cached = app.cached_path(victim);
    let good = std::fs::read(&cached).unwrap();
    std::fs::remove_file(&cached).unwrap();
    std::fs::write(app.s3_file(&hash_of(victim)), b"bit rot").unwrap();

    let first = services
        .media
        .bucket_move()
        .run(NEXT, Some(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(first.copied, 5);
    assert_eq!(first.failed.len(), 1);
    assert!(first.failed[0].1.contains("corrupt"), "{:?}", first.failed);
    assert!(!first.switched, "never switch with an object missing");
    assert_eq!(
        services.media.objects().remote().bucket(),
        common::TEST_BUCKET
    );
    assert!(!app.s3_file_in(NEXT, &hash_of(victim)).exists());

    // The copy is mended (here by hand; `fsck --repair` would refetch it); the rerun copies only
    // what is left, then switches.
    std::fs::write(&cached, &good).unwrap();
    let second = services
        .media
        .bucket_move()
        .run(NEXT, Some(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!((second.copied, second.already_there), (1, 0));
    assert!(second.switched && second.failed.is_empty());
    for h in &hashes {
        let copy = std::fs::read(app.s3_file_in(NEXT, h)).unwrap();
        assert_eq!(&common::sha256_hex(&copy), h);
    }
    assert_eq!(services.media.objects().remote().bucket(), NEXT);

    // New uploads go to the new bucket; a node starting later follows the switch too.
    let third = app.post_photo(&owner, png(500, 400, 3), "three").await;
    app.running.sync_worker().drain().await.unwrap();
    let h = hash_of(&third.urls.original);
    assert!(app.s3_file_in(NEXT, &h).exists());
    assert!(!app.s3_file(&h).exists());
    assert_eq!(
        services.db.setting("s3_bucket").await.unwrap().as_deref(),
        Some(NEXT)
    );
    let again = services
        .media
        .bucket_move()
        .run(NEXT, Some(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(again.copied, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_posts_a_folder_once_and_reports_what_it_refused() {
    let app = spawn_app_behind_proxy_configured(|_| {}).await;
    app.signed_in("aiko").await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("b_beach-at-dawn.png"), png(400, 300, 1)).unwrap();
    std::fs::write(folder.path().join("a_夕焼け.png"), png(400, 300, 2)).unwrap();
    std::fs::write(folder.path().join("notes.txt"), "not a photo").unwrap();
    std::fs::write(folder.path().join(".hidden.png"), png(10, 10, 3)).unwrap();
    let services = &app.running.services;

    let report = cli::import(services, folder.path(), "aiko", 5_000_000)
        .await
        .unwrap();
    assert_eq!((report.imported, report.skipped), (2, 0));
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].0.ends_with("notes.txt"));
    let recent: Page<PhotoView> = app.get_as(&app.client(), "/api/v1/photos/recent").await;
    let captions: Vec<&str> = recent.items.iter().map(|p| p.caption.as_str()).collect();
    assert_eq!(captions, ["b beach at dawn", "a 夕焼け"]);

    // Run again (an interrupted import is simply rerun): nothing is posted twice.
    let again = cli::import(services, folder.path(), "aiko", 5_000_000)
        .await
        .unwrap();
    assert_eq!((again.imported, again.skipped), (0, 2));
    let err = cli::import(services, folder.path(), "nobody", 5_000_000)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no user @nobody"));
}
