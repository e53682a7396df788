//! Operations endpoints: `/healthz` for load balancers and people, `/metrics` for Prometheus.

use super::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
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
    /// `ok`: all well; `degraded`: serving, but S3 is unreachable (uploads queue); `unavailable`:
    /// the database is down, so nothing can be served.
    status: &'static str,
    database: &'static str,
    s3: &'static str,
    sync: SyncHealth,
}

#[derive(Serialize)]
struct SyncHealth {
    backlog_objects: i64,
    backlog_bytes: i64,
    last_error: Option<String>,
}

async fn healthz(State(state): State<AppState>) -> Response {
    let s = &state.services;
    let db_ok = s.db.ping().await.is_ok();
    let s3_ok = tokio::time::timeout(PROBE_TIMEOUT, s.media.probe_remote())
        .await
        .unwrap_or(false);
    let backlog = if db_ok {
        s.media.backlog().await.ok()
    } else {
        None
    };
    let health = Health {
        status: match (db_ok, s3_ok) {
            (false, _) => "unavailable",
            (true, false) => "degraded",
            (true, true) => "ok",
        },
        database: if db_ok { "ok" } else { "error" },
        s3: if s3_ok { "ok" } else { "unreachable" },
        sync: SyncHealth {
            backlog_objects: backlog.map_or(-1, |b| b.objects),
            backlog_bytes: backlog.map_or(-1, |b| b.bytes),
            last_error: s.media.remote_status().last_error,
        },
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
    let backlog = s.media.backlog().await.ok();
    let gauges = Gauges {
        backlog_objects: backlog.map_or(0, |b| b.objects),
        backlog_bytes: backlog.map_or(0, |b| b.bytes),
        s3_up: s.media.remote_status().reachable.unwrap_or(false),
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(&gauges),
    )
        .into_response()
}
