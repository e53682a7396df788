//! Every server function, called through HTTP the way the browser calls it. A server function the
//! binary forgot to register answers 400 "Could not find a server function"; this test catches it.

use crate::common;

use common::{png, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn call(
    c: &reqwest::Client,
    app: &common::TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let r = c.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_answers_through_http() {
    let app = spawn_app().await;
    let c = app.client();
    let mut called = Vec::new();

    let (s, me) = call(&c, &app, "/api/sf/me", &[]).await;
    assert_eq!((s, me), (StatusCode::OK, Value::Null));
    called.push("/api/sf/me");

    let (s, body) = call(
        &c,
        &app,
        "/api/sf/sign_up",
        &[("handle", "x"), ("password", "long enough pw")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The problem itself, by code and values: the browser words it in the UI's language.
    assert_eq!(body["code"], "handle_length", "{body}");
    assert_eq!(body["min"], 3);
    let (s, user) = call(
        &c,
        &app,
        "/api/sf/sign_up",
        &[("handle", "kim"), ("password", "long enough pw")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{user}");
    assert_eq!(user["handle"], "kim");
    called.push("/api/sf/sign_up");

    let (_, me) = call(&c, &app, "/api/sf/me", &[]).await;
    assert_eq!(me["handle"], "kim", "the sign-up cookie is a session");

    let photo = app.post_photo(&c, png(80, 60, 2), "server fn").await;

    let (s, got) = call(
        &c,
        &app,
        "/api/sf/photo",
        &[("id", photo["id"].as_str().unwrap())],
    )
    .await;
    assert_eq!((s, &got), (StatusCode::OK, &photo));
    let (s, none) = call(&c, &app, "/api/sf/photo", &[("id", "nope")]).await;
    assert_eq!((s, none), (StatusCode::OK, Value::Null));
    called.push("/api/sf/photo");

    let (s, _) = call(&c, &app, "/api/sf/log_out", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let (_, me) = call(&c, &app, "/api/sf/me", &[]).await;
    assert_eq!(me, Value::Null);
    called.push("/api/sf/log_out");

    let (s, body) = call(
        &c,
        &app,
        "/api/sf/log_in",
        &[("handle", "kim"), ("password", "wrong password")],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "bad_credentials");
    let (s, _) = call(
        &c,
        &app,
        "/api/sf/log_in",
        &[("handle", "kim"), ("password", "long enough pw")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    called.push("/api/sf/log_in");

    called.sort();
    let mut all = photoshare_app::SERVER_FUNCTION_PATHS.to_vec();
    all.sort();
    assert_eq!(called, all, "every server function is exercised here");
}
