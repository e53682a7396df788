//! Moderation over HTTP: anyone signed in reports a photo; admins work the queue (hide, unhide,
//! delete).

use super::api::PageQuery;
use super::auth::{Admin, SignedIn};
use super::social::photo_id;
use super::{ApiError, AppState};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use photoshare_domain::metrics::Metrics;
use photoshare_domain::views::ReportReason;
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
            post(|State(s), Admin(a), Path(p)| set_hidden(true, s, a, p)),
        )
        .route(
            "/photos/{id}/unhide",
            post(|State(s), Admin(a), Path(p)| set_hidden(false, s, a, p)),
        )
        .route("/photos/{id}", axum::routing::delete(delete_photo))
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
    let id = photo_id(&id)?;
    let Json(body) = body?;
    let reason = ReportReason::parse(&body.reason)?;
    let outcome = state.services.moderation.report(&user, id, &reason).await?;
    Metrics::inc(&state.services.metrics.reports);
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

/// Hide (`hidden`) or unhide ("reviewed, keep it") a photo.
async fn set_hidden(
    hidden: bool,
    state: AppState,
    admin: photoshare_domain::accounts::User,
    id: String,
) -> Result<StatusCode, ApiError> {
    let moderation = &state.services.moderation;
    if hidden {
        moderation.hide(photo_id(&id)?).await?;
        tracing::warn!(photo = %id, admin = %admin.handle, "photo hidden by an admin");
    } else {
        moderation.unhide(photo_id(&id)?).await?;
        tracing::warn!(photo = %id, admin = %admin.handle, "photo reviewed and kept");
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_photo(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .moderation
        .delete(photo_id(&id)?, &admin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
