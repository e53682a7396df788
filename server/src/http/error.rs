//! The JSON API's error: a [`Problem`] answered with its status and
//! `{"error": "<message in the request's language>", "code": "<code>", …its values}`, never a
//! stack trace. The one mapping from problem to HTTP status is here ([`status_of`]); server
//! functions' answers get their status from it too (the server-function route in `http/mod.rs`).

use axum::extract::multipart::MultipartError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::Locale;

/// How long a client should wait before retrying a 503 for a busy database.
pub const RETRY_AFTER_BUSY_SECS: u32 = 2;
/// … and for media while S3 is unreachable (it comes back when S3 does).
pub const RETRY_AFTER_UNAVAILABLE_SECS: u32 = 30;

/// The HTTP status of each problem.
pub fn status_of(p: &Problem) -> StatusCode {
    use Problem::*;
    match p {
        HandleLength { .. }
        | HandleStart
        | HandleChars
        | HandleReserved { .. }
        | PasswordShort { .. }
        | PasswordLong { .. }
        | TextEmpty { .. }
        | TextLong { .. }
        | TextControl { .. }
        | TextEncoding { .. }
        | LocaleUnknown
        | BadId { .. }
        | BadHash
        | BadTag
        | BadSearch { .. }
        | BadSearchType
        | BadIdempotencyKey { .. }
        | HashMismatch
        | BadScope { .. }
        | BadCursor
        | BadLimit { .. }
        | BadLink
        | BadExpiry
        | ExpiryPast
        | EmptyImage
        | ImageUnreadable
        | OwnFan
        | OwnBlock
        | OwnReport
        | AdminNotBannable
        | MissingImage
        | BadInput { .. }
        | ConfirmMismatch { .. }
        | BadVisibility
        | BadBucket { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        BadRequest { .. } => StatusCode::BAD_REQUEST,
        HandleTaken { .. }
        | AlreadyReported
        | FsckRunning
        | MigrateRunning
        | TwoFactorOn
        | TwoFactorOff
        | LastAdmin => StatusCode::CONFLICT,
        BadCredentials | LoginRequired | ClusterSecret | BadToken | TwoFactorRequired
        | BadTwoFactorCode => StatusCode::UNAUTHORIZED,
        Suspended
        | AdminsOnly
        | NotCommentAuthor
        | NotPhotoOwner
        | BlockedUser
        | CrossSite
        | TokenScope { .. }
        | TwoFactorNeeded
        | SessionRequired => StatusCode::FORBIDDEN,
        RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        NoSuchUser { .. }
        | NoSuchPhoto
        | NoSuchComment
        | NoSuchAnnouncement
        | NoSuchSession
        | NoSuchToken
        | NoSuchImage
        | NoSuchEndpoint => StatusCode::NOT_FOUND,
        MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        NotAnImage | FormatNotAccepted { .. } | FormatVariant | NotMultipart | NotJson => {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        }
        FileTooLarge { .. } | ImageTooLarge { .. } | ImageTooComplex { .. } | RequestTooLarge => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        Blocked => StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
        StorageFull => StatusCode::INSUFFICIENT_STORAGE,
        Unavailable | Busy | Unreachable => StatusCode::SERVICE_UNAVAILABLE,
        Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `Retry-After` for a problem that is worth retrying soon.
pub fn retry_after(p: &Problem) -> Option<HeaderValue> {
    match p {
        Problem::Busy => Some(HeaderValue::from(RETRY_AFTER_BUSY_SECS)),
        Problem::Unavailable => Some(HeaderValue::from(RETRY_AFTER_UNAVAILABLE_SECS)),
        Problem::RateLimited { seconds, .. } => Some(HeaderValue::from(*seconds)),
        _ => None,
    }
}

/// The language a request asks for (`Accept-Language`, in the client's order), else English.
pub fn request_locale(headers: &HeaderMap) -> Locale {
    headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|tag| Locale::from_tag(tag.split(';').next()?.trim()))
        .next()
        .unwrap_or_default()
}

/// The JSON error body for `p`, its message in `locale`.
pub fn body(p: &Problem, locale: Locale) -> serde_json::Value {
    let mut body = serde_json::to_value(p).unwrap_or_else(|_| serde_json::json!({}));
    body["error"] = p
        .render(|s| photoshare_app::i18n::translate(locale, s))
        .into();
    body
}

#[derive(Debug)]
pub struct ApiError(pub Problem);

impl IntoResponse for ApiError {
    /// English here; [`json_errors`] rewrites the message in the request's language (the
    /// problem rides along in the response's extensions).
    fn into_response(self) -> Response {
        let mut response = (status_of(&self.0), Json(body(&self.0, Locale::En))).into_response();
        if let Some(after) = retry_after(&self.0) {
            response.headers_mut().insert(header::RETRY_AFTER, after);
        }
        response.extensions_mut().insert(self.0);
        response
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        Self(p)
    }
}

impl From<photoshare_domain::Error> for ApiError {
    fn from(e: photoshare_domain::Error) -> Self {
        Self(e.into_problem())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        Self(match e {
            JsonRejection::MissingJsonContentType(_) => Problem::NotJson,
            _ if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::RequestTooLarge,
            JsonRejection::JsonSyntaxError(_) => Problem::BadRequest {
                detail: e.body_text(),
            },
            _ => Problem::BadInput {
                detail: e.body_text(),
            },
        })
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        Self(Problem::BadInput {
            detail: e.body_text(),
        })
    }
}

impl From<MultipartError> for ApiError {
    fn from(e: MultipartError) -> Self {
        Self(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::RequestTooLarge
        } else {
            Problem::BadRequest {
                detail: e.body_text(),
            }
        })
    }
}

/// Middleware for the JSON API (`/api/` but server functions, whose errors the browser words
/// itself): every error answers in the request's language, and an error the framework produced
/// rather than a handler (405 for a method the route lacks, a path that does not parse, a body
/// over the limit) gets the API's JSON shape too, keeping its headers (`Allow` on a 405).
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") || path.starts_with("/api/sf/") {
        return next.run(req).await;
    }
    let locale = request_locale(req.headers());
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body_in) = response.into_parts();
    let problem = match parts.extensions.remove::<Problem>() {
        Some(_) if locale == Locale::En => {
            return Response::from_parts(parts, body_in);
        }
        Some(p) => p,
        None => {
            let is_json = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"));
            if is_json {
                return Response::from_parts(parts, body_in);
            }
            // The framework's own text (a path that does not parse says which part).
            let text = axum::body::to_bytes(body_in, 4096)
                .await
                .ok()
                .and_then(|b| String::from_utf8(b.to_vec()).ok())
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty());
            match status {
                StatusCode::METHOD_NOT_ALLOWED => Problem::MethodNotAllowed {
                    allowed: parts
                        .headers
                        .get(header::ALLOW)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned(),
                },
                StatusCode::PAYLOAD_TOO_LARGE => Problem::RequestTooLarge,
                StatusCode::NOT_FOUND => Problem::NoSuchEndpoint,
                s if s.is_server_error() => Problem::Internal,
                _ => Problem::BadRequest {
                    detail: text.unwrap_or_else(|| {
                        status.canonical_reason().unwrap_or_default().to_owned()
                    }),
                },
            }
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let json = Json(body(&problem, locale)).into_response();
    let (json_parts, json_body) = json.into_parts();
    parts.headers.extend(json_parts.headers);
    Response::from_parts(parts, json_body)
}
