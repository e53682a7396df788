//! Operations endpoints: `/healthz` for load balancers and people, `/metrics` for Prometheus.

use super::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use photoshare_domain::media::{SyncState, SyncStatus};
use photoshare_domain::metrics::Gauges;
use serde::Serialize;
use std::time::Duration;

/// A health check must answer quickly even when S3 black-holes requests.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

#[derive(Serialize)]
struct Health {
    /// `ok`: all well; `degraded`: serving, but S3 is unreachable or the sync circuit is open
    /// (uploads queue, pages render from the local cache); `unavailable`: the database is down, so
    /// nothing can be served.
    status: &'static str,
    database: &'static str,
    s3: &'static str,
    /// The same numbers as `GET /api/v1/admin/sync`; absent when the database is down.
    sync: Option<SyncStatus>,
}

async fn healthz(State(state): State<AppState>) -> Response {
    let s = &state.services;
    let db_ok = s.db.ping().await.is_ok();
    let s3_ok = tokio::time::timeout(PROBE_TIMEOUT, s.media.health().probe())
        .await
        .unwrap_or(false);
    let sync = if db_ok {
        s.media.queue().status().await.ok()
    } else {
        None
    };
    let circuit_open = sync
        .as_ref()
        .is_some_and(|s| s.state == SyncState::CircuitOpen);
    let health = Health {
        status: match (db_ok, s3_ok && !circuit_open) {
            (false, _) => "unavailable",
            (true, false) => "degraded",
            (true, true) => "ok",
        },
        database: if db_ok { "ok" } else { "error" },
        s3: if s3_ok { "ok" } else { "unreachable" },
        sync,
    };
    let code = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, [(header::CACHE_CONTROL, "no-store")], Json(health)).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    let s = &state.services;
    let sync = s.media.queue().status().await.ok();
    let gauges = Gauges {
        backlog_objects: sync.as_ref().map_or(0, |b| b.backlog_objects),
        backlog_bytes: sync.as_ref().map_or(0, |b| b.backlog_bytes),
        oldest_unsynced_seconds: sync.as_ref().map_or(0, |b| b.oldest_unsynced_seconds),
        s3_up: s.media.health().remote_status().reachable.unwrap_or(false),
        circuit_open: sync
            .as_ref()
            .is_some_and(|b| b.state == SyncState::CircuitOpen),
        paused: sync.as_ref().is_some_and(|b| b.state == SyncState::Paused),
        pending_deletes: s.media.deletes().pending().await.unwrap_or(0),
        cache_bytes: s.media.budget().cached_bytes().await.unwrap_or(0),
        moderation_queue: s.moderation.queue_len().await.unwrap_or(0),
        single_copy_objects: s.media.single_copy_objects().await.unwrap_or(0),
        nodes_up: s.cluster().up_count().await.unwrap_or(0),
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(&gauges),
    )
        .into_response()
}
