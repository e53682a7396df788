//! The front page (`/`): the app's index.html with the first photos of Recent written in, so a
//! phone shows photos while the wasm app is still on its way (a first visit on 4G waits about
//! half a second for it). The written part is a plain grid over the page, in the app's own
//! classes, that the app removes once it has drawn Recent itself (`browser::first_paint_done`).
//! Everything else about `/` is the app's; the grid is the reader's Recent (blocks and mutes
//! apply), and nothing is written for a reader who has no photos to see.

use super::auth::Viewer;
use super::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use photoshare_domain::photos::Feed;
use photoshare_domain::types::PhotoView;

/// As many as a phone's first screen shows, and a desktop's first rows.
const FIRST_PHOTOS: u32 = 12;

pub async fn home_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, super::ApiError>,
) -> Response {
    let index = match super::state::index_html(&state).await {
        Ok(html) => html,
        Err(not_built) => return not_built,
    };
    // A session that does not check out reads as nobody's: the app sorts it out.
    let viewer = viewer.ok().and_then(|v| v.0);
    let photos = state
        .services
        .photos
        .feed(Feed::Recent, viewer.as_ref(), None, FIRST_PHOTOS)
        .await
        .map(|page| page.items)
        .unwrap_or_default();
    let html = if photos.is_empty() {
        index
    } else {
        with_first_paint(&index, &photos)
    };
    // Dynamic, so compressed per request like the API (a few kB); revalidated on every visit.
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

/// `index` with the grid of `photos` at the start of its body.
fn with_first_paint(index: &str, photos: &[PhotoView]) -> String {
    let e = super::share::escape;
    let mut grid = String::from(
        r#"<div id="first-paint" class="first-paint" aria-hidden="true"><header class="site-header"><span class="brand"><span class="brand-mark">◐</span><span class="brand-name">PhotoShare</span></span></header><main class="page"><div class="page-title"></div><ul class="grid">"#,
    );
    for (i, p) in photos.iter().enumerate() {
        // The first row as soon as possible; the rest as the app would (lazily).
        let priority = if i < 4 {
            r#" fetchpriority="high""#
        } else {
            r#" loading="lazy""#
        };
        grid.push_str(&format!(
            r#"<li class="tile"><a href="/p/{id}"><img src="{src}" alt="{alt}" width="320" height="320" decoding="async"{priority}></a></li>"#,
            id = e(&p.id),
            src = e(&p.urls.thumb),
            alt = e(&photoshare_app::components::alt_text(p)),
        ));
    }
    grid.push_str("</ul></main></div>");
    match index.find("<body>") {
        Some(at) => {
            let at = at + "<body>".len();
            format!("{}{grid}{}", &index[..at], &index[at..])
        }
        None => index.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(id: &str, caption: &str, alt: &str) -> PhotoView {
        serde_json::from_value(serde_json::json!({
            "id": id, "caption": caption, "alt": alt, "owner": "aiko",
            "owner_display_name": "", "owner_icon_url": null,
            "created_at": "2026-12-07T00:00:00Z", "width": 640, "height": 480,
            "urls": {"original": "", "large": "", "thumb": format!("/media/{id}")},
            "favorites_count": 0, "comments_count": 0, "favorited": false,
        }))
        .unwrap()
    }

    #[test]
    fn the_first_photos_go_at_the_start_of_the_body_with_what_people_wrote_escaped() {
        let index = "<html><head></head><body><noscript>x</noscript></body></html>";
        let html = with_first_paint(
            index,
            &[
                photo("a1", "<b>sea</b>", ""),
                photo("b2", "x", "a \"red\" tram & bridge"),
            ],
        );
        let body = &html[html.find("<body>").unwrap()..];
        assert!(body.starts_with(r#"<body><div id="first-paint""#), "{html}");
        assert!(
            body.contains(r#"<img src="/media/a1" alt="&lt;b&gt;sea&lt;/b&gt;""#),
            "{html}"
        );
        assert!(
            body.contains(r#"alt="a &quot;red&quot; tram &amp; bridge""#),
            "{html}"
        );
        assert!(!body.contains("<b>"), "{html}");
        assert!(body.ends_with("<noscript>x</noscript></body></html>"));
    }
}
