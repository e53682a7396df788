//! My photos are mine (issue 12): alt text at upload and in edit, the caption fixed afterwards,
//! public or unlisted, and deleted by their owner (or an admin) — objects leave S3 through the
//! delete queue unless another photo uses them, even during an outage, without a blocklist entry.

use crate::common::{png, read_as, spawn_app, spawn_app_behind_proxy_configured, TestApp};
use photoshare_domain::problem::{Field, Problem};
use photoshare_domain::types::{Page, PhotoView, Visibility};
use reqwest::StatusCode;
use serde_json::json;

/// Posts a 200×150 photo with alt text and a visibility.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    seed: u8,
    caption: &str,
    alt: &str,
    visibility: &str,
) -> reqwest::Response {
    app.upload_described(client, png(200, 150, seed), caption, alt, visibility)
        .await
}

fn ids(page: &Page<PhotoView>) -> Vec<&str> {
    page.items.iter().map(|p| p.id.as_str()).collect()
}

#[tokio::test]
async fn owners_fix_the_caption_and_alt_text_and_nobody_else_can() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let admin = app.admin("boss").await;
    let photo: PhotoView = read_as(
        post(
            &app,
            &alice,
            1,
            "a tram on teh bridge",
            "A red tram",
            "public",
        )
        .await,
    )
    .await;
    assert_eq!(photo.alt, "A red tram");
    assert_eq!(photo.visibility, Visibility::Public);
    assert_eq!(photo.edited_at, None);
    let path = format!("/api/v1/photos/{}", photo.id);

    let alt = "夕暮れの雪の橋を渡る赤い路面電車。\nA red tram crossing a snowy bridge at dusk.";
    let edited: PhotoView = app
        .call_as(
            &alice,
            "PATCH",
            &path,
            Some(json!({ "caption": "a tram on the bridge", "alt": alt })),
            StatusCode::OK,
        )
        .await;
    assert_eq!(edited.caption, "a tram on the bridge");
    assert_eq!(edited.alt, alt);
    assert!(edited.edited_at.is_some());
    let seen: PhotoView = app.get_as(&app.client(), &path).await;
    assert_eq!(
        seen,
        PhotoView {
            favorited: false,
            ..edited.clone()
        }
    );

    // Refused, and nothing changes: someone else, nobody, too long, bidi, a bad visibility.
    let p = app
        .refused(
            &bob,
            "PATCH",
            &path,
            Some(json!({ "caption": "mine now" })),
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(p, Problem::NotPhotoOwner);
    let (s, _) = app
        .call(
            &app.client(),
            "PATCH",
            &path,
            Some(json!({ "caption": "x" })),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for (body, problem) in [
        (
            json!({ "caption": "ok", "alt": "a".repeat(1501) }),
            Problem::TextLong {
                field: Field::AltText,
                max: 1500,
            },
        ),
        (
            json!({ "alt": "evil\u{202e}txt.exe" }),
            Problem::TextControl {
                field: Field::AltText,
            },
        ),
        (json!({ "visibility": "secret" }), Problem::BadVisibility),
        (
            json!({ "caption": "c".repeat(501) }),
            Problem::TextLong {
                field: Field::Caption,
                max: 500,
            },
        ),
    ] {
        let p = app
            .refused(
                &alice,
                "PATCH",
                &path,
                Some(body),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(p, problem);
    }
    let (s, _) = app
        .call(&alice, "PATCH", "/api/v1/photos/not-an-id", Some(json!({})))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let seen: PhotoView = app.get_as(&app.client(), &path).await;
    assert_eq!(seen.caption, "a tram on the bridge");
    assert_eq!(seen.alt, alt);

    // An admin may; the audit log says so.
    let by_admin: PhotoView = app
        .call_as(
            &admin,
            "PATCH",
            &path,
            Some(json!({ "caption": "" })),
            StatusCode::OK,
        )
        .await;
    assert_eq!(by_admin.caption, "");
    assert_eq!(by_admin.alt, alt, "a field left out stays");
    let log = app
        .get_json(&admin, "/api/v1/admin/audit?action=photo.edit")
        .await;
    assert_eq!(log["items"][0]["target"], photo.id.as_str());

    // Uploads check the new fields too, and store nothing when refused.
    let queue = app.running.services.media.queue();
    let queued = queue.backlog().await.unwrap().objects;
    for (alt, visibility, problem) in [
        (
            "x".repeat(1501),
            "public",
            Problem::TextLong {
                field: Field::AltText,
                max: 1500,
            },
        ),
        (String::new(), "friends", Problem::BadVisibility),
    ] {
        let r = post(&app, &alice, 2, "refused", &alt, visibility).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(crate::common::problem_of(r).await, problem);
    }
    assert_eq!(
        queue.backlog().await.unwrap().objects,
        queued,
        "nothing new stored"
    );
    let mine: Page<PhotoView> = app.get_as(&alice, "/api/v1/users/alice/photos").await;
    assert_eq!(mine.items.len(), 1);
}

#[tokio::test]
async fn unlisted_photos_stay_out_of_every_feed_but_open_by_their_link() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let public: PhotoView = read_as(post(&app, &alice, 1, "for all", "", "public").await).await;
    let unlisted: PhotoView = read_as(post(&app, &alice, 2, "by link", "", "unlisted").await).await;
    assert_eq!(unlisted.visibility, Visibility::Unlisted);
    let (s, _) = app.call(&bob, "PUT", "/api/v1/users/alice/fan", None).await;
    assert_eq!(s, StatusCode::OK);
    for id in [&public.id, &unlisted.id] {
        let (s, _) = app
            .call(&bob, "PUT", &format!("/api/v1/photos/{id}/favorite"), None)
            .await;
        assert_eq!(s, StatusCode::OK, "favorited by its link");
    }
    let anyone = app.client();
    for (client, path) in [
        (&anyone, "/api/v1/photos/recent"),
        (&anyone, "/api/v1/photos/popular"),
        (&bob, "/api/v1/feeds/fans"),
        (&bob, "/api/v1/users/alice/photos"),
        (&anyone, "/api/v1/users/bob/favorites"),
    ] {
        let page: Page<PhotoView> = app.get_as(client, path).await;
        assert_eq!(ids(&page), [public.id.as_str()], "{path}");
    }
    // Its owner's own page, and the favorites of who favorited it, list it for them.
    let mine: Page<PhotoView> = app.get_as(&alice, "/api/v1/users/alice/photos").await;
    assert_eq!(ids(&mine), [unlisted.id.as_str(), public.id.as_str()]);
    let favs: Page<PhotoView> = app.get_as(&bob, "/api/v1/users/bob/favorites").await;
    assert_eq!(favs.items.len(), 2);
    // Anyone with the link sees it.
    let seen: PhotoView = app
        .get_as(&anyone, &format!("/api/v1/photos/{}", unlisted.id))
        .await;
    assert_eq!(seen.caption, "by link");

    // Made public, it joins the feeds.
    let _: PhotoView = app
        .call_as(
            &alice,
            "PATCH",
            &format!("/api/v1/photos/{}", unlisted.id),
            Some(json!({ "visibility": "public" })),
            StatusCode::OK,
        )
        .await;
    let recent: Page<PhotoView> = app.get_as(&anyone, "/api/v1/photos/recent").await;
    assert_eq!(ids(&recent), [unlisted.id.as_str(), public.id.as_str()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_delete_their_photos_during_an_outage_and_the_image_is_not_blocked() {
    let app = spawn_app_behind_proxy_configured(|_| {}).await;
    let admin = app.admin("boss").await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let only: PhotoView = read_as(post(&app, &alice, 1, "only mine", "", "public").await).await;
    // The same image as one of bob's: its objects stay for him.
    let shared: PhotoView = read_as(post(&app, &alice, 2, "shared", "", "public").await).await;
    let bobs: PhotoView = read_as(post(&app, &bob, 2, "bob's", "", "public").await).await;
    for (method, path, body) in [
        ("PUT", format!("/api/v1/photos/{}/favorite", only.id), None),
        (
            "POST",
            format!("/api/v1/photos/{}/comments", only.id),
            Some(json!({ "body": "nice" })),
        ),
        (
            "POST",
            format!("/api/v1/photos/{}/reports", only.id),
            Some(json!({ "reason": "spam" })),
        ),
    ] {
        let (s, body) = app.call(&bob, method, &path, body).await;
        assert!(s.is_success(), "{path}: {body}");
    }
    app.running.sync_worker().drain().await.unwrap();
    let files: Vec<String> = [&only.urls.original, &only.urls.large, &only.urls.thumb]
        .iter()
        .map(|u| u.rsplit('/').next().unwrap().to_owned())
        .collect();

    // Not by someone else.
    let path = format!("/api/v1/photos/{}", only.id);
    let p = app
        .refused(&bob, "DELETE", &path, None, StatusCode::FORBIDDEN)
        .await;
    assert_eq!(p, Problem::NotPhotoOwner);

    // S3 is down: deleted all the same, at once.
    app.proxy().set(crate::common::fault_proxy::Fault::Refuse);
    for photo in [&only, &shared] {
        let (s, _) = app
            .call(
                &alice,
                "DELETE",
                &format!("/api/v1/photos/{}", photo.id),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
    }
    let anyone = app.client();
    let (s, _) = app.call(&anyone, "GET", &path, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.call(&alice, "DELETE", &path, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "gone already");
    for url in [&only.urls.original, &only.urls.thumb] {
        assert!(!app.cached_path(url).exists());
    }
    let r = anyone
        .get(app.url(&bobs.urls.original))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "bob's copy of the same image stays"
    );
    let queue: serde_json::Value = app.get_json(&admin, "/api/v1/admin/moderation").await;
    assert_eq!(queue["items"], json!([]), "its report went with it");
    let recent: Page<PhotoView> = app.get_as(&anyone, "/api/v1/photos/recent").await;
    assert_eq!(ids(&recent), [bobs.id.as_str()]);

    // S3 returns: the objects nothing else uses are removed there.
    app.proxy().set(crate::common::fault_proxy::Fault::Pass);
    let (s, _) = app
        .call(&admin, "POST", "/api/v1/admin/sync/retry", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    app.running.sync_worker().drain().await.unwrap();
    for h in &files {
        assert!(!app.s3_file(h).exists(), "removed from S3");
    }
    assert!(app
        .s3_file(bobs.urls.original.rsplit('/').next().unwrap())
        .exists());

    // Not blocked: the same image may be posted again. An admin may delete anyone's photo this way.
    let again: PhotoView = read_as(post(&app, &alice, 1, "again", "", "public").await).await;
    let (s, _) = app
        .call(
            &admin,
            "DELETE",
            &format!("/api/v1/photos/{}", again.id),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let log = app
        .get_json(&admin, "/api/v1/admin/audit?action=photo.delete")
        .await;
    assert_eq!(log["items"][0]["target"], again.id.as_str());
    let r = post(&app, &alice, 1, "and again", "", "public").await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn tags_in_captions_make_tag_pages_and_a_trending_list() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let first: PhotoView =
        read_as(post(&app, &alice, 1, "sunset #Sunset #夕焼け", "", "public").await).await;
    let second: PhotoView =
        read_as(post(&app, &alice, 2, "#sunset again", "", "public").await).await;
    let _: PhotoView = read_as(post(&app, &bob, 3, "#other", "", "public").await).await;
    let _: PhotoView = read_as(post(&app, &bob, 4, "#sunset hidden", "", "unlisted").await).await;

    let page: Page<PhotoView> = app.get_as(&bob, "/api/v1/tags/sunset/photos").await;
    assert_eq!(
        ids(&page),
        [second.id.as_str(), first.id.as_str()],
        "newest first, public only"
    );
    let page: Page<PhotoView> = app
        .get_as(&bob, "/api/v1/tags/%E5%A4%95%E7%84%BC%E3%81%91/photos")
        .await;
    assert_eq!(ids(&page), [first.id.as_str()], "a Japanese tag");
    let page: Page<PhotoView> = app.get_as(&bob, "/api/v1/tags/%23SUNSET/photos").await;
    assert_eq!(page.items.len(), 2, "a leading # and any case");
    let p = app
        .refused(
            &bob,
            "GET",
            "/api/v1/tags/bad!tag/photos",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(p, Problem::BadTag);

    let trending: photoshare_domain::views::TrendingTags =
        app.get_as(&app.client(), "/api/v1/tags/trending").await;
    let tags: Vec<(&str, i64)> = trending
        .items
        .iter()
        .map(|t| (t.tag.as_str(), t.photos))
        .collect();
    assert_eq!(tags, [("sunset", 2), ("other", 1), ("夕焼け", 1)]);

    // A changed caption changes the photo's tags.
    let _: PhotoView = app
        .call_as(
            &alice,
            "PATCH",
            &format!("/api/v1/photos/{}", second.id),
            Some(json!({ "caption": "no tags now" })),
            StatusCode::OK,
        )
        .await;
    let page: Page<PhotoView> = app.get_as(&bob, "/api/v1/tags/sunset/photos").await;
    assert_eq!(ids(&page), [first.id.as_str()]);
}
