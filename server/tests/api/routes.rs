//! The public API's routes: docs/API.md documents exactly the routes the server has (the contract
//! scripts follow), and the server answers every one of them (no 404 "no such endpoint", no 405).

use crate::common::spawn_app;
use photoshare_server::API_ROUTES;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// The `METHOD /api/v1/…` routes named in docs/API.md's headings.
fn documented() -> BTreeSet<(String, String)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/API.md"))
        .expect("docs/API.md");
    let mut routes = BTreeSet::new();
    for heading in doc.lines().filter(|l| l.starts_with("### ")) {
        for span in heading.split('`').skip(1).step_by(2) {
            if let Some((method, path)) = span.split_once(' ') {
                let path = path.split('?').next().unwrap_or(path);
                if path.starts_with("/api/v1/") && method.chars().all(|c| c.is_ascii_uppercase()) {
                    routes.insert((method.to_owned(), path.to_owned()));
                }
            }
        }
    }
    routes
}

#[test]
fn the_docs_name_every_api_route_and_no_other() {
    let listed: BTreeSet<(String, String)> = API_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(listed.len(), API_ROUTES.len(), "a route is listed twice");
    let documented = documented();
    let undocumented: Vec<_> = listed.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&listed).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/API.md: {undocumented:?}"
    );
    assert!(unknown.is_empty(), "documented but not served: {unknown:?}");
}

#[tokio::test]
async fn the_server_answers_every_api_route() {
    let app = spawn_app().await;
    let c = app.client();
    let id = "01a2317c-be67-7390-be8c-2de04a649aeb";
    for (method, path) in API_ROUTES {
        let url = path
            .replace("{id}", id)
            .replace("{comment_id}", id)
            .replace("{handle}", "nobody");
        let r = c
            .request(method.parse().unwrap(), app.url(&url))
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        if status.is_client_error() {
            let body: serde_json::Value = r.json().await.unwrap();
            assert_ne!(body["code"], "no_such_endpoint", "{method} {path}");
            assert!(body["error"].is_string(), "{method} {path}: {body}");
        }
    }
}
