//! Image announcements: admins post and take them down; everyone reads the current one, the
//! history, and a live stream of changes that keeps every open page's banner current.

use super::api::PageQuery;
use super::auth::Admin;
use super::error::ApiError;
use super::form;
use super::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use photoshare_domain::announcements::parse_expiry;
use photoshare_domain::views::{AltText, Link};

pub fn router(max_upload: u64) -> Router<AppState> {
    Router::new()
        .route(
            "/announcements",
            get(list).post(post).layer(form::upload_limit(max_upload)),
        )
        .route("/announcements/current", get(current))
        .route("/announcements/{id}", delete(take_down))
}

/// `multipart/form-data`: `image` (file), `alt` (required), `link`, `expires_at` (RFC 3339).
async fn post(
    State(state): State<AppState>,
    Admin(admin): Admin,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = form::image_form(form::multipart(multipart)?, state.max_upload).await?;
    let alt = AltText::parse(form.text("alt").unwrap_or_default())?;
    let link = form.text("link").map(Link::parse).transpose()?;
    let expires = form.text("expires_at").map(parse_expiry).transpose()?;
    let view = state
        .services
        .announcements
        .post(Some(&admin), form.image, &alt, link.as_ref(), expires)
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// 200 with the announcement the banner shows, or 204 when there is none.
async fn current(State(state): State<AppState>) -> Result<Response, ApiError> {
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    Ok(match state.services.announcements.current().await? {
        Some(a) => (no_store, Json(a)).into_response(),
        None => (StatusCode::NO_CONTENT, no_store).into_response(),
    })
}

async fn list(
    State(state): State<AppState>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    Ok(Json(state.services.announcements.list(cursor, limit).await?).into_response())
}

async fn take_down(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.announcements.delete(&id, &admin).await?;
    Ok(StatusCode::NO_CONTENT)
}
