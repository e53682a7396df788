//! The built front end (dist/): each file sent as the brotli or gzip copy the build wrote beside
//! it (scripts/precompress.mjs), whichever the request accepts, never compressed per request.
//! Trunk names the wasm, js and css after a hash of their bytes, so those are cached for a year
//! and never revalidated; everything else (index.html, which names them, and the other client
//! routes that answer with it) is revalidated on every visit.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// Content that never changes under its name (hashed files, media by sha256).
pub(super) const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Marks a response as one of the front end's files: the compression layer leaves it alone.
#[derive(Clone, Copy)]
struct StaticFile;

pub(super) fn service(dist: &Path) -> Router {
    // Client routes (/login, /u/…, …) get index.html; the wasm app routes from there.
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(headers))
}

async fn headers(req: Request, next: Next) -> Response {
    let cache = if is_hashed(req.uri().path()) {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response.extensions_mut().insert(StaticFile);
    response
}

/// For the compression layer: not one of the front end's files.
pub(super) fn not_static(
    _: axum::http::StatusCode,
    _: axum::http::Version,
    _: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
) -> bool {
    extensions.get::<StaticFile>().is_none()
}

/// A file Trunk named after its content: `name-<hex hash>.js|.css|.wasm` (the wasm with a
/// `_bg` suffix), at the top of dist/.
fn is_hashed(path: &str) -> bool {
    let Some(name) = path.strip_prefix('/').filter(|n| !n.contains('/')) else {
        return false;
    };
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "js" | "css" | "wasm") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    (8..=20).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_trunks_content_named_files_are_immutable() {
        for hashed in [
            "/photoshare-web-5c3f0a9e1b2d4f6a.js",
            "/photoshare-web-5c3f0a9e1b2d4f6a_bg.wasm",
            "/main-0123456789abcdef.css",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for not in [
            "/",
            "/index.html",
            "/favicon.svg",
            "/sw.js",
            "/manifest.webmanifest",
            "/photoshare-web.js",
            "/photoshare-web-notahash.js",
            "/assets/photoshare-web-5c3f0a9e1b2d4f6a.js",
            "/login",
        ] {
            assert!(!is_hashed(not), "{not}");
        }
    }
}
