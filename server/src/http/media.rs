//! Media bytes. URLs name content (its sha256), so responses are immutable: cached for a year,
//! ETag = hash, conditional GETs answered without reading the object.

use super::error::ApiError;
use super::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use photoshare_domain::metrics::Metrics;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::ContentHash;

use super::statics::IMMUTABLE;

pub fn router() -> Router<AppState> {
    Router::new().route("/media/{hash}", get(media))
}

async fn media(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(hash) = hash.parse::<ContentHash>() else {
        return ApiError(Problem::NoSuchImage).into_response();
    };
    let etag = format!("\"{hash}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, IMMUTABLE.into()),
            ],
        )
            .into_response();
    }
    match state.services.media.objects().read(&hash).await {
        Ok(m) => {
            let content_type = HeaderValue::from_str(&m.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let len = m.bytes.len() as u64;
            let range = headers
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok())
                .map(|v| byte_range(v, len));
            let (status, body) = match range {
                None | Some(Range::Ignored) => (StatusCode::OK, m.bytes),
                Some(Range::Unsatisfiable) => {
                    return (
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        [(header::CONTENT_RANGE, format!("bytes */{len}"))],
                    )
                        .into_response()
                }
                Some(Range::Slice(start, end)) => (
                    StatusCode::PARTIAL_CONTENT,
                    m.bytes.slice(start as usize..=end as usize),
                ),
            };
            Metrics::add(
                &state.services.metrics.media_bytes_served,
                body.len() as u64,
            );
            let mut response = (
                status,
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::ETAG,
                        HeaderValue::from_str(&etag).expect("hex is a valid header"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
                    (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
                ],
                body,
            )
                .into_response();
            if let Some(Range::Slice(start, end)) = range {
                let value = format!("bytes {start}-{end}/{len}");
                response.headers_mut().insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&value).expect("ascii"),
                );
            }
            response
        }
        Err(e) if e.is(&Problem::Unavailable) => {
            // With Retry-After (30 s), and never cached: the image comes back when S3 does.
            let mut r = ApiError(Problem::Unavailable).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A `Range` header's meaning for an object of `len` bytes. Only single byte ranges are served as
/// 206; anything else we do not understand is answered with the whole object, as HTTP allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Ignored,
    Unsatisfiable,
    /// First and last byte, inclusive.
    Slice(u64, u64),
}

fn byte_range(header: &str, len: u64) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Range::Ignored;
    };
    if spec.contains(',') {
        return Range::Ignored;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Range::Ignored;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        // bytes=-N: the last N bytes
        (true, false) => match b.parse::<u64>() {
            Ok(0) => return Range::Unsatisfiable,
            Ok(n) => Some((len.saturating_sub(n), len.saturating_sub(1))),
            Err(_) => None,
        },
        // bytes=N-: from N to the end
        (false, true) => a.parse::<u64>().ok().map(|s| (s, len.saturating_sub(1))),
        (false, false) => match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(s), Ok(e)) if s <= e => Some((s, e.min(len.saturating_sub(1)))),
            _ => None,
        },
        (true, true) => None,
    };
    match parsed {
        None => Range::Ignored,
        Some((start, _)) if len == 0 || start >= len => Range::Unsatisfiable,
        Some((start, end)) => Range::Slice(start, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-9", 100), Range::Slice(0, 9));
        assert_eq!(byte_range("bytes=90-", 100), Range::Slice(90, 99));
        assert_eq!(byte_range("bytes=-10", 100), Range::Slice(90, 99));
        assert_eq!(byte_range("bytes=50-500", 100), Range::Slice(50, 99));
        assert_eq!(byte_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-1,5-6", 100), Range::Ignored);
        assert_eq!(byte_range("items=0-1", 100), Range::Ignored);
        assert_eq!(byte_range("bytes=9-3", 100), Range::Ignored);
    }
}
