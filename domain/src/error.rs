//! The domain's one error type. It knows nothing of HTTP (the server maps each [`Problem`] to a
//! status) and holds no English for the user (a [`Problem`] is a code with its values).

pub use crate::problem::Problem;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused for a reason the person who asked can read and act on.
    #[error(transparent)]
    Refused(#[from] Problem),
    /// The database stayed busy past its timeout (a write lock held too long, a deadlock, no
    /// free connection): nothing was changed, and the same request may succeed in a moment.
    #[error("the database is busy")]
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

    /// What the person who asked is told: the problem itself, or [`Problem::Busy`], or
    /// [`Problem::Internal`] for a fault whose cause is only for the log.
    pub fn problem(&self) -> Problem {
        match self {
            Error::Refused(p) => p.clone(),
            Error::Busy(_) => Problem::Busy,
            _ => Problem::Internal,
        }
    }

    /// What the person who asked is told, with a fault's cause logged here, once (a refusal is
    /// not logged: it is an answer, not a failure). Every adapter (server functions, the JSON
    /// API) turns domain errors into problems through this.
    pub fn into_problem(self) -> Problem {
        match &self {
            Error::Refused(_) => {}
            Error::Busy(_) => tracing::warn!(error = ?self, "database busy past its timeout"),
            _ => tracing::error!(error = ?self, "internal error"),
        }
        self.problem()
    }

    /// Whether this is `problem` (for callers that treat one refusal specially).
    pub fn is(&self, problem: &Problem) -> bool {
        matches!(self, Error::Refused(p) if p == problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
    use sqlx::{Connection, Executor};
    use std::str::FromStr;

    /// A write that meets another connection's write lock (with no time left to wait) is "busy,
    /// try again" — the API's 503 — not a fault.
    #[tokio::test]
    async fn a_locked_sqlite_database_is_busy_not_a_fault() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .busy_timeout(std::time::Duration::ZERO);
        let mut holder = SqliteConnection::connect_with(&options).await.unwrap();
        let mut other = SqliteConnection::connect_with(&options).await.unwrap();
        holder.execute("CREATE TABLE t (x BIGINT)").await.unwrap();
        holder.execute("BEGIN IMMEDIATE").await.unwrap();
        let e = Error::from(
            other
                .execute("INSERT INTO t (x) VALUES (1)")
                .await
                .unwrap_err(),
        );
        assert!(matches!(e, Error::Busy(_)), "{e:?}");
        assert_eq!(e.problem(), Problem::Busy);
        // Any other database error stays a fault, whose cause is not shown.
        let e = Error::from(other.execute("SELECT * FROM nowhere").await.unwrap_err());
        assert!(matches!(e, Error::Database(_)), "{e:?}");
        assert_eq!(e.problem(), Problem::Internal);
    }
}
