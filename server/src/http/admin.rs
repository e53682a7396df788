//! Admin API: the sync switch and its status (the 2008 operator's manual switch, made safe).

use super::auth::Admin;
use super::{ApiError, AppState};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use photoshare_domain::media::SyncStatus;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sync", get(status))
        .route("/sync/pause", post(pause))
        .route("/sync/resume", post(resume))
}

async fn status(State(state): State<AppState>, _: Admin) -> Result<Json<SyncStatus>, ApiError> {
    Ok(Json(state.services.media.sync_status().await?))
}

async fn pause(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Json<SyncStatus>, ApiError> {
    tracing::warn!(admin = %admin.handle, "sync paused by an admin");
    state.services.media.set_paused(true).await?;
    status(State(state), Admin(admin)).await
}

async fn resume(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Json<SyncStatus>, ApiError> {
    tracing::warn!(admin = %admin.handle, "sync resumed by an admin");
    state.services.media.set_paused(false).await?;
    status(State(state), Admin(admin)).await
}
