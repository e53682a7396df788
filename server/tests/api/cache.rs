//! The local cache's budget: what is evicted, what never is, what comes back, and the disk-full
//! refusal.

use crate::common;

use common::{png, sha256_hex, spawn_app_behind_proxy, spawn_app_with};
use photoshare_domain::types::ContentHash;
use reqwest::StatusCode;
use serde_json::Value;

fn hash(url: &Value) -> ContentHash {
    url.as_str()
        .unwrap()
        .trim_start_matches("/media/")
        .parse()
        .unwrap()
}

fn hashes(photo: &Value) -> Vec<ContentHash> {
    ["original", "large", "thumb"]
        .iter()
        .map(|v| hash(&photo["urls"][*v]))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eviction_drops_least_recently_read_synced_copies_and_keeps_unsynced_and_pinned_ones() {
    let app = spawn_app_with(|s| s.cache_pinned_recent = 1).await;
    let media = &app.running.services.media;
    let c = app.signed_in("sana").await;
    let icon = app.set_icon("sana", 200).await;
    // As JSON: the media store's lines below read it so.
    let a = app.post_photo_json(&c, png(500, 400, 1), "a").await;
    let b = app.post_photo_json(&c, png(500, 400, 2), "b").await;

    // Nothing is synced yet: these copies are the only ones, and nothing may go.
    assert_eq!(media.budget().enforce_of(0).await.unwrap().evicted, 0);
    app.running.sync_worker().drain().await.unwrap();
    let newest = app.post_photo_json(&c, png(500, 400, 3), "newest").await;
    app.running.sync_worker().drain().await.unwrap();

    // `a` was read more recently than `b`: with room for one photo's copies, `b` goes first.
    for h in hashes(&a) {
        media.objects().read(&h).await.unwrap();
    }
    let size_of = |p: &Value| {
        hashes(p)
            .iter()
            .map(|h| {
                std::fs::metadata(media.objects().cache().path_of(h))
                    .unwrap()
                    .len()
            })
            .sum::<u64>()
    };
    let budget = media.budget().cached_bytes().await.unwrap() as u64 - size_of(&b);
    let e = media.budget().enforce_of(budget).await.unwrap();
    assert_eq!(e.evicted, 3);
    assert!(
        hashes(&b)
            .iter()
            .all(|h| !media.objects().cache().contains(h)),
        "b evicted"
    );
    assert!(
        hashes(&a)
            .iter()
            .all(|h| media.objects().cache().contains(h)),
        "a kept: read recently"
    );

    // With no budget at all, everything synced and unpinned goes; the icon and the newest photo
    // (pinned) stay.
    media.budget().enforce_of(0).await.unwrap();
    assert!(hashes(&a)
        .iter()
        .all(|h| !media.objects().cache().contains(h)));
    assert!(
        hashes(&newest)
            .iter()
            .all(|h| media.objects().cache().contains(h)),
        "the recent set is pinned"
    );
    assert!(media.objects().cache().contains(&icon), "icons are pinned");

    // An evicted photo is read back from S3, verified, and cached again.
    let r = c
        .get(app.url(a["urls"]["thumb"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        sha256_hex(&r.bytes().await.unwrap()),
        hash(&a["urls"]["thumb"]).to_hex()
    );
    assert!(media.objects().cache().contains(&hash(&a["urls"]["thumb"])));
    let metrics = app.get_text(&c, "/metrics").await;
    assert!(
        metrics.contains("photoshare_cache_evictions_total 6\n"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_objects_come_back_into_an_empty_cache_and_stay_readable_through_an_outage() {
    let app = spawn_app_behind_proxy().await;
    let media = &app.running.services.media;
    let c = app.signed_in("tomo").await;
    let icon = app.set_icon("tomo", 9).await;
    let photo = app.post_photo(&c, png(500, 400, 4), "pinned").await;
    app.running.sync_worker().drain().await.unwrap();

    // The disk is replaced: an empty cache.
    std::fs::remove_dir_all(app.dir.path().join("data/cache/objects")).unwrap();
    std::fs::create_dir_all(app.dir.path().join("data/cache/objects")).unwrap();
    assert_eq!(
        media.budget().warm_pinned().await.unwrap(),
        4,
        "icon + three sizes"
    );
    assert!(media.objects().cache().contains(&icon));

    // S3 goes down: the icon and the photo still render from the cache.
    app.proxy().set(common::fault_proxy::Fault::Refuse);
    for url in [format!("/media/{icon}"), photo.urls.large.clone()] {
        assert_eq!(
            c.get(app.url(&url)).send().await.unwrap().status(),
            StatusCode::OK,
            "{url}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popular_and_favorited_photos_stay_pinned_beyond_the_recent_window() {
    let app = common::spawn_app_behind_proxy_configured(|s| s.cache_pinned_recent = 1).await;
    let media = &app.running.services.media;
    let owner = app.signed_in("vera").await;
    // As JSON: the media store's lines below read it so.
    let liked = app.post_photo_json(&owner, png(500, 400, 1), "liked").await;
    let plain = app.post_photo_json(&owner, png(500, 400, 2), "plain").await;
    let newest = app
        .post_photo_json(&owner, png(500, 400, 3), "newest")
        .await;
    let fan = app.signed_in("walt").await;
    let (s, _) = app
        .call(
            &fan,
            "PUT",
            &format!("/api/v1/photos/{}/favorite", liked["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    app.running.sync_worker().drain().await.unwrap();

    std::fs::remove_dir_all(app.dir.path().join("data/cache/objects")).unwrap();
    std::fs::create_dir_all(app.dir.path().join("data/cache/objects")).unwrap();
    // The newest photo's three sizes, and the favorited (and most popular) one's two shown sizes.
    assert_eq!(media.budget().warm_pinned().await.unwrap(), 5);
    for (photo, size, kept) in [
        (&newest, "original", true),
        (&newest, "thumb", true),
        (&liked, "thumb", true),
        (&liked, "large", true),
        (&liked, "original", false),
        (&plain, "thumb", false),
    ] {
        assert_eq!(
            media
                .objects()
                .cache()
                .contains(&hash(&photo["urls"][size])),
            kept,
            "{} {size}",
            photo["caption"]
        );
    }

    // S3 goes down: the favorite still shows; a photo nobody pinned answers 503, not a broken image.
    app.proxy().set(common::fault_proxy::Fault::Refuse);
    let get = |url: &Value| app.client().get(app.url(url.as_str().unwrap())).send();
    assert_eq!(
        get(&liked["urls"]["thumb"]).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&plain["urls"]["thumb"]).await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_with_507_when_the_disk_is_nearly_full_and_nothing_is_written() {
    let app = spawn_app_with(|s| s.min_free_disk_bytes = u64::MAX).await;
    let c = app.signed_in("uma").await;
    let r = app.upload(&c, png(100, 100, 1), "").await;
    assert_eq!(r.status(), StatusCode::INSUFFICIENT_STORAGE);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("storage is full"));
    app.assert_nothing_half_written().await;
}
