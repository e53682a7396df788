//! The HTML for a photo's permalink (`/p/{id}`): the app's index.html with the photo's Open Graph
//! and Twitter card tags written in, so a link shared in a chat or a post previews with its image
//! and caption. Crawlers do not run the wasm app, so the server has to write these.

use super::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use photoshare_domain::types::{PhotoId, PhotoView};

pub async fn photo_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let index = match super::state::index_html(&state).await {
        Ok(html) => html,
        Err(not_built) => return not_built,
    };
    let photo = match id.parse::<PhotoId>() {
        Ok(id) => state.services.photos.get(id, None).await.ok().flatten(),
        Err(_) => None,
    };
    let Some(photo) = photo else {
        // The app shows its own "not found"; the status tells crawlers.
        return (StatusCode::NOT_FOUND, Html(index)).into_response();
    };
    let html = with_meta(&index, &meta_tags(&photo, &origin(&headers)));
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

/// `scheme://host` as the client reached us (through a proxy that sets X-Forwarded-*, or not).
fn origin(headers: &HeaderMap) -> String {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = get("x-forwarded-proto").unwrap_or("http");
    let host = get("x-forwarded-host")
        .or_else(|| get("host"))
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

fn meta_tags(photo: &PhotoView, origin: &str) -> String {
    let by = if photo.owner_display_name.is_empty() {
        format!("@{}", photo.owner)
    } else {
        format!("{} (@{})", photo.owner_display_name, photo.owner)
    };
    let title = if photo.caption.is_empty() {
        format!("Photo by {by}")
    } else {
        // Titles stay short in previews; the caption is the description too.
        truncate(&photo.caption, 70)
    };
    let description = if photo.caption.is_empty() {
        format!("A photo by {by} on PhotoShare.")
    } else {
        format!("{} — {by} on PhotoShare", truncate(&photo.caption, 200))
    };
    let image = format!("{origin}{}", photo.urls.large);
    let url = format!("{origin}/p/{}", photo.id);
    let (w, h) = large_size(photo.width, photo.height);
    let e = escape;
    format!(
        r#"<title>{title} · PhotoShare</title>
<meta name="description" content="{description}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="PhotoShare">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{image}">
<meta property="og:image:width" content="{w}">
<meta property="og:image:height" content="{h}">
<meta property="og:image:alt" content="{alt}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{title}">
<meta name="twitter:description" content="{description}">
<meta name="twitter:image" content="{image}">
"#,
        title = e(&title),
        description = e(&description),
        url = e(&url),
        image = e(&image),
        alt = e(if photo.caption.is_empty() {
            &title
        } else {
            &photo.caption
        }),
    )
}

/// The large size's dimensions (the longest side at most 1280 px).
fn large_size(w: u32, h: u32) -> (u32, u32) {
    let px = photoshare_domain::media::imaging::LARGE_PX;
    let longest = w.max(h).max(1);
    if longest <= px {
        (w, h)
    } else {
        (
            (u64::from(w) * u64::from(px) / u64::from(longest)) as u32,
            (u64::from(h) * u64::from(px) / u64::from(longest)) as u32,
        )
    }
}

fn truncate(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Escapes text for an HTML attribute or element: nothing a user wrote can become markup.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page with `tags` in its head, in place of the generic `<title>` (or, without one, at the
/// end of the head).
fn with_meta(index: &str, tags: &str) -> String {
    // The page's generic description gives way to the photo's.
    let owned;
    let index = match index.find("<meta name=\"description\"") {
        Some(a) => match index[a..].find('>') {
            Some(len) => {
                owned = format!("{}{}", &index[..a], index[a + len + 1..].trim_start());
                &owned
            }
            None => index,
        },
        None => index,
    };
    match (index.find("<title>"), index.find("</title>")) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{tags}{}", &index[..a], &index[b + "</title>".len()..])
        }
        _ => match index.find("</head>") {
            Some(i) => format!("{}{tags}{}", &index[..i], &index[i..]),
            None => format!("{tags}{index}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_become_markup() {
        assert_eq!(
            escape(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn tags_go_into_the_head_in_place_of_the_title() {
        let html = "<html><head><title>PhotoShare</title><link rel=x></head><body></body></html>";
        let out = with_meta(html, "<meta name=a>");
        assert_eq!(
            out,
            "<html><head><meta name=a><link rel=x></head><body></body></html>"
        );
        let described = with_meta(
            "<head><meta name=\"description\" content=\"generic\" />\n<title>x</title></head>",
            "<meta name=a>",
        );
        assert_eq!(described, "<head><meta name=a></head>");
        let untitled = with_meta("<head></head>", "<meta name=a>");
        assert_eq!(untitled, "<head><meta name=a></head>");
    }

    #[test]
    fn long_captions_are_cut_on_one_line() {
        assert_eq!(truncate("a\nb  c", 10), "a b c");
        assert_eq!(truncate(&"é".repeat(80), 10).chars().count(), 10);
    }
}
