//! What every route shares: the services and the server's settings.

use axum::response::{IntoResponse, Response};
use photoshare_domain::Services;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub max_upload: u64,
    /// The built front end (index.html, wasm, css).
    pub dist: std::path::PathBuf,
    /// The web app's Content-Security-Policy, from the built index.html.
    pub csp: super::guard::Csp,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: std::sync::Arc<Vec<crate::config::Cidr>>,
    /// How long a request body may send nothing before the request fails.
    pub body_idle_timeout: std::time::Duration,
}

/// The app's index.html, for the routes that answer with it themselves (`/p/{id}`, `/admin`);
/// 404 when the front end is not built.
pub(super) async fn index_html(state: &AppState) -> Result<String, Response> {
    read_index(&state.dist.join("index.html")).await
}

/// The admins' index.html (dist/admin/, the bundle with the console), or the visitors' if the
/// admins' bundle is not built (its /admin page then says so).
pub(super) async fn console_html(state: &AppState) -> Result<String, Response> {
    match read_index(&state.dist.join("admin/index.html")).await {
        Ok(html) => Ok(html),
        Err(_) => index_html(state).await,
    }
}

async fn read_index(path: &std::path::Path) -> Result<String, Response> {
    tokio::fs::read_to_string(path).await.map_err(|_| {
        (
            axum::http::StatusCode::NOT_FOUND,
            "The front end is not built.",
        )
            .into_response()
    })
}
