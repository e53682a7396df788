//! Security (issue 11): throttling in the database (log-ins per account and per address, sign-ups,
//! uploads, comments and reports), the client address behind trusted proxies, cross-site request
//! refusal, and the browser security headers.

use crate::common::{png, problem_of, spawn_app, spawn_app_with, TestApp};
use photoshare_domain::problem::Problem;
use reqwest::StatusCode;
use serde_json::json;

async fn log_in(app: &TestApp, handle: &str, password: &str) -> reqwest::Response {
    app.client()
        .post(app.url("/api/v1/session"))
        .json(&json!({ "handle": handle, "password": password }))
        .send()
        .await
        .unwrap()
}

/// The 429 a throttled request gets: `rate_limited` with when to try again, in the body and in
/// `Retry-After`.
async fn assert_throttled(r: reqwest::Response, window_secs: u64) {
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(after >= 1 && after <= window_secs, "Retry-After {after}");
    let text = r.text().await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("Too many tries"),
        "{body}"
    );
    match serde_json::from_str::<Problem>(&text).unwrap() {
        Problem::RateLimited { seconds, minutes } => {
            assert_eq!(seconds, after);
            assert_eq!(minutes, seconds.div_ceil(60));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn failed_log_ins_are_throttled_per_account_even_for_the_right_password() {
    let app = spawn_app_with(|s| s.limits.limit_login_account = 3).await;
    app.signed_in("victim").await;
    app.signed_in("bystander").await;
    for _ in 0..3 {
        let r = log_in(&app, "victim", "wrong password!").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Throttled now: the right password too, and any spelling of the handle.
    assert_throttled(log_in(&app, "victim", "a long enough password").await, 900).await;
    assert_throttled(log_in(&app, " VICTIM ", "wrong password!").await, 900).await;
    // Another account is not affected.
    let r = log_in(&app, "bystander", "a long enough password").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_right_password_does_not_count_against_the_account() {
    let app = spawn_app_with(|s| s.limits.limit_login_account = 2).await;
    app.signed_in("regular").await;
    for _ in 0..5 {
        let r = log_in(&app, "regular", "a long enough password").await;
        assert_eq!(r.status(), StatusCode::OK, "logging in often is fine");
    }
    assert_eq!(
        log_in(&app, "regular", "wrong password!").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&app, "regular", "a long enough password")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn failed_log_ins_are_throttled_per_address_across_accounts() {
    let app = spawn_app_with(|s| s.limits.limit_login_address = 4).await;
    for i in 0..4 {
        let r = log_in(&app, &format!("nobody{i}"), "guess guess guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_throttled(log_in(&app, "nobody9", "guess guess guess").await, 900).await;
}

/// Signs up `handle` with an `X-Forwarded-For` header.
async fn sign_up(app: &TestApp, handle: &str, forwarded: &str) -> reqwest::Response {
    app.client()
        .post(app.url("/api/v1/accounts"))
        .header("x-forwarded-for", forwarded)
        .json(&json!({ "handle": handle, "password": "a long enough password" }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_ups_are_throttled_per_address_and_a_trusted_proxy_names_the_address() {
    // Directly: every sign-up comes from 127.0.0.1, whatever X-Forwarded-For claims.
    let app = spawn_app_with(|s| s.limits.limit_signups = 2).await;
    assert_eq!(sign_up(&app, "first", "203.0.113.1").await.status(), 201);
    assert_eq!(sign_up(&app, "second", "203.0.113.2").await.status(), 201);
    assert_throttled(sign_up(&app, "third", "203.0.113.3").await, 3600).await;
    let r = app
        .client()
        .get(app.url("/api/v1/users/third"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the refused sign-up created nothing");

    // Behind a trusted proxy (here: loopback), the right-most untrusted X-Forwarded-For address
    // is the client: each address has its own count, and a forged left-most entry is ignored.
    let app = spawn_app_with(|s| {
        s.limits.limit_signups = 1;
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    assert_eq!(sign_up(&app, "ann", "198.51.100.7").await.status(), 201);
    assert_eq!(sign_up(&app, "bob", "198.51.100.8").await.status(), 201);
    assert_throttled(sign_up(&app, "cat", "1.2.3.4, 198.51.100.7").await, 3600).await;
    assert_throttled(sign_up(&app, "dan", "198.51.100.8, 127.0.0.1").await, 3600).await;
}

#[tokio::test]
async fn uploads_comments_and_reports_are_throttled_per_account() {
    let app = spawn_app_with(|s| {
        s.limits.limit_uploads = 2;
        s.limits.limit_comments = 2;
    })
    .await;
    let poster = app.signed_in("poster").await;
    let other = app.signed_in("other").await;
    let p = app.post_photo(&poster, png(40, 30, 1), "one").await;
    app.post_photo(&poster, png(40, 30, 2), "two").await;
    assert_throttled(app.upload(&poster, png(40, 30, 3), "three").await, 3600).await;
    // The refused upload stored nothing; another account may still upload.
    let mine: serde_json::Value = app.get_json(&poster, "/api/v1/users/poster/photos").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    app.post_photo(&other, png(40, 30, 4), "theirs").await;

    let comments = format!("/api/v1/photos/{}/comments", p.id);
    for body in ["nice", "lovely"] {
        let (s, _) = app
            .call(&other, "POST", &comments, Some(json!({ "body": body })))
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    // Comments and reports share one count.
    let r = other
        .post(app.url(&format!("/api/v1/photos/{}/reports", p.id)))
        .json(&json!({ "reason": "spam" }))
        .send()
        .await
        .unwrap();
    assert_throttled(r, 3600).await;
    let r = other
        .post(app.url(&comments))
        .json(&json!({ "body": "third" }))
        .send()
        .await
        .unwrap();
    assert_throttled(r, 3600).await;
    let list: serde_json::Value = app.get_json(&other, &comments).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "nothing stored");
}

#[tokio::test]
async fn a_state_changing_request_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let me = app.signed_in("target").await;
    let before: serde_json::Value = app.get_json(&me, "/api/v1/me").await;
    let change = |origin: Option<&'static str>, site: Option<&'static str>| {
        let mut r = me
            .patch(app.url("/api/v1/me"))
            .json(&json!({ "display_name": "pwned" }));
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(s) = site {
            r = r.header("sec-fetch-site", s);
        }
        r.send()
    };
    for (origin, site) in [
        (Some("https://evil.example"), None),
        (Some("null"), None),
        (Some("http://127.0.0.1.evil.example"), None),
        (None, Some("cross-site")),
        (None, Some("same-site")),
    ] {
        let r = change(origin, site).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{origin:?} {site:?}");
        assert_eq!(problem_of(r).await, Problem::CrossSite);
    }
    let after: serde_json::Value = app.get_json(&me, "/api/v1/me").await;
    assert_eq!(before, after, "nothing changed");

    // Another site cannot sign a visitor in either (no cookie yet).
    let r = app
        .client()
        .post(app.url("/api/v1/session"))
        .header("origin", "https://evil.example")
        .json(&json!({ "handle": "target", "password": "a long enough password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("set-cookie").is_none());

    // The site itself, and scripts (no Origin), may.
    let own = app.url("");
    let r = me
        .patch(app.url("/api/v1/me"))
        .header("origin", own.trim_end_matches('/'))
        .json(&json!({ "display_name": "Me" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = change(None, Some("same-origin")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = change(None, None).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Reading is never refused.
    let r = me
        .get(app.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let c = app.signed_in("viewer").await;
    let p = app.post_photo(&c, png(40, 30, 9), "x").await;
    for path in ["/", "/admin", "/login", &format!("/p/{}", p.id)] {
        let r = c.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            h["content-type"].to_str().unwrap().starts_with("text/html"),
            "{path}"
        );
        for part in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        let script = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
        assert_eq!(h["x-content-type-options"], "nosniff");
    }
    // A reload's 304 keeps the page's own policy: it carries none that would replace it.
    let first = c.get(app.url("/login")).send().await.unwrap();
    let modified = first.headers()["last-modified"].clone();
    let again = c
        .get(app.url("/login"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.headers().get("content-security-policy").is_none());
    let r = c.get(app.url(&p.urls.large)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    for path in ["/api/v1/photos/recent", "/healthz", "/api/v1/nothing-here"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(r.headers()["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_a_trusted_proxy_says_https() {
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let sign_up = |handle: &'static str, proto: &'static str| {
        app.client()
            .post(app.url("/api/v1/accounts"))
            .header("x-forwarded-proto", proto)
            .json(&json!({ "handle": handle, "password": "a long enough password" }))
            .send()
    };
    let r = sign_up("overtls", "https").await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let r = sign_up("plain", "http").await.unwrap();
    assert!(!r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    // An untrusted peer's X-Forwarded-Proto is not believed.
    let app = spawn_app().await;
    let r = app
        .client()
        .post(app.url("/api/v1/accounts"))
        .header("x-forwarded-proto", "https")
        .json(&json!({ "handle": "claims", "password": "a long enough password" }))
        .send()
        .await
        .unwrap();
    assert!(!r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

/// What an attacker tried first (issue 11's "found today"): each answered with a clear 4xx in the
/// API's JSON shape, nothing stored.
#[tokio::test]
async fn hostile_inputs_found_by_hand_are_refused_cleanly() {
    use reqwest::multipart::{Form, Part};
    let app = spawn_app().await;
    let c = app.signed_in("mallory").await;

    // A JPEG, PNG and WebP cut short: the decoder would fill in the rest; refused as damaged.
    let jpeg = {
        let img = image::RgbImage::from_fn(200, 150, |x, y| image::Rgb([x as u8, y as u8, 9]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    };
    for cut in [jpeg.len() / 4, jpeg.len() / 2, jpeg.len() * 3 / 4] {
        let r = app.upload(&c, jpeg[..cut].to_vec(), "cut").await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo cut at {cut}"
        );
        assert_eq!(problem_of(r).await, Problem::ImageUnreadable);
        let icon = Form::new().part(
            "image",
            Part::bytes(jpeg[..cut].to_vec()).file_name("i.jpg"),
        );
        let r = c
            .put(app.url("/api/v1/me/icon"))
            .multipart(icon)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "icon cut at {cut}"
        );
    }

    // A caption that is not UTF-8 is refused, not stored with replacement characters.
    let form = Form::new()
        .part("caption", Part::bytes(b"caf\xe9 \xff\xfe\xc0\xaf".to_vec()))
        .part("image", Part::bytes(png(40, 30, 7)).file_name("p.png"));
    let r = c
        .post(app.url("/api/v1/photos"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem_of(r).await,
        Problem::TextEncoding {
            name: "caption".into()
        }
    );
    let mine: serde_json::Value = app.get_json(&c, "/api/v1/users/mallory/photos").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0, "nothing stored");

    // Invalid UTF-8 in a path parameter: the API's JSON error, not the framework's text.
    for path in [
        "/api/v1/photos/..%c0%af..%c0%afetc",
        "/api/v1/users/%ff%fe",
        "/api/v1/photos/%00/comments",
    ] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let _: Problem = r.json().await.unwrap();
    }

    // A JSON body over the limit is 413, not 422.
    for size in [3_000_000, 50_000_000] {
        let big = format!("{{\"handle\":\"{}\",\"password\":\"x\"}}", "a".repeat(size));
        let r = app
            .client()
            .post(app.url("/api/v1/accounts"))
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await;
        // The server may answer before reading it all and close: a 413, or a cut connection.
        if let Ok(r) = r {
            assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{size}");
            assert_eq!(problem_of(r).await, Problem::RequestTooLarge);
        }
    }
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "still healthy");
}

/// A client that sends its headers or body too slowly is cut off (header and body-idle
/// timeouts), and the connections open at once are capped: a request beyond the cap waits for a
/// slot and is then answered.
#[tokio::test]
async fn slow_clients_cannot_hold_connections_and_connections_are_capped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|s| {
        s.header_timeout_secs = 1;
        s.body_idle_timeout_secs = 1;
        s.max_connections = 2;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    // Headers that never end.
    let mut headers = tokio::net::TcpStream::connect(&addr).await.unwrap();
    headers
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a")
        .await
        .unwrap();
    // A POST that sends 10 of the 1,000 bytes it announced.
    let mut body = tokio::net::TcpStream::connect(&addr).await.unwrap();
    body.write_all(
        b"POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"handle\":",
    )
    .await
    .unwrap();
    // Both slots are taken: this request waits until a slow one is cut off, then is answered.
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        app.client().get(app.url("/healthz")).send(),
    )
    .await
    .expect("answered once a slot is free")
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The slow ones were closed by the server (after an answer, for the body: a 4xx).
    for (name, stream) in [("headers", &mut headers), ("body", &mut body)] {
        let mut got = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut got),
        )
        .await
        .unwrap_or_else(|_| panic!("{name}: still open"));
        assert!(read.is_ok() || got.is_empty(), "{name}");
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 4"),
            "{name}: {text}"
        );
    }
    let r = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "still healthy");
}

#[tokio::test]
async fn personal_access_tokens_act_within_their_scopes_until_revoked() {
    use photoshare_domain::views::{NewToken, Scope, TokenView};
    let app = spawn_app().await;
    let me = app.signed_in("scripter").await;
    let make = |name: &str, scopes: &[&str]| {
        me.post(app.url("/api/v1/tokens"))
            .json(&json!({ "name": name, "scopes": scopes }))
            .send()
    };
    let r = make("backup script", &["read"]).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let reader: NewToken = r.json().await.unwrap();
    assert!(reader.secret.starts_with("pst_") && reader.secret.len() > 40);
    assert_eq!(reader.token.scopes, vec![Scope::Read]);
    let writer: NewToken = make("uploader", &["write", "read", "write"])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(writer.token.scopes, vec![Scope::Read, Scope::Write]);

    // Listed without their secrets, newest first.
    let listed: Vec<TokenView> = app.get_as(&me, "/api/v1/tokens").await;
    assert_eq!(
        listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["uploader", "backup script"]
    );
    let text = app.get_text(&me, "/api/v1/tokens").await;
    assert!(
        !text.contains(&reader.secret) && !text.contains("pst_"),
        "{text}"
    );

    // A token works without any cookie, within its scopes.
    let bare = reqwest::Client::new();
    let with = |secret: &str, r: reqwest::RequestBuilder| r.bearer_auth(secret.to_owned());
    let r = with(&reader.secret, bare.get(app.url("/api/v1/me")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let who: serde_json::Value = r.json().await.unwrap();
    assert_eq!(who["handle"], "scripter");
    let upload = |secret: &str| {
        let form = reqwest::multipart::Form::new().part(
            "image",
            reqwest::multipart::Part::bytes(png(40, 30, 5)).file_name("p.png"),
        );
        with(secret, bare.post(app.url("/api/v1/photos")))
            .header("origin", "https://elsewhere.example")
            .multipart(form)
            .send()
    };
    let r = upload(&reader.secret).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        problem_of(r).await,
        Problem::TokenScope {
            scope: "write".into()
        }
    );
    // A write token may (and is not taken for another site's request: a browser cannot send it).
    let r = upload(&writer.secret).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // A token cannot make or revoke tokens.
    let r = with(&writer.secret, bare.post(app.url("/api/v1/tokens")))
        .json(&json!({ "name": "more", "scopes": ["write"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_of(r).await, Problem::SessionRequired);

    // Refused: bad scopes and names, the admin scope for a user who is not an admin.
    for (body, problem) in [
        (
            json!({ "name": "x", "scopes": ["root"] }),
            Problem::BadScope {
                scope: "root".into(),
            },
        ),
        (
            json!({ "name": "x", "scopes": [] }),
            Problem::BadScope {
                scope: String::new(),
            },
        ),
        (
            json!({ "name": " ", "scopes": ["read"] }),
            Problem::TextEmpty {
                field: photoshare_domain::problem::Field::TokenName,
            },
        ),
        (
            json!({ "name": "x", "scopes": ["admin"] }),
            Problem::AdminsOnly,
        ),
    ] {
        let r = me
            .post(app.url("/api/v1/tokens"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{body}");
        assert_eq!(problem_of(r).await, problem, "{body}");
    }

    // Revoked: it stops working at once; another's token cannot be revoked.
    let other = app.signed_in("someoneelse").await;
    let r = other
        .delete(app.url(&format!("/api/v1/tokens/{}", reader.token.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = me
        .delete(app.url(&format!("/api/v1/tokens/{}", reader.token.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = with(&reader.secret, bare.get(app.url("/api/v1/me")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem_of(r).await, Problem::BadToken);
    let r = with("pst_forged", bare.get(app.url("/api/v1/photos/recent")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_of(r).await, Problem::BadToken);

    // Admin routes need the admin scope too.
    let admin = app.admin("tokenadmin").await;
    let plain: NewToken = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "name": "ops", "scopes": ["read", "write"] })),
            StatusCode::CREATED,
        )
        .await;
    let full: NewToken = app
        .call_as(
            &admin,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "name": "ops admin", "scopes": ["read", "admin"] })),
            StatusCode::CREATED,
        )
        .await;
    let r = with(&plain.secret, bare.get(app.url("/api/v1/admin/overview")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_of(r).await,
        Problem::TokenScope {
            scope: "admin".into()
        }
    );
    let r = with(&full.secret, bare.get(app.url("/api/v1/admin/overview")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Only the token's hash is stored.
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|h| !h.contains("pst_") && h.len() == 64));
    // Its use is noted.
    let used: Vec<TokenView> = app.get_as(&me, "/api/v1/tokens").await;
    assert!(used
        .iter()
        .find(|t| t.name == "uploader")
        .unwrap()
        .last_used_at
        .is_some());
}

#[tokio::test]
async fn admin_actions_and_security_events_are_in_the_audit_log() {
    use photoshare_domain::types::Page;
    use photoshare_domain::views::AuditEntry;
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let admin = app.admin("auditor").await;
    let user = app.signed_in("subject").await;
    let photo = app.post_photo(&user, png(40, 30, 3), "x").await;
    let from = |r: reqwest::RequestBuilder| r.header("x-forwarded-for", "198.51.100.23");
    for (method, path) in [
        ("POST", "/api/v1/admin/users/subject/ban".to_owned()),
        ("POST", "/api/v1/admin/users/subject/unban".to_owned()),
        ("POST", format!("/api/v1/admin/photos/{}/hide", photo.id)),
        ("POST", "/api/v1/admin/sync/pause".to_owned()),
        ("POST", "/api/v1/admin/sync/resume".to_owned()),
        ("DELETE", format!("/api/v1/admin/photos/{}", photo.id)),
    ] {
        let r = from(admin.request(method.parse().unwrap(), app.url(&path)))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{method} {path}: {}", r.status());
    }
    // (A ban ends the user's sessions: another user makes the token.)
    let maker = app.signed_in("maker").await;
    let r = from(maker.post(app.url("/api/v1/tokens")))
        .json(&json!({ "name": "cli", "scopes": ["read"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    let log: Page<AuditEntry> = app.get_as(&admin, "/api/v1/admin/audit").await;
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "token.create",
            "photo.delete",
            "sync.resume",
            "sync.pause",
            "photo.hide",
            "user.unban",
            "user.ban"
        ],
        "newest first"
    );
    let ban = log.items.iter().find(|e| e.action == "user.ban").unwrap();
    assert_eq!(ban.actor.as_deref(), Some("auditor"));
    assert_eq!(ban.target, "subject");
    assert_eq!(ban.address, "198.51.100.23");
    let token = &log.items[0];
    assert_eq!(
        (token.actor.as_deref(), token.target.as_str()),
        (Some("maker"), "cli")
    );
    assert_eq!(log.items[1].target, photo.id);

    // Filtered by a family of actions or one action; paginated.
    let users: Page<AuditEntry> = app.get_as(&admin, "/api/v1/admin/audit?action=user").await;
    assert_eq!(users.items.len(), 2);
    let one: Page<AuditEntry> = app
        .get_as(&admin, "/api/v1/admin/audit?action=sync.pause")
        .await;
    assert_eq!(one.items.len(), 1);
    let first: Page<AuditEntry> = app.get_as(&admin, "/api/v1/admin/audit?limit=3").await;
    assert_eq!(first.items.len(), 3);
    let cursor = first.next_cursor.unwrap();
    let rest: Page<AuditEntry> = app
        .get_as(
            &admin,
            &format!("/api/v1/admin/audit?limit=10&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest.items.len(), 4);
    assert_eq!(rest.next_cursor, None);

    // Admins only.
    let r = maker
        .get(app.url("/api/v1/admin/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_of(r).await, Problem::AdminsOnly);
    let r = app
        .client()
        .get(app.url("/api/v1/admin/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_see_and_end_their_sessions_and_a_new_password_ends_the_others() {
    use photoshare_domain::views::SessionView;
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let laptop = app.signed_in("traveller").await;
    let log_in_from = |agent: &'static str, address: &'static str| {
        let c = app.client();
        let url = app.url("/api/v1/session");
        async move {
            let r = c
                .post(url)
                .header("user-agent", agent)
                .header("x-forwarded-for", address)
                .json(&json!({ "handle": "traveller", "password": "a long enough password" }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
            (c, cookie)
        }
    };
    let (phone, phone_cookie) = log_in_from("Phone Browser/1.0", "203.0.113.50").await;
    let (tablet, tablet_cookie) = log_in_from("Tablet\u{202E}Evil/2.0", "203.0.113.51").await;
    assert_ne!(phone_cookie, tablet_cookie, "a new session at every log-in");

    let mine: Vec<SessionView> = app.get_as(&phone, "/api/v1/me/sessions").await;
    assert_eq!(mine.len(), 3);
    let current: Vec<&SessionView> = mine.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].device, "Phone Browser/1.0");
    assert_eq!(current[0].address, "203.0.113.50");
    let tab = mine.iter().find(|s| s.address == "203.0.113.51").unwrap();
    assert_eq!(
        tab.device, "TabletEvil/2.0",
        "no bidi override in what settings show"
    );

    // End the tablet's session from the phone: the tablet is signed out.
    let r = phone
        .delete(app.url(&format!("/api/v1/me/sessions/{}", tab.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = tablet.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Another user's session, or nonsense, is not found.
    let stranger = app.signed_in("stranger").await;
    let laptop_id = mine
        .iter()
        .find(|s| !s.current && s.id != tab.id)
        .unwrap()
        .id
        .clone();
    for id in [laptop_id.as_str(), "not-an-id", "../../x"] {
        let r = stranger
            .delete(app.url(&format!("/api/v1/me/sessions/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{id}");
    }
    assert_eq!(
        laptop
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Changing the password needs the old one, and ends every other session.
    let change = |old: &str, new: &str| {
        phone
            .put(app.url("/api/v1/me/password"))
            .json(&json!({ "old_password": old, "new_password": new }))
            .send()
    };
    let r = change("not my password", "a brand new password")
        .await
        .unwrap();
    assert_eq!(problem_of(r).await, Problem::BadCredentials);
    let r = change("a long enough password", "short").await.unwrap();
    assert_eq!(problem_of(r).await, Problem::PasswordShort { min: 8 });
    let r = change("a long enough password", "a brand new password")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        laptop
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED,
        "other sessions ended"
    );
    assert_eq!(
        phone
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK,
        "this one goes on"
    );
    let r = log_in(&app, "traveller", "a brand new password").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        log_in(&app, "traveller", "a long enough password")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // "Log out everywhere else".
    let r = phone
        .delete(app.url("/api/v1/me/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let left: Vec<SessionView> = app.get_as(&phone, "/api/v1/me/sessions").await;
    assert_eq!(left.len(), 1);
    assert!(left[0].current);
}

#[tokio::test]
async fn an_idle_session_expires_before_its_end() {
    let app = spawn_app_with(|s| s.session_idle_days = 1).await;
    let c = app.signed_in("sleeper").await;
    assert_eq!(
        c.get(app.url("/api/v1/me")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Two days without use (moved back in the database).
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    let two_days = 2 * 86_400 * 1_000_000i64;
    sqlx::query("UPDATE sessions SET last_seen = last_seen - $1, created_at = created_at - $1")
        .bind(two_days)
        .execute(&mut db)
        .await
        .unwrap();
    let r = c.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
