//! The error every server function returns: a status and a message written for the user.
//! On the server, domain errors map to it in one place ([`AppError::from`]), which the JSON API
//! reuses, so a browser and a script see the same status and words for the same failure.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub status: u16,
    pub message: String,
}

/// How long a client should wait before retrying a 503 (database busy, storage unreachable).
pub const RETRY_AFTER_SECS: u32 = 2;

impl AppError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            ServerFnErrorErr::Request(_) => Self::new(
                503,
                "PhotoShare cannot be reached. Check your connection and try again.",
            ),
            other => Self::new(500, format!("Something went wrong: {other}")),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<photoshare_domain::Error> for AppError {
    fn from(e: photoshare_domain::Error) -> Self {
        use photoshare_domain::Error as E;
        let status = match &e {
            E::Invalid(_) => 422,
            E::Conflict(_) => 409,
            E::BadCredentials | E::Unauthenticated => 401,
            E::Forbidden(_) | E::Suspended => 403,
            E::Blocked => 451,
            E::NotFound(_) => 404,
            E::UnsupportedMedia(_) => 415,
            E::TooLarge(_) => 413,
            E::InsufficientStorage => 507,
            E::Unavailable => 503,
            E::Busy(_) => {
                tracing::warn!(error = ?e, "database busy past its timeout");
                503
            }
            E::Database(_) | E::Migrate(_) | E::Io(_) | E::Internal(_) => {
                // The cause is for the log, not for the user.
                tracing::error!(error = ?e, "internal error");
                return Self::new(500, "Something went wrong on our side. Please try again.");
            }
        };
        Self::new(status, e.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<photoshare_domain::types::Invalid> for AppError {
    fn from(e: photoshare_domain::types::Invalid) -> Self {
        Self::new(422, e.0)
    }
}
