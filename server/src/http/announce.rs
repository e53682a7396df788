//! Image announcements: admins post and take them down; everyone reads the current one, the
//! history, and a live stream of changes that keeps every open page's banner current.

use super::api::PageQuery;
use super::auth::Admin;
use super::{ApiError, AppState};
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use photoshare_domain::announcements::parse_expiry;
use photoshare_domain::views::{AltText, Link};

/// Room for the multipart framing and the text fields around the image.
const MULTIPART_OVERHEAD: u64 = 1 << 20;

pub fn router(max_upload: u64) -> Router<AppState> {
    Router::new()
        .route(
            "/announcements",
            get(list).post(post).layer(DefaultBodyLimit::max(
                (max_upload + MULTIPART_OVERHEAD) as usize,
            )),
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
    let mut multipart = multipart.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the announcement as multipart/form-data with an \"image\" file field.",
        )
    })?;
    let (mut image, mut alt, mut link, mut expires) = (None, String::new(), None, None);
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("image") => image = Some(field.bytes().await?),
            Some("alt") => alt = field.text().await?,
            Some("link") => link = Some(field.text().await?).filter(|l| !l.trim().is_empty()),
            Some("expires_at") => {
                expires = Some(field.text().await?).filter(|e| !e.trim().is_empty())
            }
            _ => {}
        }
    }
    let image = image.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Add the image as a file field named \"image\".",
        )
    })?;
    if image.len() as u64 > state.max_upload {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "That image is larger than PhotoShare accepts.",
        ));
    }
    let alt = AltText::parse(&alt)?;
    let link = link.as_deref().map(Link::parse).transpose()?;
    let expires = expires.as_deref().map(parse_expiry).transpose()?;
    let view = state
        .services
        .announcements
        .post(Some(&admin), image.to_vec(), &alt, link.as_ref(), expires)
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
    state.services.announcements.delete(&id).await?;
    tracing::info!(%id, admin = %admin.handle, "announcement taken down");
    Ok(StatusCode::NO_CONTENT)
}
