//! Notifications (issue 12): favorites, fans, comments, mentions and an admin's actions notify
//! the owner — grouped per kind, photo and day, never for one's own actions, not between users
//! with a block, not for kinds turned off — and the open page's live stream carries the unread
//! count.

use crate::common::{events_as, next_within, png, spawn_app, TestApp};
use photoshare_domain::types::Page;
use photoshare_domain::views::{
    NotificationGroup, NotificationKind, NotificationSettings, UnreadCount,
};
use reqwest::StatusCode;
use serde_json::json;

async fn unread(app: &TestApp, client: &reqwest::Client) -> i64 {
    let c: UnreadCount = app.get_as(client, "/api/v1/notifications/unread").await;
    c.unread
}

async fn page(app: &TestApp, client: &reqwest::Client) -> Vec<NotificationGroup> {
    let p: Page<NotificationGroup> = app.get_as(client, "/api/v1/notifications").await;
    p.items
}

async fn ok(
    app: &TestApp,
    client: &reqwest::Client,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) {
    let (s, body) = app.call(client, method, path, body).await;
    assert!(s.is_success(), "{method} {path}: {body}");
}

#[tokio::test]
async fn what_others_do_with_my_photos_notifies_me_grouped_per_photo_and_day() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let [bob, carol, dan, erin] = [
        app.signed_in("bob").await,
        app.signed_in("carol").await,
        app.signed_in("dan").await,
        app.signed_in("erin").await,
    ];
    let photo = app.post_photo(&alice, png(64, 48, 1), "mine").await;
    let fav = format!("/api/v1/photos/{}/favorite", photo.id);
    let comments = format!("/api/v1/photos/{}/comments", photo.id);
    for who in [&bob, &carol, &dan] {
        ok(&app, who, "PUT", &fav, None).await;
    }
    ok(
        &app,
        &bob,
        "POST",
        &comments,
        Some(json!({ "body": "nice" })),
    )
    .await;
    ok(
        &app,
        &carol,
        "POST",
        &comments,
        Some(json!({ "body": "cc @erin @nobody_here look" })),
    )
    .await;
    ok(&app, &bob, "PUT", "/api/v1/users/alice/fan", None).await;
    // My own actions are no news; a favorite taken back and given again while unread is not
    // news twice.
    ok(&app, &alice, "PUT", &fav, None).await;
    ok(
        &app,
        &alice,
        "POST",
        &comments,
        Some(json!({ "body": "thanks @alice" })),
    )
    .await;
    ok(&app, &bob, "DELETE", &fav, None).await;
    ok(&app, &bob, "PUT", &fav, None).await;

    assert_eq!(unread(&app, &alice).await, 3 + 2 + 1);
    let groups = page(&app, &alice).await;
    let kinds: Vec<_> = groups.iter().map(|g| (g.kind, g.people)).collect();
    assert_eq!(
        kinds,
        [
            (NotificationKind::Fan, 1),
            (NotificationKind::Comment, 2),
            (NotificationKind::Favorite, 3)
        ]
    );
    let favorites = &groups[2];
    assert_eq!(favorites.photo_id.as_deref(), Some(photo.id.as_str()));
    assert_eq!(
        favorites.photo_thumb_url.as_deref(),
        Some(photo.urls.thumb.as_str())
    );
    let who: Vec<_> = favorites.actors.iter().map(|a| a.handle.as_str()).collect();
    assert_eq!(who, ["dan", "carol", "bob"], "the latest first");
    assert!(groups.iter().all(|g| g.unread));
    // Erin was mentioned; nobody else heard of it.
    let erins = page(&app, &erin).await;
    assert_eq!(erins.len(), 1);
    assert_eq!(erins[0].kind, NotificationKind::Mention);
    assert_eq!(erins[0].actors[0].handle, "carol");
    assert!(page(&app, &dan).await.is_empty());

    // Read.
    let (s, _) = app
        .call(&alice, "POST", "/api/v1/notifications/read", None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(unread(&app, &alice).await, 0);
    assert!(page(&app, &alice).await.iter().all(|g| !g.unread));

    // A line names the latest three people, each once, however often they acted.
    for (who, body) in [
        (&erin, "wow"),
        (&dan, "lovely"),
        (&bob, "again!"),
        (&dan, "and again"),
    ] {
        ok(&app, who, "POST", &comments, Some(json!({ "body": body }))).await;
    }
    let groups = page(&app, &alice).await;
    let said = groups
        .iter()
        .find(|g| g.kind == NotificationKind::Comment)
        .unwrap();
    assert_eq!((said.people, said.unread), (4, true));
    let who: Vec<_> = said.actors.iter().map(|a| a.handle.as_str()).collect();
    assert_eq!(who, ["dan", "bob", "erin"]);
    ok(&app, &alice, "POST", "/api/v1/notifications/read", None).await;

    // A kind turned off, and a blocked user, bring nothing.
    let settings: NotificationSettings = app
        .call_as(
            &alice,
            "PUT",
            "/api/v1/me/notification-settings",
            Some(json!({ "off": ["favorite"] })),
            StatusCode::OK,
        )
        .await;
    assert_eq!(settings.off, [NotificationKind::Favorite]);
    ok(&app, &erin, "PUT", &fav, None).await;
    ok(&app, &alice, "PUT", "/api/v1/users/dan/block", None).await;
    let (s, _) = app.call(&dan, "PUT", "/api/v1/users/alice/fan", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(unread(&app, &alice).await, 0);
    let (s, _) = app
        .call(
            &alice,
            "PUT",
            "/api/v1/me/notification-settings",
            Some(json!({ "off": ["loud"] })),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // An admin's actions on my photo.
    let admin = app.admin("boss").await;
    ok(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/admin/photos/{}/hide", photo.id),
        None,
    )
    .await;
    ok(
        &app,
        &admin,
        "DELETE",
        &format!("/api/v1/admin/photos/{}", photo.id),
        None,
    )
    .await;
    let groups = page(&app, &alice).await;
    assert_eq!(groups[0].kind, NotificationKind::Removed);
    assert_eq!(groups[1].kind, NotificationKind::Hidden);
    assert!(groups[0].actors.is_empty(), "an admin stays unnamed");
    assert_eq!(unread(&app, &alice).await, 2);
    let (s, _) = app
        .call(&app.client(), "GET", "/api/v1/notifications", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// The next `notifications` event's unread count on `stream`.
async fn next_count(stream: &mut (impl futures::Stream<Item = (String, String)> + Unpin)) -> i64 {
    loop {
        let (event, data) = next_within(stream).await;
        if event == "notifications" {
            return serde_json::from_str::<UnreadCount>(&data).unwrap().unread;
        }
    }
}

#[tokio::test]
async fn the_open_page_hears_of_a_new_notification_at_once() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let photo = app.post_photo(&alice, png(64, 48, 1), "mine").await;
    let mut stream = events_as(&app, &alice, "/api/v1/live").await;
    assert_eq!(next_count(&mut stream).await, 0);
    ok(
        &app,
        &bob,
        "PUT",
        &format!("/api/v1/photos/{}/favorite", photo.id),
        None,
    )
    .await;
    assert_eq!(next_count(&mut stream).await, 1);
    ok(&app, &alice, "POST", "/api/v1/notifications/read", None).await;
    assert_eq!(next_count(&mut stream).await, 0);
}

#[tokio::test]
async fn a_mention_added_in_an_edited_caption_notifies_once() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let erin = app.signed_in("erin").await;
    let dan = app.signed_in("dan").await;
    let photo = app
        .post_photo(&alice, png(64, 48, 1), "a quiet morning")
        .await;
    let path = format!("/api/v1/photos/{}", photo.id);
    ok(
        &app,
        &alice,
        "PATCH",
        &path,
        Some(json!({ "caption": "a quiet morning with @erin" })),
    )
    .await;
    assert_eq!(unread(&app, &erin).await, 1);
    let erins = page(&app, &erin).await;
    assert_eq!(erins[0].kind, NotificationKind::Mention);
    assert_eq!(erins[0].actors[0].handle, "alice");
    assert_eq!(erins[0].photo_id.as_deref(), Some(photo.id.as_str()));
    // Named again (and dan newly): erin is not told twice.
    ok(
        &app,
        &alice,
        "PATCH",
        &path,
        Some(json!({ "caption": "@erin and @dan, a quiet morning" })),
    )
    .await;
    ok(
        &app,
        &alice,
        "PATCH",
        &path,
        Some(json!({ "alt": "a lake at dawn" })),
    )
    .await;
    assert_eq!(unread(&app, &erin).await, 1);
    assert_eq!(unread(&app, &dan).await, 1);
    assert_eq!(unread(&app, &alice).await, 0, "nothing for one's own edit");
}

#[tokio::test]
async fn pages_of_many_notifications_hold_every_group_once_in_order() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let _ = app.signed_in("bob").await;
    let photo = app.post_photo(&alice, png(64, 48, 1), "busy").await;
    let pool = app.running.services.db.pool();
    let id_of = |h: &'static str| async move {
        sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE handle = $1")
            .bind(h)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let (me, bob) = (id_of("alice").await, id_of("bob").await);
    const DAY: i64 = 86_400_000_000;
    let today = photoshare_domain::db::now_micros() / DAY * DAY;
    // 600 favorites of one photo today (one group), then a mention on each of the 30 days before.
    let mut rows = Vec::new();
    for i in 0..600i64 {
        rows.push(("favorite", Some(photo.id.clone()), today + 1_000 + i));
    }
    for d in 1..=30i64 {
        rows.push(("mention", None, today - d * DAY + 5));
    }
    for (i, (kind, photo, at)) in rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, actor_id, photo_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(format!("00000000-0000-7000-8000-{i:012}"))
        .bind(&me)
        .bind(*kind)
        .bind(&bob)
        .bind(photo.clone())
        .bind(*at)
        .execute(pool)
        .await
        .unwrap();
    }
    let mut seen: Vec<NotificationGroup> = Vec::new();
    let mut path = "/api/v1/notifications?limit=7".to_owned();
    loop {
        let p: Page<NotificationGroup> = app.get_as(&alice, &path).await;
        seen.extend(p.items);
        match p.next_cursor {
            Some(c) => path = format!("/api/v1/notifications?limit=7&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        31,
        "one group for the favorites, one per mention"
    );
    assert_eq!(seen[0].kind, NotificationKind::Favorite);
    assert_eq!(seen[0].people, 1);
    assert!(seen[1..]
        .iter()
        .all(|g| g.kind == NotificationKind::Mention));
    let times: Vec<&str> = seen.iter().map(|g| g.latest_at.as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "the latest first");
}
