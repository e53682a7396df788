//! Node to node: `GET` and `PUT /internal/v1/objects/{hash}`, how app nodes hand each other
//! objects not yet in S3 (a read on a node without a copy, a replica before an upload is
//! acknowledged, the hand-over on shutdown). Every call carries the cluster secret
//! ([`SECRET_HEADER`]); without it the answer is 401 `cluster_secret`. Only objects by hash,
//! only from or into this node's own cache: never S3's copy, never another node's, so calls
//! cannot loop. The balancer does not pass `/internal/` (see deploy/nginx.conf).

use super::error::ApiError;
use super::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use photoshare_domain::cluster::SECRET_HEADER;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::ContentHash;

pub fn router(max_upload: u64) -> Router<AppState> {
    Router::new()
        .route("/internal/v1/objects/{hash}", get(give).put(take))
        // A replica is an upload's original, its sizes, an icon or a banner: no larger than one.
        .layer(DefaultBodyLimit::max(max_upload as usize + 64 * 1024))
}

/// The hash named in the path, once the caller showed the cluster secret.
fn authorised(state: &AppState, headers: &HeaderMap, hash: &str) -> Result<ContentHash, ApiError> {
    let cluster = state.services.cluster();
    let presented = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    if !cluster.authorised(presented) {
        tracing::warn!("a node-to-node call without the cluster secret was refused");
        return Err(ApiError(Problem::ClusterSecret));
    }
    hash.parse().map_err(|_| ApiError(Problem::BadHash))
}

/// This node's verified copy of an object: 200 with the bytes, or 404 `no_such_image`.
async fn give(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let hash = authorised(&state, &headers, &hash)?;
    let bytes = state
        .services
        .media
        .objects()
        .local_copy(&hash)
        .await?
        .ok_or(ApiError(Problem::NoSuchImage))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::ETAG, format!("\"{hash}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// Takes a copy from another node: checked against its hash (422 `hash_mismatch` if it does not
/// match), fsynced, then 204. A node shutting down takes none (503 `busy`: try another node).
async fn take(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let hash = authorised(&state, &headers, &hash)?;
    if state.services.cluster().leaving() {
        return Err(ApiError(Problem::Busy));
    }
    let objects = state.services.media.objects();
    objects.take_copy(&hash, &body).await?;
    tracing::debug!(%hash, bytes = body.len(), "took a copy from another node");
    Ok(StatusCode::NO_CONTENT)
}
