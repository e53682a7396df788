//! Search (issue 12): people by handle and display name, photos by caption and alt text, in any
//! script (Japanese has no spaces between words), accents folded; only what the reader may see.

use crate::common::{png, spawn_app, TestApp};
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{Cursor, Page, PhotoView, UserSummary};
use reqwest::StatusCode;
use serde_json::json;

fn search_path(kind: &str, q: &str) -> String {
    let q: String = url_escape(q);
    format!("/api/v1/search?type={kind}&q={q}")
}

/// `q` as a query-string value (every byte but letters and digits %-escaped).
fn url_escape(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn handles(app: &TestApp, client: &reqwest::Client, q: &str) -> Vec<String> {
    let page: Page<UserSummary> = app.get_as(client, &search_path("users", q)).await;
    page.items.into_iter().map(|u| u.handle).collect()
}

async fn photo_ids(app: &TestApp, client: &reqwest::Client, q: &str) -> Vec<String> {
    photo_page(app, client, q, "").await.0
}

/// A page of photos matching `q` (`more`: further query parameters): their ids and the cursor.
async fn photo_page(
    app: &TestApp,
    client: &reqwest::Client,
    q: &str,
    more: &str,
) -> (Vec<String>, Option<String>) {
    let path = format!("{}{more}", search_path("photos", q));
    let page: Page<PhotoView> = app.get_as(client, &path).await;
    (
        page.items.into_iter().map(|p| p.id).collect(),
        page.next_cursor,
    )
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    seed: u8,
    caption: &str,
    alt: &str,
    visibility: &str,
) -> PhotoView {
    let r = app
        .upload_described(client, png(120, 90, seed), caption, alt, visibility)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    crate::common::read_as(r).await
}

async fn name(app: &TestApp, client: &reqwest::Client, display_name: &str) {
    app.all_succeed([(
        client,
        "PATCH",
        "/api/v1/me".to_owned(),
        Some(json!({ "display_name": display_name })),
    )])
    .await;
}

#[tokio::test]
async fn people_are_found_by_handle_and_display_name_in_any_script() {
    let app = spawn_app().await;
    let aiko = app.signed_in("aiko_sato").await;
    let jose = app.signed_in("jose").await;
    let aimee = app.signed_in("aimee").await;
    let reader = app.signed_in("reader").await;
    name(&app, &aiko, "佐藤 愛子").await;
    name(&app, &jose, "José Álvarez").await;
    name(&app, &aimee, "Ａｉｍｅｅ Ｌｅｅ").await;
    // aimee has a fan, so she comes before aiko.
    app.all_succeed([(&reader, "PUT", "/api/v1/users/aimee/fan".to_owned(), None)])
        .await;

    assert_eq!(handles(&app, &reader, "佐藤").await, ["aiko_sato"]);
    assert_eq!(handles(&app, &reader, "愛子").await, ["aiko_sato"]);
    assert_eq!(handles(&app, &reader, "佐藤愛子").await, ["aiko_sato"]);
    assert_eq!(handles(&app, &reader, "藤").await, ["aiko_sato"]);
    assert_eq!(
        handles(&app, &reader, "愛子 佐藤").await,
        ["aiko_sato"],
        "words in any order"
    );
    assert!(handles(&app, &reader, "佐藤花子").await.is_empty());
    assert_eq!(handles(&app, &reader, "SATO").await, ["aiko_sato"]);
    assert_eq!(
        handles(&app, &reader, "alvarez").await,
        ["jose"],
        "accents fold"
    );
    assert_eq!(handles(&app, &reader, "ÁLVAREZ josé").await, ["jose"]);
    assert_eq!(
        handles(&app, &reader, "lee").await,
        ["aimee"],
        "full-width letters fold"
    );
    assert_eq!(
        handles(&app, &reader, "ai").await,
        ["aimee", "aiko_sato"],
        "a prefix; most fans first"
    );
    assert!(handles(&app, &reader, "aix").await.is_empty());

    // Pages of one, by their cursors.
    let first: Page<UserSummary> = app
        .get_as(&reader, "/api/v1/search?type=users&q=ai&limit=1")
        .await;
    assert_eq!(first.items[0].handle, "aimee");
    let next = first.next_cursor.expect("a second page");
    let second: Page<UserSummary> = app
        .get_as(
            &reader,
            &format!("/api/v1/search?type=users&q=ai&limit=1&cursor={next}"),
        )
        .await;
    assert_eq!(second.items[0].handle, "aiko_sato");
    assert!(second.next_cursor.is_none());

    // A new name replaces the old one in the index.
    name(&app, &aiko, "Aiko Tanaka").await;
    assert!(handles(&app, &reader, "佐藤").await.is_empty());
    assert_eq!(handles(&app, &reader, "tanaka").await, ["aiko_sato"]);

    // A block hides both ways.
    app.all_succeed([(&aiko, "PUT", "/api/v1/users/reader/block".to_owned(), None)])
        .await;
    assert!(handles(&app, &reader, "aiko").await.is_empty());
    assert!(handles(&app, &aiko, "reader").await.is_empty());
    assert_eq!(
        handles(&app, &app.client(), "aiko").await,
        ["aiko_sato"],
        "signed out"
    );
}

#[tokio::test]
async fn photos_are_found_by_caption_and_alt_text_newest_first() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let tower = post(
        &app,
        &alice,
        1,
        "東京タワーの夜景",
        "A red tower lit up at night",
        "public",
    )
    .await;
    let cafe = post(&app, &alice, 2, "Café au lait in Kyoto", "", "public").await;
    let kyoto = post(&app, &bob, 3, "京都の朝 #kyoto", "", "public").await;
    let secret = post(&app, &alice, 4, "東京 unlisted", "", "unlisted").await;

    assert_eq!(
        photo_ids(&app, &bob, "東京").await,
        [tower.id.clone()],
        "unlisted left out"
    );
    assert_eq!(photo_ids(&app, &bob, "タワー").await, [tower.id.clone()]);
    assert_eq!(photo_ids(&app, &bob, "夜景").await, [tower.id.clone()]);
    assert_eq!(
        photo_ids(&app, &bob, "タワー 夜景").await,
        [tower.id.clone()],
        "two words inside one run"
    );
    assert_eq!(
        photo_ids(&app, &bob, "tower night").await,
        [tower.id.clone()],
        "alt text"
    );
    assert_eq!(
        photo_ids(&app, &bob, "CAFE").await,
        [cafe.id.clone()],
        "accents fold"
    );
    assert_eq!(
        photo_ids(&app, &bob, "kyoto").await,
        [kyoto.id.clone(), cafe.id.clone()],
        "newest first"
    );
    assert_eq!(
        photo_ids(&app, &bob, "京").await,
        [kyoto.id.clone(), tower.id.clone()]
    );
    assert!(photo_ids(&app, &bob, "大阪").await.is_empty());
    assert_eq!(
        photo_ids(&app, &alice, "unlisted").await,
        Vec::<String>::new(),
        "not even for its owner: search is public"
    );
    let _ = secret;

    // Pages by cursor.
    let first: Page<PhotoView> = app.get_as(&bob, "/api/v1/search?q=kyoto&limit=1").await;
    assert_eq!(first.items[0].id, kyoto.id, "type=photos is the default");
    let next = first.next_cursor.expect("a second page");
    let second: Page<PhotoView> = app
        .get_as(
            &bob,
            &format!("/api/v1/search?q=kyoto&limit=1&cursor={next}"),
        )
        .await;
    assert_eq!(second.items[0].id, cafe.id);
    assert!(second.next_cursor.is_none());

    // An edited caption or alt text is searched as it now reads; the photo keeps its place.
    app.all_succeed([(
        &alice,
        "PATCH",
        format!("/api/v1/photos/{}", cafe.id),
        Some(json!({ "caption": "Matcha in Kyoto", "alt": "a green cup" })),
    )])
    .await;
    assert!(photo_ids(&app, &bob, "cafe").await.is_empty());
    assert_eq!(
        photo_ids(&app, &bob, "matcha green").await,
        [cafe.id.clone()]
    );
    assert_eq!(
        photo_ids(&app, &bob, "kyoto").await,
        [kyoto.id.clone(), cafe.id.clone()]
    );

    // Hidden by an admin, deleted, or behind a block: not found.
    let admin = app.admin("boss").await;
    app.all_succeed([(
        &admin,
        "POST",
        format!("/api/v1/admin/photos/{}/hide", kyoto.id),
        None,
    )])
    .await;
    assert_eq!(photo_ids(&app, &alice, "kyoto").await, [cafe.id.clone()]);
    app.all_succeed([(
        &alice,
        "DELETE",
        format!("/api/v1/photos/{}", tower.id),
        None,
    )])
    .await;
    assert!(photo_ids(&app, &bob, "東京").await.is_empty());
    app.all_succeed([(&bob, "PUT", "/api/v1/users/alice/block".to_owned(), None)])
        .await;
    assert!(photo_ids(&app, &bob, "matcha").await.is_empty());
    assert_eq!(
        photo_ids(&app, &app.client(), "matcha").await,
        [cafe.id.clone()]
    );
}

#[tokio::test]
async fn a_bad_query_is_refused_with_its_code_and_hostile_words_are_only_words() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let photo = post(&app, &alice, 1, "or and near not", "", "public").await;
    for (path, expected) in [
        (
            "/api/v1/search?q=".to_owned(),
            Problem::BadSearch { max: 200 },
        ),
        ("/api/v1/search".to_owned(), Problem::BadSearch { max: 200 }),
        (
            search_path("photos", "  \"'*()-:^ "),
            Problem::BadSearch { max: 200 },
        ),
        (
            search_path("photos", &"a".repeat(201)),
            Problem::BadSearch { max: 200 },
        ),
        (search_path("everything", "a"), Problem::BadSearchType),
        (
            "/api/v1/search?q=a&cursor=nonsense".to_owned(),
            Problem::BadCursor,
        ),
        (
            "/api/v1/search?q=a&limit=0".to_owned(),
            Problem::BadLimit { max: 100 },
        ),
    ] {
        let p = app
            .refused(&alice, "GET", &path, None, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(p, expected, "{path}");
    }
    // The engines' own query syntax means nothing: these are words (or nothing) to match.
    for q in [
        "\"or\" OR \"x",
        "or* NEAR(and not)",
        "'or':* | !x",
        "or'); DROP TABLE photos; --",
        "NOT and",
    ] {
        let (s, body) = app
            .call(&alice, "GET", &search_path("photos", q), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{q}: {body}");
    }
    assert_eq!(
        photo_ids(&app, &alice, "NOT and or").await,
        [photo.id.clone()]
    );
    assert_eq!(photo_ids(&app, &alice, "near(").await, [photo.id]);
    let limit: u32 = 100;
    let (s, _) = app
        .call(
            &alice,
            "GET",
            &format!("/api/v1/search?q=or&limit={limit}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn what_was_there_before_search_is_indexed_at_start_up_and_after_a_token_change() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    name(&app, &alice, "Ålice Wonder").await;
    let photo = post(&app, &alice, 1, "桜の季節", "", "public").await;
    let services = &app.running.services;
    // As a database from before search: nothing indexed.
    for table in ["photo_search", "user_search"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(services.db.pool())
            .await
            .unwrap();
    }
    assert!(photo_ids(&app, &alice, "桜").await.is_empty());
    let (photos, users) = services.search.backfill().await.unwrap();
    assert_eq!((photos, users), (1, 1));
    assert_eq!(photo_ids(&app, &alice, "桜").await, [photo.id.clone()]);
    assert_eq!(handles(&app, &alice, "alice wonder").await, ["alice"]);
    assert_eq!(services.search.backfill().await.unwrap(), (0, 0), "once");

    // New tokens: the index is made again.
    services
        .db
        .set_setting("search_tokens_version", "0")
        .await
        .unwrap();
    assert_eq!(services.search.backfill().await.unwrap(), (1, 1));
    assert_eq!(photo_ids(&app, &alice, "季節").await, [photo.id]);
    assert_eq!(handles(&app, &alice, "wonder").await, ["alice"]);
}

/// A users search that matches thousands of people pages through them most followed first,
/// whether it walks the most followed (a name common among the most followed) or sorts every
/// match (a name common only among people nobody follows): each page is the expected one.
#[tokio::test]
async fn a_common_name_pages_most_followed_first_however_the_page_is_found() {
    let app = spawn_app().await;
    let reader = app.signed_in("reader").await;
    let db = &app.running.services.db;
    // 600 leaders (5 to 9 fans), 2,100 named 佐藤 (0 to 19 fans: the most followed people),
    // 2,100 named Kato with no fans, behind everyone else.
    let mut people: Vec<(String, String, i64)> = Vec::new();
    for i in 0..600 {
        people.push((format!("leader{i}"), format!("Leader {i}"), 5 + i % 5));
    }
    for i in 0..2100 {
        people.push((format!("sato{i}"), format!("佐藤 {i}"), i % 20));
    }
    for i in 0..2100 {
        people.push((format!("kato{i}"), format!("Kato {i}"), 0));
    }
    let mut tx = db.pool().begin().await.unwrap();
    for (n, (handle, display_name, fans)) in people.iter().enumerate() {
        sqlx::query(
            "INSERT INTO users (id, handle, password_hash, is_admin, created_at, display_name, fans_count)
             VALUES ($1, $2, '', 0, $3, $4, $5)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(handle)
        .bind(n as i64)
        .bind(display_name)
        .bind(fans)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    app.running.services.search.backfill().await.unwrap();
    // The reader blocked the most followed 佐藤: never shown to them.
    app.all_succeed([(
        &reader,
        "PUT",
        "/api/v1/users/sato19/block".to_owned(),
        None,
    )])
    .await;

    // Everyone's order: most fans first, then the id (a random UUID) from high to low.
    let ids: std::collections::HashMap<String, (i64, String)> =
        sqlx::query_as::<_, (String, i64, String)>("SELECT handle, fans_count, id FROM users")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|(h, f, id)| (h, (f, id)))
            .collect();
    for (q, prefix) in [("佐藤", "sato"), ("kato", "kato")] {
        let mut expected: Vec<&String> = ids
            .keys()
            .filter(|h| h.starts_with(prefix) && h.as_str() != "sato19")
            .collect();
        expected.sort_by(|a, b| ids[*b].cmp(&ids[*a]));
        let mut got: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        for page_number in 0..5 {
            let mut path = format!("{}&limit=50", search_path("users", q));
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page: Page<UserSummary> = app.get_as(&reader, &path).await;
            assert_eq!(page.items.len(), 50, "{q}: page {page_number} is full");
            got.extend(page.items.into_iter().map(|u| u.handle));
            cursor = page.next_cursor;
            assert!(cursor.is_some(), "{q}: more follow page {page_number}");
        }
        let want: Vec<&String> = expected[..250].to_vec();
        assert_eq!(
            got.iter().collect::<Vec<_>>(),
            want,
            "{q}: the first pages in order"
        );
        // A page far down, after the 1,500th person.
        let (fans, id) = &ids[expected[1499]];
        let far = Cursor {
            key: *fans,
            id: id.parse().unwrap(),
        };
        let path = format!(
            "{}&limit=50&cursor={}",
            search_path("users", q),
            far.encode()
        );
        let page: Page<UserSummary> = app.get_as(&reader, &path).await;
        let got: Vec<&String> = page.items.iter().map(|u| &u.handle).collect();
        assert_eq!(got, expected[1500..1550].to_vec(), "{q}: a page far down");
    }
}

/// A photo search pages newest first also when the matches are far from the newest photos (on
/// PostgreSQL: past the walk over the newest photos, so the index finds them).
#[tokio::test]
async fn photos_far_below_the_newest_are_found_in_order() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let db = &app.running.services.db;
    let mut old = Vec::new();
    for seed in 1..=3 {
        old.push(
            post(
                &app,
                &alice,
                seed,
                &format!("lisbon old {seed}"),
                "",
                "public",
            )
            .await
            .id,
        );
    }
    if db.backend() == photoshare_domain::db::Backend::Postgres {
        // As if 50,000 photos had been posted since: the old ones are far below the walk.
        sqlx::query("SELECT setval('photo_search_seq_seq', 50000)")
            .execute(db.pool())
            .await
            .unwrap();
    }
    let mut new = Vec::new();
    for seed in 4..=6 {
        new.push(
            post(
                &app,
                &alice,
                seed,
                &format!("lisbon new {seed}"),
                "",
                "public",
            )
            .await
            .id,
        );
    }
    let (ids, next) = photo_page(&app, &alice, "lisbon", "&limit=4").await;
    assert_eq!(
        ids,
        [
            new[2].clone(),
            new[1].clone(),
            new[0].clone(),
            old[2].clone()
        ]
    );
    let next = next.expect("more follow");
    let (ids, next) = photo_page(&app, &alice, "lisbon", &format!("&limit=4&cursor={next}")).await;
    assert_eq!(ids, [old[1].clone(), old[0].clone()]);
    assert!(next.is_none());
    // Only the old ones have “old”: none of them is in the walk.
    let ids = photo_ids(&app, &alice, "old lisbon").await;
    assert_eq!(ids, [old[2].clone(), old[1].clone(), old[0].clone()]);
}
