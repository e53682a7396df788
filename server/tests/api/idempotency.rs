//! `Idempotency-Key` on `POST /api/v1/photos` (issue 13): the phone's offline queue retries an
//! upload until it hears an answer, so a retry with the key of an upload that already made its
//! photo answers 200 with that photo, never a second one — also when the copies race.

use crate::common::{png, problem_of, read_as, spawn_app, TestApp};
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{Page, PhotoView};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

const KEY: &str = "0192f5a0-7c1e-7abc-8def-0123456789ab";

/// Uploads `seed`'s image with `caption`, sending `key` as the `Idempotency-Key` header.
async fn upload_keyed(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    seed: u8,
    caption: &str,
) -> reqwest::Response {
    let form = Form::new().text("caption", caption.to_owned()).part(
        "image",
        Part::bytes(png(120, 90, seed))
            .file_name("photo.png")
            .mime_str("image/png")
            .unwrap(),
    );
    client
        .post(app.url("/api/v1/photos"))
        .header("Idempotency-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The ids of `handle`'s photos, newest first, as their owner sees them.
async fn photos_of(app: &TestApp, client: &reqwest::Client, handle: &str) -> Vec<String> {
    let page: Page<PhotoView> = app
        .get_as(client, &format!("/api/v1/users/{handle}/photos?limit=50"))
        .await;
    page.items.into_iter().map(|p| p.id).collect()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_retried_upload_returns_the_first_photo_and_makes_no_second() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;

    let first = upload_keyed(&app, &alice, KEY, 1, "harbour at dawn").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_location = location(&first);
    let first: PhotoView = read_as(first).await;
    assert_eq!(first_location, format!("/api/v1/photos/{}", first.id));

    // The same request again (its answer was lost), and once more with other bytes and words:
    // the key names the photo, whatever the retry carries.
    for (seed, caption) in [(1, "harbour at dawn"), (2, "something else")] {
        let again = upload_keyed(&app, &alice, KEY, seed, caption).await;
        assert_eq!(again.status(), StatusCode::OK);
        assert_eq!(location(&again), first_location);
        let again: PhotoView = read_as(again).await;
        assert_eq!(again.id, first.id);
        assert_eq!(again.caption, "harbour at dawn");
    }
    assert_eq!(
        photos_of(&app, &alice, "alice").await,
        vec![first.id.clone()]
    );

    // Another key is another photo; without a key every upload is new, as before.
    let other = upload_keyed(&app, &alice, "second-photo", 3, "tram").await;
    assert_eq!(other.status(), StatusCode::CREATED);
    let other: PhotoView = read_as(other).await;
    let plain = app.upload(&alice, png(120, 90, 4), "bridge").await;
    assert_eq!(plain.status(), StatusCode::CREATED);
    assert_eq!(photos_of(&app, &alice, "alice").await.len(), 3);
    assert_ne!(other.id, first.id);
    app.stop().await;
}

#[tokio::test]
async fn copies_of_one_upload_racing_make_one_photo() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let answers = futures::future::join_all(
        (0..4).map(|_| upload_keyed(&app, &alice, KEY, 5, "sent four times at once")),
    )
    .await;
    let mut statuses = Vec::new();
    let mut ids = Vec::new();
    for r in answers {
        statuses.push(r.status());
        ids.push(read_as::<PhotoView>(r).await.id);
    }
    statuses.sort();
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::CREATED
        ]
    );
    ids.dedup();
    assert_eq!(ids.len(), 1, "every copy answers with the one photo");
    assert_eq!(photos_of(&app, &alice, "alice").await, ids);
    app.stop().await;
}

#[tokio::test]
async fn a_key_is_each_users_own_and_lives_as_long_as_its_photo() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let hers: PhotoView = read_as(upload_keyed(&app, &alice, KEY, 1, "alice's").await).await;

    // Bob's client chose the same key: his upload is his own photo, not Alice's.
    let his = upload_keyed(&app, &bob, KEY, 1, "bob's").await;
    assert_eq!(his.status(), StatusCode::CREATED);
    let his: PhotoView = read_as(his).await;
    assert_ne!(his.id, hers.id);
    assert_eq!(his.owner, "bob");

    // Once Alice deletes her photo the key is free: posting again makes a photo again.
    let deleted = alice
        .delete(app.url(&format!("/api/v1/photos/{}", hers.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let again = upload_keyed(&app, &alice, KEY, 1, "alice's, again").await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: PhotoView = read_as(again).await;
    assert_ne!(again.id, hers.id);
    app.stop().await;
}

#[tokio::test]
async fn a_bad_key_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let long = "k".repeat(101);
    for bad in ["", "two words", long.as_str(), "tab\there"] {
        let r = upload_keyed(&app, &alice, bad, 1, "refused").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(
            problem_of(r).await,
            Problem::BadIdempotencyKey { max: 100 },
            "{bad:?}"
        );
    }
    // Not ASCII: a header of raw UTF-8 bytes.
    let utf8 = reqwest::header::HeaderValue::from_bytes("キー".as_bytes()).unwrap();
    let form = Form::new().part("image", Part::bytes(png(120, 90, 1)).file_name("photo.png"));
    let r = alice
        .post(app.url("/api/v1/photos"))
        .header("Idempotency-Key", utf8)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(problem_of(r).await, Problem::BadIdempotencyKey { max: 100 });

    assert!(photos_of(&app, &alice, "alice").await.is_empty());
    app.assert_nothing_half_written().await;
    // Signed out, a key changes nothing: 401 as before.
    let r = upload_keyed(&app, &app.client(), KEY, 1, "anonymous").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}
