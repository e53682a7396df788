//! The signed-in user of a JSON API request, from the session cookie.

use super::error::ApiError;
use super::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use photoshare_domain::accounts::token_from_cookies;

/// The session token in a request's cookies.
pub(super) fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    let cookies = headers.get_all(axum::http::header::COOKIE).iter();
    token_from_cookies(cookies.filter_map(|v| v.to_str().ok()))
}
use photoshare_domain::accounts::User;
use photoshare_domain::problem::Problem;

/// Extracting this answers 401 when nobody is signed in.
pub struct SignedIn(pub User);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = session_token(&parts.headers).ok_or(ApiError(Problem::LoginRequired))?;
        let user = state
            .services
            .accounts
            .user_for_session(&token)
            .await?
            .ok_or(ApiError(Problem::LoginRequired))?;
        Ok(SignedIn(user))
    }
}

/// Extracting this answers 401 without a session and 403 for a signed-in user who is not an admin.
pub struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        if !user.is_admin {
            return Err(ApiError(Problem::AdminsOnly));
        }
        Ok(Admin(user))
    }
}

/// The signed-in user if there is one; never rejects (for pages anyone may read).
pub struct Viewer(pub Option<User>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match session_token(&parts.headers) {
            Some(token) => Ok(Viewer(
                state.services.accounts.user_for_session(&token).await?,
            )),
            None => Ok(Viewer(None)),
        }
    }
}
