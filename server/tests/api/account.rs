//! My account (issue 11): two-factor sign-in (enrol, log in with a code or a recovery code, no
//! replay, turn off, required of admins), "export my data" (a zip that an independent reader
//! opens, holding the originals byte for byte) and "delete my account" (everything goes, every
//! count stays true, objects leave S3 through the delete queue even during an outage).

use crate::common::{png, spawn_app, spawn_app_behind_proxy_configured, spawn_app_with, TestApp};
use photoshare_domain::problem::Problem;
use photoshare_domain::two_factor::code_at;
use photoshare_domain::types::{Page, PhotoView};
use photoshare_domain::views::{
    AdminOverview, NewToken, RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough password";

/// RFC 4648 base32 (no padding) back to bytes: the secret as an authenticator app reads it.
pub(crate) fn base32_decode(text: &str) -> Vec<u8> {
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {c}"),
        };
        buffer = (buffer << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// The current 30-second step, and the code an app shows for step `now + offset`.
pub(crate) fn code(secret: &[u8], offset: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 30;
    format!("{:06}", code_at(secret, now + offset))
}

async fn log_in(app: &TestApp, handle: &str, code: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({ "handle": handle, "password": PASSWORD });
    if let Some(c) = code {
        body["code"] = c.into();
    }
    app.call(&app.client(), "POST", "/api/v1/session", Some(body))
        .await
}

/// Turns two-factor sign-in on for `client` (whose password is [`PASSWORD`]): the secret and the
/// recovery codes.
async fn enrol(app: &TestApp, client: &reqwest::Client) -> (Vec<u8>, Vec<String>) {
    let e: TwoFactorEnrolment = app
        .call_as(
            client,
            "POST",
            "/api/v1/me/2fa",
            Some(json!({ "password": PASSWORD })),
            StatusCode::OK,
        )
        .await;
    let secret = base32_decode(&e.secret);
    let codes: RecoveryCodes = app
        .call_as(
            client,
            "POST",
            "/api/v1/me/2fa/confirm",
            Some(json!({ "code": code(&secret, 0) })),
            StatusCode::OK,
        )
        .await;
    (secret, codes.codes)
}

#[tokio::test]
async fn two_factor_is_enrolled_asked_at_log_in_spent_once_and_turned_off() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let status: TwoFactorStatus = app.get_as(&alice, "/api/v1/me/2fa").await;
    assert!(!status.enabled);

    // Starting takes the password.
    let p = app
        .refused(
            &alice,
            "POST",
            "/api/v1/me/2fa",
            Some(json!({ "password": "not my password" })),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    assert_eq!(p, Problem::BadCredentials);
    let e: TwoFactorEnrolment = app
        .call_as(
            &alice,
            "POST",
            "/api/v1/me/2fa",
            Some(json!({ "password": PASSWORD })),
            StatusCode::OK,
        )
        .await;
    assert!(
        e.otpauth_uri
            .starts_with("otpauth://totp/PhotoShare:alice?")
            && e.otpauth_uri.contains(&format!("secret={}", e.secret))
            && e.otpauth_uri.contains("issuer=PhotoShare"),
        "{}",
        e.otpauth_uri
    );
    assert_eq!(base32_decode(&e.secret).len(), 20, "a 160-bit secret");
    assert!(e.qr_size >= 21 && e.qr_path.starts_with("M0,0h1v1h-1z"));
    let secret = base32_decode(&e.secret);
    // Not on until a code the secret made confirms it: a wrong code changes nothing.
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| (-1..=1).all(|o| *c != code(&secret, o)))
        .unwrap();
    let p = app
        .refused(
            &alice,
            "POST",
            "/api/v1/me/2fa/confirm",
            Some(json!({ "code": wrong })),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    assert_eq!(p, Problem::BadTwoFactorCode);
    assert_eq!(log_in(&app, "alice", None).await.0, StatusCode::OK);
    let confirm_code = code(&secret, 0);
    let codes: RecoveryCodes = app
        .call_as(
            &alice,
            "POST",
            "/api/v1/me/2fa/confirm",
            Some(json!({ "code": confirm_code })),
            StatusCode::OK,
        )
        .await;
    assert_eq!(codes.codes.len(), 10);
    let status: TwoFactorStatus = app.get_as(&alice, "/api/v1/me/2fa").await;
    assert!(status.enabled && status.enabled_at.is_some());
    assert_eq!(status.recovery_codes_left, 10);
    let p = app
        .refused(
            &alice,
            "POST",
            "/api/v1/me/2fa",
            Some(json!({ "password": PASSWORD })),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(p, Problem::TwoFactorOn);

    // Log-in: the password alone is not enough; the code used to confirm does not work again;
    // the next step's code (clock drift) does; a recovery code works once.
    let (s, body) = log_in(&app, "alice", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "two_factor_required", "{body}");
    assert!(body["error"].as_str().unwrap().contains("6-digit code"));
    let (s, body) = log_in(&app, "alice", Some(&confirm_code)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["code"], "bad_two_factor_code",
        "a code is good once: {body}"
    );
    let (s, body) = log_in(&app, "alice", Some(&code(&secret, 1))).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["handle"], "alice");
    let recovery = codes.codes[3].to_uppercase().replace('-', " ");
    assert_eq!(
        log_in(&app, "alice", Some(&recovery)).await.0,
        StatusCode::OK
    );
    let (s, body) = log_in(&app, "alice", Some(&codes.codes[3])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "bad_two_factor_code");
    let (s, _) = log_in(&app, "alice", Some("wrong-wrong")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let status: TwoFactorStatus = app.get_as(&alice, "/api/v1/me/2fa").await;
    assert_eq!(status.recovery_codes_left, 9);

    // New recovery codes take a code; the old ones stop working.
    let fresh: RecoveryCodes = app
        .call_as(
            &alice,
            "POST",
            "/api/v1/me/2fa/recovery-codes",
            Some(json!({ "code": codes.codes[0] })),
            StatusCode::OK,
        )
        .await;
    assert_eq!(fresh.codes.len(), 10);
    assert!(fresh.codes.iter().all(|c| !codes.codes.contains(c)));
    assert_eq!(
        log_in(&app, "alice", Some(&codes.codes[1])).await.0,
        StatusCode::UNAUTHORIZED
    );

    // A token cannot change sign-in, even one that may write.
    let token: NewToken = app
        .call_as(
            &alice,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "name": "script", "scopes": ["read", "write"] })),
            StatusCode::CREATED,
        )
        .await;
    let r = reqwest::Client::new()
        .delete(app.url("/api/v1/me/2fa"))
        .bearer_auth(&token.secret)
        .json(&json!({ "password": PASSWORD, "code": fresh.codes[0] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nor can another site, with the cookie.
    let r = alice
        .delete(app.url("/api/v1/me/2fa"))
        .header("origin", "https://evil.example")
        .json(&json!({ "password": PASSWORD, "code": fresh.codes[0] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Turning it off takes the password and a code.
    let p = app
        .refused(
            &alice,
            "DELETE",
            "/api/v1/me/2fa",
            Some(json!({ "password": PASSWORD, "code": wrong })),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    assert_eq!(p, Problem::BadTwoFactorCode);
    let (s, _) = app
        .call(
            &alice,
            "DELETE",
            "/api/v1/me/2fa",
            Some(json!({ "password": PASSWORD, "code": fresh.codes[0] })),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let status: TwoFactorStatus = app.get_as(&alice, "/api/v1/me/2fa").await;
    assert!(!status.enabled);
    assert_eq!(status.recovery_codes_left, 0);
    assert_eq!(log_in(&app, "alice", None).await.0, StatusCode::OK);

    // Each step is in the audit log.
    let admin = app.admin("boss").await;
    let log = app.get_json(&admin, "/api/v1/admin/audit?limit=100").await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "alice")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "2fa.enable",
        "2fa.recovery_used",
        "2fa.recovery_codes",
        "2fa.disable",
        "token.create",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let app = spawn_app_with(|s| s.limits.limit_login_account = 3).await;
    let alice = app.signed_in("alice").await;
    let (secret, _) = enrol(&app, &alice).await;
    for _ in 0..3 {
        let (s, _) = log_in(&app, "alice", Some("wrong-wrong")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, body) = log_in(&app, "alice", Some(&code(&secret, 1))).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

#[tokio::test]
async fn admins_must_turn_on_two_factor_when_it_is_required() {
    let app = spawn_app_with(|s| s.require_admin_2fa = true).await;
    let admin = app.admin("boss").await;
    let p = app
        .refused(
            &admin,
            "GET",
            "/api/v1/admin/overview",
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(p, Problem::TwoFactorNeeded);
    // The console's server functions say the same.
    let r = admin
        .post(app.url("/api/sf/admin_overview"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(crate::common::problem_of(r).await, Problem::TwoFactorNeeded);
    // A user who is not an admin is still just refused.
    let user = app.signed_in("user").await;
    let p = app
        .refused(
            &user,
            "GET",
            "/api/v1/admin/overview",
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(p, Problem::AdminsOnly);
    // The admin may still log in and enrol; then the console opens.
    let e: TwoFactorEnrolment = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/me/2fa",
            Some(json!({ "password": "admin password 123" })),
            StatusCode::OK,
        )
        .await;
    let secret = base32_decode(&e.secret);
    let (s, _) = app
        .call(
            &admin,
            "POST",
            "/api/v1/me/2fa/confirm",
            Some(json!({ "code": code(&secret, 0) })),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let _: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
}

/// Reads a zip with Python's `zipfile` (an independent reader): every member's name and bytes,
/// after it checked every member's CRC.
fn read_zip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json, sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None, 'a CRC does not match'\n\
             print(json.dumps({n: z.read(n).hex() for n in z.namelist()}))",
        )
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: std::collections::BTreeMap<String, String> =
        serde_json::from_slice(&out.stdout).unwrap();
    files
        .into_iter()
        .map(|(n, h)| (n, hex::decode(h).unwrap()))
        .collect()
}

#[tokio::test]
async fn export_streams_a_zip_of_the_originals_and_a_json_of_the_rest() {
    let app = spawn_app_with(|s| s.limits.limit_exports = 2).await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let first = app.post_photo(&alice, png(320, 200, 1), "first 🌸").await;
    let second = app.post_photo(&alice, png(200, 320, 2), "second").await;
    let bobs = app.post_photo(&bob, png(100, 100, 3), "bob's").await;
    app.set_icon("alice", 4).await;
    app.all_succeed([
        (
            &alice,
            "PUT",
            format!("/api/v1/photos/{}/favorite", bobs.id),
            None,
        ),
        (&alice, "PUT", "/api/v1/users/bob/fan".to_owned(), None),
        (&bob, "PUT", "/api/v1/users/alice/fan".to_owned(), None),
        (
            &alice,
            "POST",
            format!("/api/v1/photos/{}/comments", bobs.id),
            Some(json!({ "body": "nice ✨" })),
        ),
    ])
    .await;

    let r = alice
        .get(app.url("/api/v1/me/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"photoshare-alice-"),
        "{disposition}"
    );
    assert!(r.headers().get("content-length").is_none(), "streamed");
    let files = read_zip(&r.bytes().await.unwrap());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    let first_file = format!("photos/{}.png", first.id);
    let second_file = format!("photos/{}.png", second.id);
    let mut expected = vec!["icon.jpg", &first_file, &second_file, "photoshare.json"];
    expected.sort();
    assert_eq!(names, expected);
    // The originals, byte for byte as served.
    for (photo, file) in [(&first, &first_file), (&second, &second_file)] {
        let original = alice
            .get(app.url(&photo.urls.original))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(files[file.as_str()], original.to_vec(), "{file}");
    }
    assert_eq!(&files["icon.jpg"][..3], b"\xff\xd8\xff", "a JPEG icon");
    let data: Value = serde_json::from_slice(&files["photoshare.json"]).unwrap();
    assert_eq!(data["format"], "photoshare-export/1");
    assert_eq!(data["profile"]["handle"], "alice");
    assert_eq!(data["profile"]["icon_file"], "icon.jpg");
    let photos = data["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0]["caption"], "first 🌸");
    assert_eq!(photos[0]["file"], first_file.as_str());
    assert_eq!(photos[0]["width"], 320);
    assert_eq!(photos[1]["caption"], "second");
    assert_eq!(data["favorites"][0]["photo_id"], bobs.id.as_str());
    assert_eq!(data["favorites"][0]["owner"], "bob");
    assert_eq!(data["fans"][0]["handle"], "bob");
    assert_eq!(data["fan_of"][0]["handle"], "bob");
    assert_eq!(data["comments"][0]["body"], "nice ✨");
    assert_eq!(data["comments"][0]["photo_id"], bobs.id.as_str());
    assert_eq!(data["missing_files"], json!([]));
    assert!(
        data.to_string().find("bob's").is_none(),
        "nothing of other people's but who and what"
    );

    // Somebody else's client gets their own data; nobody signed in gets 401; past the limit, 429.
    let (s, _) = app
        .call(&app.client(), "GET", "/api/v1/me/export", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = bob.get(app.url("/api/v1/me/export")).send().await.unwrap();
    let bobs_files = read_zip(&r.bytes().await.unwrap());
    assert!(bobs_files.contains_key(&format!("photos/{}.png", bobs.id)));
    assert_eq!(bobs_files.len(), 2);
    let r = alice
        .get(app.url("/api/v1/me/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = alice
        .get(app.url("/api/v1/me/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_account_removes_everything_of_it_and_keeps_counts_true_during_an_outage() {
    let app = spawn_app_behind_proxy_configured(|_| {}).await;
    let admin = app.admin("boss").await;
    let alice = app.signed_in("alice").await;
    let bob = app.signed_in("bob").await;
    let own = app.post_photo(&alice, png(300, 200, 1), "only mine").await;
    // The same image as bob's: its objects stay, for bob.
    let shared = app.post_photo(&alice, png(300, 200, 2), "shared").await;
    let bobs = app.post_photo(&bob, png(300, 200, 2), "bob's copy").await;
    let bobs_other = app.post_photo(&bob, png(300, 200, 3), "bob's other").await;
    app.set_icon("alice", 9).await;
    app.all_succeed([
        (
            &alice,
            "PUT",
            format!("/api/v1/photos/{}/favorite", bobs.id),
            None,
        ),
        (
            &bob,
            "PUT",
            format!("/api/v1/photos/{}/favorite", bobs.id),
            None,
        ),
        (
            &bob,
            "PUT",
            format!("/api/v1/photos/{}/favorite", own.id),
            None,
        ),
        (&alice, "PUT", "/api/v1/users/bob/fan".to_owned(), None),
        (&bob, "PUT", "/api/v1/users/alice/fan".to_owned(), None),
        (
            &alice,
            "POST",
            format!("/api/v1/photos/{}/comments", bobs.id),
            Some(json!({ "body": "from alice" })),
        ),
        (
            &bob,
            "POST",
            format!("/api/v1/photos/{}/comments", bobs.id),
            Some(json!({ "body": "from bob" })),
        ),
        (
            &bob,
            "POST",
            format!("/api/v1/photos/{}/comments", own.id),
            Some(json!({ "body": "on alice's" })),
        ),
        (
            &alice,
            "POST",
            format!("/api/v1/photos/{}/reports", bobs_other.id),
            Some(json!({ "reason": "spam" })),
        ),
    ])
    .await;
    app.running.sync_worker().drain().await.unwrap();
    let gone_files: Vec<String> = [&own.urls.original, &own.urls.large, &own.urls.thumb]
        .into_iter()
        .map(|u| hash_of(u))
        .collect();
    for h in &gone_files {
        assert!(app.s3_file(h).exists());
    }
    let me: Value = app.get_json(&alice, "/api/v1/me").await;
    let icon_url = me["icon_url"].as_str().unwrap().to_owned();
    // Her objects: the photo's sizes and the icon's (a small photo or icon may use one object
    // for two sizes).
    let (icon, icon_large): (String, String) =
        sqlx::query_as("SELECT icon_hash, icon_large_hash FROM users WHERE handle = 'alice'")
            .fetch_one(app.running.services.db.pool())
            .await
            .unwrap();
    let hers: std::collections::BTreeSet<String> = gone_files
        .iter()
        .cloned()
        .chain([icon, icon_large])
        .collect();

    // Refusals change nothing: the wrong handle typed, the wrong password, a token, another site.
    let p = app
        .refused(
            &alice,
            "DELETE",
            "/api/v1/me",
            Some(json!({ "password": PASSWORD, "confirm": "bob" })),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(
        p,
        Problem::ConfirmMismatch {
            handle: "alice".into()
        }
    );
    let p = app
        .refused(
            &alice,
            "DELETE",
            "/api/v1/me",
            Some(json!({ "password": "wrong password", "confirm": "alice" })),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    assert_eq!(p, Problem::BadCredentials);
    let r = alice
        .delete(app.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .json(&json!({ "password": PASSWORD, "confirm": "alice" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (s, _) = app.call(&alice, "GET", "/api/v1/users/alice", None).await;
    assert_eq!(s, StatusCode::OK);

    // S3 is down: the account goes at once all the same.
    app.proxy().set(Fault::Refuse);
    let r = alice
        .delete(app.url("/api/v1/me"))
        .json(&json!({ "password": PASSWORD, "confirm": " Alice " }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (s, _) = app.call(&alice, "GET", "/api/v1/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the session ended");
    let anyone = app.client();
    let (s, _) = app.call(&anyone, "GET", "/api/v1/users/alice", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for photo in [&own, &shared] {
        let (s, _) = app
            .call(
                &anyone,
                "GET",
                &format!("/api/v1/photos/{}", photo.id),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    for url in [&own.urls.original, &own.urls.thumb, &icon_url] {
        let r = anyone.get(app.url(url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
        assert!(!app.cached_path(url).exists(), "{url}");
    }
    // Bob's copy of the shared image is still served, and every count is right.
    let r = anyone
        .get(app.url(&bobs.urls.original))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bobs_now: PhotoView = app
        .get_as(&anyone, &format!("/api/v1/photos/{}", bobs.id))
        .await;
    assert_eq!(bobs_now.favorites_count, 1);
    assert_eq!(bobs_now.comments_count, 1);
    let profile: Value = app.get_json(&anyone, "/api/v1/users/bob").await;
    assert_eq!(profile["fans_count"], 0, "{profile}");
    assert_eq!(profile["fan_of_count"], 0, "{profile}");
    let recent: Page<PhotoView> = app.get_as(&anyone, "/api/v1/photos/recent").await;
    assert_eq!(recent.items.len(), 2);
    let queue: Value = app.get_json(&admin, "/api/v1/admin/moderation").await;
    assert!(
        queue.to_string().find("spam").is_none(),
        "alice's report went: {queue}"
    );
    let overview: AdminOverview = app.get_as(&admin, "/api/v1/admin/overview").await;
    assert_eq!(overview.storage.pending_deletes as usize, hers.len());

    // S3 returns: the removals happen.
    app.proxy().set(Fault::Pass);
    let (s, _) = app
        .call(&admin, "POST", "/api/v1/admin/sync/retry", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    app.running.sync_worker().drain().await.unwrap();
    for h in &hers {
        assert!(!app.s3_file(h).exists(), "removed from S3");
    }
    assert!(app.s3_file(&hash_of(&bobs.urls.original)).exists());

    // The audit log has it; the handle is free again.
    let log = app
        .get_json(&admin, "/api/v1/admin/audit?action=account.delete")
        .await;
    assert_eq!(log["items"][0]["target"], "alice", "{log}");
    app.signed_in("alice").await;
}

#[tokio::test]
async fn the_last_admin_cannot_delete_their_account_and_two_factor_guards_deletion() {
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let p = app
        .refused(
            &admin,
            "DELETE",
            "/api/v1/me",
            Some(json!({ "password": "admin password 123", "confirm": "boss" })),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(p, Problem::LastAdmin);
    let (s, _) = app.call(&admin, "GET", "/api/v1/users/boss", None).await;
    assert_eq!(s, StatusCode::OK);

    let alice = app.signed_in("alice").await;
    let (secret, _) = enrol(&app, &alice).await;
    let ask = json!({ "password": PASSWORD, "confirm": "alice" });
    let p = app
        .refused(
            &alice,
            "DELETE",
            "/api/v1/me",
            Some(ask.clone()),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    assert_eq!(p, Problem::TwoFactorRequired);
    let mut ask = ask;
    ask["code"] = code(&secret, 1).into();
    let (s, _) = app.call(&alice, "DELETE", "/api/v1/me", Some(ask)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.call(&admin, "GET", "/api/v1/users/alice", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

fn hash_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

use crate::common::fault_proxy::Fault;
