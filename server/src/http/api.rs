//! HTTP API v1: JSON for the mobile app and scripts. Session-cookie auth, the same cookie the web
//! app uses. Each handler parses, calls the domain, maps the error.

use super::auth::{SignedIn, Viewer};
use super::error::ApiError;
use super::form;
use super::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use photoshare_domain::accounts::User;
use photoshare_domain::accounts::{clear_cookie, session_cookie};
use photoshare_domain::photos::{Feed, PhotoText};
use photoshare_domain::problem::Problem;
use photoshare_domain::throttle::ClientAddr;
use photoshare_domain::types::{
    page_request, photo_in_path, Caption, Cursor, Handle, Password, PhotoAlt, PhotoView, UploadKey,
    Visibility,
};
use photoshare_domain::views::PhotoChange;
use serde::Deserialize;

pub fn router(max_upload: u64) -> Router<AppState> {
    Router::new()
        .route("/accounts", post(create_account))
        .route("/session", post(log_in).delete(log_out))
        .route(
            "/photos",
            post(upload).layer(form::upload_limit(max_upload)),
        )
        .route("/photos/recent", get(recent))
        .route("/status", get(status))
        .route("/photos/{id}", get(photo).patch(edit).delete(delete_photo))
}

#[derive(Deserialize)]
struct Credentials {
    handle: String,
    password: String,
    /// The second factor, for an account with two-factor sign-in on (log-in only).
    #[serde(default)]
    code: Option<String>,
}

/// The signed-in user, with the cookie that keeps them signed in (a new session).
async fn signed_in(
    state: &AppState,
    user: User,
    status: StatusCode,
    client: &ClientAddr,
    headers: &axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let token = state
        .services
        .accounts
        .create_session(
            &user,
            &client.0,
            &photoshare_app::session::ssr::device(headers),
        )
        .await?;
    Ok((
        status,
        [(
            header::SET_COOKIE,
            session_cookie(&token.0, state.services.accounts.session_limits().max),
        )],
        Json(user.view()),
    )
        .into_response())
}

async fn create_account(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    headers: axum::http::HeaderMap,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(c) = body?;
    let handle = Handle::parse(&c.handle)?;
    let password = Password::parse(&c.password)?;
    let user = state
        .services
        .accounts
        .sign_up_from(&client.0, &handle, &password)
        .await?;
    signed_in(&state, user, StatusCode::CREATED, &client, &headers).await
}

async fn log_in(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    headers: axum::http::HeaderMap,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(c) = body?;
    let user = state
        .services
        .accounts
        .log_in(&c.handle, &c.password, c.code.as_deref(), &client.0)
        .await?;
    signed_in(&state, user, StatusCode::OK, &client, &headers).await
}

async fn log_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = super::auth::session_token(&headers) {
        state.services.accounts.end_session(&token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie())],
    )
        .into_response())
}

/// Streams the `image` field to the local cache while hashing it, then publishes the photo. The
/// answer (201) comes only once the photo is durable on local disk and in the database.
async fn upload(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = form::multipart(multipart)?;
    let key = headers
        .get("idempotency-key")
        .map(|v| UploadKey::parse(v.to_str().unwrap_or(" ")))
        .transpose();
    let key = match key {
        Ok(key) => key,
        Err(problem) => {
            form::drain(multipart).await;
            return Err(ApiError(problem));
        }
    };
    if let Some(key) = &key {
        // A retry of an upload that already made its photo: that photo, and the body unread.
        if let Some(photo) = state.services.photos.by_upload_key(&user, key).await? {
            form::drain(multipart).await;
            return Ok(made(StatusCode::OK, photo));
        }
    }
    state.services.media.budget().check_free_space()?;
    // A caption that is not UTF-8 is refused once the body is read (the client is still sending).
    let mut caption = Ok(String::new());
    let mut alt = Ok(String::new());
    let mut visibility = Ok("public".to_owned());
    let mut staged = None;
    while let Some(mut field) = multipart.next_field().await? {
        match field.name() {
            Some("caption") => caption = super::form::utf8(field).await,
            Some("alt") => alt = super::form::utf8(field).await,
            Some("visibility") => visibility = super::form::utf8(field).await,
            Some("image") => {
                let mut staging = state
                    .services
                    .media
                    .objects()
                    .cache()
                    .stage(state.max_upload)
                    .await?;
                while let Some(chunk) = field.chunk().await? {
                    if let Err(e) = staging.write(&chunk).await {
                        drop(field);
                        form::drain(multipart).await;
                        return Err(e.into());
                    }
                }
                staged = Some(staging.finish().await?);
            }
            _ => {}
        }
    }
    let staged = staged.ok_or(ApiError(Problem::MissingImage))?;
    if staged.len == 0 {
        return Err(ApiError(Problem::EmptyImage));
    }
    let text = PhotoText {
        caption: Caption::parse(&caption?)?,
        alt: PhotoAlt::parse(&alt?)?,
        visibility: Visibility::parse(&visibility?)?,
    };
    Ok(match key {
        None => made(
            StatusCode::CREATED,
            state.services.photos.publish(&user, text, staged).await?,
        ),
        Some(key) => {
            let done = state
                .services
                .photos
                .publish_once(&user, &key, text, staged)
                .await?;
            let status = if done.first {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            made(status, done.photo)
        }
    })
}

/// An upload's answer: the photo, and where it lives.
fn made(status: StatusCode, photo: PhotoView) -> Response {
    let location = format!("/api/v1/photos/{}", photo.id);
    (status, [(header::LOCATION, location)], Json(photo)).into_response()
}

/// Storage health for every user (the page banner polls it). No S3 round trip.
async fn status(State(state): State<AppState>) -> Result<Response, ApiError> {
    let status = state.services.media.queue().storage_status().await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(status)).into_response())
}

#[derive(Deserialize)]
pub(super) struct PageQuery {
    pub(super) limit: Option<u32>,
    pub(super) cursor: Option<String>,
}

impl PageQuery {
    /// The checked cursor and limit.
    pub(super) fn parse(self) -> Result<(Option<Cursor>, u32), ApiError> {
        Ok(page_request(self.cursor.as_deref(), self.limit)?)
    }
}

/// A page of a feed of photos, as the reader sees it.
pub(super) async fn feed(
    state: &AppState,
    feed: Feed,
    viewer: Option<&User>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    let page = state
        .services
        .photos
        .feed(feed, viewer, cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

async fn recent(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    feed(&state, Feed::Recent, viewer.as_ref(), query).await
}

async fn photo(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let photo = state
        .services
        .photos
        .get(photo_in_path(&id)?, viewer.as_ref())
        .await?
        .ok_or(ApiError(Problem::NoSuchPhoto))?;
    Ok(Json(photo).into_response())
}

/// Changes a photo's caption, alt text or visibility: its owner or an admin.
async fn edit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    body: Result<Json<PhotoChange>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = photo_in_path(&id)?;
    let Json(change) = body?;
    let photo = state.services.photos.edit(id, &user, &change).await?;
    Ok(Json(photo).into_response())
}

/// Deletes a photo: its owner or an admin (not blocklisted; see the admin's removal for that).
async fn delete_photo(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .photos
        .delete(photo_in_path(&id)?, &user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
