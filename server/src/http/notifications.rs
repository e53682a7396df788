//! My notifications: the page (grouped per kind, photo and day), the unread count, marking them
//! read, and which kinds I want. The bell on every page follows the count through `/api/v1/live`.

use super::api::PageQuery;
use super::auth::SignedIn;
use super::error::ApiError;
use super::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use photoshare_domain::types::Page;
use photoshare_domain::views::{NotificationGroup, NotificationSettings, UnreadCount};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(page))
        .route("/notifications/unread", get(unread))
        .route("/notifications/read", post(mark_read))
        .route("/me/notification-settings", get(settings).put(set_settings))
}

async fn page(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<NotificationGroup>>, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    Ok(Json(
        state
            .services
            .notifications
            .page(&user, cursor, limit)
            .await?,
    ))
}

async fn unread(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<UnreadCount>, ApiError> {
    Ok(Json(state.services.notifications.unread(&user).await?))
}

async fn mark_read(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<StatusCode, ApiError> {
    state.services.notifications.mark_read(&user).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn settings(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<NotificationSettings>, ApiError> {
    Ok(Json(state.services.notifications.settings(&user).await?))
}

async fn set_settings(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    body: Result<Json<NotificationSettings>, JsonRejection>,
) -> Result<Json<NotificationSettings>, ApiError> {
    let Json(wanted) = body?;
    Ok(Json(
        state
            .services
            .notifications
            .set_settings(&user, &wanted)
            .await?,
    ))
}
