//! Admin tools through the API: access control on every admin route, image announcements (with a
//! live stream), moderation (reports, hiding, deleting with the blocklist, during an outage too),
//! bans and promotions, the console's overview, fsck from the console, retry now.

use crate::common;

use common::fault_proxy::Fault;
use common::{announce, png, spawn_app, spawn_app_behind_proxy_configured, TestApp};
use futures::StreamExt;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{Page, PhotoView};
use photoshare_domain::views::{
    AdminOverview, AdminUserView, AnnouncementView, FsckRun, ModerationItem, ReportOutcome,
    StorageState, StorageStatus,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

fn hash_of(url: &str) -> String {
    url.trim_start_matches("/media/").to_owned()
}

/// Every admin route, as (method, path). A test below checks each refuses strangers and users.
const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/admin/overview"),
    ("GET", "/api/v1/admin/sync"),
    ("POST", "/api/v1/admin/sync/pause"),
    ("POST", "/api/v1/admin/sync/resume"),
    ("POST", "/api/v1/admin/sync/retry"),
    ("GET", "/api/v1/admin/fsck"),
    ("POST", "/api/v1/admin/fsck"),
    ("GET", "/api/v1/admin/bucket"),
    ("POST", "/api/v1/admin/bucket"),
    ("GET", "/api/v1/admin/users"),
    ("POST", "/api/v1/admin/users/target/ban"),
    ("POST", "/api/v1/admin/users/target/unban"),
    ("POST", "/api/v1/admin/users/target/promote"),
    ("GET", "/api/v1/admin/moderation"),
    (
        "POST",
        "/api/v1/admin/photos/00000000-0000-0000-0000-000000000000/hide",
    ),
    (
        "POST",
        "/api/v1/admin/photos/00000000-0000-0000-0000-000000000000/unhide",
    ),
    (
        "DELETE",
        "/api/v1/admin/photos/00000000-0000-0000-0000-000000000000",
    ),
    ("POST", "/api/v1/announcements"),
    (
        "DELETE",
        "/api/v1/announcements/00000000-0000-0000-0000-000000000000",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_route_answers_401_without_a_session_and_403_for_a_user() {
    let app = spawn_app().await;
    let user = app.signed_in("somebody").await;
    let target = app.signed_in("target").await;
    let admin = app.admin("boss").await;
    for (method, path) in ADMIN_ROUTES {
        let (s, body) = app.call(&app.client(), method, path, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        let (s, body) = app.call(&user, method, path, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert!(body["error"].as_str().unwrap().contains("administrators"));
        let (s, body) = app.call(&admin, method, path, None).await;
        assert!(
            s != StatusCode::UNAUTHORIZED && s != StatusCode::FORBIDDEN,
            "{method} {path} as an admin: {s} {body}"
        );
    }
    // The console page itself: the app's HTML, with the status that says who may use it.
    for (client, status) in [
        (&app.client(), StatusCode::UNAUTHORIZED),
        (&user, StatusCode::FORBIDDEN),
        (&admin, StatusCode::OK),
    ] {
        let r = client.get(app.url("/admin")).send().await.unwrap();
        assert_eq!(r.status(), status);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("<title>PhotoShare</title>"));
    }
    // The admin's tour banned, unbanned, then promoted the target; the ban ended their session.
    let (s, _) = app.call(&target, "GET", "/api/v1/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let handle = photoshare_domain::types::Handle::parse("target").unwrap();
    let view = app
        .running
        .services
        .accounts
        .admin_view(&handle)
        .await
        .unwrap();
    assert!(view.is_admin && !view.banned);
    app.stop().await;
}

/// Reads the announcements' server-sent events and yields each `data:` of an `announcement` event:
/// the announcement the banner shows, if any.
async fn announcement_events(
    app: &TestApp,
) -> impl futures::Stream<Item = Option<AnnouncementView>> + Unpin {
    common::events(app, "/api/v1/announcements/live")
        .await
        .filter(|(kind, _)| futures::future::ready(kind == "announcement"))
        .map(|(_, data)| {
            serde_json::from_str(&data)
                .unwrap_or_else(|e| panic!("not an announcement: {e}: {data}"))
        })
}

/// The id of the announcement an `announcement` event names.
fn id_of(event: Option<AnnouncementView>) -> Option<String> {
    event.map(|a| a.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_post_image_announcements_that_reach_open_pages_and_the_history() {
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let anyone = app.client();

    let (s, _) = app
        .call(&anyone, "GET", "/api/v1/announcements/current", None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let mut events = announcement_events(&app).await;
    assert_eq!(common::next_within(&mut events).await, None);

    // Bad input is refused with a clear message and posts nothing.
    for (fields, why) in [
        (vec![], "write"),
        (
            vec![
                ("alt", "Down for maintenance"),
                ("link", "javascript:alert(1)"),
            ],
            "link",
        ),
        // Browsers read `\` as `/`: this would lead to //evil.example.
        (
            vec![
                ("alt", "Down for maintenance"),
                ("link", "/\\evil.example/x"),
            ],
            "link",
        ),
        (
            vec![("alt", "Old news"), ("expires_at", "2001-01-01T00:00:00Z")],
            "future",
        ),
        (
            vec![("alt", "Bad date"), ("expires_at", "tomorrow")],
            "RFC 3339",
        ),
    ] {
        let (s, body) = announce(&app, &admin, png(300, 100, 1), &fields).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"].as_str().unwrap().contains(why), "{body}");
    }
    let (s, _) = announce(&app, &admin, b"not an image".to_vec(), &[("alt", "x")]).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let list: Page<AnnouncementView> = app
        .call_as(
            &anyone,
            "GET",
            "/api/v1/announcements",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(list.items.len(), 0);

    let (s, first) = announce(
        &app,
        &admin,
        png(2400, 300, 2),
        &[
            ("alt", "Uploads are slow tonight; nothing is lost"),
            ("link", "/announcements"),
            ("expires_at", "2099-01-01T00:00:00Z"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let first: AnnouncementView = common::view(&first);
    assert_eq!(first.alt, "Uploads are slow tonight; nothing is lost");
    assert_eq!(first.author.as_deref(), Some("boss"));
    assert_eq!(first.link.as_deref(), Some("/announcements"));
    assert_eq!((first.width, first.height), (1600, 200));
    assert_eq!(first.expires_at.as_deref(), Some("2099-01-01T00:00:00Z"));
    assert_eq!(
        id_of(common::next_within(&mut events).await),
        Some(first.id.clone())
    );
    let image = anyone.get(app.url(&first.image_url)).send().await.unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");

    let (s, second) = announce(&app, &admin, png(800, 200, 3), &[("alt", "All good again")]).await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    let second: AnnouncementView = common::view(&second);
    assert_eq!(
        id_of(common::next_within(&mut events).await),
        Some(second.id.clone())
    );
    let current: AnnouncementView = app
        .call_as(
            &anyone,
            "GET",
            "/api/v1/announcements/current",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(current.id, second.id);
    let list: Page<AnnouncementView> = app
        .call_as(
            &anyone,
            "GET",
            "/api/v1/announcements",
            None,
            StatusCode::OK,
        )
        .await;
    let ids: Vec<&str> = list.items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()]);

    // Taking the newest down brings back the one before; an expired one leaves the banner but
    // stays in the history, marked.
    let (s, _) = app
        .call(
            &admin,
            "DELETE",
            &format!("/api/v1/announcements/{}", second.id),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        id_of(common::next_within(&mut events).await),
        Some(first.id.clone())
    );
    sqlx::query("UPDATE announcements SET expires_at = 1 WHERE id = $1")
        .bind(first.id.as_str())
        .execute(app.running.services.db.pool())
        .await
        .unwrap();
    // The watcher notices expiry on its own (it polls while pages listen).
    assert_eq!(common::next_within(&mut events).await, None);
    let (s, _) = app
        .call(&anyone, "GET", "/api/v1/announcements/current", None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let list: Page<AnnouncementView> = app
        .call_as(
            &anyone,
            "GET",
            "/api/v1/announcements",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(list.items.len(), 1);
    assert!(list.items[0].expired);
    let (s, _) = app
        .call(
            &admin,
            "DELETE",
            &format!("/api/v1/announcements/{}", second.id),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "taken down twice");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcement_images_are_pinned_and_served_through_an_s3_outage() {
    let app = spawn_app_behind_proxy_configured(|s| s.cache_pinned_recent = 0).await;
    let admin = app.admin("boss").await;
    let (s, posted) = announce(&app, &admin, png(600, 150, 9), &[("alt", "Maintenance")]).await;
    assert_eq!(s, StatusCode::CREATED, "{posted}");
    let posted: AnnouncementView = common::view(&posted);
    let media = &app.running.services.media;
    app.running.sync_worker().drain().await.unwrap();
    // Synced, and the cache is squeezed to nothing: the announcement image stays.
    media.budget().enforce_of(0).await.unwrap();
    let hash: photoshare_domain::types::ContentHash = hash_of(&posted.image_url).parse().unwrap();
    assert!(media.objects().cache().contains(&hash));
    std::fs::remove_dir_all(app.dir.path().join("data/cache/objects")).unwrap();
    std::fs::create_dir_all(app.dir.path().join("data/cache/objects")).unwrap();
    assert_eq!(
        media.budget().warm_pinned().await.unwrap(),
        1,
        "fetched back after a wipe"
    );
    app.proxy().set(Fault::Refuse);
    let r = app
        .client()
        .get(app.url(&posted.image_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_hide_a_photo_after_the_threshold_until_an_admin_keeps_it() {
    let app = common::spawn_app_with(|s| s.hide_after_reports = 2).await;
    let owner = app.signed_in("owner").await;
    let photo = app.post_photo(&owner, png(400, 300, 1), "a sunset").await;
    let id = photo.id.as_str();
    let reports = format!("/api/v1/photos/{id}/reports");
    let reason = json!({"reason": "Spam: it is an advert"});

    let (s, _) = app
        .call(&app.client(), "POST", &reports, Some(reason.clone()))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, body) = app
        .call(&owner, "POST", &reports, Some(reason.clone()))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let first = app.signed_in("first").await;
    let (s, body) = app
        .call(&first, "POST", &reports, Some(json!({"reason": "  "})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let outcome: ReportOutcome = app
        .call_as(
            &first,
            "POST",
            &reports,
            Some(reason.clone()),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        outcome,
        ReportOutcome {
            reports: 1,
            hidden: false
        }
    );
    let (s, body) = app
        .call(&first, "POST", &reports, Some(reason.clone()))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, _) = app
        .call(
            &first,
            "POST",
            "/api/v1/photos/00000000-0000-0000-0000-000000000000/reports",
            Some(reason.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let second = app.signed_in("second").await;
    let outcome: ReportOutcome = app
        .call_as(&second, "POST", &reports, Some(reason), StatusCode::CREATED)
        .await;
    assert_eq!(
        outcome,
        ReportOutcome {
            reports: 2,
            hidden: true
        }
    );

    // Hidden: out of every feed and the photo page for everyone but its owner and admins.
    let anyone = app.client();
    let recent: Page<PhotoView> = app.get_as(&anyone, "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 0);
    let (s, _) = app
        .call(&anyone, "GET", &format!("/api/v1/photos/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.call(&anyone, "GET", &format!("/p/{id}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let mine: PhotoView = app
        .call_as(
            &owner,
            "GET",
            &format!("/api/v1/photos/{id}"),
            None,
            StatusCode::OK,
        )
        .await;
    assert!(mine.hidden);
    // Nobody else favorites it, comments on it or reads its comments meanwhile; its owner can.
    for (method, path) in [
        ("PUT", format!("/api/v1/photos/{id}/favorite")),
        ("GET", format!("/api/v1/photos/{id}/comments")),
        ("GET", format!("/api/v1/photos/{id}/favorites")),
    ] {
        let (s, _) = app.call(&first, method, &path, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}");
        let (s, _) = app.call(&owner, method, &path, None).await;
        assert_eq!(s, StatusCode::OK, "{method} {path} by the owner");
    }

    let admin = app.admin("boss").await;
    let queue: Page<ModerationItem> = app.get_as(&admin, "/api/v1/admin/moderation").await;
    let items = &queue.items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].photo.id, id);
    assert_eq!(items[0].hidden.as_deref(), Some("reports"));
    let reporters: Vec<&str> = items[0]
        .reports
        .iter()
        .map(|r| r.reporter.as_str())
        .collect();
    assert_eq!(reporters, ["second", "first"]);
    assert_eq!(items[0].reports[0].reason, "Spam: it is an advert");
    let overview: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    assert_eq!(overview.moderation_queue, 1);

    // Reviewed and kept: back in the feeds, out of the queue; an admin can still hide it by hand.
    let (s, _) = app
        .call(
            &admin,
            "POST",
            &format!("/api/v1/admin/photos/{id}/unhide"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let recent: Page<PhotoView> = app.get_as(&anyone, "/api/v1/photos/recent").await;
    assert_eq!(recent.items[0].id, id);
    assert!(!recent.items[0].hidden);
    let queue: Page<ModerationItem> = app.get_as(&admin, "/api/v1/admin/moderation").await;
    assert_eq!(queue.items.len(), 0);
    let (s, _) = app
        .call(
            &admin,
            "POST",
            &format!("/api/v1/admin/photos/{id}/hide"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let queue: Page<ModerationItem> = app.get_as(&admin, "/api/v1/admin/moderation").await;
    assert_eq!(queue.items[0].hidden.as_deref(), Some("admin"));
    assert_eq!(queue.items[0].reports.len(), 0);
    let (s, _) = app
        .call(&anyone, "GET", &format!("/api/v1/photos/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let metrics = app.get_text(&anyone, "/metrics").await;
    assert!(
        metrics.contains("photoshare_reports_total 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("photoshare_moderation_queue 1\n"),
        "{metrics}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_photo_removes_it_everywhere_even_during_an_outage_and_blocks_the_image() {
    let app = spawn_app_behind_proxy_configured(|_| {}).await;
    let admin = app.admin("boss").await;
    let owner = app.signed_in("owner").await;
    let bytes = png(500, 400, 7);
    let photo = app.post_photo(&owner, bytes.clone(), "to be removed").await;
    let id = photo.id.as_str();
    let keep = app.post_photo(&owner, png(500, 400, 8), "stays").await;
    app.running.sync_worker().drain().await.unwrap();
    let sizes = [
        ("original", &photo.urls.original),
        ("large", &photo.urls.large),
        ("thumb", &photo.urls.thumb),
    ];
    let files: Vec<_> = sizes.iter().map(|(_, url)| hash_of(url)).collect();
    for h in &files {
        assert!(app.s3_file(h).exists());
    }

    // S3 is down when the admin deletes: the answer is immediate, the local copies go now.
    app.proxy().set(Fault::Refuse);
    let (s, _) = app
        .call(
            &admin,
            "DELETE",
            &format!("/api/v1/admin/photos/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let anyone = app.client();
    let (s, _) = app
        .call(&anyone, "GET", &format!("/api/v1/photos/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for (size, url) in sizes {
        let r = anyone.get(app.url(url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{size}");
        assert!(!app.cached_path(url).exists(), "{size}");
    }
    let recent: Page<PhotoView> = app.get_as(&anyone, "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 1);
    assert_eq!(recent.items[0].id, keep.id);
    let overview: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    assert_eq!(overview.storage.pending_deletes, 3);
    let mut worker = app.running.sync_worker();
    worker.tick().await.unwrap();
    for h in &files {
        assert!(app.s3_file(h).exists(), "S3 is down: still there");
    }

    // The same image is refused, by anyone, with 451 and words a person understands.
    let other = app.signed_in("other").await;
    let r = app.upload(&other, bytes, "again").await;
    assert_eq!(r.status().as_u16(), 451);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("removed by an administrator"),
        "{body}"
    );

    // S3 returns: the queued removals happen.
    app.proxy().set(Fault::Pass);
    let (s, _) = app
        .call(&admin, "POST", "/api/v1/admin/sync/retry", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    worker.drain().await.unwrap();
    for h in &files {
        assert!(!app.s3_file(h).exists(), "removed from S3");
    }
    assert!(app.s3_file(&hash_of(&keep.urls.thumb)).exists());
    let overview: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    assert_eq!(overview.storage.pending_deletes, 0);
    // Another node's copy of a deleted object (here: the file put back) is dropped when that
    // node's worker looks at the deletions; a photo still in use is not touched.
    let media = &app.running.services.media;
    let gone = app.cached_path(&photo.urls.thumb);
    std::fs::create_dir_all(gone.parent().unwrap()).unwrap();
    std::fs::write(&gone, b"a copy on another node").unwrap();
    // (A delete queue of its own: a node that has not looked yet. This node may have heard of the
    // deletion already, on PostgreSQL's event bus.)
    let other_node = photoshare_domain::media::delete::DeleteQueue::new(media.objects().clone());
    other_node.drop_deleted().await.unwrap();
    assert!(!gone.exists());
    assert!(app.cached_path(&keep.urls.thumb).exists());
    std::fs::write(&gone, b"a copy on another node").unwrap();
    other_node.drop_deleted().await.unwrap();
    assert!(
        gone.exists(),
        "only deletions newer than the last look are read"
    );
    let metrics = app.get_text(&anyone, "/metrics").await;
    assert!(
        metrics.contains("photoshare_s3_deletes_total 3\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("photoshare_blocked_uploads_total 1\n"),
        "{metrics}"
    );
    let (s, _) = app
        .call(
            &admin,
            "DELETE",
            &format!("/api/v1/admin/photos/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn banned_users_cannot_log_in_or_post_and_admins_promote_others() {
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let troll = app.signed_in("troll").await;
    app.post_photo(&troll, png(300, 200, 1), "before").await;

    let view: AdminUserView = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/admin/users/troll/ban",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!((view.banned, view.photos_count), (true, 1));
    // Their session ended; posting and logging in are refused.
    assert_eq!(
        app.upload(&troll, png(300, 200, 2), "after").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (s, body) = app
        .call(
            &troll,
            "POST",
            "/api/v1/session",
            Some(json!({"handle": "troll", "password": "a long enough password"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        body["error"].as_str().unwrap().contains("suspended"),
        "{body}"
    );
    // A wrong password still says only that.
    let (s, _) = app
        .call(
            &troll,
            "POST",
            "/api/v1/session",
            Some(json!({"handle": "troll", "password": "wrong password!"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, body) = app
        .call(&admin, "POST", "/api/v1/admin/users/boss/ban", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, _) = app
        .call(&admin, "POST", "/api/v1/admin/users/nobody_here/ban", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let view: AdminUserView = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/admin/users/troll/unban",
            None,
            StatusCode::OK,
        )
        .await;
    assert!(!view.banned);
    let (s, _) = app
        .call(
            &troll,
            "POST",
            "/api/v1/session",
            Some(json!({"handle": "troll", "password": "a long enough password"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Promotion: the new admin reaches the console.
    let helper = app.signed_in("helper").await;
    let (s, _) = app
        .call(&helper, "GET", "/api/v1/admin/overview", None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let view: AdminUserView = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/admin/users/helper/promote",
            None,
            StatusCode::OK,
        )
        .await;
    assert!(view.is_admin);
    let (s, _) = app
        .call(&helper, "GET", "/api/v1/admin/overview", None)
        .await;
    assert_eq!(s, StatusCode::OK);

    // The users list: newest first, searchable by part of the handle, paged.
    let page: Page<AdminUserView> = app.get_as(&admin, "/api/v1/admin/users?limit=2").await;
    let handles: Vec<&str> = page.items.iter().map(|u| u.handle.as_str()).collect();
    assert_eq!(handles, ["helper", "troll"]);
    let rest: Page<AdminUserView> = app
        .get_as(
            &admin,
            &format!(
                "/api/v1/admin/users?limit=2&cursor={}",
                page.next_cursor.as_deref().unwrap()
            ),
        )
        .await;
    assert_eq!(rest.items[0].handle, "boss");
    let found: Page<AdminUserView> = app.get_as(&admin, "/api/v1/admin/users?q=ROL").await;
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].handle, "troll");
    let none: Page<AdminUserView> = app.get_as(&admin, "/api/v1/admin/users?q=%25").await;
    assert_eq!(none.items.len(), 0, "% is literal");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_storage_and_cache_runs_fsck_and_retries_at_once() {
    let app = spawn_app_behind_proxy_configured(|_| {}).await;
    let admin = app.admin("boss").await;
    let owner = app.signed_in("owner").await;
    app.post_photo(&owner, png(500, 400, 1), "one").await;

    // S3 goes down; the worker fails until its circuit opens.
    app.proxy().set(Fault::Refuse);
    let mut worker = app
        .running
        .sync_worker_with(photoshare_domain::media::sync::SyncConfig {
            breaker_threshold: 2,
            probe_interval: Duration::from_secs(3600),
            base_backoff: Duration::from_secs(3600),
            ..Default::default()
        });
    worker.tick().await.unwrap();
    assert!(worker.circuit_open());
    let o: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    let storage = &o.storage;
    assert_eq!(storage.sync, "circuit_open");
    assert_eq!(storage.s3, "unreachable");
    assert_eq!(storage.bucket, common::TEST_BUCKET);
    assert_eq!(storage.backlog_objects, 3);
    assert!(storage.backlog_bytes > 0);
    let errors = &storage.recent_errors;
    assert_eq!(errors.len(), 1, "the same failure is one line: {errors:?}");
    assert!(errors[0].message.contains("S3"));
    let cache = &o.cache;
    assert_eq!(cache.node, "test-node");
    assert!(cache.bytes > 0);
    assert_eq!(cache.pinned_objects, 3, "the newest photo's three sizes");

    // S3 is back. The probe is an hour away and each object's backoff too — retry now skips both.
    app.proxy().set(Fault::Pass);
    assert_eq!(worker.tick().await.unwrap().claimed, 0);
    let (s, _) = app
        .call(&admin, "POST", "/api/v1/admin/sync/retry", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let report = worker.tick().await.unwrap();
    assert_eq!(report.synced, 3);
    let o: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    assert_eq!(
        (o.storage.backlog_objects, o.storage.drained_last_minute),
        (0, 3)
    );
    assert_eq!(o.storage.sync, "running");

    // fsck from the console: started in the background, its report read back.
    let started: FsckRun = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/admin/fsck",
            Some(json!({"repair": false})),
            StatusCode::ACCEPTED,
        )
        .await;
    assert!(started.running);
    let run = loop {
        let run: FsckRun = app.get_as(&admin, "/api/v1/admin/fsck").await;
        if !run.running {
            break run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let report = run.report.as_ref().expect("a report");
    assert_eq!(report.objects_checked, 3, "{run:?}");
    // The report is kept in the database: a restarted node (or another one) still shows it.
    let kept = app
        .running
        .services
        .db
        .setting("fsck_last_run")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(serde_json::from_str::<FsckRun>(&kept).unwrap(), run);
    assert_eq!(report.missing_in_s3.len(), 0);
    assert!(run.finished_at.is_some());
    let (s, _) = app
        .call(
            &admin,
            "POST",
            "/api/v1/admin/fsck",
            Some(json!({"repair": "yes"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let metrics = app.get_text(&admin, "/metrics").await;
    for name in [
        "photoshare_sync_put_duration_seconds_count",
        "photoshare_sync_put_duration_seconds_bucket{le=\"+Inf\"}",
        "photoshare_cache_bytes",
        "photoshare_s3_pending_deletes 0",
    ] {
        assert!(metrics.contains(name), "{name} in {metrics}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_stream_carries_the_announcement_and_new_photos() {
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let poster = app.signed_in("poster").await;
    let mut events = common::events(&app, "/api/v1/live").await;
    let next = common::next_within;
    // On opening: the announcement (none) and storage health, in either order.
    let mut first = [next(&mut events).await, next(&mut events).await];
    first.sort();
    assert_eq!(first[0], ("announcement".into(), "null".into()));
    assert_eq!(first[1].0, "storage");
    let storage = |data: &str| {
        serde_json::from_str::<StorageStatus>(data)
            .unwrap_or_else(|e| panic!("not a storage status: {e}: {data}"))
            .storage
    };
    assert_eq!(storage(&first[1].1), StorageState::Ok);
    let photo = app.post_photo(&poster, png(300, 200, 1), "live").await;
    assert_eq!(next(&mut events).await, ("photo".into(), photo.id.clone()));
    let (s, posted) = announce(&app, &admin, png(600, 100, 2), &[("alt", "Hello")]).await;
    assert_eq!(s, StatusCode::CREATED, "{posted}");
    let posted: AnnouncementView = common::view(&posted);
    let (kind, data) = next(&mut events).await;
    assert_eq!(kind, "announcement");
    let heard: AnnouncementView = serde_json::from_str(&data).unwrap();
    assert_eq!(heard.id, posted.id);

    // An admin pauses the sync with uploads waiting: the page hears it (the node's watcher
    // re-reads storage health every 2 s), and again when it resumes.
    let (s, _) = app
        .call(&admin, "POST", "/api/v1/admin/sync/pause", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (kind, data) = next(&mut events).await;
    assert_eq!(
        (kind.as_str(), storage(&data)),
        ("storage", StorageState::Paused)
    );
    app.call(&admin, "POST", "/api/v1/admin/sync/resume", None)
        .await;
    let (kind, data) = next(&mut events).await;
    assert_eq!(
        (kind.as_str(), storage(&data)),
        ("storage", StorageState::Ok)
    );
}

/// Moving to a new bucket through the API: a bad name and a second move are refused, the move
/// runs in the background, copies and verifies what S3 holds, and switches every later read and
/// upload to the new bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_move_through_the_api_copies_switches_and_reports() {
    use photoshare_domain::views::MigrateRun;
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let user = app.signed_in("kim").await;
    app.post_photo(&user, png(40, 30, 7), "moved").await;
    app.running.sync_worker().drain().await.unwrap();

    let problem = app
        .refused(
            &admin,
            "POST",
            "/api/v1/admin/bucket",
            Some(json!({"to": "Bad_Name"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(matches!(problem, Problem::BadBucket { .. }), "{problem:?}");
    let problem = app
        .refused(
            &user,
            "POST",
            "/api/v1/admin/bucket",
            Some(json!({"to": "photoshare-next"})),
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(problem, Problem::AdminsOnly);

    let started: MigrateRun = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/admin/bucket",
            Some(json!({"to": "photoshare-next"})),
            StatusCode::ACCEPTED,
        )
        .await;
    assert!(started.running);
    assert_eq!(started.to.as_deref(), Some("photoshare-next"));
    let problem = app
        .refused(
            &admin,
            "POST",
            "/api/v1/admin/bucket",
            Some(json!({"to": "photoshare-other"})),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(problem, Problem::MigrateRunning);

    let done: MigrateRun = loop {
        let run: MigrateRun = app.get_as(&admin, "/api/v1/admin/bucket").await;
        if !run.running {
            break run;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let report = done.report.expect("a report");
    assert!(report.switched, "{report:?}");
    assert_eq!(
        (report.from.as_str(), report.to.as_str()),
        (common::TEST_BUCKET, "photoshare-next")
    );
    // Every object S3 held (identical sizes of a small photo are one object).
    let synced: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM objects WHERE synced_at IS NOT NULL")
            .fetch_one(app.running.services.db.pool())
            .await
            .unwrap();
    assert!(synced > 0);
    assert_eq!(
        report.copied + report.already_there,
        synced as usize,
        "{report:?}"
    );
    assert!(report.failed.is_empty());
    assert!(done.finished_at.is_some());
    let o: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    assert_eq!(o.storage.bucket, "photoshare-next");
}
