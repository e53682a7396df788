//! Who a JSON API request acts for: the signed-in user of the session cookie, or the owner of a
//! personal access token (`Authorization: Bearer pst_…`) within the token's scopes — `read` for
//! GET and HEAD, `write` for every other method, and `admin` as well for the admin routes.

use super::error::ApiError;
use super::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use photoshare_domain::accounts::token_from_cookies;
use photoshare_domain::accounts::User;
use photoshare_domain::problem::Problem;
use photoshare_domain::views::Scope;

/// The session token in a request's cookies.
pub(super) fn session_token(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get_all(header::COOKIE).iter();
    token_from_cookies(cookies.filter_map(|v| v.to_str().ok()))
}

/// The secret of an `Authorization: Bearer …` header.
pub(super) fn bearer_secret(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim().to_owned())
}

/// Who a request acts for.
struct Caller {
    user: User,
    /// A token's scopes; `None` for a session (which may do all its user may).
    scopes: Option<Vec<Scope>>,
}

impl Caller {
    /// 403 `token_scope` unless a token carries `scope`.
    fn may(&self, scope: Scope) -> Result<(), ApiError> {
        match &self.scopes {
            Some(scopes) if !scopes.contains(&scope) => Err(ApiError(Problem::TokenScope {
                scope: scope.as_str().into(),
            })),
            _ => Ok(()),
        }
    }
}

/// The user a request acts for, if any: a token's owner (401 `bad_token` for a token that does
/// not check out; 403 `token_scope` unless it may read, for GET and HEAD, or write, for every
/// other method), else the session's user.
async fn caller(parts: &Parts, state: &AppState) -> Result<Option<Caller>, ApiError> {
    if let Some(secret) = bearer_secret(&parts.headers) {
        let bearer = state
            .services
            .tokens
            .bearer(&secret)
            .await?
            .ok_or(ApiError(Problem::BadToken))?;
        let caller = Caller {
            user: bearer.user,
            scopes: Some(bearer.scopes),
        };
        let reads = parts.method == Method::GET || parts.method == Method::HEAD;
        caller.may(if reads { Scope::Read } else { Scope::Write })?;
        return Ok(Some(caller));
    }
    match session_token(&parts.headers) {
        Some(token) => Ok(state
            .services
            .accounts
            .user_for_session(&token)
            .await?
            .map(|user| Caller { user, scopes: None })),
        None => Ok(None),
    }
}

/// Extracting this answers 401 when nobody is signed in.
pub struct SignedIn(pub User);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller(parts, state)
            .await?
            .ok_or(ApiError(Problem::LoginRequired))?;
        Ok(SignedIn(caller.user))
    }
}

/// The user of a signed-in session, never a token (403 `session_required` with one): for what a
/// leaked token must not do, such as making more tokens.
pub struct SessionUser(pub User);

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if bearer_secret(&parts.headers).is_some() {
            return Err(ApiError(Problem::SessionRequired));
        }
        let token = session_token(&parts.headers).ok_or(ApiError(Problem::LoginRequired))?;
        let user = state
            .services
            .accounts
            .user_for_session(&token)
            .await?
            .ok_or(ApiError(Problem::LoginRequired))?;
        Ok(SessionUser(user))
    }
}

/// Extracting this answers 401 without a session, 403 for a signed-in user who is not an admin
/// (or, with `--require-admin-2fa`, an admin without two-factor sign-in: `two_factor_needed`),
/// and 403 `token_scope` for a token without the `admin` scope.
pub struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller(parts, state)
            .await?
            .ok_or(ApiError(Problem::LoginRequired))?;
        state.services.accounts.check_admin(&caller.user).await?;
        caller.may(Scope::Admin)?;
        Ok(Admin(caller.user))
    }
}

/// The signed-in user if there is one; never rejects (for pages anyone may read), but for a token
/// that does not check out.
pub struct Viewer(pub Option<User>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Viewer(caller(parts, state).await?.map(|c| c.user)))
    }
}
