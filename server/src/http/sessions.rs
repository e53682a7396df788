//! My sessions and my password: list the sessions (device, address, last seen), end one, end every
//! other one, change the password (ending every other session). A signed-in session only, never a
//! token.

use super::auth::{session_token, SessionUser};
use super::error::ApiError;
use super::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, put};
use axum::{Extension, Json, Router};
use photoshare_domain::problem::Problem;
use photoshare_domain::throttle::ClientAddr;
use photoshare_domain::types::Password;
use photoshare_domain::views::SessionView;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/sessions", get(list).delete(end_others))
        .route("/me/sessions/{id}", delete(end_one))
        .route("/me/password", put(change_password))
}

/// The caller's own session token (a `SessionUser` has one).
fn current(headers: &HeaderMap) -> Result<String, ApiError> {
    session_token(headers).ok_or(ApiError(Problem::LoginRequired))
}

async fn list(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    headers: HeaderMap,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    let current = current(&headers)?;
    Ok(Json(
        state.services.accounts.sessions(&user, &current).await?,
    ))
}

async fn end_one(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .accounts
        .end_session_by_id(&user, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn end_others(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let current = current(&headers)?;
    state
        .services
        .accounts
        .end_other_sessions(&user, &current)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct PasswordChange {
    old_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Extension(client): Extension<ClientAddr>,
    headers: HeaderMap,
    body: Result<Json<PasswordChange>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(change) = body?;
    let new = Password::parse(&change.new_password)?;
    let current = current(&headers)?;
    state
        .services
        .accounts
        .change_password(&user, &change.old_password, &new, &current, &client.0)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
