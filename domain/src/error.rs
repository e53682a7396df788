//! The domain's one error type. It knows nothing of HTTP; the server maps each kind to a status.

use crate::types::Invalid;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was refused; the message says why, for the person who sent it.
    #[error("{0}")]
    Invalid(String),
    /// The thing already exists (a taken handle).
    #[error("{0}")]
    Conflict(String),
    /// Wrong handle or password. Deliberately does not say which.
    #[error("Wrong handle or password.")]
    BadCredentials,
    /// The action needs a signed-in user.
    #[error("Please log in first.")]
    Unauthenticated,
    /// Signed in, but not allowed to do this (delete someone else's comment).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The account is banned.
    #[error("This account has been suspended by an administrator.")]
    Suspended,
    /// The content was removed by an admin and may not be posted again (HTTP 451).
    #[error("This image was removed by an administrator and cannot be posted again.")]
    Blocked,
    /// The upload is not an image we accept.
    #[error("{0}")]
    UnsupportedMedia(String),
    /// The upload is bigger than we accept.
    #[error("{0}")]
    TooLarge(String),
    /// The local disk is too full to accept an upload safely.
    #[error(
        "The server's storage is full right now; your photo was not saved. Please try again later."
    )]
    InsufficientStorage,
    /// The bytes are not available right now (no local copy and S3 is unreachable).
    #[error("This image is temporarily unavailable; please try again shortly.")]
    Unavailable,
    /// The database stayed busy past its timeout (a write lock held too long, a deadlock, no
    /// free connection): nothing was changed, and the same request may succeed in a moment.
    #[error("PhotoShare is busy right now; nothing was changed. Please try again in a moment.")]
    Busy(#[source] sqlx::Error),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("I/O error")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Internal(String),
}

impl From<Invalid> for Error {
    fn from(e: Invalid) -> Self {
        Error::Invalid(e.0)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if is_busy(&e) {
            Error::Busy(e)
        } else {
            Error::Database(e)
        }
    }
}

/// Whether a database error means "busy, try again" rather than a fault: SQLite's BUSY (5) and
/// LOCKED (6) with their extended codes (BUSY_SNAPSHOT = 517, …), PostgreSQL's serialization
/// failure, deadlock and lock timeout, and a pool with no free connection in time.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => match db.code() {
            // A PostgreSQL SQLSTATE first; else SQLite's numeric (extended) result code.
            Some(code) => match code.as_ref() {
                "40001" | "40P01" | "55P03" => true,
                code => code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
            },
            None => false,
        },
        _ => false,
    }
}

impl Error {
    pub fn internal(msg: impl std::fmt::Display) -> Self {
        Error::Internal(msg.to_string())
    }
}
