//! Who is signed in: the server functions for the session, and (on the server) the cookie that
//! carries it.

use crate::error::AppError;
use leptos::prelude::*;
use photoshare_domain::types::UserView;
use photoshare_domain::views::ProfileChange;

/// The signed-in user, if any.
#[server(prefix = "/api/sf", endpoint = "me", protocol = crate::sf::Sf)]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let services = ssr::services()?;
    Ok(ssr::user(&services).await?.map(|u| u.view()))
}

#[server(prefix = "/api/sf", endpoint = "log_out", protocol = crate::sf::Sf)]
pub async fn log_out() -> Result<(), AppError> {
    let services = ssr::services()?;
    if let Some(token) = ssr::request_token() {
        services.accounts.end_session(&token).await?;
    }
    ssr::set_cookie(photoshare_domain::accounts::clear_cookie());
    Ok(())
}

/// Changes the signed-in user's account (only the fields given); the settings page and the
/// language switch use it.
#[server(prefix = "/api/sf", endpoint = "update_profile", protocol = crate::sf::Sf)]
pub async fn update_profile(change: ProfileChange) -> Result<UserView, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.accounts.change_profile(&user, &change).await?)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Session plumbing shared by the server functions and the JSON API.

    use crate::error::AppError;
    use http::header::{COOKIE, SET_COOKIE};
    use http::{HeaderMap, HeaderValue};
    use leptos::prelude::*;
    use photoshare_domain::accounts::{session_cookie, token_from_cookies, User};
    use photoshare_domain::problem::Problem;
    use photoshare_domain::Services;

    /// The session token in a request's cookies.
    pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
        token_from_cookies(
            headers
                .get_all(COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
        )
    }

    /// The services, as the server put them in the server function's context.
    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>().ok_or(AppError(Problem::Internal))
    }

    /// The address the current server-function call came from (as the server decided it).
    pub fn client_addr() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.extensions
                    .get::<photoshare_domain::throttle::ClientAddr>()
                    .map(|c| c.0.clone())
            })
            .unwrap_or_default()
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

    /// The services and who is asking (anyone may).
    pub async fn viewer() -> Result<(Services, Option<User>), AppError> {
        let services = services()?;
        let user = user(&services).await?;
        Ok((services, user))
    }

    /// The services and the signed-in user; `login_required` when nobody is.
    pub async fn signed_in() -> Result<(Services, User), AppError> {
        let (services, user) = viewer().await?;
        let user = user.ok_or(AppError(Problem::LoginRequired))?;
        Ok((services, user))
    }

    /// The services and the signed-in admin; `login_required`, `admins_only` or
    /// `two_factor_needed` otherwise.
    pub async fn admin() -> Result<(Services, User), AppError> {
        let (services, user) = signed_in().await?;
        services.accounts.check_admin(&user).await?;
        Ok((services, user))
    }

    /// The browser or app a request comes from, as its User-Agent says (bytes that are not UTF-8
    /// replaced; the session keeps only printable characters). The JSON API reads it here too.
    pub fn device(headers: &HeaderMap) -> String {
        headers
            .get(http::header::USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default()
    }

    /// Starts a session for `user` and sets its cookie on the response.
    pub async fn start_session(services: &Services, user: &User) -> Result<(), AppError> {
        let device = use_context::<http::request::Parts>()
            .map(|p| device(&p.headers))
            .unwrap_or_default();
        let token = services
            .accounts
            .create_session(user, &client_addr(), &device)
            .await?;
        set_cookie(session_cookie(
            &token.0,
            services.accounts.session_limits().max,
        ));
        Ok(())
    }
}
