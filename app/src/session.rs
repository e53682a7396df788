//! Who is signed in: the server functions for the session, and (on the server) the cookie that
//! carries it.

use crate::error::AppError;
use leptos::prelude::*;
use photoshare_domain::types::UserView;

/// The signed-in user, if any.
#[server(prefix = "/api/sf", endpoint = "me")]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    crate::session::ssr::answer(async move {
        let services = ssr::services()?;
        Ok(ssr::user(&services).await?.map(|u| u.view()))
    })
    .await
}

#[server(prefix = "/api/sf", endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    crate::session::ssr::answer(async move {
        let services = ssr::services()?;
        if let Some(token) = ssr::request_token() {
            services.accounts.end_session(&token).await?;
        }
        ssr::set_cookie(ssr::clear_cookie());
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Session plumbing shared by the server functions and the JSON API.

    use crate::error::AppError;
    use http::header::{COOKIE, SET_COOKIE};
    use http::{HeaderMap, HeaderValue};
    use leptos::prelude::*;
    use photoshare_domain::accounts::{User, SESSION_DAYS};
    use photoshare_domain::Services;

    pub const SESSION_COOKIE: &str = "photoshare_session";

    /// The session token in a request's cookies.
    pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.to_owned())
    }

    /// `Set-Cookie` for a new session: HttpOnly so scripts never see it, SameSite=Lax so other
    /// sites cannot post with it.
    pub fn session_cookie(token: &str) -> String {
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
            SESSION_DAYS * 86_400
        )
    }

    pub fn clear_cookie() -> String {
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
    }

    /// Runs a server function's body. A failure answers with the error's own status (401, 409,
    /// 422, …), not a blanket 500.
    pub async fn answer<T>(
        body: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let options = use_context::<leptos_axum::ResponseOptions>();
        let result = body.await;
        if let (Err(e), Some(options)) = (&result, options) {
            if let Ok(code) = http::StatusCode::from_u16(e.status) {
                options.set_status(code);
                if code == http::StatusCode::SERVICE_UNAVAILABLE {
                    options.insert_header(
                        http::header::RETRY_AFTER,
                        HeaderValue::from(crate::error::RETRY_AFTER_SECS),
                    );
                }
            }
        }
        result
    }

    /// The services, as the server put them in the server function's context.
    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>()
            .ok_or_else(|| AppError::new(500, "The server is not set up correctly."))
    }

    pub fn request_token() -> Option<String> {
        use_context::<http::request::Parts>().and_then(|p| token_from_headers(&p.headers))
    }

    pub fn set_cookie(cookie: String) {
        if let (Some(opts), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            opts.append_header(SET_COOKIE, v);
        }
    }

    /// The signed-in user of the current server-function call.
    pub async fn user(services: &Services) -> Result<Option<User>, AppError> {
        match request_token() {
            Some(t) => Ok(services.accounts.user_for_session(&t).await?),
            None => Ok(None),
        }
    }

    /// Starts a session for `user` and sets its cookie on the response.
    pub async fn start_session(services: &Services, user: &User) -> Result<(), AppError> {
        let token = services.accounts.create_session(user).await?;
        set_cookie(session_cookie(&token.0));
        Ok(())
    }
}
