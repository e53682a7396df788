//! Delivering the front end (issue 13): each file goes out as the brotli or gzip copy the build
//! wrote, as the request accepts, and is never compressed per request; Trunk's content-named
//! files are cached for a year, index.html is revalidated.

use crate::common::{spawn_app, TestApp};
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};
use reqwest::StatusCode;

const WASM: &str = "photoshare-web-5c3f0a9e1b2d4f6a_bg.wasm";
const CSS: &str = "main-0123456789abcdef.css";

/// A built front end: a wasm with both copies, index.html with a brotli copy only, a css with
/// none. Each copy's bytes differ from the file's, so the body tells which one was sent.
fn build(app: &TestApp) {
    let dist = app.dir.path().join("dist");
    let write = |name: &str, bytes: &[u8]| std::fs::write(dist.join(name), bytes).unwrap();
    write(WASM, &[0u8; 4096]);
    write(&format!("{WASM}.br"), b"brotli copy of the wasm");
    write(&format!("{WASM}.gz"), b"gzip copy of the wasm");
    write("index.html.br", b"brotli copy of index.html");
    write(CSS, "body { color: black; }\n".repeat(200).as_bytes());
}

async fn get(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    let mut request = app.client().get(app.url(path));
    if !accept.is_empty() {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    request.send().await.unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: reqwest::header::HeaderName) -> Option<&'a str> {
    r.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn each_file_goes_out_as_the_copy_the_request_accepts() {
    let app = spawn_app().await;
    build(&app);
    let wasm = format!("/{WASM}");
    for (accept, encoding, body) in [
        (
            "gzip, deflate, br, zstd",
            Some("br"),
            &b"brotli copy of the wasm"[..],
        ),
        ("gzip", Some("gzip"), b"gzip copy of the wasm"),
        ("", None, &[0u8; 4096]),
    ] {
        let r = get(&app, &wasm, accept).await;
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        assert_eq!(header(&r, CONTENT_ENCODING), encoding, "{accept}");
        assert_eq!(
            header(&r, CACHE_CONTROL),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(header(&r, VARY), Some("accept-encoding"));
        assert_eq!(&r.bytes().await.unwrap()[..], body, "{accept}");
    }

    // A file the build wrote no copy of goes out as it is: never compressed per request.
    let r = get(&app, &format!("/{CSS}"), "gzip, br").await;
    assert_eq!(header(&r, CONTENT_ENCODING), None);
    assert_eq!(r.bytes().await.unwrap().len(), 23 * 200);

    // The client routes answered with index.html: revalidated on every visit. (`/` is written
    // per request: see the front page's test.)
    for path in ["/login", "/settings"] {
        let r = get(&app, path, "br").await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, CACHE_CONTROL), Some("no-cache"), "{path}");
        assert_eq!(header(&r, CONTENT_ENCODING), Some("br"), "{path}");
        assert_eq!(&r.bytes().await.unwrap()[..], b"brotli copy of index.html");
    }
    app.stop().await;
}

#[tokio::test]
async fn answers_that_are_not_files_are_still_compressed_per_request() {
    let app = spawn_app().await;
    build(&app);
    let r = get(&app, "/api/v1/no-such-thing", "gzip").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, CONTENT_ENCODING), Some("gzip"));
    assert_eq!(header(&r, CACHE_CONTROL), None);
    app.stop().await;
}

#[tokio::test]
async fn only_admins_get_the_bundle_with_the_console() {
    let app = spawn_app().await;
    let dist = app.dir.path().join("dist");
    std::fs::write(
        dist.join("index.html"),
        "<html><head><script type=\"module\">import v from '/visitors.js';</script></head></html>",
    )
    .unwrap();
    std::fs::create_dir_all(dist.join("admin")).unwrap();
    std::fs::write(
        dist.join("admin/index.html"),
        "<html><head><script type=\"module\">import a from '/admin/console.js';</script></head></html>",
    )
    .unwrap();
    let admin = app.admin("boss").await;
    let alice = app.signed_in("alice").await;
    let anonymous = app.client();
    for (client, status, bundle) in [
        (&admin, StatusCode::OK, "/admin/console.js"),
        (&alice, StatusCode::FORBIDDEN, "/visitors.js"),
        (&anonymous, StatusCode::UNAUTHORIZED, "/visitors.js"),
    ] {
        let r = client.get(app.url("/admin")).send().await.unwrap();
        assert_eq!(r.status(), status);
        assert_eq!(header(&r, CACHE_CONTROL), Some("no-store"));
        // Both pages' inline loaders are allowed, each by its hash.
        let csp = header(&r, reqwest::header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_owned();
        assert_eq!(csp.matches("'sha256-").count(), 2, "{csp}");
        let html = r.text().await.unwrap();
        assert!(html.contains(bundle), "{status}: {html}");
        assert!(
            bundle == "/admin/console.js" || !html.contains("console.js"),
            "{html}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn the_front_page_holds_the_readers_first_photos() {
    let app = spawn_app().await;
    let alice = app.signed_in("alice").await;
    let index = |client: &reqwest::Client| {
        let url = app.url("/");
        let client = client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(header(&r, CACHE_CONTROL), Some("no-cache"));
            r.text().await.unwrap()
        }
    };
    // No photos yet: the app's index.html as it is.
    assert!(!index(&app.client()).await.contains("first-paint"));

    let photo = app
        .post_photo(
            &alice,
            crate::common::png(200, 150, 3),
            "<b>harbour</b> at dawn",
        )
        .await;
    let html = index(&app.client()).await;
    assert!(html.contains(r#"<div id="first-paint""#), "{html}");
    assert!(
        html.contains(&format!(r#"<img src="{}""#, photo.urls.thumb)),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;harbour&lt;/b&gt; at dawn"),
        "{html}"
    );
    assert!(!html.contains("<b>harbour"), "{html}");

    // The reader's Recent: someone who blocked Alice sees none of hers there.
    let bob = app.signed_in("bob").await;
    let r = bob
        .put(app.url("/api/v1/users/alice/block"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert!(!index(&bob).await.contains(&photo.urls.thumb));
    assert!(index(&alice).await.contains(&photo.urls.thumb));
    app.stop().await;
}
