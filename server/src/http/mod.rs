//! HTTP: the routes that are not server functions, and the layers around everything.

mod account;
mod admin;
mod announce;
mod api;
mod auth;
mod cluster;
mod error;
mod form;
mod guard;
mod home;
mod live;
mod media;
mod moderation;
mod notifications;
mod ops;
mod sessions;
mod share;
mod social;
mod state;
mod statics;
mod tokens;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use leptos::prelude::provide_context;
use photoshare_domain::metrics::Metrics;
use photoshare_domain::problem::Problem;
use std::path::Path;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use state::AppState;

/// Every route of the public JSON API, by method and path as docs/API.md names them. A test checks
/// that the documentation has exactly these and that the server answers each one.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/v1/accounts"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("POST", "/api/v1/photos"),
    ("GET", "/api/v1/photos/recent"),
    ("GET", "/api/v1/photos/{id}"),
    ("PATCH", "/api/v1/photos/{id}"),
    ("DELETE", "/api/v1/photos/{id}"),
    ("GET", "/api/v1/photos/popular"),
    ("GET", "/api/v1/feeds/fans"),
    ("GET", "/api/v1/users/{handle}/photos"),
    ("GET", "/api/v1/users/{handle}/favorites"),
    ("GET", "/api/v1/users/top"),
    ("GET", "/api/v1/live"),
    ("GET", "/api/v1/photos/live"),
    ("PUT", "/api/v1/photos/{id}/favorite"),
    ("DELETE", "/api/v1/photos/{id}/favorite"),
    ("GET", "/api/v1/photos/{id}/favorites"),
    ("PUT", "/api/v1/users/{handle}/fan"),
    ("DELETE", "/api/v1/users/{handle}/fan"),
    ("GET", "/api/v1/users/{handle}/fans"),
    ("GET", "/api/v1/users/{handle}/fan-of"),
    ("PUT", "/api/v1/users/{handle}/block"),
    ("DELETE", "/api/v1/users/{handle}/block"),
    ("PUT", "/api/v1/users/{handle}/mute"),
    ("DELETE", "/api/v1/users/{handle}/mute"),
    ("GET", "/api/v1/me/blocks"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/tags/{tag}/photos"),
    ("GET", "/api/v1/tags/trending"),
    ("GET", "/api/v1/notifications"),
    ("GET", "/api/v1/notifications/unread"),
    ("POST", "/api/v1/notifications/read"),
    ("GET", "/api/v1/me/notification-settings"),
    ("PUT", "/api/v1/me/notification-settings"),
    ("GET", "/api/v1/users/{handle}"),
    ("GET", "/api/v1/me"),
    ("PATCH", "/api/v1/me"),
    ("PUT", "/api/v1/me/icon"),
    ("GET", "/api/v1/photos/{id}/comments"),
    ("POST", "/api/v1/photos/{id}/comments"),
    ("DELETE", "/api/v1/photos/{id}/comments/{comment_id}"),
    ("POST", "/api/v1/announcements"),
    ("GET", "/api/v1/announcements/current"),
    ("GET", "/api/v1/announcements"),
    ("GET", "/api/v1/announcements/live"),
    ("DELETE", "/api/v1/announcements/{id}"),
    ("POST", "/api/v1/photos/{id}/reports"),
    ("GET", "/api/v1/admin/moderation"),
    ("POST", "/api/v1/admin/photos/{id}/hide"),
    ("POST", "/api/v1/admin/photos/{id}/unhide"),
    ("DELETE", "/api/v1/admin/photos/{id}"),
    ("GET", "/api/v1/admin/overview"),
    ("GET", "/api/v1/admin/sync"),
    ("POST", "/api/v1/admin/sync/pause"),
    ("POST", "/api/v1/admin/sync/resume"),
    ("POST", "/api/v1/admin/sync/retry"),
    ("POST", "/api/v1/admin/fsck"),
    ("GET", "/api/v1/admin/fsck"),
    ("POST", "/api/v1/admin/bucket"),
    ("GET", "/api/v1/admin/bucket"),
    ("GET", "/api/v1/admin/nodes"),
    ("GET", "/api/v1/admin/audit"),
    ("GET", "/api/v1/admin/users"),
    ("POST", "/api/v1/admin/users/{handle}/promote"),
    ("POST", "/api/v1/admin/users/{handle}/ban"),
    ("POST", "/api/v1/admin/users/{handle}/unban"),
    ("GET", "/api/v1/status"),
    ("GET", "/api/v1/me/sessions"),
    ("DELETE", "/api/v1/me/sessions"),
    ("DELETE", "/api/v1/me/sessions/{id}"),
    ("PUT", "/api/v1/me/password"),
    ("POST", "/api/v1/tokens"),
    ("GET", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{id}"),
    ("GET", "/api/v1/me/2fa"),
    ("POST", "/api/v1/me/2fa"),
    ("DELETE", "/api/v1/me/2fa"),
    ("POST", "/api/v1/me/2fa/confirm"),
    ("POST", "/api/v1/me/2fa/recovery-codes"),
    ("GET", "/api/v1/me/export"),
    ("DELETE", "/api/v1/me"),
];

pub fn router(state: AppState, dist: &Path) -> Router {
    photoshare_app::register_server_functions();
    let frontend = statics::service(dist);
    let routes = Router::new()
        .nest(
            "/api/v1",
            api::router(state.max_upload)
                .merge(social::router(state.max_upload))
                .merge(announce::router(state.max_upload))
                .merge(live::router())
                .merge(moderation::router())
                .merge(tokens::router())
                .merge(sessions::router())
                .merge(account::router())
                .merge(notifications::router()),
        )
        .nest("/api/v1/admin", admin::router())
        .route("/api/sf/{*fn_name}", any(server_fn))
        .route(
            "/api/{*rest}",
            any(|| async { ApiError(Problem::NoSuchEndpoint) }),
        )
        .route("/", axum::routing::get(home::home_page))
        .route("/index.html", axum::routing::get(home::home_page))
        .route("/p/{id}", axum::routing::get(share::photo_page))
        .route("/admin", axum::routing::get(admin::console_page))
        .merge(media::router())
        .merge(cluster::router(state.max_upload))
        .merge(ops::router())
        .fallback_service(frontend)
        .with_state(state.clone());
    // The routes as one service inside another router: axum adds a 405's `Allow` as the outermost
    // router answers, after every layer of that router, so the JSON errors go around it.
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(error::json_errors))
        .layer(middleware::from_fn(guard::same_site))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::client_addr,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        // Not the data exports (stored photos do not compress, and gzip would cost CPU for
        // nothing), nor the front end's files (sent as compressed at build time).
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/zip"))
                    .and(statics::not_static),
            ),
        )
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.body_idle_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Runs a server function. Its error body is the [`Problem`] as JSON (the browser shows it in
/// the UI's language); the status comes from the same mapping as the JSON API's
/// ([`error::status_of`]), so a browser and a script see the same status for the same failure.
async fn server_fn(State(state): State<AppState>, req: Request) -> Response {
    let services = state.services.clone();
    let response =
        leptos_axum::handle_server_fns_with_context(move || provide_context(services.clone()), req)
            .await
            .into_response();
    if response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(problem) = serde_json::from_slice::<Problem>(&bytes) {
        parts.status = error::status_of(&problem);
        if let Some(after) = error::retry_after(&problem) {
            parts.headers.insert(http::header::RETRY_AFTER, after);
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    Metrics::inc(&state.services.metrics.http_requests);
    next.run(req).await
}
