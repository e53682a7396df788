//! Personal access tokens: `POST /api/v1/tokens` makes one (its secret shown once), `GET` lists
//! the caller's, `DELETE /api/v1/tokens/{id}` revokes one. Making and revoking take a signed-in
//! session, not a token.

use super::auth::{SessionUser, SignedIn};
use super::error::ApiError;
use super::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use photoshare_domain::types::TokenName;
use photoshare_domain::views::{NewToken, Scope, TokenView};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{id}", delete(revoke))
}

#[derive(Deserialize)]
struct NewTokenBody {
    name: String,
    scopes: Vec<String>,
}

async fn create(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    body: Result<Json<NewTokenBody>, JsonRejection>,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    let Json(body) = body?;
    let name = TokenName::parse(&body.name)?;
    let scopes = body
        .scopes
        .iter()
        .map(|s| Scope::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let made = state.services.tokens.create(&user, &name, &scopes).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    Ok(Json(state.services.tokens.list(&user).await?))
}

async fn revoke(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.tokens.revoke(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
