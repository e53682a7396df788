//! Block and mute (issue 12): a block hides two users from each other both ways and stops the
//! blocked one reaching the blocker; a mute only takes someone out of one's feeds.

use crate::common::{png, spawn_app, TestApp};
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{CommentView, Page, PhotoView, ProfileView, UserSummary};
use photoshare_domain::views::{BlockList, Relation};
use reqwest::StatusCode;
use serde_json::json;

fn ids(page: &Page<PhotoView>) -> Vec<&str> {
    page.items.iter().map(|p| p.id.as_str()).collect()
}

async fn comment_bodies(app: &TestApp, client: &reqwest::Client, photo: &str) -> Vec<String> {
    let page: Page<CommentView> = app
        .get_as(client, &format!("/api/v1/photos/{photo}/comments"))
        .await;
    page.items.into_iter().map(|c| c.body).collect()
}

#[tokio::test]
async fn a_block_hides_both_ways_and_stops_the_blocked_user_reaching_the_blocker() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let carol = app.signed_in("carol").await;
    let a = app.post_photo(&alice, png(64, 48, 1), "alice's").await;
    let b = app.post_photo(&bob, png(64, 48, 2), "bob's").await;
    app.all_succeed([
        (
            &bob,
            "POST",
            format!("/api/v1/photos/{}/comments", a.id),
            Some(json!({ "body": "from bob" })),
        ),
        (
            &carol,
            "POST",
            format!("/api/v1/photos/{}/comments", a.id),
            Some(json!({ "body": "from carol" })),
        ),
        (
            &bob,
            "PUT",
            format!("/api/v1/photos/{}/favorite", a.id),
            None,
        ),
        (&alice, "PUT", "/api/v1/users/bob/fan".to_owned(), None),
        (&bob, "PUT", "/api/v1/users/alice/fan".to_owned(), None),
    ])
    .await;

    let r: Relation = app
        .call_as(
            &alice,
            "PUT",
            "/api/v1/users/bob/block",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        r,
        Relation {
            blocked: true,
            muted: false
        }
    );
    let again: Relation = app
        .call_as(
            &alice,
            "PUT",
            "/api/v1/users/bob/block",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(again, r, "idempotent");
    // The fan relation ended both ways, counts kept.
    for handle in ["alice", "bob"] {
        let p: ProfileView = app.get_as(&carol, &format!("/api/v1/users/{handle}")).await;
        assert_eq!((p.fans_count, p.fan_of_count), (0, 0), "{handle}");
    }
    let p: ProfileView = app.get_as(&alice, "/api/v1/users/bob").await;
    assert!(p.blocked && !p.muted);

    // Hidden both ways: photos (by link and in feeds) and comments.
    assert_eq!(comment_bodies(&app, &alice, &a.id).await, ["from carol"]);
    assert_eq!(
        comment_bodies(&app, &carol, &a.id).await,
        ["from bob", "from carol"]
    );
    for (client, photo) in [(&bob, &a.id), (&alice, &b.id)] {
        let (s, _) = app
            .call(client, "GET", &format!("/api/v1/photos/{photo}"), None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let recent: Page<PhotoView> = app.get_as(&alice, "/api/v1/photos/recent").await;
    assert_eq!(ids(&recent), [a.id.as_str()]);
    let recent: Page<PhotoView> = app.get_as(&bob, "/api/v1/photos/recent").await;
    assert_eq!(ids(&recent), [b.id.as_str()]);
    let recent: Page<PhotoView> = app.get_as(&carol, "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 2, "others see both");
    let theirs: Page<PhotoView> = app.get_as(&alice, "/api/v1/users/bob/photos").await;
    assert!(theirs.items.is_empty());
    // Nor in the lists of users.
    let top: Page<UserSummary> = app.get_as(&alice, "/api/v1/users/top").await;
    assert!(top.items.iter().all(|u| u.handle != "bob"));
    let top: Page<UserSummary> = app.get_as(&carol, "/api/v1/users/top").await;
    assert!(top.items.iter().any(|u| u.handle == "bob"));

    // The blocked user cannot reach the blocker's photos, nor either become the other's fan.
    for (method, path, body) in [
        ("PUT", format!("/api/v1/photos/{}/favorite", a.id), None),
        (
            "POST",
            format!("/api/v1/photos/{}/comments", a.id),
            Some(json!({ "body": "hey" })),
        ),
    ] {
        let (s, _) = app.call(&bob, method, &path, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}");
    }
    for (client, handle) in [(&bob, "alice"), (&alice, "bob")] {
        let p = app
            .refused(
                client,
                "PUT",
                &format!("/api/v1/users/{handle}/fan"),
                None,
                StatusCode::FORBIDDEN,
            )
            .await;
        assert_eq!(p, Problem::BlockedUser);
    }
    let list: BlockList = app.get_as(&alice, "/api/v1/me/blocks").await;
    assert_eq!(list.blocked.len(), 1);
    assert_eq!(list.blocked[0].handle, "bob");
    assert!(list.muted.is_empty());
    let p = app
        .refused(
            &alice,
            "PUT",
            "/api/v1/users/alice/block",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(p, Problem::OwnBlock);
    let (s, _) = app
        .call(&app.client(), "PUT", "/api/v1/users/bob/block", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Lifted: everything shows again (the fan relation does not come back by itself).
    let r: Relation = app
        .call_as(
            &alice,
            "DELETE",
            "/api/v1/users/bob/block",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(r, Relation::default());
    assert_eq!(
        comment_bodies(&app, &alice, &a.id).await,
        ["from bob", "from carol"]
    );
    let (s, _) = app
        .call(&bob, "GET", &format!("/api/v1/photos/{}", a.id), None)
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn a_mute_only_takes_someone_out_of_ones_feeds() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let a = app.post_photo(&alice, png(64, 48, 1), "alice's").await;
    let b = app.post_photo(&bob, png(64, 48, 2), "bob's").await;
    let (s, _) = app.call(&alice, "PUT", "/api/v1/users/bob/fan", None).await;
    assert_eq!(s, StatusCode::OK);
    let r: Relation = app
        .call_as(
            &alice,
            "PUT",
            "/api/v1/users/bob/mute",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        r,
        Relation {
            blocked: false,
            muted: true
        }
    );
    for path in ["/api/v1/photos/recent", "/api/v1/photos/popular"] {
        let page: Page<PhotoView> = app.get_as(&alice, path).await;
        assert_eq!(ids(&page), [a.id.as_str()], "{path}");
    }
    let fans: Page<PhotoView> = app.get_as(&alice, "/api/v1/feeds/fans").await;
    assert!(fans.items.is_empty(), "the fans feed too");
    // Their page, their photo and their comments stay; they can still reach mine.
    let theirs: Page<PhotoView> = app.get_as(&alice, "/api/v1/users/bob/photos").await;
    assert_eq!(ids(&theirs), [b.id.as_str()]);
    let _: PhotoView = app
        .get_as(&alice, &format!("/api/v1/photos/{}", b.id))
        .await;
    let (s, _) = app
        .call(
            &bob,
            "POST",
            &format!("/api/v1/photos/{}/comments", a.id),
            Some(json!({ "body": "still here" })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let list: BlockList = app.get_as(&alice, "/api/v1/me/blocks").await;
    assert_eq!(list.muted[0].handle, "bob");
    let r: Relation = app
        .call_as(
            &alice,
            "DELETE",
            "/api/v1/users/bob/mute",
            None,
            StatusCode::OK,
        )
        .await;
    assert!(!r.muted);
    let recent: Page<PhotoView> = app.get_as(&alice, "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 2);
}
