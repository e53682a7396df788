//! Moderation over HTTP: anyone signed in reports a photo; admins work the queue (hide, unhide,
//! delete).

use super::api::PageQuery;
use super::auth::{Admin, SignedIn};
use super::error::ApiError;
use super::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use photoshare_domain::types::photo_in_path;
use photoshare_domain::views::{ModerationAction, ReportReason};
use serde::Deserialize;

/// Routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/photos/{id}/reports", post(report))
}

/// Routes under `/api/v1/admin`.
pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/moderation", axum::routing::get(queue))
        .route(
            "/photos/{id}/hide",
            post(|State(s), Admin(a), Path(p)| moderate(s, a, p, ModerationAction::Hide)),
        )
        .route(
            "/photos/{id}/unhide",
            post(|State(s), Admin(a), Path(p)| moderate(s, a, p, ModerationAction::Unhide)),
        )
        .route(
            "/photos/{id}",
            axum::routing::delete(|State(s), Admin(a), Path(p)| {
                moderate(s, a, p, ModerationAction::Delete)
            }),
        )
}

#[derive(Deserialize)]
struct ReportBody {
    reason: String,
}

async fn report(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    body: Result<Json<ReportBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = photo_in_path(&id)?;
    let Json(body) = body?;
    let reason = ReportReason::parse(&body.reason)?;
    let outcome = state.services.moderation.report(&user, id, &reason).await?;
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

async fn queue(
    State(state): State<AppState>,
    Admin(admin): Admin,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    let page = state
        .services
        .moderation
        .queue(&admin, cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

/// Hide, unhide ("reviewed, keep it") or delete a photo.
async fn moderate(
    state: AppState,
    admin: photoshare_domain::accounts::User,
    id: String,
    action: ModerationAction,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .moderation
        .act(photo_in_path(&id)?, action, &admin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
