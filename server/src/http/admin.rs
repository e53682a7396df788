//! Admin API: the console's overview, the sync switch (the 2008 operator's manual switch, made
//! safe), retry now, fsck, and users. Every route answers 401 without a session and 403 for a
//! user who is not an admin.

use super::api::PageQuery;
use super::auth::Admin;
use super::{ApiError, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use photoshare_domain::db::{now_micros, rfc3339};
use photoshare_domain::media::SyncStatus;
use photoshare_domain::problem::Problem;
use photoshare_domain::views::{AdminOverview, AdminUserView, FsckRun};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/overview", get(overview))
        .route("/sync", get(status))
        .route("/sync/pause", post(pause))
        .route("/sync/resume", post(resume))
        .route("/sync/retry", post(retry))
        .route("/fsck", get(fsck_status).post(start_fsck))
        .route("/users", get(users))
        .route(
            "/users/{handle}/promote",
            post(|s, a, Path(h)| user_action(s, a, h, Action::Promote)),
        )
        .route(
            "/users/{handle}/ban",
            post(|s, a, Path(h)| user_action(s, a, h, Action::Ban)),
        )
        .route(
            "/users/{handle}/unban",
            post(|s, a, Path(h)| user_action(s, a, h, Action::Unban)),
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
    let status = match admin {
        Ok(_) => StatusCode::OK,
        Err(e) => super::error::status_of(&e.0),
    };
    match super::index_html(&state).await {
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
    let s = &state.services;
    Ok(Json(AdminOverview {
        storage: s.media.storage_health().await?,
        cache: s.media.cache_stats().await?,
        moderation_queue: s.moderation.queue_len().await?,
    }))
}

async fn retry(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<Json<SyncStatus>, ApiError> {
    tracing::warn!(admin = %admin.handle, "sync retry asked by an admin");
    state.services.media.retry_now().await?;
    status(State(state), Admin(admin)).await
}

/// Where the last finished console fsck is kept, so its report outlives a restart.
const FSCK_KEY: &str = "fsck_last_run";

/// The run going on this node, else the last one finished (on any node, kept in the database).
async fn fsck_status(State(state): State<AppState>, _: Admin) -> Result<Json<FsckRun>, ApiError> {
    let here = state.fsck.lock().map(|r| r.clone()).unwrap_or_default();
    if here.running {
        return Ok(Json(here));
    }
    let kept = state.services.db.setting(FSCK_KEY).await?;
    Ok(Json(
        kept.and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or(here),
    ))
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
    {
        let mut run = state.fsck.lock().map_err(|_| ApiError(Problem::Internal))?;
        if run.running {
            return Err(ApiError(Problem::FsckRunning));
        }
        *run = FsckRun {
            running: true,
            repair,
            started_at: Some(rfc3339(now_micros())),
            ..Default::default()
        };
    }
    tracing::warn!(admin = %admin.handle, repair, "fsck started from the console");
    let (media, slot) = (state.services.media.clone(), state.fsck.clone());
    let db = state.services.db.clone();
    tokio::spawn(async move {
        let result = media.fsck(repair).await;
        let mut run = slot.lock().map(|r| r.clone()).unwrap_or_default();
        run.running = false;
        run.finished_at = Some(rfc3339(now_micros()));
        match result {
            Ok(report) => run.report = Some(report),
            Err(e) => run.error = Some(e.to_string()),
        }
        // Kept before it shows as finished, so a reader never gets an older kept run.
        let kept = match serde_json::to_string(&run) {
            Ok(json) => db.set_setting(FSCK_KEY, &json).await.map(|_| ()),
            Err(e) => Err(photoshare_domain::Error::internal(e)),
        };
        if let Err(e) = kept {
            tracing::warn!(error = %e, "could not keep the fsck report");
        }
        if let Ok(mut slot) = slot.lock() {
            *slot = run;
        }
    });
    let run = state.fsck.lock().map(|r| r.clone()).unwrap_or_default();
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
    let (cursor, limit) = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let page = state
        .services
        .accounts
        .list_for_admin(&query.q, cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

enum Action {
    Promote,
    Ban,
    Unban,
}

async fn user_action(
    State(state): State<AppState>,
    Admin(admin): Admin,
    raw: String,
    action: Action,
) -> Result<Json<AdminUserView>, ApiError> {
    let handle = super::social::handle(&raw)?;
    let accounts = &state.services.accounts;
    match action {
        Action::Promote => accounts.promote(&handle).await?,
        Action::Ban => accounts.set_banned(&handle, true).await?,
        Action::Unban => accounts.set_banned(&handle, false).await?,
    }
    tracing::warn!(admin = %admin.handle, user = %handle, "user changed by an admin");
    Ok(Json(accounts.admin_view(&handle).await?))
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
