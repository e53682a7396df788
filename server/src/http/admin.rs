//! Admin API: the console's overview, the sync switch (the 2008 operator's manual switch, made
//! safe), retry now, fsck, and users. Every route answers 401 without a session and 403 for a
//! user who is not an admin.

use super::auth::Admin;
use super::error::ApiError;
use super::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use photoshare_domain::media::SyncStatus;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{page_request, user_in_path, Page};
use photoshare_domain::views::{
    AdminOverview, AdminUserView, AuditEntry, FsckRun, MigrateRun, NodeList, SyncAction, UserAction,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/overview", get(overview))
        .route("/sync", get(status))
        .route(
            "/sync/pause",
            post(|State(s), Admin(a)| control(s, a, SyncAction::Pause)),
        )
        .route(
            "/sync/resume",
            post(|State(s), Admin(a)| control(s, a, SyncAction::Resume)),
        )
        .route(
            "/sync/retry",
            post(|State(s), Admin(a)| control(s, a, SyncAction::Retry)),
        )
        .route("/fsck", get(fsck_status).post(start_fsck))
        .route("/bucket", get(bucket_move).post(start_bucket_move))
        .route("/nodes", get(nodes))
        .route("/audit", get(audit))
        .route("/users", get(users))
        .route(
            "/users/{handle}/promote",
            post(|s, a, Path(h)| user_action(s, a, h, UserAction::Promote)),
        )
        .route(
            "/users/{handle}/ban",
            post(|s, a, Path(h)| user_action(s, a, h, UserAction::Ban)),
        )
        .route(
            "/users/{handle}/unban",
            post(|s, a, Path(h)| user_action(s, a, h, UserAction::Unban)),
        )
        .merge(super::moderation::admin_router())
}

/// The console's page (`/admin`): the app's index.html — the wasm app draws the console, a log-in
/// prompt or the 403 page — with the status that says which: 200 for an admin, 401 without a
/// session, 403 for anyone else.
pub async fn console_page(
    State(state): State<AppState>,
    admin: Result<Admin, ApiError>,
) -> Response {
    // Only admins get the bundle with the console's code; everyone else the visitors' bundle,
    // whose /admin page says the console is for admins.
    let (status, html) = match admin {
        Ok(_) => (StatusCode::OK, super::state::console_html(&state).await),
        Err(e) => (
            super::error::status_of(&e.0),
            super::state::index_html(&state).await,
        ),
    };
    match html {
        Ok(html) => (
            status,
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            axum::response::Html(html),
        )
            .into_response(),
        Err(not_built) => not_built,
    }
}

async fn overview(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<AdminOverview>, ApiError> {
    Ok(Json(state.services.admin_overview().await?))
}

/// Every app node: up or down, its backlog, its S3 circuit, its cache.
async fn nodes(State(state): State<AppState>, _: Admin) -> Result<Json<NodeList>, ApiError> {
    Ok(Json(NodeList {
        items: state.services.cluster().nodes().await?,
    }))
}

/// The console's fsck: the run going on this node, else the last one finished.
async fn fsck_status(State(state): State<AppState>, _: Admin) -> Result<Json<FsckRun>, ApiError> {
    Ok(Json(state.services.media.fsck().status().await?))
}

#[derive(Deserialize, Default)]
struct FsckBody {
    #[serde(default)]
    repair: bool,
}

/// Starts fsck in the background (it reads every object, which takes a while): 202, then poll
/// `GET /api/v1/admin/fsck`. 409 while a run is going.
async fn start_fsck(
    State(state): State<AppState>,
    Admin(admin): Admin,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // No body means a check without repairs.
    let FsckBody { repair } = if body.is_empty() {
        FsckBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError(Problem::BadInput {
                detail: format!("send {{\"repair\": true|false}} or nothing ({e})"),
            })
        })?
    };
    let run = state.services.media.fsck().start(repair, &admin)?;
    Ok((StatusCode::ACCEPTED, Json(run)).into_response())
}

/// The console's bucket move on this node: running, or the last one finished here.
async fn bucket_move(State(state): State<AppState>, _: Admin) -> Json<MigrateRun> {
    Json(state.services.media.bucket_move().status())
}

#[derive(Deserialize)]
struct BucketMove {
    to: String,
}

/// Starts moving every object to a new bucket in the background: 202, then poll
/// `GET /api/v1/admin/bucket`. 409 while a move is going, 422 for a name S3 would refuse.
async fn start_bucket_move(
    State(state): State<AppState>,
    Admin(admin): Admin,
    body: Result<Json<BucketMove>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let run = state.services.media.bucket_move().start(&body.to, &admin)?;
    Ok((StatusCode::ACCEPTED, Json(run)).into_response())
}

#[derive(Deserialize)]
struct UserQuery {
    #[serde(default)]
    q: String,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn users(
    State(state): State<AppState>,
    _: Admin,
    query: Result<Query<UserQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let (cursor, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = state
        .services
        .accounts
        .list_for_admin(&query.q, cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

#[derive(Deserialize)]
struct AuditQuery {
    action: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// The audit log, newest first; `action` filters (`photo` for every `photo.…`).
async fn audit(
    State(state): State<AppState>,
    _: Admin,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let Query(query) = query?;
    let (cursor, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    Ok(Json(
        state
            .services
            .audit
            .page(query.action.as_deref(), cursor, limit)
            .await?,
    ))
}

async fn user_action(
    State(state): State<AppState>,
    Admin(admin): Admin,
    raw: String,
    action: UserAction,
) -> Result<Json<AdminUserView>, ApiError> {
    let handle = user_in_path(&raw)?;
    let view = state
        .services
        .accounts
        .admin_action(&handle, action, &admin)
        .await?;
    Ok(Json(view))
}

async fn status(State(state): State<AppState>, _: Admin) -> Result<Json<SyncStatus>, ApiError> {
    Ok(Json(state.services.media.queue().status().await?))
}

/// Pause, resume or retry; answers with the sync's status after it.
async fn control(
    state: AppState,
    admin: photoshare_domain::accounts::User,
    action: SyncAction,
) -> Result<Json<SyncStatus>, ApiError> {
    state.services.media.control_sync(action, &admin).await?;
    Ok(Json(state.services.media.queue().status().await?))
}
