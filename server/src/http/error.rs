//! The JSON API's error: a status and `{"error": "<message>"}`, never a stack trace. Domain errors
//! map through [`AppError`], the same mapping the server functions use.

use axum::extract::multipart::MultipartError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use photoshare_app::error::AppError;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self(AppError::new(status.as_u16(), message))
    }

    pub fn not_found(message: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response =
            (status, Json(serde_json::json!({ "error": self.0.message }))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // Busy or unreachable for a moment: say when to come back rather than leave a client
            // to guess (or hammer).
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(photoshare_app::error::RETRY_AFTER_SECS),
            );
        }
        response
    }
}

impl From<photoshare_domain::Error> for ApiError {
    fn from(e: photoshare_domain::Error) -> Self {
        Self(AppError::from(e))
    }
}

impl From<photoshare_domain::types::Invalid> for ApiError {
    fn from(e: photoshare_domain::types::Invalid) -> Self {
        Self(AppError::from(e))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        let status = match e {
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            JsonRejection::JsonSyntaxError(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Self::new(status, e.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, e.body_text())
    }
}

impl From<MultipartError> for ApiError {
    fn from(e: MultipartError) -> Self {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "That upload is larger than PhotoShare accepts.".to_owned()
        } else {
            format!("The upload could not be read: {}", e.body_text())
        };
        Self::new(status, message)
    }
}

/// Middleware for `/api/v1`: an error answered by the framework itself rather than by a handler
/// (405 for a method the route lacks, a path that does not parse, a body over the limit) gets the
/// API's JSON error shape too, keeping its headers (`Allow` on a 405). Handlers' own errors are
/// JSON already and pass untouched.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The framework's own text (a path that does not parse says which part); short, so read it.
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(axum::http::header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            format!("This endpoint does not take that method. It takes: {allowed}.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => "That request is larger than PhotoShare accepts.".into(),
        _ => text.unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("The request failed")
                .to_owned()
        }),
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let json = Json(serde_json::json!({ "error": message })).into_response();
    let (json_parts, json_body) = json.into_parts();
    parts.headers.extend(json_parts.headers);
    Response::from_parts(parts, json_body)
}
