//! My account: two-factor sign-in (`/me/2fa…`), "export my data" (`GET /me/export`, a zip that
//! streams) and "delete my account" (`DELETE /me`). Changing sign-in or deleting takes a
//! signed-in session, never a token.

use super::auth::{SessionUser, SignedIn};
use super::error::ApiError;
use super::state::AppState;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use photoshare_domain::accounts::clear_cookie;
use photoshare_domain::db::{now_micros, rfc3339};
use photoshare_domain::my_data::AccountDeletion;
use photoshare_domain::throttle::{Action, ClientAddr};
use photoshare_domain::views::{RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/me/2fa",
            get(two_factor_status).post(start).delete(turn_off),
        )
        .route("/me/2fa/confirm", post(confirm))
        .route("/me/2fa/recovery-codes", post(renew_codes))
        .route("/me/export", get(export))
        .route("/me", axum::routing::delete(delete_account))
}

#[derive(Deserialize)]
struct PasswordBody {
    password: String,
}

#[derive(Deserialize)]
struct CodeBody {
    code: String,
}

#[derive(Deserialize)]
struct TurnOff {
    password: String,
    code: String,
}

#[derive(Deserialize)]
struct Deletion {
    password: String,
    confirm: String,
    #[serde(default)]
    code: Option<String>,
}

async fn two_factor_status(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<TwoFactorStatus>, ApiError> {
    Ok(Json(
        state.services.accounts.two_factor_status(&user).await?,
    ))
}

async fn start(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Extension(client): Extension<ClientAddr>,
    body: Result<Json<PasswordBody>, JsonRejection>,
) -> Result<Json<TwoFactorEnrolment>, ApiError> {
    let Json(body) = body?;
    Ok(Json(
        state
            .services
            .accounts
            .start_two_factor(&user, &body.password, &client.0)
            .await?,
    ))
}

async fn confirm(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    body: Result<Json<CodeBody>, JsonRejection>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let Json(body) = body?;
    Ok(Json(
        state
            .services
            .accounts
            .confirm_two_factor(&user, &body.code)
            .await?,
    ))
}

async fn turn_off(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Extension(client): Extension<ClientAddr>,
    body: Result<Json<TurnOff>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(body) = body?;
    state
        .services
        .accounts
        .disable_two_factor(&user, &body.password, &body.code, &client.0)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn renew_codes(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    body: Result<Json<CodeBody>, JsonRejection>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let Json(body) = body?;
    Ok(Json(
        state
            .services
            .accounts
            .renew_recovery_codes(&user, &body.code)
            .await?,
    ))
}

async fn delete_account(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    Extension(client): Extension<ClientAddr>,
    body: Result<Json<Deletion>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let ask = AccountDeletion {
        password: &body.password,
        confirm: &body.confirm,
        code: body.code.as_deref(),
    };
    state
        .services
        .delete_account(&user, &ask, &client.0)
        .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie())],
    )
        .into_response())
}

/// Bytes of the zip in flight between the export and the client at most.
const EXPORT_PIPE_BYTES: usize = 256 * 1024;

/// The zip streams as the export writes it: only the file being added is in memory. Should the
/// export fail part way, the response ends with an error rather than a clean end, so the client
/// sees an incomplete download, never a zip that looks whole.
async fn export(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Response, ApiError> {
    state
        .services
        .throttle
        .hit(Action::Export, &user.id.to_string())
        .await?;
    let (writer, reader) = tokio::io::duplex(EXPORT_PIPE_BYTES);
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<bool>();
    let services = state.services.clone();
    let who = user.clone();
    tokio::spawn(async move {
        let result = services.export(&who, writer).await;
        if let Err(e) = &result {
            tracing::warn!(user = %who.handle, error = %e, "export ended early");
        }
        let _ = done_tx.send(result.is_ok());
    });
    let stream =
        futures::stream::unfold((reader, Some(done_rx)), |(mut reader, done)| async move {
            let done = done?;
            let mut buf = bytes::BytesMut::with_capacity(64 * 1024);
            match reader.read_buf(&mut buf).await {
                Ok(0) => match done.await {
                    Ok(true) => None,
                    _ => Some((
                        Err(std::io::Error::other("the export failed")),
                        (reader, None),
                    )),
                },
                Ok(_) => Some((Ok(buf.freeze()), (reader, Some(done)))),
                Err(e) => Some((Err(e), (reader, None))),
            }
        });
    let date = &rfc3339(now_micros())[..10];
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"photoshare-{}-{date}.zip\"",
                    user.handle
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
