//! Media bytes. URLs name content (its sha256), so responses are immutable: cached for a year,
//! ETag = hash, conditional GETs answered without reading the object.

use super::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use photoshare_domain::metrics::Metrics;
use photoshare_domain::types::ContentHash;
use photoshare_domain::Error;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// How long a client should wait before asking again when S3 is unreachable and we lack a copy.
const RETRY_AFTER_SECS: &str = "30";

pub fn router() -> Router<AppState> {
    Router::new().route("/media/{hash}", get(media))
}

async fn media(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(hash) = hash.parse::<ContentHash>() else {
        return ApiError::not_found("No such image.").into_response();
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
    match state.services.media.read(&hash).await {
        Ok(m) => {
            Metrics::add(
                &state.services.metrics.media_bytes_served,
                m.bytes.len() as u64,
            );
            let content_type = HeaderValue::from_str(&m.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::ETAG,
                        HeaderValue::from_str(&etag).expect("hex is a valid header"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
                ],
                m.bytes,
            )
                .into_response()
        }
        Err(Error::Unavailable) => {
            let mut r = ApiError::from(Error::Unavailable).into_response();
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            );
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
