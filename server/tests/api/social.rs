//! The social product through the JSON API, on a real server and database: profiles and icons,
//! favorites, fans, the feeds, comments, the permalink's meta tags and the live stream.

use crate::common;

use common::{png, spawn_app};
use photoshare_domain::types::{
    CommentView, Locale, Page, PhotoView, ProfileView, UserSummary, UserView,
};
use photoshare_domain::views::{FanState, FavoriteState};
use reqwest::StatusCode;
use serde_json::json;

fn handles(page: &Page<UserSummary>) -> Vec<String> {
    page.items.iter().map(|u| u.handle.clone()).collect()
}

fn ids(page: &Page<PhotoView>) -> Vec<String> {
    page.items.iter().map(|p| p.id.clone()).collect()
}

/// A photo different for each seed, large enough to have distinct thumb and large sizes.
fn photo(seed: u8) -> Vec<u8> {
    png(420, 300, seed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_take_a_display_name_bio_and_square_icon() {
    let app = spawn_app().await;
    let hana = app.signed_in("hana").await;

    let me: UserView = app
        .call_as(
            &hana,
            "PATCH",
            "/api/v1/me",
            Some(json!({"display_name": " 山田 花子 ", "bio": "Film & <b>light</b>\nTokyo", "locale": "ja"})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(me.display_name, "山田 花子");
    assert_eq!(me.locale, Some(Locale::Ja));

    // Invalid input: 422, and nothing changes (not even the valid field next to it).
    for bad in [
        json!({"display_name": "x".repeat(51)}),
        json!({"display_name": "ok", "bio": "b".repeat(301)}),
        json!({"locale": "xx"}),
    ] {
        let (s, body) = app.call(&hana, "PATCH", "/api/v1/me", Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!body["error"].as_str().unwrap().is_empty());
    }
    let (s, _) = app
        .call(
            &app.client(),
            "PATCH",
            "/api/v1/me",
            Some(json!({"bio": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let profile: ProfileView = app.get_as(&app.client(), "/api/v1/users/hana").await;
    assert_eq!(profile.display_name, "山田 花子");
    assert_eq!(profile.bio, "Film & <b>light</b>\nTokyo");
    assert_eq!(profile.fans_count, 0);
    assert!(!profile.is_fan);
    assert_eq!(profile.icon_url, None);

    // A wide icon comes back as squares: small 128 px, large 512 px.
    let wide = png(1000, 600, 7);
    let form = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(wide).file_name("me.png"),
    );
    let r = hana
        .put(app.url("/api/v1/me/icon"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let me: UserView = common::read_as(r).await;
    let profile: ProfileView = app.get_as(&app.client(), "/api/v1/users/hana").await;
    assert!(me.icon_url.is_some());
    assert_eq!(profile.icon_url, me.icon_url);
    for (key, url, side) in [
        ("icon_url", &profile.icon_url, 128),
        ("icon_large_url", &profile.icon_large_url, 512),
    ] {
        let bytes = app
            .client()
            .get(app.url(url.as_deref().unwrap()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (side, side), "{key}");
    }

    // Not an image we take: 415, and the icon stays.
    let gif = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
    );
    let r = hana
        .put(app.url("/api/v1/me/icon"))
        .multipart(gif)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let empty = reqwest::multipart::Form::new().text("other", "x");
    let r = hana
        .put(app.url("/api/v1/me/icon"))
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again: ProfileView = app.get_as(&app.client(), "/api/v1/users/hana").await;
    assert_eq!(again.icon_url, profile.icon_url);

    let (s, _) = app
        .call(&hana, "GET", "/api/v1/users/nobody_here", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(&hana, "GET", "/api/v1/users/NOT%20A%20HANDLE", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn favorites_are_idempotent_counted_and_listed() {
    let app = spawn_app().await;
    let owner = app.signed_in("owner").await;
    let fan = app.signed_in("fanny").await;
    let other = app.signed_in("other").await;
    let p = app.post_photo(&owner, photo(1), "dawn").await;
    let id = p.id.as_str();
    assert_eq!(p.favorites_count, 0);
    assert!(!p.favorited);
    let path = format!("/api/v1/photos/{id}/favorite");

    for _ in 0..2 {
        let fav: FavoriteState = app.call_as(&fan, "PUT", &path, None, StatusCode::OK).await;
        assert_eq!(
            fav,
            FavoriteState {
                favorited: true,
                favorites_count: 1
            }
        );
    }
    let fav: FavoriteState = app
        .call_as(&other, "PUT", &path, None, StatusCode::OK)
        .await;
    assert_eq!(fav.favorites_count, 2);

    let seen_by_fan: PhotoView = app.get_as(&fan, &format!("/api/v1/photos/{id}")).await;
    assert_eq!(seen_by_fan.favorites_count, 2);
    assert!(seen_by_fan.favorited);
    let seen_by_owner: PhotoView = app.get_as(&owner, &format!("/api/v1/photos/{id}")).await;
    assert!(!seen_by_owner.favorited);
    let recent: Page<PhotoView> = app.get_as(&fan, "/api/v1/photos/recent").await;
    assert!(recent.items[0].favorited);
    let anon: Page<PhotoView> = app.get_as(&app.client(), "/api/v1/photos/recent").await;
    assert!(!anon.items[0].favorited);

    let who: Page<UserSummary> = app
        .get_as(&app.client(), &format!("/api/v1/photos/{id}/favorites"))
        .await;
    assert_eq!(handles(&who), ["other", "fanny"]);
    let favs: Page<PhotoView> = app
        .get_as(&app.client(), "/api/v1/users/fanny/favorites")
        .await;
    assert_eq!(ids(&favs), [id]);

    for _ in 0..2 {
        let fav: FavoriteState = app
            .call_as(&fan, "DELETE", &path, None, StatusCode::OK)
            .await;
        assert_eq!(
            fav,
            FavoriteState {
                favorited: false,
                favorites_count: 1
            }
        );
    }
    let favs: Page<PhotoView> = app
        .get_as(&app.client(), "/api/v1/users/fanny/favorites")
        .await;
    assert!(ids(&favs).is_empty());

    let (s, _) = app.call(&app.client(), "PUT", &path, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let missing = format!("/api/v1/photos/{}/favorite", uuid::Uuid::now_v7());
    let (s, _) = app.call(&fan, "PUT", &missing, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(&fan, "PUT", "/api/v1/photos/not-an-id/favorite", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popular_ranks_favorites_with_time_decay_and_pages_without_gaps() {
    let app = spawn_app().await;
    let a = app.signed_in("amber").await;
    let mut photos = Vec::new();
    for seed in 0..5u8 {
        photos.push(app.post_photo(&a, photo(seed), &format!("p{seed}")).await);
    }
    let id = |i: usize| photos[i].id.clone();
    // Favorites: p1 gets three, p3 one. Everything is minutes old, so favorites dominate; among
    // equals, the newer photo ranks first.
    let mut fans = Vec::new();
    for n in 0..3 {
        fans.push(app.signed_in(&format!("voter{n}")).await);
    }
    for f in &fans {
        app.call(
            f,
            "PUT",
            &format!("/api/v1/photos/{}/favorite", id(1)),
            None,
        )
        .await;
    }
    app.call(
        &fans[0],
        "PUT",
        &format!("/api/v1/photos/{}/favorite", id(3)),
        None,
    )
    .await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/photos/popular?limit=2&cursor={c}"),
            None => "/api/v1/photos/popular?limit=2".into(),
        };
        let page: Page<PhotoView> = app.get_as(&app.client(), &path).await;
        seen.extend(ids(&page));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, [id(1), id(3), id(4), id(2), id(0)]);

    let (s, _) = app
        .call(&a, "GET", "/api/v1/photos/popular?cursor=garbage", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fans_see_their_idols_photos_and_top_users_rank_by_fans() {
    let app = spawn_app().await;
    let ann = app.signed_in("ann").await;
    let ben = app.signed_in("ben").await;
    let cat = app.signed_in("cat").await;
    let ben_photo = app.post_photo(&ben, photo(10), "ben's").await;
    app.post_photo(&cat, photo(11), "cat's").await;

    for _ in 0..2 {
        let fan: FanState = app
            .call_as(&ann, "PUT", "/api/v1/users/ben/fan", None, StatusCode::OK)
            .await;
        assert_eq!(
            fan,
            FanState {
                is_fan: true,
                fans_count: 1
            }
        );
    }
    app.call(&cat, "PUT", "/api/v1/users/ben/fan", None).await;
    app.call(&ben, "PUT", "/api/v1/users/cat/fan", None).await;
    let (s, body) = app.call(&ann, "PUT", "/api/v1/users/ann/fan", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, _) = app
        .call(&ann, "PUT", "/api/v1/users/nobody/fan", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(&app.client(), "PUT", "/api/v1/users/ben/fan", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let feed: Page<PhotoView> = app.get_as(&ann, "/api/v1/feeds/fans").await;
    assert_eq!(ids(&feed), [ben_photo.id.as_str()]);
    let (s, _) = app
        .call(&app.client(), "GET", "/api/v1/feeds/fans", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let ben_profile: ProfileView = app.get_as(&ann, "/api/v1/users/ben").await;
    assert_eq!(ben_profile.fans_count, 2);
    assert!(ben_profile.is_fan);
    assert_eq!(ben_profile.photos_count, 1);
    let ann_profile: ProfileView = app.get_as(&ann, "/api/v1/users/ann").await;
    assert_eq!(ann_profile.fan_of_count, 1);
    assert_eq!(
        handles(&app.get_as(&ann, "/api/v1/users/ben/fans").await),
        ["cat", "ann"]
    );
    assert_eq!(
        handles(&app.get_as(&ann, "/api/v1/users/ann/fan-of").await),
        ["ben"]
    );
    let top: Page<UserSummary> = app.get_as(&app.client(), "/api/v1/users/top?limit=2").await;
    assert_eq!(handles(&top)[0], "ben");
    assert_eq!(top.items[0].fans_count, 2);
    assert_eq!(handles(&top)[1], "cat");
    let rest: Page<UserSummary> = app
        .get_as(
            &app.client(),
            &format!(
                "/api/v1/users/top?limit=2&cursor={}",
                top.next_cursor.as_deref().unwrap()
            ),
        )
        .await;
    let mut rest = handles(&rest);
    rest.sort();
    assert_eq!(rest, ["ann"]);

    let fan: FanState = app
        .call_as(
            &ann,
            "DELETE",
            "/api/v1/users/ben/fan",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        fan,
        FanState {
            is_fan: false,
            fans_count: 1
        }
    );
    let fan: FanState = app
        .call_as(
            &ann,
            "DELETE",
            "/api/v1/users/ben/fan",
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(fan.fans_count, 1);
    assert!(ids(&app.get_as(&ann, "/api/v1/feeds/fans").await).is_empty());

    // A user's own photos, newest first, page by page.
    for seed in 20..23u8 {
        app.post_photo(&ben, photo(seed), "more").await;
    }
    let first: Page<PhotoView> = app.get_as(&ann, "/api/v1/users/ben/photos?limit=3").await;
    assert_eq!(ids(&first).len(), 3);
    let next: Page<PhotoView> = app
        .get_as(
            &ann,
            &format!(
                "/api/v1/users/ben/photos?limit=3&cursor={}",
                first.next_cursor.as_deref().unwrap()
            ),
        )
        .await;
    assert_eq!(ids(&next), [ben_photo.id.as_str()]);
    assert_eq!(next.next_cursor, None);
}

/// Page by page, the fans feed holds every photo of every idol once, newest first, however the
/// idols' photos interleave (PostgreSQL takes at most a page from each idol before the page).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fans_feed_pages_through_interleaved_idols_without_gaps() {
    let app = spawn_app().await;
    let ann = app.signed_in("ann").await;
    let ben = app.signed_in("ben").await;
    let cat = app.signed_in("cat").await;
    let dan = app.signed_in("dan").await;
    for idol in ["ben", "cat"] {
        app.call(&ann, "PUT", &format!("/api/v1/users/{idol}/fan"), None)
            .await;
    }
    // ben posts a run of five, then ben and cat alternate; dan's photos are not ann's.
    let mut expected = Vec::new();
    for seed in 0..11u8 {
        let who = match seed {
            0..=4 => &ben,
            5 | 7 | 9 => &cat,
            8 => &dan,
            _ => &ben,
        };
        let posted = app.post_photo(who, photo(30 + seed), "mine").await;
        if seed != 8 {
            expected.push(posted.id);
        }
    }
    expected.reverse();
    let mut seen = Vec::new();
    let mut path = "/api/v1/feeds/fans?limit=2".to_owned();
    loop {
        let page: Page<PhotoView> = app.get_as(&ann, &path).await;
        assert!(page.items.len() <= 2);
        seen.extend(ids(&page));
        match page.next_cursor {
            Some(c) => path = format!("/api/v1/feeds/fans?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_are_added_listed_and_deleted_by_author_or_admin_only() {
    let app = spawn_app().await;
    let owner = app.signed_in("poster").await;
    let talker = app.signed_in("talker").await;
    let admin = app.admin("boss").await;
    let p = app.post_photo(&owner, photo(30), "sunset").await;
    let path = format!("/api/v1/photos/{}/comments", p.id);

    let first: CommentView = app
        .call_as(
            &talker,
            "POST",
            &path,
            Some(json!({"body": "<img src=x onerror=alert(1)> 綺麗!"})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(first.body, "<img src=x onerror=alert(1)> 綺麗!");
    let second: CommentView = app
        .call_as(
            &owner,
            "POST",
            &path,
            Some(json!({"body": "thanks"})),
            StatusCode::CREATED,
        )
        .await;

    for bad in [json!({"body": "   "}), json!({"body": "z".repeat(1001)})] {
        let (s, _) = app.call(&talker, "POST", &path, Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (s, _) = app
        .call(&app.client(), "POST", &path, Some(json!({"body": "hi"})))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let list: Page<CommentView> = app.get_as(&talker, &path).await;
    let bodies: Vec<_> = list.items.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, [first.body.as_str(), "thanks"]);
    assert!(list.items[0].can_delete);
    assert!(!list.items[1].can_delete);
    let photo_now: PhotoView = app
        .get_as(&talker, &format!("/api/v1/photos/{}", p.id))
        .await;
    assert_eq!(photo_now.comments_count, 2);

    // Someone else's comment: 403, and it stays.
    let second_path = format!("{path}/{}", second.id);
    let (s, body) = app.call(&talker, "DELETE", &second_path, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, _) = app
        .call(&talker, "DELETE", &format!("{path}/{}", first.id), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.call(&admin, "DELETE", &second_path, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.call(&admin, "DELETE", &second_path, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let list: Page<CommentView> = app.get_as(&talker, &path).await;
    assert!(list.items.is_empty());
    let photo_now: PhotoView = app
        .get_as(&talker, &format!("/api/v1/photos/{}", p.id))
        .await;
    assert_eq!(photo_now.comments_count, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_permalink_page_carries_escaped_open_graph_tags() {
    let app = spawn_app().await;
    let c = app.signed_in("sharer").await;
    let p = app
        .post_photo(&c, photo(40), "Sunset \"over\" <the> bay & 港")
        .await;
    let id = &p.id;
    let r = app
        .client()
        .get(app.url(&format!("/p/{id}")))
        .header("host", "photos.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let large = &p.urls.large;
    for needle in [
        r#"<meta property="og:title" content="Sunset &quot;over&quot; &lt;the&gt; bay &amp; 港">"#
            .to_owned(),
        format!(r#"<meta property="og:image" content="http://photos.example{large}">"#),
        format!(r#"<meta property="og:url" content="http://photos.example/p/{id}">"#),
        r#"<meta name="twitter:card" content="summary_large_image">"#.to_owned(),
        "<title>Sunset &quot;over&quot; &lt;the&gt; bay &amp; 港 · PhotoShare</title>".to_owned(),
    ] {
        assert!(html.contains(&needle), "missing {needle} in {html}");
    }
    assert!(!html.contains("<the>"));
    assert_eq!(html.matches("<title>").count(), 1);

    let r = app
        .client()
        .get(app.url(&format!("/p/{}", uuid::Uuid::now_v7())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(!r.text().await.unwrap().contains("og:title"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_streams_hear_of_new_photos_at_once() {
    use futures::StreamExt;
    let app = spawn_app().await;
    let c = app.signed_in("streamer").await;
    app.post_photo(&c, photo(50), "before").await;
    let r = common::open_events(&app, "/api/v1/photos/live").await;
    let mut body = r.bytes_stream();
    let new = app.post_photo(&c, photo(51), "after").await;
    let expected = format!("event: photo\ndata: {}\n", new.id);
    let mut got = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !got.contains(&expected) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("the new photo is announced within 10 s")
            .unwrap()
            .unwrap();
        got.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    // Only the new photo: the one from before the stream opened is not announced.
    assert_eq!(got.matches("event: photo").count(), 1, "{got}");
}
