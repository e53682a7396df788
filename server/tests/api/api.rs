//! HTTP API v1, end to end against the real server, database and S3 server.

use crate::common;

use common::{png, sha256_hex, spawn_app};
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{Page, PhotoView, UserView};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn error_of(r: reqwest::Response) -> String {
    let body: Value = r.json().await.expect("errors are JSON");
    body["error"]
        .as_str()
        .expect("errors carry a message")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_sets_a_session_and_refuses_taken_or_invalid_handles() {
    let app = spawn_app().await;
    let c = app.client();

    let r = app.sign_up(&c, "Alice").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let user: UserView = common::read_as(r).await;
    assert_eq!(user.handle, "alice");
    assert!(!user.is_admin);

    let r = app.sign_up(&app.client(), "alice").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(error_of(r).await.contains("already taken"));

    let r = app.sign_up(&app.client(), "no spaces!").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(r).await.contains("handle"));

    let r = c
        .post(app.url("/api/v1/accounts"))
        .json(&json!({"handle": "bob", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(r).await.contains("at least 8"));

    let r = c
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(!error_of(r).await.is_empty());

    // None of the refused attempts created an account.
    assert_eq!(app.running.services.accounts.count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_and_log_out() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "carol").await;

    let c = app.client();
    let wrong = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"handle": "carol", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(wrong).await, "Wrong handle or password.");
    let unknown = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"handle": "nobody", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    let ok = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"handle": "CAROL", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok.headers().contains_key("set-cookie"));
    assert_eq!(
        app.upload(&c, png(64, 48, 1), "").await.status(),
        StatusCode::CREATED
    );

    let out = c.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    // The session is gone on the server, not just in this client's jar.
    assert_eq!(
        app.upload(&c, png(64, 48, 2), "").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_cookie_stops_working_after_log_out_even_if_replayed() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let r = app.sign_up(&c, "dave").await;
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me = |cookie: String| {
        let c = c.clone();
        let url = app.url("/api/v1/photos");
        async move {
            let form = reqwest::multipart::Form::new().part(
                "image",
                reqwest::multipart::Part::bytes(png(40, 40, 9)).file_name("a.png"),
            );
            c.post(url)
                .header("cookie", cookie)
                .multipart(form)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(cookie.clone()).await, StatusCode::CREATED);
    c.delete(app.url("/api/v1/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me(cookie).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_answers_201_with_the_photo_and_serves_its_bytes() {
    let app = spawn_app().await;
    let c = app.signed_in("erin").await;
    let original = png(1600, 1200, 7);

    let r = app.upload(&c, original.clone(), "  夕焼け — Закат  ").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let photo: PhotoView = common::read_as(r).await;
    assert_eq!(photo.caption, "夕焼け — Закат");
    assert_eq!(photo.owner, "erin");
    assert_eq!((photo.width, photo.height), (1600, 1200));
    assert!(photo.created_at.ends_with('Z'));
    assert_eq!(location, format!("/api/v1/photos/{}", photo.id));

    // The original is served byte for byte, named by its sha256, immutable.
    let original_url = photo.urls.original.as_str();
    assert_eq!(original_url, format!("/media/{}", sha256_hex(&original)));
    let r = c.get(app.url(original_url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", sha256_hex(&original)));
    assert_eq!(r.bytes().await.unwrap().as_ref(), original.as_slice());

    let r = c
        .get(app.url(original_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // The thumbnail is a JPEG no larger than 320 px, with the aspect ratio kept.
    let thumb = c.get(app.url(&photo.urls.thumb)).send().await.unwrap();
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let img = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (320, 240));

    let got: PhotoView = app.get_as(&c, &location).await;
    assert_eq!(got, photo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_refuses_bad_input_clearly_and_keeps_nothing() {
    let app = spawn_app_small().await;
    let anon = app.upload(&app.client(), png(10, 10, 1), "").await;
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);

    let c = app.signed_in("frank").await;

    let text = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(b"just some text".to_vec()).file_name("notes.txt"),
    );
    let r = c
        .post(app.url("/api/v1/photos"))
        .multipart(text)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error_of(r).await.contains("JPEG, PNG or WebP"));

    let gif = b"GIF89a\x08\x00\x08\x00\x00\x00\x00;".to_vec();
    let r = app.upload(&c, gif, "").await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error_of(r).await.contains("GIF"));

    let broken = png(300, 300, 3);
    let r = app
        .upload(&c, broken[..broken.len() / 2].to_vec(), "")
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let no_image = reqwest::multipart::Form::new().text("caption", "hi");
    let r = c
        .post(app.url("/api/v1/photos"))
        .multipart(no_image)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(r).await.contains("\"image\""));

    let r = c
        .post(app.url("/api/v1/photos"))
        .json(&json!({"image": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let r = app.upload(&c, png(10, 10, 4), &"long ".repeat(200)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(r).await.contains("500"));

    // Over the configured upload limit (200 kB here): 413 with a message.
    let noisy = image::RgbImage::from_fn(600, 600, |x, y| {
        image::Rgb([
            ((x * 31) ^ (y * 17)) as u8,
            (x * y) as u8,
            (x + y * 7) as u8,
        ])
    });
    let mut big = Vec::new();
    noisy
        .write_to(&mut std::io::Cursor::new(&mut big), image::ImageFormat::Png)
        .unwrap();
    // Over the limit, but within the route's body limit: the server reads the rest and answers.
    assert!(
        big.len() > 200_000 && big.len() < 1_200_000,
        "{}",
        big.len()
    );
    let r = app.upload(&c, big, "").await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!error_of(r).await.is_empty());

    // Nothing half-written: no photos, no objects, no queue rows, no temp files.
    // (A fresh client: the server closes the connection it answered 413 on before the body ended.)
    let recent: Page<PhotoView> = app.get_as(&app.client(), "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 0);
    app.assert_nothing_half_written().await;
}

async fn spawn_app_small() -> common::TestApp {
    common::spawn_app_with(|s| s.max_upload_bytes = 200_000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_is_newest_first_and_keyset_paginated() {
    let app = spawn_app().await;
    let c = app.signed_in("gina").await;
    for i in 0..5u8 {
        let r = app.upload(&c, png(50, 50, i), &format!("photo {i}")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let mut captions = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = app.url("/api/v1/photos/recent?limit=2");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Page<PhotoView> = common::read_as(c.get(url).send().await.unwrap()).await;
        pages += 1;
        for item in page.items {
            captions.push(item.caption);
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        captions,
        ["photo 4", "photo 3", "photo 2", "photo 1", "photo 0"]
    );

    for bad in ["limit=0", "limit=101", "limit=abc", "cursor=garbage"] {
        let r = c
            .get(app.url(&format!("/api/v1/photos/recent?{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(!error_of(r).await.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_photos_and_media_are_404_json() {
    let app = spawn_app().await;
    let c = app.client();
    for path in [
        "/api/v1/photos/00000000-0000-0000-0000-000000000000",
        "/api/v1/photos/not-a-uuid",
        "/api/v1/nothing-here",
        &format!("/media/{}", "0".repeat(64)),
        "/media/not-a-hash",
    ] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!error_of(r).await.is_empty(), "{path}");
    }
    // A client-side route gets the app's index.html; an unknown photo's permalink too (the app
    // says it is missing), with a 404 for crawlers.
    let r = c.get(app.url("/u/someone")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("<title>PhotoShare</title>"));
    let r = c.get(app.url("/p/some-photo")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("<title>PhotoShare</title>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_reach_s3_byte_identical_after_the_worker_drains_the_queue() {
    let app = spawn_app().await;
    let c = app.signed_in("hana").await;
    let original = png(900, 600, 11);
    // As JSON: the media store's lines below read it so.
    let photo = app.post_photo_json(&c, original.clone(), "to S3").await;
    // The same image again is stored once.
    assert_eq!(
        app.upload(&c, original.clone(), "again").await.status(),
        StatusCode::CREATED
    );

    let media = &app.running.services.media;
    assert_eq!(
        media.queue().backlog().await.unwrap().objects,
        3,
        "original, large and thumb, once each"
    );
    let health: Value = app.get_json(&c, "/healthz").await;
    assert_eq!(health["sync"]["backlog_objects"], 3);

    let report = app.running.sync_worker().drain().await.unwrap();
    assert_eq!((report.synced, report.failed), (3, 0));
    assert_eq!(media.queue().backlog().await.unwrap().objects, 0);

    for variant in ["original", "large", "thumb"] {
        let url = photo["urls"][variant].as_str().unwrap();
        let hash: photoshare_domain::types::ContentHash =
            url.trim_start_matches("/media/").parse().unwrap();
        let in_s3 = media
            .objects()
            .remote()
            .get(&hash)
            .await
            .unwrap()
            .expect("object is in S3");
        let served = c
            .get(app.url(url))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            in_s3, served,
            "{variant}: S3 holds the same bytes the app serves"
        );
        assert_eq!(sha256_hex(&in_s3), hash.to_hex());
    }
    let in_s3 = media
        .objects()
        .remote()
        .get(
            &photo["urls"]["original"]
                .as_str()
                .unwrap()
                .trim_start_matches("/media/")
                .parse()
                .unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_s3.as_ref(), original.as_slice());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_missing_from_the_cache_is_read_back_from_s3_and_verified() {
    // Nothing held in memory, so every read goes to the disk copy and its check.
    let app = common::spawn_app_with(|s| s.memory_cache_bytes = 0).await;
    let c = app.signed_in("ivan").await;
    let original = png(300, 200, 5);
    let photo = app.post_photo(&c, original.clone(), "").await;
    app.running.sync_worker().drain().await.unwrap();

    let url = photo.urls.original.as_str();
    let hash: photoshare_domain::types::ContentHash =
        url.trim_start_matches("/media/").parse().unwrap();
    let path = app.running.services.media.objects().cache().path_of(&hash);
    std::fs::remove_file(&path).unwrap();
    let r = c.get(app.url(url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), original.as_slice());
    assert!(
        path.exists(),
        "read-through puts the object back in the cache"
    );

    // A flipped bit in the cached copy is never served: the good copy comes from S3.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let r = c.get(app.url(url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), original.as_slice());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_metrics_report_the_service() {
    let app = spawn_app().await;
    let c = app.client();
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h: Value = r.json().await.unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["database"], "ok");
    assert_eq!(h["s3"], "ok");

    app.sign_up(&c, "june").await;
    // Big enough that large and thumb differ (a small image's sizes are one deduplicated object).
    app.upload(&c, png(400, 300, 1), "").await;
    let text = app.get_text(&c, "/metrics").await;
    assert!(text.contains("# TYPE photoshare_uploads_total counter"));
    assert!(text.contains("photoshare_uploads_total 1\n"), "{text}");
    assert!(
        text.contains("photoshare_sync_backlog_objects 3\n"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.running.services.db.close().await;
    let r = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let h: Value = r.json().await.unwrap();
    assert_eq!(
        (h["status"].as_str(), h["database"].as_str()),
        (Some("unavailable"), Some("error"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_compressed_for_clients_that_ask_and_images_are_not() {
    let app = spawn_app().await;
    let c = app.signed_in("lars").await;
    let photo = app
        .post_photo(&c, png(400, 300, 8), &"caption ".repeat(20))
        .await;
    let r = c
        .get(app.url("/api/v1/photos/recent"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let r = c
        .get(app.url(&photo.urls.thumb))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(
        r.headers().get("content-encoding").is_none(),
        "JPEGs are sent as they are"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_answers_head_and_range_requests() {
    let app = spawn_app().await;
    let c = app.signed_in("mika").await;
    let original = png(300, 200, 12);
    let photo = app.post_photo(&c, original.clone(), "").await;
    let url = app.url(&photo.urls.original);
    let len = original.len();

    let r = c.head(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-length"], len.to_string().as_str());
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    assert!(r.bytes().await.unwrap().is_empty());

    let r = c
        .get(&url)
        .header("range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes 10-19/{len}").as_str()
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), &original[10..20]);

    let r = c
        .get(&url)
        .header("range", "bytes=-5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), &original[len - 5..]);

    let r = c
        .get(&url)
        .header("range", format!("bytes={len}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_original_loses_its_gps_data_but_keeps_its_orientation() {
    let app = spawn_app().await;
    let c = app.signed_in("nils").await;
    // A 400×200 JPEG whose EXIF says "rotate 90° clockwise" and carries a location.
    let img = image::RgbImage::from_fn(400, 200, |x, y| image::Rgb([(x / 2) as u8, y as u8, 128]));
    let mut plain = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut plain),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let mut exif =
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(b"GPS 35.6895N 139.6917E");
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(&exif);
    let upload = [&plain[..2], &app1, &plain[2..]].concat();

    let form = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(upload.clone()).file_name("phone.jpg"),
    );
    let r = c
        .post(app.url("/api/v1/photos"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let photo: PhotoView = common::read_as(r).await;
    assert_eq!((photo.width, photo.height), (200, 400), "turned upright");

    let original = c.get(app.url(&photo.urls.original)).send().await.unwrap();
    let original = original.bytes().await.unwrap();
    assert!(
        !original.windows(12).any(|w| w == b"GPS 35.6895N"),
        "no location in what we store or serve"
    );
    assert_ne!(original.as_ref(), upload.as_slice());
    assert_eq!(
        sha256_hex(&original),
        photo.urls.original.trim_start_matches("/media/")
    );
    use image::ImageDecoder;
    let mut dec = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&original)).unwrap();
    assert_eq!(
        dec.orientation().unwrap().to_exif(),
        6,
        "browsers still turn the original upright"
    );
    let thumb = c.get(app.url(&photo.urls.thumb)).send().await.unwrap();
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (thumb.width(), thumb.height()),
        (160, 320),
        "sizes are made upright"
    );
}

/// Every error names its problem by a stable code, with the values its message uses, and the
/// message is in the language the request asks for (`Accept-Language`), English by default —
/// the handlers' own errors and the framework's (a 405) alike.
#[tokio::test]
async fn errors_carry_a_code_and_speak_the_requests_language() {
    let app = spawn_app().await;
    let c = app.client();
    let short = json!({"handle": "ab", "password": "a long enough password"});
    let r = c
        .post(app.url("/api/v1/accounts"))
        .json(&short)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "handle_length");
    assert_eq!(
        (body["min"].as_u64(), body["max"].as_u64()),
        (Some(3), Some(30))
    );
    assert_eq!(body["error"], "A handle is 3 to 30 characters long.");
    // The same body, read the way the browser reads it: the problem by its code and values.
    assert_eq!(
        common::view::<Problem>(&body),
        Problem::HandleLength { min: 3, max: 30 }
    );

    let r = c
        .post(app.url("/api/v1/accounts"))
        .header("accept-language", "ja-JP,ja;q=0.9,en;q=0.8")
        .json(&short)
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "handle_length");
    assert_eq!(body["error"], "ハンドルは3〜30文字です。");

    let r = c
        .patch(app.url("/api/v1/photos/recent"))
        .header("accept-language", "ja")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().contains_key("allow"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    assert!(
        body["error"].as_str().unwrap().contains("メソッド"),
        "{body}"
    );

    let r = c
        .get(app.url("/api/v1/users/nobody_here"))
        .header("accept-language", "fr, ja;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "no_such_user");
    assert_eq!(body["handle"], "nobody_here");
    assert_eq!(body["error"], "@nobody_here というユーザーはいません。");
    assert_eq!(
        common::view::<Problem>(&body),
        Problem::NoSuchUser {
            handle: "nobody_here".into()
        }
    );
}
