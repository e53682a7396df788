//! Many people writing at once, with the sync worker draining and the delete queue running: no
//! answer is a 5xx (a database too busy to answer in time is a 503 with `Retry-After`, never a
//! 500), and every write the server acknowledged is there afterwards. Before write transactions
//! began as `BEGIN IMMEDIATE`, SQLite answered some of these with 500 "database is locked".

use crate::common::{self, png, view, TestApp};
use photoshare_domain::types::{CommentView, Page, PhotoView, ProfileView, UserView};
use photoshare_server::StartOptions;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const USERS: usize = 10;
const ROUNDS: usize = 40;

/// What one person's writes left, by their own acknowledged answers. A person's requests run one
/// after another, so the last acknowledged answer for a thing is its final state.
#[derive(Default)]
struct Acknowledged {
    photos: Vec<String>,
    comments: Vec<(String, String)>,
    favorites: BTreeMap<String, bool>,
    fans: BTreeMap<String, bool>,
    reports: BTreeSet<String>,
    display_name: Option<String>,
}

/// Every answer, by kind: the test fails on any status the API does not promise for it.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<(String, u16), usize>,
    unexpected: Vec<String>,
}

impl Tally {
    fn note(&mut self, what: &str, status: StatusCode, allowed: &[StatusCode], body: &Value) {
        *self
            .statuses
            .entry((what.to_owned(), status.as_u16()))
            .or_default() += 1;
        if !allowed.contains(&status) {
            self.unexpected.push(format!("{what}: {status} {body}"));
        }
    }
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client.request(method.parse().unwrap(), app.url(path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        assert!(
            r.headers().contains_key("retry-after"),
            "a 503 without Retry-After from {method} {path}"
        );
    }
    let text = r.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

/// One person: uploads, favorites and unfavorites, becomes a fan and stops, comments, reports,
/// edits their profile, in a fixed but interleaved order.
async fn person(
    app: Arc<TestApp>,
    me: usize,
    client: reqwest::Client,
    pool: Arc<Mutex<Vec<(String, usize)>>>,
    tally: Arc<Mutex<Tally>>,
) -> Acknowledged {
    let mut ack = Acknowledged::default();
    let ok = [StatusCode::OK];
    for round in 0..ROUNDS {
        if round % 8 == 0 {
            let bytes = png(
                40 + me as u32,
                30 + round as u32,
                (me * ROUNDS + round) as u8,
            );
            let r = app.upload(&client, bytes, &format!("u{me} r{round}")).await;
            let status = r.status();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            tally
                .lock()
                .unwrap()
                .note("upload", status, &[StatusCode::CREATED], &body);
            if status == StatusCode::CREATED {
                let id = view::<PhotoView>(&body).id;
                ack.photos.push(id.clone());
                pool.lock().unwrap().push((id, me));
            }
        }
        // Someone else's photo, chosen by a fixed rule so a run can be repeated.
        let target = {
            let pool = pool.lock().unwrap();
            let others: Vec<&(String, usize)> = pool.iter().filter(|(_, o)| *o != me).collect();
            others[(me * 7 + round * 13) % others.len()].0.clone()
        };

        let on = !(round + me).is_multiple_of(3);
        let (status, body) = send(
            &app,
            &client,
            if on { "PUT" } else { "DELETE" },
            &format!("/api/v1/photos/{target}/favorite"),
            None,
        )
        .await;
        tally.lock().unwrap().note("favorite", status, &ok, &body);
        if status == StatusCode::OK {
            ack.favorites.insert(target.clone(), on);
        }

        let (status, body) = send(
            &app,
            &client,
            "POST",
            &format!("/api/v1/photos/{target}/comments"),
            Some(json!({ "body": format!("comment {round} from {me}") })),
        )
        .await;
        tally
            .lock()
            .unwrap()
            .note("comment", status, &[StatusCode::CREATED], &body);
        if status == StatusCode::CREATED {
            ack.comments
                .push((target.clone(), view::<CommentView>(&body).id));
        }

        let (status, body) = send(
            &app,
            &client,
            "POST",
            &format!("/api/v1/photos/{target}/reports"),
            Some(json!({ "reason": "looks off" })),
        )
        .await;
        let already = ack.reports.contains(&target);
        tally.lock().unwrap().note(
            "report",
            status,
            if already {
                &[StatusCode::CONFLICT]
            } else {
                &[StatusCode::CREATED]
            },
            &body,
        );
        if status == StatusCode::CREATED {
            ack.reports.insert(target.clone());
        }

        let idol = format!("user{}", (me + 1 + round % (USERS - 1)) % USERS);
        let fan = round % 4 != 3;
        let (status, body) = send(
            &app,
            &client,
            if fan { "PUT" } else { "DELETE" },
            &format!("/api/v1/users/{idol}/fan"),
            None,
        )
        .await;
        tally.lock().unwrap().note("fan", status, &ok, &body);
        if status == StatusCode::OK {
            ack.fans.insert(idol, fan);
        }

        if round % 5 == 0 {
            let name = format!("Person {me} ({round})");
            let (status, body) = send(
                &app,
                &client,
                "PATCH",
                "/api/v1/me",
                Some(json!({ "display_name": name })),
            )
            .await;
            tally.lock().unwrap().note("profile", status, &ok, &body);
            if status == StatusCode::OK {
                ack.display_name = Some(name);
            }
        }
    }
    ack
}

/// The admin: hides and unhides a set of photos nobody else touches, and deletes some (the
/// delete queue then works while the others write).
async fn admin(
    app: Arc<TestApp>,
    client: reqwest::Client,
    photos: Vec<String>,
    tally: Arc<Mutex<Tally>>,
) -> Vec<String> {
    let mut deleted = Vec::new();
    let no_content = [StatusCode::NO_CONTENT];
    for round in 0..ROUNDS {
        let id = &photos[round % photos.len()];
        if deleted.contains(id) {
            continue;
        }
        // A 503 (busy past the timeout) is allowed by the API but should not happen at this load.
        for action in ["hide", "unhide"] {
            let (status, body) = send(
                &app,
                &client,
                "POST",
                &format!("/api/v1/admin/photos/{id}/{action}"),
                None,
            )
            .await;
            tally
                .lock()
                .unwrap()
                .note(action, status, &no_content, &body);
        }
        if round % 10 == 9 {
            let id = &photos[round / 10];
            let (status, body) = send(
                &app,
                &client,
                "DELETE",
                &format!("/api/v1/admin/photos/{id}"),
                None,
            )
            .await;
            tally
                .lock()
                .unwrap()
                .note("delete", status, &no_content, &body);
            if status == StatusCode::NO_CONTENT {
                deleted.push(id.clone());
            }
        }
    }
    deleted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_writers_get_no_server_error_and_lose_nothing() {
    let app = common::spawn_app_started(
        // Reports here are load, not moderation: nothing should hide mid-run.
        |serve| serve.hide_after_reports = 10_000,
        StartOptions { sync_worker: true },
    )
    .await;
    let admin_client = app.admin("boss").await;
    let victim = app.signed_in("victim").await;
    let mut victims = Vec::new();
    for i in 0..5u8 {
        let p = app
            .post_photo(&victim, png(64, 48, 200 + i), "victim")
            .await;
        victims.push(p.id);
    }
    let mut clients = Vec::new();
    let pool = Arc::new(Mutex::new(Vec::new()));
    for me in 0..USERS {
        let c = app.signed_in(&format!("user{me}")).await;
        let p = app.post_photo(&c, png(32, 32, me as u8), "first").await;
        pool.lock().unwrap().push((p.id, me));
        clients.push(c);
    }

    let app = Arc::new(app);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let admin_task = tokio::spawn(admin(
        app.clone(),
        admin_client.clone(),
        victims.clone(),
        tally.clone(),
    ));
    let people: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(me, c)| {
            tokio::spawn(person(
                app.clone(),
                me,
                c.clone(),
                pool.clone(),
                tally.clone(),
            ))
        })
        .collect();
    let mut acks = Vec::new();
    for p in people {
        acks.push(p.await.unwrap());
    }
    let deleted = admin_task.await.unwrap();

    let tally = std::mem::take(&mut *tally.lock().unwrap());
    let social: usize = tally
        .statuses
        .iter()
        .filter(|((what, _), _)| ["favorite", "comment", "report"].contains(&what.as_str()))
        .map(|(_, n)| n)
        .sum();
    assert!(
        social >= 1_000,
        "the run made {social} report/favorite/comment requests"
    );
    assert!(
        tally.unexpected.is_empty(),
        "unexpected answers ({} of them): {:#?}\nall: {:?}",
        tally.unexpected.len(),
        &tally.unexpected[..tally.unexpected.len().min(20)],
        tally.statuses
    );
    assert!(!deleted.is_empty(), "the admin deleted something");

    // Every acknowledged write is there.
    let reader = app.client();
    let mut favorites_of: BTreeMap<&str, i64> = BTreeMap::new();
    let mut fans_of: BTreeMap<&str, i64> = BTreeMap::new();
    for (me, ack) in acks.iter().enumerate() {
        let c = &clients[me];
        for id in &ack.photos {
            let (status, _) =
                send(&app, &reader, "GET", &format!("/api/v1/photos/{id}"), None).await;
            assert_eq!(status, StatusCode::OK, "acknowledged upload {id}");
        }
        for (photo, on) in &ack.favorites {
            let (_, p) = send(&app, c, "GET", &format!("/api/v1/photos/{photo}"), None).await;
            let p: PhotoView = view(&p);
            assert_eq!(p.favorited, *on, "user{me}'s favorite of {photo}");
            *favorites_of.entry(photo).or_default() += i64::from(*on);
        }
        for (idol, on) in &ack.fans {
            let (_, u) = send(&app, c, "GET", &format!("/api/v1/users/{idol}"), None).await;
            let u: ProfileView = view(&u);
            assert_eq!(u.is_fan, *on, "user{me} a fan of {idol}");
            *fans_of.entry(idol).or_default() += i64::from(*on);
        }
        let mut comments_by_photo: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (photo, comment) in &ack.comments {
            comments_by_photo.entry(photo).or_default().push(comment);
        }
        for (photo, ids) in comments_by_photo {
            let listed = comment_ids(&app, photo).await;
            for id in ids {
                assert!(listed.contains(id), "user{me}'s comment {id} on {photo}");
            }
        }
        let pool = app.running.services.db.pool();
        let me_id: String = sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
            .bind(format!("user{me}"))
            .fetch_one(pool)
            .await
            .unwrap();
        for photo in &ack.reports {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM reports WHERE photo_id = $1 AND reporter_id = $2",
            )
            .bind(photo)
            .bind(&me_id)
            .fetch_one(pool)
            .await
            .unwrap();
            assert_eq!(n, 1, "user{me}'s report of {photo}");
        }
        let (_, profile) = send(&app, c, "GET", "/api/v1/me", None).await;
        let profile: UserView = view(&profile);
        assert_eq!(profile.display_name, ack.display_name.as_deref().unwrap());
    }
    // The stored counts agree with the rows (each changed in the row's own transaction).
    for (photo, n) in favorites_of {
        let (_, p) = send(
            &app,
            &reader,
            "GET",
            &format!("/api/v1/photos/{photo}"),
            None,
        )
        .await;
        let p: PhotoView = view(&p);
        assert_eq!(p.favorites_count, n, "favorites of {photo}");
    }
    for (idol, n) in fans_of {
        let (_, u) = send(&app, &reader, "GET", &format!("/api/v1/users/{idol}"), None).await;
        let u: ProfileView = view(&u);
        assert_eq!(u.fans_count, n, "fans of {idol}");
    }
    for id in &deleted {
        let (status, _) = send(
            &app,
            &admin_client,
            "GET",
            &format!("/api/v1/photos/{id}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "deleted photo {id}");
    }

    // The worker that ran all along drains the backlog and the deletions.
    let media = &app.running.services.media;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let backlog = media.queue().backlog().await.unwrap();
        let pending_deletes = media.deletes().pending().await.unwrap();
        if backlog.objects == 0 && pending_deletes == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sync worker did not drain: {} objects, {pending_deletes} deletions left",
            backlog.objects
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn comment_ids(app: &TestApp, photo: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut path = format!("/api/v1/photos/{photo}/comments?limit=100");
    loop {
        let page: Page<CommentView> = app.get_as(&app.client(), &path).await;
        ids.extend(page.items.into_iter().map(|c| c.id));
        match page.next_cursor {
            Some(cursor) => {
                path = format!("/api/v1/photos/{photo}/comments?limit=100&cursor={cursor}")
            }
            None => return ids,
        }
    }
}

/// A method a route lacks answers 405 with the JSON error shape and `Allow`, like every error
/// under `/api/`.
#[tokio::test]
async fn method_not_allowed_is_json_with_allow() {
    let app = common::spawn_app().await;
    let c = app.signed_in("aiko").await;
    let photo = app.post_photo(&c, png(16, 16, 1), "x").await;
    let id = &photo.id;
    for (method, path, allow) in [
        ("PUT", format!("/api/v1/photos/{id}"), "PATCH"),
        ("POST", format!("/api/v1/photos/{id}"), "DELETE"),
        ("POST", "/api/v1/photos/recent".to_owned(), "GET"),
        ("GET", "/api/v1/session".to_owned(), "POST"),
        ("PUT", "/api/v1/admin/sync/pause".to_owned(), "POST"),
    ] {
        let r = c
            .request(method.parse().unwrap(), app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let allowed = r.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allowed.contains(allow), "{method} {path}: Allow: {allowed}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = r.json().await.unwrap();
        assert!(
            body["error"].as_str().unwrap().contains(allow),
            "{method} {path}: {body}"
        );
    }
    // A path segment that does not parse is the framework's answer too.
    let (status, body) = app
        .call(&c, "GET", "/api/v1/photos/recent?limit=abc", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].is_string(), "{body}");
}
