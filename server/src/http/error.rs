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
        (status, Json(serde_json::json!({ "error": self.0.message }))).into_response()
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
